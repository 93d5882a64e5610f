import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from . import tasks
from .services import inactive_accounts


@login_required
def home(request):
    """The start page of the user's role: what that person has to do today."""
    role = request.user.rol
    context = {"role": role}
    if request.user.has_perm("meldpunt.view_melding"):
        from meldpunt.selectors import WACHTRIJEN, wachtrij_tellingen

        context.update(wachtrijen=WACHTRIJEN, tellingen=wachtrij_tellingen(request.user))
    if request.user.has_perm("bzt.beheren_gebruikers"):
        context["inactieve_accounts"] = inactive_accounts().count()
    if request.user.has_perm("casusregie.zien_alle_casussen"):
        from casusregie.dashboard import kerncijfers

        context["kerncijfers"] = kerncijfers(request.user)
    if request.user.has_perm("casusregie.werken_als_regisseur"):
        from casusregie.selectors import regisseur_vandaag

        context["vandaag"] = regisseur_vandaag(request.user)
    if request.user.has_perm("casusregie.behandelen_escalatie"):
        from casusregie.selectors import escalaties_op_mijn_niveau

        context["escalaties"] = escalaties_op_mijn_niveau(request.user)
    template = f"home/{role.group}.html" if role else "home/geen_rol.html"
    return render(request, template, context)


@login_required
@permission_required("bzt.beheren_gebruikers", raise_exception=True)
@require_POST
def inactieve_accounts_blokkeren(request):
    if tasks.start_task(tasks.deactivate_inactive_accounts, door=request.user).gelukt is False:
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
