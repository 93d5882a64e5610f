"""At every login: remember when the session started (absolute timeout) and how the user logged in."""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .bewaren import bij_inloggen
from .services import MFA_EXTERN_SESSION_KEY, MFA_OIDC_ATTRIBUUT

INGELOGD_OP = "bzt_ingelogd_op"
LAATST_ACTIEF = "bzt_laatst_actief"
OIDC_BACKEND = "bzt.auth.oidc.GemeenteOIDCBackend"


@receiver(user_logged_in, dispatch_uid="bzt_auth_sessie_start")
def sessie_start(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None:
        return
    now = time.time()
    session[INGELOGD_OP] = now
    session[LAATST_ACTIEF] = now
    bij_inloggen(session, user)  # input kept from before the timeout: only for the same user
    via_oidc = getattr(user, "backend", None) == OIDC_BACKEND
    # Only when the ID token of this very login said MFA was done (bzt.auth.oidc.mfa_gedaan).
    if via_oidc and settings.OIDC_MFA_TRUSTED and getattr(user, MFA_OIDC_ATTRIBUUT, False) is True:
        session[MFA_EXTERN_SESSION_KEY] = True
    else:
        session.pop(MFA_EXTERN_SESSION_KEY, None)


@receiver(user_logged_in, dispatch_uid="bzt_auth_tweestaps_hersteld")
def tweestaps_hersteld_melden(sender, request, user, **kwargs):
    """Tell the user, once, at the first login after functioneel beheer reset their second factor
    (bzt.beheer.tweestaps_resetten); a reset they did not ask for is a reason to call beheer."""
    hersteld_op = getattr(user, "tweestaps_hersteld_op", None)
    if hersteld_op is None or request is None or not hasattr(request, "_messages"):
        return
    from django.contrib import messages
    from django.utils import timezone

    from bzt.audit import acting_as

    moment = timezone.localtime(hersteld_op)
    messages.warning(
        request,
        f"Functioneel beheer heeft op {moment:%d-%m-%Y} om {moment:%H:%M} uw tweestapsverificatie hersteld. "
        "Stel nu een nieuwe authenticator-app in. Hebt u hier niet om gevraagd? Neem dan direct contact op met "
        "functioneel beheer.",
    )
    with acting_as(user, reason="melding over herstelde tweestapsverificatie getoond"):
        user.tweestaps_hersteld_op = None
        user.save(update_fields=["tweestaps_hersteld_op"])
