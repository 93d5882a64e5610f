"""No browser or proxy cache keeps a page of the BZT (docs/security.md § Security headers and settings)."""

from django.utils.cache import add_never_cache_headers, patch_vary_headers

# Views whose answer is the same for everyone and holds nothing personal; they keep their own caching.
# Static files never get here (WhiteNoise answers them before this middleware).
CACHEBAAR = {"huisstijl_css"}


class GeenCacheMiddleware:
    """Every response is `no-store, private` unless its view is listed in CACHEBAAR.

    The default holds for every page, fragment, PDF, CSV and error page, also those made by other middleware
    (the 2FA gate, the lockout page, a CSRF refusal), so a new view cannot forget it. A view's own
    Cache-Control is merged, never loosened: what it asks stays, no-store and private are added.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in CACHEBAAR:
            return response
        add_never_cache_headers(response)  # max-age=0, no-cache, no-store, must-revalidate, private; Expires
        response["Pragma"] = "no-cache"  # HTTP/1.0 caches
        patch_vary_headers(response, ["Cookie"])
        return response


class FoutpaginaMiddleware:
    """A view that refuses the method (require_POST, HttpResponseNotAllowed) answers with an empty 405; the user
    gets the Dutch page on the product's layout instead (templates/405.html), with the same Allow header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not getattr(response, "streaming", False) and not response.content:
            from django.shortcuts import render

            pagina = render(request, "405.html", status=405)
            if response.has_header("Allow"):
                pagina["Allow"] = response["Allow"]
            return pagina
        return response
