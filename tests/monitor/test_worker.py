"""The report job on a real Celery worker (Redis broker, PostgreSQL test database, the same MEDIA_ROOT)."""

from pathlib import Path

import pytest
from django.conf import settings

from monitor import services
from monitor.models import Rapport
from tests.helpers import wait_for

from .conftest import JAAR, pdf_text

pytestmark = [pytest.mark.worker]


def test_a_worker_makes_the_requested_report(celery_worker, demo, jaar_cijfers):
    rapport = services.rapport_aanvragen(door=demo["beleid"], jaar=JAAR)

    def klaar():
        """the worker finished the report"""
        rapport.refresh_from_db()
        assert rapport.status != Rapport.Status.MISLUKT, rapport.fout
        return rapport.status == Rapport.Status.KLAAR

    wait_for(klaar, timeout=120)
    assert rapport.voortgang == 100 and rapport.pogingen == 1
    path = Path(settings.MEDIA_ROOT) / rapport.bestand.name
    try:
        flat = " ".join(pdf_text(path.read_bytes()).split())
        assert f"Jaarmonitor {JAAR}" in flat and "Meldingen 7" in flat
        assert "Geheimachternaam" not in flat
        assert rapport.history.latest("history_id").history_user == demo["beleid"]
        assert Rapport.objects.count() == 1
    finally:
        path.unlink(missing_ok=True)
