"""A partner files a person without a (known) BSN who has the name and birth date of a known person (issue 19):
the person is new, the partner's answer is the one for an unknown person, and the meldpunt sees "mogelijk al
bekend" on the melding page by its own rule (meldpunt.selectors.kandidaten), until it links the records."""

import pytest
from django.urls import reverse

from meldpunt import services as meldpunt_services
from meldpunt.models import Persoon
from partners.models import Indiening
from tests import factories

from .conftest import URL, body
from .test_web import LIJST, NIEUW, form_data


@pytest.fixture
def bekende(demo):
    """Greet Hazelaar, born 9 September 1959, known to the meldpunt with a BSN."""
    gegevens = factories.persoon_gegevens(bsn="123456782", voornaam="Greet", achternaam="Hazelaar")
    gegevens["geboortedatum"] = "1959-09-09"
    melding = factories.melding(demo["meldpunt"], huishouden=[("hoofdpersoon", gegevens)])
    return melding.betrokkenen.get().persoon


def meldpunt_pagina(client, demo, melding):
    client.force_login(demo["meldpunt"])
    return client.get(reverse("meldpunt:melding", args=[melding.pk])).content.decode()


def laatste_melding():
    return Indiening.objects.order_by("-ingediend_op").first().melding


def test_on_the_web_the_partner_learns_nothing_and_the_meldpunt_sees_the_look_alike(client, demo, bekende):
    client.force_login(demo["politie"])
    antwoorden = []
    # the same name typed otherwise (case, spacing) is the same name (meldpunt.personen.zelfde_naam)
    for rij in ({"voornaam": "greet", "achternaam": " HAZELAAR"}, {"voornaam": "Kees", "achternaam": "Andersom"}):
        response = client.post(NIEUW, form_data(**rij))
        antwoorden.append((response.status_code, response["Location"]))
        volgende = client.get(response["Location"]).content.decode()
        assert "bekend" not in volgende.lower() and "Hazelaar" not in volgende
    assert antwoorden[0] == antwoorden[1] and antwoorden[0][1] == LIJST
    # no search, no choice for the partner: a new record, never merged
    assert Persoon.objects.filter(achternaam__iexact="hazelaar").count() == 2
    greet = Indiening.objects.get(melding__betrokkenen__persoon__voornaam="greet").melding
    assert client.get(reverse("meldpunt:melding", args=[greet.pk])).status_code in (403, 404)

    html = meldpunt_pagina(client, demo, greet)
    assert "Mogelijk al bekend:" in html
    assert f'href="{reverse("meldpunt:persoon", args=[bekende.pk])}"' in html and "Greet Hazelaar" in html
    assert "Mogelijk al bekend:" not in meldpunt_pagina(client, demo, laatste_melding())  # Kees: nobody alike


def test_through_the_api_the_answer_is_the_same_and_the_meldpunt_sees_the_look_alike(api, demo, bekende):
    alike, onbekend = body(), body()
    del alike["personen"][0]["bsn"], onbekend["personen"][0]["bsn"]
    alike["personen"][0].update(voornaam="Greet", achternaam="Hazelaar", geboortedatum="1959-09-09")
    eerste = api.api_post(alike, key="lijkt-op")
    tweede = api.api_post(onbekend, key="onbekend")
    assert eerste.status_code == tweede.status_code == 201
    assert set(eerste.json()) == set(tweede.json()) and eerste.json()["status"] == tweede.json()["status"]
    assert eerste.headers.keys() == tweede.headers.keys()
    detail = api.api_get(f"{URL}/{eerste.json()['id']}")
    assert "bekend" not in detail.content.decode().lower() and "Hazelaar" not in detail.content.decode()

    greet = Indiening.objects.get(pk=eerste.json()["id"]).melding
    html = meldpunt_pagina(api, demo, greet)
    assert "Mogelijk al bekend:" in html and f'href="{reverse("meldpunt:persoon", args=[bekende.pk])}"' in html


def test_once_linked_the_look_alike_signal_gives_way_to_the_known_signal(client, demo, bekende):
    client.force_login(demo["politie"])
    client.post(NIEUW, form_data())
    greet = laatste_melding()
    nieuw = greet.betrokkenen.get().persoon
    assert nieuw.pk != bekende.pk
    meldpunt_services.personen_koppelen(
        door=demo["meldpunt"], persoon=nieuw, gekoppeld_aan=bekende, reden="Zelfde adres en telefoonnummer."
    )
    html = meldpunt_pagina(client, demo, greet)
    assert "Mogelijk al bekend:" not in html
    assert "Al bekend:" in html and "via het gekoppelde record" in html  # the known melding, through the link


def test_a_known_bsn_is_that_person_without_a_look_alike(client, demo, bekende):
    client.force_login(demo["politie"])
    client.post(NIEUW, form_data(bsn="123456782"))
    melding = laatste_melding()
    assert melding.betrokkenen.get().persoon == bekende and melding.betrokkenen.get().mogelijk_dezelfde == []
    assert "Mogelijk al bekend:" not in meldpunt_pagina(client, demo, melding)
