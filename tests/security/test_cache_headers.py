"""No browser or proxy cache keeps a BZT page: every URL, for every role of the permission matrix, answers with
`Cache-Control: no-store, private` (bzt.middleware.GeenCacheMiddleware). Only the municipality's stylesheet
(same for everyone) keeps its own caching."""

from django.db import transaction
from django.test import Client
from django.urls import path, reverse

from bzt.middleware import CACHEBAAR
from tests.security import test_permission_matrix as matrix
from tests.security.test_permission_matrix import ACTORS, MATRIX, USERNAMES, url_for, url_names

world = matrix.world  # the fixture: the marker case and everything the URLs need

# Screens that carry personal data, each of which must have been answered 200 by someone during the walk.
PERSOONLIJK = [
    "casusregie:dossier",
    "casusregie:plan",
    "meldpunt:melding",
    "meldpunt:zoeken",
    "mdo:agenda_pdf",
    "mdo:besluiten_pdf",
    "bestandstaak_download",  # the PDF itself (bzt.bestandstaken)
    "inzagelog",
    "inzagelog_export",
    "monitor:rapport_download",
    "monitor:csv",
    "monitor:xlsx",
]


def _niet_bewaard(response):
    cache_control = {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",")}
    return (
        {"no-store", "private"} <= cache_control
        and response.get("Pragma") == "no-cache"
        and ("cookie" in response.get("Vary", "").lower())
    )


def _eerste_met_toegang(name):
    """The first actor of the matrix who may open this URL (the right role), else the anonymous visitor."""
    return next((a for a in ACTORS if MATRIX[name][1][a] == "ok"), "anonymous")


def test_no_response_of_any_url_may_be_stored_by_a_cache(world):
    """Every URL as the role that may open it (so the answer is the real page, PDF or CSV); the anonymous
    visitor walks all of them (login page, redirects); every actor also gets a 403 and a 404 page."""
    wrong = []
    for actor in ACTORS:
        client = Client()
        if actor != "anonymous":
            client.force_login(world["users"][USERNAMES.get(actor, actor)])
        for name, pattern in url_names():
            if name.startswith("admin:") or name in CACHEBAAR:
                continue
            if actor != "anonymous" and _eerste_met_toegang(name) != actor:
                continue
            method = MATRIX[name][0]
            url = url_for(world, name, pattern)
            with transaction.atomic():
                response = client.post(url) if method == "POST" else client.get(url)
                transaction.set_rollback(True)
            if name == "logout" and actor != "anonymous":
                client.force_login(world["users"][USERNAMES.get(actor, actor)])
            if not _niet_bewaard(response):
                wrong.append(f"{actor}: {method} {url} ({response.status_code}): {response.get('Cache-Control')!r}")
        for url in (reverse("admin:index"), reverse("monitor:index"), "/bestaat-niet/"):
            if not _niet_bewaard(client.get(url)):
                wrong.append(f"{actor}: GET {url}")
    assert not wrong, "Zonder no-store:\n" + "\n".join(wrong)


def test_each_screen_with_personal_data_is_answered_with_no_store(world):
    for name in PERSOONLIJK:
        actor = _eerste_met_toegang(name)
        client = Client()
        client.force_login(world["users"][USERNAMES.get(actor, actor)])
        response = client.get(url_for(world, name, dict(url_names())[name]))
        assert response.status_code == 200, name
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body, name
        assert _niet_bewaard(response), (name, response.get("Cache-Control"))


def test_a_views_own_stricter_header_stays_and_the_stylesheet_keeps_its_caching(client, world, settings):
    client.force_login(world["users"]["beleid"])
    response = client.get(reverse("monitor:csv", kwargs={"jaar": 2025}))
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    response = client.get(reverse("huisstijl_css"))
    assert response["Cache-Control"] == "max-age=3600, public"
    settings.WHITENOISE_USE_FINDERS = True  # serve from static/ without collectstatic; read when the handler is made
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get("/static/js/bzt.js")  # WhiteNoise answers before the middleware
    assert response.status_code == 200 and "no-store" not in response["Cache-Control"]


def test_login_page_and_error_pages_are_not_stored_either(db, demo, settings):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    assert _niet_bewaard(client.get(reverse("login")))  # holds a CSRF token
    refused = client.post(reverse("login"), {"username": "meldpunt", "password": "x"})
    assert refused.status_code == 403 and _niet_bewaard(refused)  # the CSRF failure page

    import bzt.urls

    def boom(request):
        raise RuntimeError("kapot")

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [*bzt.urls.urlpatterns, path("boom/", boom)]})
    response = client.get("/boom/")
    assert response.status_code == 500 and _niet_bewaard(response)
