"""The file job on a real Celery worker (Redis broker, PostgreSQL test database, the same MEDIA_ROOT), and the
advisory lock that skips a duplicate delivery."""

from pathlib import Path

import pytest
from django.conf import settings

from bzt import bestandstaken
from bzt.models import Bestandstaak
from tests.helpers import wait_for
from tests.monitor.conftest import pdf_text

from .conftest import KLIENT


@pytest.mark.worker
def test_a_worker_makes_the_mdo_agenda_pdf(celery_worker, demo, overleg):
    taak = bestandstaken.aanvragen(door=demo["procesmanager"], soort="mdo.agenda", object_id=overleg.pk)

    def klaar():
        """the worker made the agenda PDF"""
        taak.refresh_from_db()
        assert taak.status != Bestandstaak.Status.MISLUKT, taak.fout
        return taak.status == Bestandstaak.Status.KLAAR

    wait_for(klaar, timeout=120)
    path = Path(settings.MEDIA_ROOT) / taak.bestand.name
    try:
        tekst = " ".join(pdf_text(path.read_bytes()).split())
        assert "Agenda MDO" in tekst and f"Anna {KLIENT}" in tekst and f"Kees {KLIENT}" not in tekst  # the hoofdpersoon
        assert "Vertrouwelijk" in tekst
        assert taak.history.latest("history_id").history_user == demo["procesmanager"]
        assert (taak.pogingen, taak.voortgang, Bestandstaak.objects.count()) == (1, 100, 1)
    finally:
        path.unlink(missing_ok=True)


@pytest.mark.postgres
def test_a_duplicate_message_for_a_running_job_is_skipped(demo, overleg, media, django_capture_on_commit_callbacks):
    import psycopg2
    from django.db import connection

    with django_capture_on_commit_callbacks(execute=False):
        taak = bestandstaken.aanvragen(door=demo["procesmanager"], soort="mdo.agenda", object_id=overleg.pk)
    db = connection.settings_dict
    other = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"])
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [bestandstaken.ADVISORY_LOCK_KEY, taak.pk])
        assert bestandstaken.maken(taak_id=taak.pk, door=demo["procesmanager"]) is None
        taak.refresh_from_db()
        assert taak.status == Bestandstaak.Status.IN_WACHTRIJ  # untouched: the other worker owns it
    finally:
        other.close()  # the other worker died: its lock goes with its connection

    def lock_released():
        """the server has dropped the other connection's lock"""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [bestandstaken.ADVISORY_LOCK_KEY, taak.pk])
            vrij = cursor.fetchone()[0]
            if vrij:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [bestandstaken.ADVISORY_LOCK_KEY, taak.pk])
        return vrij

    wait_for(lock_released, timeout=10)
    bestandstaken.maken(taak_id=taak.pk, door=demo["procesmanager"])
    taak.refresh_from_db()
    assert taak.status == Bestandstaak.Status.KLAAR
