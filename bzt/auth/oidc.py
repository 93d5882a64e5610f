"""Optional login with the municipality's account (OIDC, mozilla-django-oidc).

Only existing, active BZT accounts can log in this way: the e-mail address of the identity provider (or the
claim named in OIDC_USERNAME_CLAIM, matched on the username) must match exactly one account. Nobody is
created (OIDC_CREATE_USER=False) and the role still comes from BZT, never from the identity provider.
"""

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class GemeenteOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        users = self.UserModel.objects.filter(is_active=True)
        username_claim = getattr(settings, "OIDC_USERNAME_CLAIM", "")
        if username_claim and claims.get(username_claim):
            return users.filter(username=claims[username_claim])
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        return users.filter(email__iexact=email)

    def create_user(self, claims):  # pragma: no cover - OIDC_CREATE_USER is False; refuse even if it is not
        return None

    def update_user(self, user, claims):
        """Nothing from the identity provider is written to the account (its role stays BZT's)."""
        return user

    def user_can_authenticate(self, user):
        return user.is_active
