import pytest
from django.urls import reverse


@pytest.fixture
def chair(client, demo):
    """A test client logged in as the procesmanager, who chairs the MDO."""
    client.force_login(demo["procesmanager"])
    return client


def agenda_url(overleg):
    return reverse("mdo:overleg", args=[overleg.pk])


def besluit_url(punt):
    return reverse("mdo:besluit", args=[punt.overleg_id, punt.pk])


def verplaatsen_url(punt):
    return reverse("mdo:verplaatsen", args=[punt.overleg_id, punt.pk])
