"""Issue 14: the "already known" signal understands surname prefixes and spacing (one normalisation,
meldpunt.personen), and a melding may name an expected child (seed 002: "van -9 maanden tot 100+")."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bzt.validators import onmogelijke_datums
from meldpunt import personen, selectors, services
from meldpunt.models import Melding, Persoon
from monitor import figures
from tests import factories
from tests.meldpunt.test_intake import URL, form_data

GEBOREN = timezone.localdate() - timedelta(days=365 * 30)


@pytest.fixture
def vlaanderen(demo):
    gegevens = factories.persoon_gegevens(
        voornaam="Jan", tussenvoegsel="van", achternaam="Vlaanderen", geboortedatum=GEBOREN
    )
    return factories.melding(demo["meldpunt"], huishouden=[("hoofdpersoon", gegevens)]).betrokkenen.get().persoon


@pytest.mark.parametrize(
    "naam",
    [
        {"achternaam": "van Vlaanderen"},
        {"achternaam": "Van  vlaanderen "},
        {"tussenvoegsel": " van", "achternaam": "Vlaanderen"},
        {"tussenvoegsel": "VAN", "achternaam": "vlaanderen", "voornaam": " jan "},
    ],
)
def test_a_known_person_is_found_whatever_the_prefix_spacing_or_case(demo, vlaanderen, naam):
    gegevens = {"voornaam": "Jan", "geboortedatum": GEBOREN} | naam
    assert selectors.kandidaten(gegevens, demo["meldpunt"]) == [vlaanderen]


def test_prefix_typed_in_the_surname_is_found_the_other_way_round_too(demo):
    gegevens = factories.persoon_gegevens(voornaam="Els", achternaam="de  Boer", geboortedatum=GEBOREN)
    de_boer = factories.melding(demo["meldpunt"], huishouden=[("hoofdpersoon", gegevens)]).betrokkenen.get().persoon
    gezocht = {"voornaam": "els", "tussenvoegsel": "de", "achternaam": "Boer", "geboortedatum": GEBOREN}
    assert selectors.kandidaten(gezocht, demo["meldpunt"]) == [de_boer]


@pytest.mark.parametrize(
    "naam",
    [{"achternaam": "Vlaandere"}, {"achternaam": "Vlaanderen"}, {"achternaam": "van Vlaanderen", "voornaam": "Piet"}],
)
def test_another_name_is_not_the_same_person(demo, vlaanderen, naam):
    assert selectors.kandidaten({"voornaam": "Jan", "geboortedatum": GEBOREN} | naam, demo["meldpunt"]) == []


def test_the_one_normalisation():
    assert personen.achternaam_sleutel("van", "Vlaanderen") == personen.achternaam_sleutel("", " van  VLAANDEREN")


def test_the_intake_offers_the_known_person_typed_with_the_prefix_in_the_surname(client, demo, vlaanderen):
    client.force_login(demo["meldpunt"])
    persoon = {"voornaam": "Jan", "achternaam": "van Vlaanderen", "geboortedatum": GEBOREN.isoformat()}
    response = client.post(URL, form_data([persoon]))
    assert response.status_code == 200
    assert f"Gebruik bestaande persoon: {vlaanderen.naam}" in response.content.decode()
    assert Melding.objects.count() == 1


# --- an expected child ------------------------------------------------------------------------------------------------


def _kind(dagen, **extra):
    datum = (timezone.localdate() + timedelta(days=dagen)).isoformat()
    return {"voornaam": "", "achternaam": "Jansen", "geboortedatum": datum, "rol": "kind"} | extra


def test_the_intake_accepts_an_expected_child_with_its_expected_date(client, demo):
    client.force_login(demo["meldpunt"])
    moeder = {"voornaam": "Mia", "achternaam": "Jansen", "geboortedatum": "1995-05-01"}
    response = client.post(URL, form_data([moeder, _kind(120, verwacht="on")]))
    assert response.status_code == 302
    kind = Persoon.objects.get(betrokkenheden__rol="kind")
    assert kind.verwacht and kind.geboortedatum == timezone.localdate() + timedelta(days=120)


@pytest.mark.parametrize(
    ("kind", "fout"),
    [
        (_kind(120), "Gaat het om een verwacht kind?"),
        (_kind(400, verwacht="on"), "meer dan tien maanden in de toekomst"),
    ],
)
def test_the_intake_refuses_a_date_ahead_unless_an_expected_child_due_within_ten_months(client, demo, kind, fout):
    client.force_login(demo["meldpunt"])
    moeder = {"voornaam": "Mia", "achternaam": "Jansen", "geboortedatum": "1995-05-01"}
    response = client.post(URL, form_data([moeder, kind]))
    assert response.status_code == 200 and fout in response.content.decode()
    assert not Melding.objects.exists()


def test_the_service_and_the_date_guard_accept_an_expected_child_and_refuse_a_born_one_in_the_future(demo):
    over_drie_maanden = timezone.localdate() + timedelta(days=90)
    kind = services.persoon_aanmaken(
        door=demo["meldpunt"], gegevens={"achternaam": "Jansen", "geboortedatum": over_drie_maanden, "verwacht": True}
    )
    assert onmogelijke_datums(kind) == {}  # bzt.plausible_dates: no impossible date
    with pytest.raises(ValidationError, match="verwacht kind"):
        services.persoon_aanmaken(
            door=demo["meldpunt"], gegevens={"achternaam": "Jansen", "geboortedatum": over_drie_maanden}
        )


def test_the_jaarmonitor_counts_an_expected_child_in_the_band_0_17(demo):
    ontvangen = timezone.localdate() - timedelta(days=1)
    factories.melding(
        demo["meldpunt"],
        ontvangen_op=ontvangen,
        huishouden=[
            ("hoofdpersoon", factories.persoon_gegevens(geboortedatum=ontvangen - timedelta(days=365 * 35))),
            ("kind", {"achternaam": "Jansen", "geboortedatum": ontvangen + timedelta(days=60), "verwacht": True}),
        ],
    )
    assert figures.compute(ontvangen.year)["personen"]["per_leeftijd"] == {"30-44": 1, "0-17": 1}


def test_a_known_expected_child_gives_the_already_known_signal(demo):
    verwacht = {"voornaam": "", "achternaam": "Jansen", "geboortedatum": timezone.localdate() + timedelta(days=60)}
    eerste = factories.melding(
        demo["meldpunt"],
        huishouden=[("hoofdpersoon", factories.persoon_gegevens()), ("kind", verwacht | {"verwacht": True})],
    )
    kind = eerste.betrokkenen.get(rol="kind").persoon
    gevonden = selectors.kandidaten(verwacht, demo["meldpunt"])
    assert gevonden == [kind]
    assert [s.melding for s in selectors.bekend_signalen(gevonden)] == [eerste]
    assert reverse("meldpunt:melding", args=[eerste.pk])


def test_the_melding_page_says_the_child_is_expected(client, demo):
    kind = {"voornaam": "", "achternaam": "Jansen", "geboortedatum": timezone.localdate() + timedelta(days=60)}
    m = factories.melding(
        demo["meldpunt"],
        huishouden=[("hoofdpersoon", factories.persoon_gegevens()), ("kind", kind | {"verwacht": True})],
    )
    client.force_login(demo["meldpunt"])
    assert (
        "(verwacht kind, uitgerekende datum)" in client.get(reverse("meldpunt:melding", args=[m.pk])).content.decode()
    )
