"""`Authorization: Bearer <key>`: the key acts as its organisation (CONTRACT.md § Partner API)."""

from django.conf import settings
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.throttling import SimpleRateThrottle

from ..sleutels import sleutel_van


class Partner:
    """request.user of an API request: the organisation of the key (request.auth is the ApiSleutel)."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, sleutel):
        self.sleutel = sleutel
        self.organisatie = sleutel.organisatie


class SleutelAuthenticatie(BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        soort, _, key = header.partition(" ")
        if soort.lower() != "bearer" or not key.strip():
            raise exceptions.AuthenticationFailed("Gebruik 'Authorization: Bearer <API-sleutel>'.")
        sleutel = sleutel_van(key.strip())  # from the database on every request: revocation counts at once
        if sleutel is None:
            raise exceptions.AuthenticationFailed("Deze API-sleutel is onbekend of ingetrokken.")
        return Partner(sleutel), sleutel

    def authenticate_header(self, request):
        return 'Bearer realm="BZT partner-API"'


class SleutelThrottle(SimpleRateThrottle):
    """Requests per key (BZT_API_LIMIET, e.g. "120/min"), counted in the Django cache: Redis when CACHE_URL is
    set, so every gunicorn worker shares the count."""

    scope = "api_sleutel"

    def get_rate(self):
        return settings.BZT_API_LIMIET

    def get_cache_key(self, request, view):
        if request.auth is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
