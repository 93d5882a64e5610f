"""Session timeouts and the two-factor gate, for every request."""

import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from . import bewaren
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


# Public pages that take a POST without a session (logging in, the admin's own login); every other POST without
# a session is one whose session ended (docs/security.md § Nooit getypt werk kwijt).
OPENBAAR_POST = ZONDER_TWEESTAPS | {"sessie_verlengen", "beheer:wachtwoord_instellen"}  # first-login link
OPENBAAR_NAMESPACES = {"admin", "api"}  # the partner API authenticates by key, per request


def _is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def _next_path(request):
    """Where to return to afterwards: this page (a GET), or for htmx the page the fragment belongs to."""
    if _is_htmx(request):
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        return current.path + (f"?{current.query}" if current.query else "") if current.path else ""
    if request.method == "GET":
        return request.get_full_path()
    # After a POST: back to the page of the form, never to the POST-only URL (a GET there would be a 405).
    return bewaren.terugpad(request)


def _naar(request, url_name, next_path=None):
    url = reverse(url_name)
    next_path = _next_path(request) if next_path is None else next_path
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


def _view_name(request):
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None, None
    return match.view_name, match.namespace


class _CsrfControle(CsrfViewMiddleware):
    """Django's own check, answering a refusal without rendering the failure page (nothing to show here)."""

    def _reject(self, request, reason):
        return HttpResponse(status=403)


def _csrf_geldig(request):
    """The same CSRF check Django makes before a view: kept input must come from a form of the BZT."""
    return _CsrfControle(lambda r: None).process_view(request, _geen_view, (), {}) is None


def _geen_view(request):  # pragma: no cover - only passed to the CSRF check, never called
    return None


def _te_bewaren(request):
    """The typed fields of this POST when it should be kept, else None."""
    if request.method != "POST":
        return None
    naam, namespace = _view_name(request)
    if naam is None or naam in OPENBAAR_POST or naam == "invoer_herstellen" or namespace in OPENBAAR_NAMESPACES:
        return None
    velden = bewaren.velden_uit(request)
    if velden is None or not _csrf_geldig(request):
        return None
    return velden


NIET_BEWAARD = "Uw sessie was verlopen. Wat u verstuurde is niet opgeslagen; log opnieuw in en probeer het nog eens."
BEWAARD = (
    "Wat u verstuurde is nog niet opgeslagen, maar BZT heeft het bewaard. Na het inloggen ziet u het terug "
    "en kunt u het alsnog versturen."
)


class SessieTimeoutMiddleware:
    """Logs out after BZT_SESSIE_INACTIEF_MINUTEN without a request, and BZT_SESSIE_MAXIMAAL_UREN after login.

    A form posted after that is kept for the same user (bzt.auth.bewaren) and shown again after logging in;
    a form posted without any session goes back to its page after logging in (never a 405). Every response
    to a logged-in user says how many seconds of the session are left (header X-BZT-Sessie-Resterend), so
    the warning in static/js/bzt.js comes in time.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and not user.is_authenticated and request.method == "POST":
            naam, namespace = _view_name(request)
            # Without a session nobody is known to keep the input for; back to the form's page after logging in
            # (without a Referer the view's own login redirect follows, and its 405 is the Dutch page).
            pagina = bewaren.terugpad(request)
            if naam is not None and naam not in OPENBAAR_POST and namespace not in OPENBAAR_NAMESPACES and pagina:
                messages.info(request, NIET_BEWAARD)
                return _naar(request, "login", next_path=pagina)
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
                gebruiker_pk = user.pk
                velden = _te_bewaren(request)
                logout(request)
                messages.info(request, reden)
                if velden is None:
                    return _naar(request, "login")
                bewaren.bewaren(request.session, gebruiker_pk=gebruiker_pk, request=request, velden=velden)
                messages.info(request, BEWAARD)
                return _naar(request, "login", next_path=reverse("invoer_herstellen"))
            if now - laatst_actief >= ACTIVITEIT_OPSLAAN_NA:
                session[LAATST_ACTIEF] = now
            if request.method == "POST" and request.POST.get("_bzt_bewaren"):
                # The page's timer ran out while a form held typed text (static/js/bzt.js) but another tab kept
                # the session alive: keep it, never apply it without the user's confirmation.
                velden = _te_bewaren(request)
                if velden is not None:
                    bewaren.bewaren(session, gebruiker_pk=user.pk, request=request, velden=velden)
                    return redirect("invoer_herstellen")
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and LAATST_ACTIEF in request.session:
            over = settings.BZT_SESSIE_INACTIEF_MINUTEN * 60 - (time.time() - request.session[LAATST_ACTIEF])
            response["X-BZT-Sessie-Resterend"] = str(max(0, int(over)))
            herstel = request.POST.get("_bzt_herstel") if request.method == "POST" else None
            if herstel and 300 <= response.status_code < 400:
                bewaren.verwijderen(request.session, herstel)  # sent again and accepted
        return response


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
