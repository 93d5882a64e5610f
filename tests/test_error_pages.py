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
