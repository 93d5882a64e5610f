"""Only the chair of the MDO (the procesmanager) opens the MDO screens."""

import pytest
from django.urls import reverse

from mdo.models import AgendaPunt, Overleg
from tests import factories

NOT_CHAIR = ["meldpunt", "regisseur_dimence", "coordinator", "wethouder", "beleid", "beheer"]


@pytest.fixture
def overleg(demo):
    factories.mdo_melding(demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam="Geheimsma"))])
    return factories.overleg(demo)


def detail_urls(overleg):
    punt = overleg.agendapunten.get()
    return {
        "agenda": reverse("mdo:overleg", args=[overleg.pk]),
        "agenda_print": reverse("mdo:agenda_print", args=[overleg.pk]),
        "besluiten_print": reverse("mdo:besluiten_print", args=[overleg.pk]),
        "agenda_pdf": reverse("mdo:agenda_pdf", args=[overleg.pk]),
        "besluiten_pdf": reverse("mdo:besluiten_pdf", args=[overleg.pk]),
    }, {
        "bijwerken": (reverse("mdo:agenda_bijwerken", args=[overleg.pk]), {}),
        "verplaatsen": (reverse("mdo:verplaatsen", args=[overleg.pk, punt.pk]), {"richting": "omlaag"}),
        "besluit": (
            reverse("mdo:besluit", args=[overleg.pk, punt.pk]),
            {"actie": "regulier", f"b{punt.pk}-notulen": "Verwezen naar de huisarts."},
        ),
        "casusbespreking": (reverse("mdo:casusbespreking", args=[overleg.pk]), {"casus": "1"}),
        "afronden": (reverse("mdo:afronden", args=[overleg.pk]), {"overige_aanwezigen": "x"}),
    }


@pytest.mark.parametrize("username", NOT_CHAIR)
def test_other_roles_get_403_on_the_list_and_404_on_a_meeting(client, demo, overleg, username):
    client.force_login(demo[username])
    response = client.get(reverse("mdo:overleggen"))
    assert response.status_code == 403
    assert "Geheimsma" not in response.content.decode()
    response = client.post(reverse("mdo:overleggen"), {"datum": "2099-01-01"})
    assert response.status_code == 403
    gets, posts = detail_urls(overleg)
    for name, url in gets.items():
        response = client.get(url)
        assert response.status_code == 404, name
        assert "Geheimsma" not in response.content.decode(), name
    for name, (url, data) in posts.items():
        response = client.post(url, data)
        assert response.status_code == 404, name
        assert "Geheimsma" not in response.content.decode(), name
    # nothing changed
    assert Overleg.objects.get().status == Overleg.Status.GEPLAND
    assert AgendaPunt.objects.get().open


def test_a_missing_meeting_and_a_forbidden_one_look_the_same(client, demo, overleg):
    client.force_login(demo["regisseur_dimence"])
    forbidden = client.get(reverse("mdo:overleg", args=[overleg.pk]))
    missing = client.get(reverse("mdo:overleg", args=[overleg.pk + 1000]))
    assert forbidden.status_code == missing.status_code == 404


def test_anonymous_visitors_go_to_the_login_page(client, overleg):
    gets, _ = detail_urls(overleg)
    for url in [reverse("mdo:overleggen"), *gets.values()]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_procesmanager_opens_every_mdo_screen(client, demo, overleg):
    client.force_login(demo["procesmanager"])
    assert client.get(reverse("mdo:overleggen")).status_code == 200
    gets, _ = detail_urls(overleg)
    for name, url in gets.items():
        response = client.get(url)
        assert response.status_code == 200, name
    assert "Geheimsma" in client.get(gets["agenda"]).content.decode()


def test_a_punt_of_another_meeting_is_not_found_under_this_one(client, demo, overleg):
    ander = factories.overleg(demo, dagen=14)
    punt = overleg.agendapunten.get()
    client.force_login(demo["procesmanager"])
    response = client.post(reverse("mdo:verplaatsen", args=[ander.pk, punt.pk]), {"richting": "omhoog"})
    assert response.status_code == 404
    response = client.post(
        reverse("mdo:besluit", args=[ander.pk, punt.pk]), {"actie": "aanhouden", f"b{punt.pk}-notulen": "x"}
    )
    assert response.status_code == 404
