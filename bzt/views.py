import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from . import tasks


@login_required
@permission_required("bzt.beheren_gebruikers", raise_exception=True)
@require_POST
def inactieve_accounts_blokkeren(request):
    if tasks.start_task(tasks.inactieve_accounts_blokkeren, door=request.user).gelukt is False:
        messages.error(request, tasks.NIET_GESTART)
    else:
        messages.success(request, "Het blokkeren van inactieve accounts is gestart.")
    return redirect("home")


@cache_control(max_age=3600, public=True)
def huisstijl_css(request):
    """The municipality's colour as a CSS custom property (a file, so the CSP needs no inline style)."""
    from django.conf import settings

    kleur = settings.BZT_HUISSTIJL_KLEUR
    if not re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", kleur):
        kleur = "#a4001d"  # a malformed setting must not inject CSS
    css = f":root {{ --bzt-huisstijl: {kleur}; }}\n"
    return HttpResponse(css, content_type="text/css")


def healthz(request):
    """For the container healthcheck: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def csrf_fout(request, reason=""):
    """CSRF_FAILURE_VIEW: Dutch, on the product's layout. A form of a logged-in user whose token is only out of
    date (they logged in again in another tab) is kept like a form posted after a timeout and shown again
    (bzt.auth.bewaren); its origin was already verified by Django before the token was compared."""
    from django.shortcuts import render

    from .auth import bewaren

    bewaard = False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and request.method == "POST" and reason.endswith("incorrect."):
        velden = bewaren.velden_uit(request)
        if velden is not None:
            bewaren.bewaren(request.session, gebruiker_pk=user.pk, request=request, velden=velden)
            bewaard = True
    return render(request, "403_csrf.html", {"bewaard": bewaard, "terug": bewaren.terugpad(request)}, status=403)
