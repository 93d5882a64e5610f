"""Session timeouts and the two-factor gate, for every request."""

import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .services import is_geverifieerd, tweestaps_verplicht
from .signals import INGELOGD_OP, LAATST_ACTIEF

# Reachable without the second factor: logging in and out, the 2FA pages themselves, and what the login
# page and the container need (health check, the municipality's stylesheet). Static files never get here.
ZONDER_TWEESTAPS = {
    "login",
    "logout",
    "tweestaps_controleren",
    "tweestaps_instellen",
    "healthz",
    "huisstijl_css",
    "oidc_authentication_init",
    "oidc_authentication_callback",
    "oidc_logout",
}


def _is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def _next_path(request):
    """Where to return to afterwards: this page (a GET), or for htmx the page the fragment belongs to."""
    if _is_htmx(request):
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        return current.path + (f"?{current.query}" if current.query else "") if current.path else ""
    return request.get_full_path() if request.method == "GET" else ""


def _naar(request, url_name):
    url = reverse(url_name)
    next_path = _next_path(request)
    if next_path and next_path != "/":
        url += "?" + urlencode({"next": next_path})
    if _is_htmx(request):
        # A fragment must not be replaced by a whole page: htmx follows HX-Redirect with a full navigation.
        response = HttpResponse(status=401)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


# The last activity is saved at most once a minute (not a session write on every request): the idle timeout
# is exact to the minute.
ACTIVITEIT_OPSLAAN_NA = 60


class SessieTimeoutMiddleware:
    """Logs out after BZT_SESSIE_INACTIEF_MINUTEN without a request, and BZT_SESSIE_MAXIMAAL_UREN after login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            ingelogd_op = session.setdefault(INGELOGD_OP, now)
            laatst_actief = session.setdefault(LAATST_ACTIEF, now)
            reden = None
            if now - ingelogd_op > settings.BZT_SESSIE_MAXIMAAL_UREN * 3600:
                reden = (
                    f"U bent automatisch uitgelogd: u was langer dan {settings.BZT_SESSIE_MAXIMAAL_UREN} uur "
                    "ingelogd. Log opnieuw in."
                )
            elif now - laatst_actief > settings.BZT_SESSIE_INACTIEF_MINUTEN * 60:
                reden = (
                    f"U bent automatisch uitgelogd na {settings.BZT_SESSIE_INACTIEF_MINUTEN} minuten zonder "
                    "activiteit. Log opnieuw in."
                )
            if reden:
                logout(request)
                messages.info(request, reden)
                return _naar(request, "login")
            if now - laatst_actief >= ACTIVITEIT_OPSLAAN_NA:
                session[LAATST_ACTIEF] = now
        return self.get_response(request)


class TweestapsMiddleware:
    """Accounts that can see personal data reach nothing but the 2FA pages until this session is verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ZONDER_TWEESTAPS:
            return None
        if not tweestaps_verplicht(user) or is_geverifieerd(request):
            return None
        return _naar(request, "tweestaps_controleren")
