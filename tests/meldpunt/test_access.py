"""Who may and who may not open the meldpunt screens."""

import pytest
from django.urls import reverse

from tests import factories

NOT_MELDPUNT = ["regisseur_dimence", "coordinator", "wethouder", "beleid", "beheer"]


@pytest.fixture
def melding(demo):
    return factories.melding(
        demo["meldpunt"], huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam="Geheimsma"))]
    )


def urls(melding):
    persoon = melding.betrokkenen.first().persoon
    return {
        "wachtrij": reverse("meldpunt:wachtrij"),
        "zoeken": reverse("meldpunt:zoeken") + "?q=Geheimsma",
        "nieuw": reverse("meldpunt:melding_nieuw"),
        "melding": reverse("meldpunt:melding", args=[melding.pk]),
        "triage": reverse("meldpunt:melding_triage", args=[melding.pk]),
        "persoon": reverse("meldpunt:persoon", args=[persoon.pk]),
    }


@pytest.mark.parametrize("username", NOT_MELDPUNT)
def test_other_roles_cannot_open_any_meldpunt_screen(client, demo, melding, username):
    client.force_login(demo[username])
    for name, url in urls(melding).items():
        response = client.get(url)
        assert response.status_code in (403, 404), (name, response.status_code)
        assert "Geheimsma" not in response.content.decode(), name


def test_a_casusregisseur_cannot_list_meldingen(client, demo, melding):
    client.force_login(demo["regisseur_dimence"])
    assert client.get(reverse("meldpunt:wachtrij")).status_code == 403
    assert client.get(reverse("meldpunt:melding", args=[melding.pk])).status_code == 404


def test_anonymous_visitors_go_to_the_login_page(client, melding):
    for url in urls(melding).values():
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("username", ["meldpunt", "procesmanager"])
def test_meldpunt_and_procesmanager_see_the_melding(client, demo, melding, username):
    client.force_login(demo[username])
    for name, url in urls(melding).items():
        if name in ("nieuw", "triage") and username == "procesmanager":
            continue  # reading, not registering or triaging: see the next test
        response = client.get(url)
        assert response.status_code == 200, name
    html = client.get(urls(melding)["melding"]).content.decode()
    assert "Geheimsma" in html and "Piet Melder" in html  # the melder is visible to both


def test_procesmanager_cannot_register_or_triage(client, demo, melding):
    client.force_login(demo["procesmanager"])
    assert client.get(reverse("meldpunt:melding_nieuw")).status_code == 403
    assert client.get(reverse("meldpunt:melding_triage", args=[melding.pk])).status_code == 403
    response = client.post(reverse("meldpunt:melding_in_triage", args=[melding.pk]), follow=True)
    assert "Geen recht" in response.content.decode() or response.status_code == 403
    melding.refresh_from_db()
    assert melding.status == "ontvangen"


def test_a_missing_melding_and_a_forbidden_one_look_the_same(client, demo, melding):
    client.force_login(demo["regisseur_dimence"])
    forbidden = client.get(reverse("meldpunt:melding", args=[melding.pk]))
    missing = client.get(reverse("meldpunt:melding", args=[melding.pk + 1000]))
    assert forbidden.status_code == missing.status_code == 404
