"""A melding records its channel and whether help was already given, and by whom (issue 14; seed 001: "of er
al hulp is gegeven en door wie"): on the intake form, in the service, on the detail page and in the queue."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meldpunt.models import Melding
from tests import factories
from tests.meldpunt.test_intake import URL, form_data


@pytest.fixture
def meldpunt_client(client, demo):
    client.force_login(demo["meldpunt"])
    return client


PERSOON = [{"voornaam": "Jan", "achternaam": "Kanaal", "geboortedatum": "1970-05-01"}]


def test_the_intake_records_channel_and_earlier_help_and_the_pages_show_them(meldpunt_client):
    data = form_data(PERSOON, kanaal="inloop", eerdere_hulp="ja", eerdere_hulp_door="Wijkteam Rivierenwijk")
    response = meldpunt_client.post(URL, data, follow=True)
    melding = Melding.objects.get()
    assert (melding.kanaal, melding.eerdere_hulp, melding.eerdere_hulp_door) == (
        "inloop",
        "ja",
        "Wijkteam Rivierenwijk",
    )
    html = response.content.decode()
    assert "Inloop (aan de balie)" in html and "Ja, door Wijkteam Rivierenwijk" in html
    wachtrij = meldpunt_client.get(reverse("meldpunt:wachtrij")).content.decode()
    assert "Inloop (aan de balie)" in wachtrij  # the channel marker in the queue


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kanaal": ""}, "kanaal", "Dit veld is verplicht"),
        ({"kanaal": "fax"}, "kanaal", "geen beschikbare keuze"),
        ({"eerdere_hulp": "ja", "eerdere_hulp_door": ""}, "eerdere_hulp_door", "Vul in wie al hulp gaf"),
        ({"eerdere_hulp": "nee", "eerdere_hulp_door": "Huisarts"}, "eerdere_hulp_door", "Vul alleen in"),
    ],
)
def test_the_intake_refuses_a_missing_channel_or_earlier_help_without_a_name(meldpunt_client, changes, field, message):
    data = form_data(PERSOON)
    data.update(changes)
    response = meldpunt_client.post(URL, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "Kanaal" in response.content.decode()  # the form is shown again with what was typed
    assert not Melding.objects.exists()


def test_the_service_applies_the_same_rule(demo):
    with pytest.raises(ValidationError) as error:
        factories.melding(demo["meldpunt"], eerdere_hulp="ja", eerdere_hulp_door=" ")
    assert "eerdere_hulp_door" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        factories.melding(demo["meldpunt"], kanaal="duif")
    assert "kanaal" in error.value.message_dict
    assert not Melding.objects.exists()
    m = factories.melding(demo["meldpunt"], kanaal="partner", eerdere_hulp="ja", eerdere_hulp_door="Huisarts")
    assert (m.kanaal, m.eerdere_hulp_door) == ("partner", "Huisarts")
    assert m.history.first().history_user == demo["meldpunt"]
