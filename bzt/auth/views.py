"""The second step of logging in, enrolling an authenticator app, and the user's own 2FA page."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import bewaren, services
from .forms import CodeForm
from .signals import LAATST_ACTIEF


def _next(request):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


def _met_next(url_name, next_url):
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url != reverse("home") else url


@never_cache
@login_required
def tweestaps_controleren(request):
    """Enter the code of the authenticator app (after the password)."""
    next_url = _next(request)
    if not services.tweestaps_verplicht(request.user) or services.is_geverifieerd(request):
        return redirect(next_url)
    apparaat = services.bevestigd_apparaat(request.user)
    if apparaat is None:
        return redirect(_met_next("tweestaps_instellen", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.code_controleren(request=request, apparaat=apparaat, code=form.cleaned_data["code"])
        except services.TweestapsFout as fout:
            form.add_error("code", str(fout))
        else:
            return redirect(next_url)
    return render(request, "bzt/auth/controleren.html", {"form": form, "next": next_url})


@never_cache
@login_required
def tweestaps_instellen(request):
    """Enrol an authenticator app: scan the QR code (or type the key) and confirm with a code.

    The first time right after the password; to replace the app (new phone) only from a verified session.
    """
    next_url = _next(request)
    gebruiker = request.user
    if not services.tweestaps_verplicht(gebruiker):
        messages.info(request, "Voor uw account is tweestapsverificatie niet nodig.")
        return redirect("home")
    vervangen = services.bevestigd_apparaat(gebruiker) is not None
    if vervangen and not services.is_geverifieerd(request):
        return redirect(_met_next("tweestaps_controleren", next_url))
    apparaat = services.apparaat_voor_instellen(gebruiker=gebruiker)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.apparaat_bevestigen(request=request, apparaat=apparaat, code=form.cleaned_data["code"])
        except services.TweestapsFout as fout:
            form.add_error("code", str(fout))
        else:
            messages.success(
                request, "Tweestapsverificatie is ingesteld. Voortaan vraagt BZT na uw wachtwoord om een code."
            )
            return redirect(next_url)
    return render(
        request,
        "bzt/auth/instellen.html",
        {
            "form": form,
            "next": next_url,
            "vervangen": vervangen,
            "qr": services.qr_data_uri(apparaat),
            "sleutel": services.base32_sleutel(apparaat),
        },
    )


@never_cache
@login_required
def tweestaps_overzicht(request):
    """The user's own page: is 2FA set up, since when, last used; set up a new app."""
    return render(
        request,
        "bzt/auth/overzicht.html",
        {
            "verplicht": services.tweestaps_verplicht(request.user),
            "apparaat": services.bevestigd_apparaat(request.user),
        },
    )


@never_cache
@login_required
@require_POST
def sessie_verlengen(request):
    """ "Blijf ingelogd" and typing in a form (static/js/bzt.js): the idle timeout starts again.

    The session middleware has already logged out a session that ended; this only renews a living one."""
    request.session[LAATST_ACTIEF] = time.time()
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"resterend": settings.BZT_SESSIE_INACTIEF_MINUTEN * 60})
    return redirect(bewaren.terugpad(request) or "home")


@never_cache
@login_required
def invoer_herstellen(request):
    """What the user typed before being logged out: send it again (a form to its own URL, with a fresh CSRF
    token, so the normal view checks everything again) or throw it away. Only the user's own input."""
    if request.method == "POST":
        if bewaren.verwijderen(request.session, request.POST.get("weggooien", "")):
            messages.success(request, "De bewaarde invoer is weggegooid.")
        return redirect("invoer_herstellen")
    items = bewaren.voor(request)
    if not items:
        return redirect("home")
    return render(request, "bzt/auth/invoer_herstellen.html", {"items": items})
