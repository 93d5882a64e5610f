"""Fixtures of the jaarmonitor tests: a year of meldingen with known figures and known (secret) names."""

import subprocess
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests import factories

JAAR = timezone.localdate().year - 1
# Names, BSNs and addresses that must never appear in anything the beleidsambtenaar gets.
GEHEIM = ["Geheimvoornaam", "Geheimachternaam", "Verbodenstraat", "Aanleidingtekst"]


def pdf_text(data: bytes) -> str:
    """The text of a PDF (poppler's pdftotext), with non-breaking spaces as spaces."""
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)  # noqa: S603, S607
    return result.stdout.decode().replace("\u00a0", " ")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def beleid(client, demo):
    client.force_login(demo["beleid"])
    return client


@pytest.fixture
def jaar_cijfers(demo):
    """7 meldingen in March of JAAR (5 by a professional, 2 by a burger), 6 triaged with 3 leefgebieden
    2 days after receipt, 7 distinct women, and one budget line of € 12.345,00."""
    from monitor.services import budgetregel_opslaan

    meldingen = []
    for i in range(7):
        ontvangen = date(JAAR, 3, 10 + i)
        persoon = factories.persoon_gegevens(
            voornaam=f"Geheimvoornaam{i}",
            achternaam=f"Geheimachternaam{i}",
            adres=f"Verbodenstraat {i}",
            bsn=factories.bsn(1000 + i),
        )
        m = factories.melding(
            demo["meldpunt"],
            huishouden=[("hoofdpersoon", persoon)],
            ontvangen_op=ontvangen,
            aanleiding=f"Aanleidingtekst {i}",
            melder_type="professional" if i < 5 else "burger",
        )
        if i < 6:
            factories.triage(demo["meldpunt"], m, datum=ontvangen + timedelta(days=2))
        meldingen.append(m)
    budgetregel_opslaan(
        door=demo["beheer"], jaar=JAAR, categorie="casusregie", omschrijving="Subsidie casusregie", bedrag=12345
    )
    return meldingen
