import pytest
from django.urls import reverse

from tests import factories

KLIENT = "Agendamans"


@pytest.fixture
def overleg(demo):
    """An MDO with one melding on its agenda (a household of two: Agendamans and a child)."""
    factories.mdo_melding(
        demo,
        huishouden=[
            ("hoofdpersoon", factories.persoon_gegevens(voornaam="Anna", achternaam=KLIENT)),
            ("kind", factories.persoon_gegevens(voornaam="Kees", achternaam=KLIENT)),
        ],
    )
    return factories.overleg(demo, locatie="Stadhuis, zaal 3")


@pytest.fixture
def chair(client, demo):
    client.force_login(demo["procesmanager"])
    return client


def agenda_pdf_url(overleg):
    return reverse("mdo:agenda_pdf", args=[overleg.pk])
