"""Under /api/: `API-Version` on every response, a body larger than BZT_API_MAX_BYTES refused with 413, and every
error that is not yet problem+json (Django's 404 and 500 pages, a 405, a refusal by other middleware) rewritten
as one. Placed right inside GeenCacheMiddleware, so it sees every response of the layers inside it."""

import logging

from django.conf import settings

from .fouten import PROBLEM, probleem_http

API_PREFIX = "/api/"
API_VERSIE = "1.0.0"

logger = logging.getLogger(__name__)


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        response = self._antwoord(request)
        response["API-Version"] = API_VERSIE
        return response

    def _antwoord(self, request):
        lengte = request.META.get("CONTENT_LENGTH") or "0"
        try:
            te_groot = int(lengte) > settings.BZT_API_MAX_BYTES
        except ValueError:
            return probleem_http(400, "Ongeldige Content-Length.")
        if te_groot:
            return probleem_http(413, f"De body is groter dan {settings.BZT_API_MAX_BYTES} bytes.")
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(PROBLEM):
            vervangen = probleem_http(response.status_code)
            if response.has_header("Allow"):
                vervangen["Allow"] = response["Allow"]
            return vervangen
        return response
