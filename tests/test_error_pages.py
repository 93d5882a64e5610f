import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_missing_page_is_dutch_and_in_the_house_style(client, demo):
    client.force_login(demo["meldpunt"])
    response = client.get("/bestaat-niet/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Niet gevonden" in html and 'lang="nl"' in html and "utrecht-theme" in html


def test_a_forbidden_page_is_dutch(client, demo):
    client.force_login(demo["beleid"])
    response = client.get("/meldpunt/")
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()


@pytest.mark.django_db
def test_a_server_error_shows_the_dutch_500_page(settings):
    from django.urls import path

    def boom(request):
        raise RuntimeError("kapot")

    import bzt.urls

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [*bzt.urls.urlpatterns, path("boom/", boom)]})
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.content.decode()


@pytest.mark.django_db
def test_a_get_on_a_post_only_address_shows_the_dutch_405_page(client, demo):
    """What a user saw after logging in again on a form's address: an English "HTTP ERROR 405" (issue 16)."""
    from tests import factories

    casus = factories.casus(demo)
    client.force_login(demo["regisseur_dimence"])
    response = client.get(f"/casussen/{casus.pk}/journaal/")
    html = response.content.decode()
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "Deze actie kan hier niet" in html and 'lang="nl"' in html and "utrecht-theme" in html
    assert "Mijn casussen" in html  # the product's own layout, with the user's menu
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_405_for_an_anonymous_visitor_is_dutch_too(client):
    response = client.get("/uitloggen/")
    assert response.status_code == 405
    assert "Deze actie kan hier niet" in response.content.decode()


@pytest.mark.django_db
def test_a_csrf_failure_is_dutch_and_in_the_house_style(demo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo["meldpunt"])
    response = client.post("/uitloggen/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Formulier niet verstuurd" in html and 'lang="nl"' in html and "utrecht-theme" in html
    assert "CSRF verification failed" not in html and "Forbidden" not in html
    assert "_auth_user_id" in client.session  # nothing happened


@pytest.mark.django_db
def test_a_form_with_an_outdated_token_is_kept_for_the_same_user(demo):
    """Logged in again in another tab: the old tab's form has a stale token; what it held is kept, not lost."""
    from django.conf import settings

    from bzt.auth import bewaren

    client = Client(enforce_csrf_checks=True)
    client.force_login(demo["meldpunt"])
    client.get("/meldpunt/")
    assert settings.CSRF_COOKIE_NAME in client.cookies
    response = client.post(
        "/meldpunt/meldingen/nieuw/", {"omschrijving": "Buren horen geschreeuw.", "csrfmiddlewaretoken": "a" * 32}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "heeft BZT voor u bewaard" in html
    [kept] = client.session[bewaren.SESSIE_SLEUTEL]
    assert kept["gebruiker"] == demo["meldpunt"].pk and kept["url"] == "/meldpunt/meldingen/nieuw/"


@pytest.mark.django_db
def test_a_bad_request_is_dutch():
    response = Client(raise_request_exception=False).get("/", headers={"Host": "aanvaller.example"})
    assert response.status_code == 400
    assert "Ongeldig verzoek" in response.content.decode()
