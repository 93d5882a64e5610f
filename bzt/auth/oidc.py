"""Optional login with the municipality's account (OIDC, mozilla-django-oidc).

Only existing, active BZT accounts can log in this way, and only on a claim the identity provider vouches
for: the account bound to the ID token's `sub`; an account not yet bound is found once by a *verified*
e-mail address (`email_verified` true), or by the claim named in OIDC_USERNAME_CLAIM (matched on the
username), and is then bound to that `sub`. Nobody is created (OIDC_CREATE_USER=False) and the role still
comes from BZT, never from the identity provider.

The identity provider's MFA replaces the BZT code only with OIDC_MFA_TRUSTED and when the ID token says MFA
was done (`amr`, or an `acr` listed in OIDC_MFA_ACR_VALUES): `mfa_gedaan`.
"""

import logging

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .services import MFA_OIDC_ATTRIBUUT, oidc_subject_koppelen

LOGGER = logging.getLogger(__name__)

# Authentication method references (RFC 8176) by kind of factor: two kinds, or "mfa" itself, is MFA.
KENNIS = {"pwd", "pin", "kba"}
BEZIT = {"otp", "hwk", "swk", "sms", "tel", "sc"}
KENMERK = {"fpt", "face", "iris", "retina", "vbm"}


def mfa_gedaan(id_token):
    """The (verified) ID token says this login used more than one factor."""
    amr = id_token.get("amr") or []
    methoden = {amr} if isinstance(amr, str) else {m for m in amr if isinstance(m, str)}
    if "mfa" in methoden or sum(bool(methoden & soort) for soort in (KENNIS, BEZIT, KENMERK)) >= 2:
        return True
    acr = id_token.get("acr")
    return isinstance(acr, str) and acr in settings.OIDC_MFA_ACR_VALUES


def _waar(claim):
    return claim is True or (isinstance(claim, str) and claim.lower() == "true")


class GemeenteOIDCBackend(OIDCAuthenticationBackend):
    def get_or_create_user(self, access_token, id_token, payload):
        """`payload` holds the claims of the ID token, verified by mozilla-django-oidc (signature, nonce)."""
        subject = payload.get("sub")
        if not isinstance(subject, str) or not subject:
            raise SuspiciousOperation("ID token zonder sub")
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != subject:  # OpenID Connect Core 5.3.2: else the userinfo must not be used
            raise SuspiciousOperation("sub van userinfo en ID token verschillen")
        users = list(self.filter_users_by_claims(payload | userinfo))
        if len(users) != 1:
            LOGGER.info("OIDC-login geweigerd: %d passende accounts", len(users))
            return None
        user = users[0]
        if user.oidc_subject is None and not oidc_subject_koppelen(door=user, gebruiker=user, subject=subject):
            return None
        setattr(user, MFA_OIDC_ATTRIBUUT, mfa_gedaan(payload))  # read by bzt.auth.signals at login
        return user

    def filter_users_by_claims(self, claims):
        """The account bound to `sub`; else, for an account not bound yet, the username claim or the verified
        e-mail address. An account bound to another subject is never matched by e-mail or username."""
        subject = claims.get("sub")
        if not subject:
            return self.UserModel.objects.none()
        gebonden = self.UserModel.objects.filter(oidc_subject=subject)
        if gebonden.exists():
            return gebonden.filter(is_active=True)
        users = self.UserModel.objects.filter(is_active=True, oidc_subject__isnull=True)
        username_claim = getattr(settings, "OIDC_USERNAME_CLAIM", "")
        if username_claim:
            value = claims.get(username_claim)
            return users.filter(username=value) if isinstance(value, str) and value else users.none()
        email = claims.get("email")
        if not _waar(claims.get("email_verified")) or not isinstance(email, str) or not email.strip():
            return users.none()
        return users.filter(email__iexact=email.strip())

    def create_user(self, claims):  # pragma: no cover - OIDC_CREATE_USER is False; refuse even if it is not
        return None

    def update_user(self, user, claims):
        """Nothing from the identity provider is written to the account (its role stays BZT's)."""
        return user

    def user_can_authenticate(self, user):
        return user.is_active
