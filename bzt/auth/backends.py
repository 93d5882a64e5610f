"""Lockout after repeated failed logins (django-axes), by the combination of username and client address."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' backend, first in AUTHENTICATION_BACKENDS.

    Every web login (the login form, the operator admin, OIDC) passes the request and is checked. A call
    without a request comes from code on the server itself (a shell, a management command): there is no
    client to lock out, so it is let through to the next backend instead of raising.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request):
    """The client's address for the lockout (AXES_CLIENT_IP_CALLABLE).

    Without proxies (BZT_PROXY_AANTAL=0) that is REMOTE_ADDR. Behind N trusted reverse proxies, each of which
    appends the address it received the request from to X-Forwarded-For, the client is the N-th entry from
    the right; entries further left were sent by the client and cannot be trusted.
    """
    proxies = settings.BZT_PROXY_AANTAL
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")
