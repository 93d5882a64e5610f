"""The jaarmonitor job when the broker (Redis) is unreachable: the page answers in Dutch, the request stays
queued, nothing is lost, and the periodic sweep sends the job once the broker is back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bzt.celery import app as celery_app
from monitor import exports, services, tasks
from monitor.models import Rapport
from tests.helpers import wait_for

from .conftest import JAAR


@pytest.fixture
def fake_pdf(monkeypatch):
    monkeypatch.setattr(exports, "render_pdf", lambda shown: b"%PDF-1.7 jaarmonitor")


@pytest.mark.django_db(transaction=True)  # real commits: the job is sent when the request's data is committed
def test_requesting_a_report_while_the_broker_is_down_says_so_and_keeps_the_request(beleid, media, unreachable_broker):
    response = beleid.post("/jaarmonitor/", {"rapport-jaar": JAAR}, follow=True)

    assert response.status_code == 200
    text = response.content.decode()
    assert "staat in de wachtrij, maar de verwerking is op dit moment niet bereikbaar" in text
    assert "u hoeft het niet opnieuw aan te vragen" in text
    rapport = Rapport.objects.get()
    assert (rapport.jaar, rapport.status, rapport.pogingen) == (JAAR, Rapport.Status.IN_WACHTRIJ, 1)

    # Asking again does not make a second request: the waiting one is the one.
    beleid.post("/jaarmonitor/", {"rapport-jaar": JAAR})
    assert Rapport.objects.count() == 1


def test_the_sweep_sends_waiting_reports_again_once_the_broker_is_back(
    demo, media, fake_pdf, unreachable_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rapport = services.rapport_aanvragen(door=demo["beleid"], jaar=JAAR)
    assert rapport.verzending.gelukt is False

    celery_app.conf.task_always_eager = True  # the broker is back (eager: the job runs when sent)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.wachtende_rapporten_versturen() == 0  # just requested: not yet
    Rapport.objects.filter(pk=rapport.pk).update(aangevraagd_op=timezone.now() - timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.wachtende_rapporten_versturen() == 1
    rapport.refresh_from_db()
    assert (rapport.status, rapport.pogingen) == (Rapport.Status.KLAAR, 1)
    # on behalf of who asked, and made once
    assert [(r.status, r.history_user.username) for r in rapport.history.order_by("history_id")] == [
        ("in_wachtrij", "beleid"),
        ("bezig", "beleid"),
        ("klaar", "beleid"),
    ]

    # The first message turns up after all: it finds the report klaar and does nothing; nothing to sweep.
    tasks.rapport_genereren.apply(args=(rapport.pk,), kwargs={"acting_user_id": demo["beleid"].pk})
    assert rapport.history.count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert services.wachtende_rapporten_versturen() == 0


def test_beat_tells_the_sweep_how_long_to_wait_whatever_the_worker_is_configured_with(
    demo, media, fake_pdf, unreachable_broker, django_capture_on_commit_callbacks, settings
):
    """Found by the redis-stop fault test with beat really running (issue 20): beat was started with a 10 s
    interval, the worker kept its own 5 minutes, so every sweep ran and found nothing old enough. The schedule
    entry now sends its waiting time along with the message."""
    from django.conf import settings as django_settings

    entry = django_settings.CELERY_BEAT_SCHEDULE["jaarmonitor-wachtrij-herstarten"]
    assert entry["kwargs"] == {"ouder_dan_seconden": django_settings.BZT_RAPPORT_HERSTART_SECONDEN}

    with django_capture_on_commit_callbacks(execute=True):
        rapport = services.rapport_aanvragen(door=demo["beleid"], jaar=JAAR)
    assert rapport.verzending.gelukt is False
    Rapport.objects.filter(pk=rapport.pk).update(aangevraagd_op=timezone.now() - timedelta(seconds=20))
    settings.BZT_RAPPORT_HERSTART_SECONDEN = 5 * 60  # the worker's own value: 20 s is not old enough for it

    celery_app.conf.task_always_eager = True  # the broker is back (eager: the job runs when sent)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.wachtende_rapporten_versturen.apply().get() == 0  # without beat's waiting time: too young
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.wachtende_rapporten_versturen.apply(kwargs={"ouder_dan_seconden": 10}).get() == 1
    rapport.refresh_from_db()
    assert (rapport.status, rapport.renders_voltooid) == (Rapport.Status.KLAAR, 1)


@pytest.mark.postgres
def test_a_duplicate_message_for_a_running_report_is_skipped(demo, media, fake_pdf, django_capture_on_commit_callbacks):
    """While one worker holds the rapport (advisory lock), a second delivery does nothing."""
    import psycopg2
    from django.db import connection

    with django_capture_on_commit_callbacks(execute=False):
        rapport = services.rapport_aanvragen(door=demo["beleid"], jaar=JAAR)
    settings = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"] or "127.0.0.1", port=settings["PORT"]
    )
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [services.ADVISORY_LOCK_KEY, rapport.pk])
        assert services.rapport_genereren(rapport_id=rapport.pk, door=demo["beleid"]) is None
        rapport.refresh_from_db()
        assert rapport.status == Rapport.Status.IN_WACHTRIJ  # untouched: the other worker owns it
    finally:
        other.close()  # the other worker died: its lock is gone with its connection

    def lock_released():
        """the server has dropped the other connection's lock"""
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s", [rapport.pk])
            return cursor.fetchone()[0] == 0

    wait_for(lock_released, timeout=10)
    assert services.rapport_genereren(rapport_id=rapport.pk, door=demo["beleid"]).status == Rapport.Status.KLAAR


def test_every_resend_sweep_carries_beats_waiting_time():
    """The same rule for the file jobs' sweep (bzt.bestandstaken): beat, not the worker, decides what is old."""
    from django.conf import settings as django_settings

    for naam in ("jaarmonitor-wachtrij-herstarten", "bestandstaken-wachtrij-herstarten"):
        entry = django_settings.CELERY_BEAT_SCHEDULE[naam]
        assert entry["kwargs"] == {"ouder_dan_seconden": django_settings.BZT_RAPPORT_HERSTART_SECONDEN}, naam
