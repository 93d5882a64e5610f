"""Registering a melding in the browser form: validation keeps what was typed; known persons are offered."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meldpunt.models import Melding, Persoon
from tests import factories

URL = reverse("meldpunt:melding_nieuw")


def form_data(personen, **melding):
    data = {
        "ontvangen_op": timezone.localdate().isoformat(),
        "kanaal": "telefoon",
        "eerdere_hulp": "onbekend",
        "aanmeldroute": "oggz",
        "urgentie": "normaal",
        "aanleiding": "Buren maken zich zorgen.",
        "melder_type": "burger",
        "melder_naam": "Anna Buurvrouw",
        "actie": "opslaan",
        "persoon-TOTAL_FORMS": str(len(personen)),
        "persoon-INITIAL_FORMS": "0",
        "persoon-MIN_NUM_FORMS": "1",
        "persoon-MAX_NUM_FORMS": "15",
    }
    data.update(melding)
    for i, p in enumerate(personen):
        row = {
            "rol": "hoofdpersoon" if i == 0 else "kind",
            "geslacht": "man",
            "inkomen": "onbekend",
            "woonplaats": "Deventer",
        }
        row.update(p)
        for key, value in row.items():
            data[f"persoon-{i}-{key}"] = value
    return data


@pytest.fixture
def meldpunt_client(client, demo):
    client.force_login(demo["meldpunt"])
    return client


def test_a_household_of_three_is_registered(meldpunt_client, demo):
    personen = [
        {"voornaam": "Jan", "achternaam": "Jansen", "geboortedatum": "1970-05-01", "bsn": "123456782"},
        {"voornaam": "Kim", "achternaam": "Jansen", "geboortedatum": "2012-02-02"},
        {"voornaam": "Tom", "achternaam": "Jansen", "geboortedatum": "2015-03-03", "postcode": "7411 ab"},
    ]
    response = meldpunt_client.post(URL, form_data(personen), follow=True)
    melding = Melding.objects.get()
    assert response.redirect_chain[-1][0] == reverse("meldpunt:melding", args=[melding.pk])
    assert f"Melding {melding.nummer} is geregistreerd" in response.content.decode()
    assert sorted(melding.betrokkenen.values_list("rol", flat=True)) == ["hoofdpersoon", "kind", "kind"]
    assert Persoon.objects.get(voornaam="Tom").postcode == "7411AB"
    assert melding.history.first().history_user == demo["meldpunt"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"persoon-0-bsn": "123456789"}, "geen geldig BSN"),
        ({"persoon-0-geboortedatum": (timezone.localdate() + timedelta(days=3)).isoformat()}, "in de toekomst"),
        ({"ontvangen_op": (timezone.localdate() + timedelta(days=1)).isoformat()}, "in de toekomst"),
        ({"aanmeldroute": "onbekende_route"}, "geen beschikbare keuze"),
        ({"persoon-0-rol": "kind"}, "precies één persoon de rol hoofdpersoon"),
    ],
)
def test_bad_input_gets_a_dutch_message_and_loses_nothing(meldpunt_client, change, message):
    data = form_data([{"voornaam": "Jan", "achternaam": "Typwerk", "geboortedatum": "1970-05-01"}])
    data["aanleiding"] = "Een lang verhaal dat niet verloren mag gaan."
    data.update(change)
    response = meldpunt_client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'value="Typwerk"' in html
    assert "Een lang verhaal dat niet verloren mag gaan." in html
    assert not Melding.objects.exists()


def test_an_empty_household_is_refused(meldpunt_client):
    data = form_data([{"voornaam": "", "achternaam": "", "rol": "hoofdpersoon"}])
    response = meldpunt_client.post(URL, data)
    assert "Dit veld is verplicht" in response.content.decode()
    assert not Melding.objects.exists()


def test_adding_a_person_keeps_what_was_typed(meldpunt_client):
    data = form_data([{"voornaam": "Jan", "achternaam": "Bewaard"}], actie="persoon_toevoegen")
    html = meldpunt_client.post(URL, data).content.decode()
    assert 'value="Bewaard"' in html
    assert 'name="persoon-TOTAL_FORMS" value="2"' in html
    assert "Persoon 2" in html
    assert "Dit veld is verplicht" not in html


def test_a_known_person_is_offered_before_a_duplicate_is_made(meldpunt_client, demo):
    bekend = factories.melding(
        demo["meldpunt"],
        huishouden=[("hoofdpersoon", factories.persoon_gegevens(voornaam="Jan", achternaam="Jansen", bsn="123456782"))],
    )
    jan = bekend.betrokkenen.get().persoon
    data = form_data([{"voornaam": "Jan", "achternaam": "Jansen", "bsn": "123456782", "geboortedatum": "1970-05-01"}])
    html = meldpunt_client.post(URL, data).content.decode()
    assert "Mogelijk al bekend" in html
    assert f"bestaand:{jan.pk}" in html
    assert f"Al bekend:</strong> {jan.naam} is betrokken bij melding {bekend.nummer}" in html
    assert Melding.objects.count() == 1

    data["persoon-0-keuze"] = f"bestaand:{jan.pk}"
    meldpunt_client.post(URL, data)
    assert Melding.objects.count() == 2
    assert Persoon.objects.filter(bsn="123456782").count() == 1
    nieuw = Melding.objects.exclude(pk=bekend.pk).get()
    assert nieuw.betrokkenen.get().persoon == jan


def test_same_name_and_birth_date_may_still_be_a_different_person(meldpunt_client, demo):
    gegevens = factories.persoon_gegevens(voornaam="Fatima", achternaam="Bakker")
    factories.melding(demo["meldpunt"], huishouden=[("hoofdpersoon", gegevens)])
    row = {"voornaam": "Fatima", "achternaam": "Bakker", "geboortedatum": gegevens["geboortedatum"].isoformat()}
    data = form_data([row])
    assert "Mogelijk al bekend" in meldpunt_client.post(URL, data).content.decode()
    data["persoon-0-keuze"] = "nieuw"
    meldpunt_client.post(URL, data)
    assert Persoon.objects.filter(achternaam="Bakker").count() == 2


def test_the_melding_page_warns_that_a_household_member_is_known(meldpunt_client, demo):
    eerdere = factories.melding(demo["meldpunt"])
    kind = eerdere.betrokkenen.get().persoon
    nieuwe = factories.melding(
        demo["meldpunt"], huishouden=[("hoofdpersoon", factories.persoon_gegevens()), ("kind", kind)]
    )
    html = meldpunt_client.get(reverse("meldpunt:melding", args=[nieuwe.pk])).content.decode()
    assert f"is betrokken bij melding {eerdere.nummer}" in html
    # The content of the other melding is not shown.
    assert eerdere.aanleiding not in html or eerdere.aanleiding == nieuwe.aanleiding


def test_the_melder_of_an_anonymous_melding_has_no_contact_details(meldpunt_client):
    data = form_data([{"voornaam": "A", "achternaam": "B"}], melder_type="anoniem", melder_naam="Iemand")
    html = meldpunt_client.post(URL, data).content.decode()
    assert "Een anonieme melder heeft geen naam of contactgegevens." in html
