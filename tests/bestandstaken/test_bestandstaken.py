"""PDFs made in the background (bzt.bestandstaken, issue 20): asked for with a button, made by a job with the
jaarmonitor's limits, shown with progress, downloaded only by whoever asked and may still see the object, logged
as an export, and removed soon after."""

import os
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from bzt import achtergrond, bestandstaken, tasks
from bzt.audit import acting_as
from bzt.models import Bestandstaak, InzageRegel
from bzt.pdf import PdfError
from tests.helpers import pdf_via_taak
from tests.monitor.conftest import pdf_text

from .conftest import KLIENT, agenda_pdf_url


def _aanvragen(demo, overleg, capture, *, execute=True, door="procesmanager"):
    with capture(execute=execute):
        return bestandstaken.aanvragen(door=demo[door], soort="mdo.agenda", object_id=overleg.pk)


def test_every_pdf_of_the_apps_is_a_registered_kind_and_the_job_has_the_jaarmonitors_limits():
    assert {"mdo.agenda", "mdo.besluiten", "casusregie.plan", "avg.inzage"} <= set(bestandstaken._SOORTEN)
    task = tasks.bestandstaak_maken
    assert task.achtergrond is True and task.acks_late is True
    assert task.soft_time_limit == achtergrond.SOFT_TIME_LIMIT and task.time_limit == achtergrond.SOFT_TIME_LIMIT + 60
    from django.conf import settings

    beat = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"bzt.tasks.bestandstaken_versturen", "bzt.tasks.bestandstaken_opruimen"} <= beat


def test_asking_makes_the_pdf_and_the_download_is_logged_as_an_export_of_every_client(
    chair, demo, overleg, media, django_capture_on_commit_callbacks
):
    clients = set()
    for punt in overleg.agendapunten.all():
        clients |= set(punt.melding.betrokkenen.values_list("persoon_id", flat=True))
    assert len(clients) == 2

    response = pdf_via_taak(chair, agenda_pdf_url(overleg), django_capture_on_commit_callbacks)
    tekst = " ".join(pdf_text(response.pdf).split())
    assert "Agenda MDO" in tekst and f"Anna {KLIENT}" in tekst and "Stadhuis, zaal 3" in tekst
    assert f'filename="mdo-{overleg.datum:%Y-%m-%d}-agenda.pdf"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]

    taak = Bestandstaak.objects.get()
    assert (taak.status, taak.voortgang, taak.pogingen, taak.fout) == ("klaar", 100, 1, "")
    assert KLIENT not in taak.titel and taak.titel.startswith("Agenda MDO")  # no personal data in the row
    assert taak.verloopt_op == taak.klaar_op + bestandstaken.BEWAREN
    # made as the person who asked: the history names them for every step
    assert [(r.status, r.history_user.username) for r in taak.history.order_by("history_id")] == [
        ("in_wachtrij", "procesmanager"),
        ("bezig", "procesmanager"),
        ("klaar", "procesmanager"),
    ]
    # asking and making showed nothing; the download is the export, of every client on the agenda
    rows = InzageRegel.objects.filter(actie="exporteren")
    assert {r.persoon_id for r in rows} == clients
    assert {(r.object_type, r.object_id, r.grond, r.gebruiker_id) for r in rows} == {
        ("agenda", overleg.pk, "procesmanager", demo["procesmanager"].pk)
    }


def test_the_progress_page_polls_while_the_job_waits_or_runs_and_works_without_javascript(
    chair, demo, overleg, django_capture_on_commit_callbacks
):
    taak = _aanvragen(demo, overleg, django_capture_on_commit_callbacks, execute=False)
    url = reverse("bestandstaak", args=[taak.pk])
    html = chair.get(url).content.decode()
    assert "In de wachtrij" in html and "<progress" in html and 'hx-trigger="every 1s"' in html
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html  # no JavaScript: reloads itself
    assert "Vernieuwen" in html and "PDF downloaden" not in html

    Bestandstaak.objects.filter(pk=taak.pk).update(status="bezig", voortgang=30, stap="PDF opmaken")
    fragment = chair.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith("<section") and "<html" not in fragment
    assert "Bezig: pdf opmaken (30%)" in fragment and 'hx-trigger="every 1s"' in fragment

    Bestandstaak.objects.filter(pk=taak.pk).update(status="mislukt", fout="Het opmaken van de PDF is mislukt.")
    html = chair.get(url).content.decode()
    assert "Mislukt" in html and "Het opmaken van de PDF is mislukt." in html and "hx-trigger" not in html
    assert 'http-equiv="refresh"' not in html and "Opnieuw proberen" in html


def test_asking_again_while_the_job_is_open_gives_the_same_job(
    chair, demo, overleg, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = chair.post(agenda_pdf_url(overleg))
        second = chair.post(agenda_pdf_url(overleg), follow=True)
    taak = Bestandstaak.objects.get()
    assert first["Location"] == reverse("bestandstaak", args=[taak.pk])
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "Dit bestand wordt al gemaakt" in second.content.decode()
    # the service, called directly (a job, two requests at once), holds the same rule
    again = _aanvragen(demo, overleg, django_capture_on_commit_callbacks, execute=False)
    assert again.pk == taak.pk and again.al_aangevraagd
    # someone else asking for the same file gets their own job
    mine = bestandstaken.aanvragen(door=demo["procesmanager"], soort="mdo.besluiten", object_id=overleg.pk)
    assert mine.pk != taak.pk and Bestandstaak.objects.count() == 2


def test_only_whoever_asked_sees_the_job_and_gets_the_file(
    client, chair, demo, overleg, media, django_capture_on_commit_callbacks
):
    pdf_via_taak(chair, agenda_pdf_url(overleg), django_capture_on_commit_callbacks)
    taak = Bestandstaak.objects.get()
    logged = InzageRegel.objects.count()
    # another procesmanager (same right on the MDO) and everyone else: 404, as for a job that does not exist
    from django.contrib.auth.models import Group

    from bzt.models import User

    with acting_as(demo["beheer"]):
        collega = User.objects.create_user("procesmanager2", organisatie=demo["procesmanager"].organisatie)
    collega.groups.add(Group.objects.get(name="procesmanager"))
    for user in (collega, demo["meldpunt"], demo["privacy"]):
        client.force_login(user)
        for name in ("bestandstaak", "bestandstaak_download"):
            assert client.get(reverse(name, args=[taak.pk])).status_code == 404, (user, name)
        assert client.post(reverse("bestandstaak_opnieuw", args=[taak.pk])).status_code == 404
    assert client.get(reverse("bestandstaak", args=[taak.pk + 1000])).status_code == 404
    assert InzageRegel.objects.count() == logged  # nothing was handed out


def test_who_lost_access_between_asking_and_downloading_gets_404_and_nothing_is_logged(
    chair, demo, overleg, media, django_capture_on_commit_callbacks
):
    pdf_via_taak(chair, agenda_pdf_url(overleg), django_capture_on_commit_callbacks)
    taak = Bestandstaak.objects.get()
    logged = InzageRegel.objects.count()
    demo["procesmanager"].groups.clear()  # no longer procesmanager
    chair.force_login(demo["procesmanager"])
    assert chair.get(reverse("bestandstaak_download", args=[taak.pk])).status_code == 404
    assert InzageRegel.objects.count() == logged


def test_the_job_checks_the_right_again_as_whoever_asked(demo, overleg, media, django_capture_on_commit_callbacks):
    taak = _aanvragen(demo, overleg, django_capture_on_commit_callbacks, execute=False)
    demo["procesmanager"].groups.clear()  # lost the role while the job waited
    tasks.bestandstaak_maken.apply(args=(taak.pk,), kwargs={"acting_user_id": demo["procesmanager"].pk})
    taak.refresh_from_db()
    assert taak.status == "mislukt" and taak.fout == bestandstaken.GEEN_TOEGANG and not taak.bestand
    assert not (Path(media) / bestandstaken.MAP).exists() or not any((Path(media) / bestandstaken.MAP).iterdir())


def test_a_render_over_the_time_limit_ends_mislukt_with_a_dutch_message_and_no_file(
    chair, demo, overleg, media, monkeypatch, django_capture_on_commit_callbacks
):
    """The real forked render (bzt.pdf.render_pdf_isolated) with a limit it cannot meet."""
    monkeypatch.setattr(bestandstaken, "PDF_TIMEOUT_SECONDS", 0.001)
    with django_capture_on_commit_callbacks(execute=True):
        response = chair.post(agenda_pdf_url(overleg))
    response = chair.get(response["Location"])
    taak = Bestandstaak.objects.get()
    assert taak.status == "mislukt" and not taak.bestand
    assert taak.fout == "Het opmaken van de PDF duurde langer dan 0.001 seconden en is afgebroken."
    assert taak.fout in response.content.decode()
    assert not any((Path(media) / bestandstaken.MAP).glob("*"))
    assert chair.get(reverse("bestandstaak_download", args=[taak.pk])).status_code == 404


@pytest.mark.parametrize(
    ("fout", "bericht"),
    [
        (PdfError("Het opmaken van de PDF had meer dan 1024 MB geheugen nodig en is afgebroken."), "meer dan 1024 MB"),
        (RuntimeError("stack trace met geheimen"), "Er ging iets mis bij het maken van het bestand."),
    ],
)
def test_a_failing_render_ends_mislukt_and_can_be_tried_again(
    chair, demo, overleg, media, monkeypatch, django_capture_on_commit_callbacks, fout, bericht
):
    def raise_(*args, **kwargs):
        raise fout

    monkeypatch.setattr(bestandstaken, "render_pdf_isolated", raise_)
    _aanvragen(demo, overleg, django_capture_on_commit_callbacks)
    taak = Bestandstaak.objects.get()
    assert taak.status == "mislukt" and bericht in taak.fout and "geheimen" not in taak.fout
    assert not any((Path(media) / bestandstaken.MAP).glob("*"))

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = chair.post(reverse("bestandstaak_opnieuw", args=[taak.pk]))
    response = chair.get(response["Location"])
    taak.refresh_from_db()
    assert (taak.status, taak.pogingen) == ("klaar", 2) and "PDF downloaden" in response.content.decode()


def test_a_job_whose_worker_died_twice_ends_mislukt(demo, overleg, media, django_capture_on_commit_callbacks):
    taak = _aanvragen(demo, overleg, django_capture_on_commit_callbacks, execute=False)
    for _ in range(2):  # two runs that never finished
        achtergrond.claim(Bestandstaak, taak.pk, demo["procesmanager"], max_runs=bestandstaken.MAX_RUNS)
    assert bestandstaken.maken(taak_id=taak.pk, door=demo["procesmanager"]) is None
    taak.refresh_from_db()
    assert taak.status == "mislukt" and taak.fout == achtergrond.ONDERBROKEN


def test_the_sweep_sends_a_job_that_never_reached_the_broker(demo, overleg, media, django_capture_on_commit_callbacks):
    taak = _aanvragen(demo, overleg, django_capture_on_commit_callbacks, execute=False)  # the message was lost
    with django_capture_on_commit_callbacks(execute=True):
        assert bestandstaken.wachtende_versturen() == 0  # just asked: not yet
    Bestandstaak.objects.filter(pk=taak.pk).update(aangevraagd_op=timezone.now() - timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.bestandstaken_versturen.apply().get() == 1
    taak.refresh_from_db()
    assert taak.status == "klaar" and taak.history.filter(status="bezig").get().history_user == demo["procesmanager"]
    # a late duplicate of the first message finds it klaar and does nothing
    assert bestandstaken.maken(taak_id=taak.pk, door=demo["procesmanager"]) is None


def test_asking_again_for_a_job_whose_message_was_lost_sends_it_again(
    demo, overleg, media, django_capture_on_commit_callbacks
):
    """The embedded setup has no beat: a job lost with the web process is healed by asking again."""
    taak = _aanvragen(demo, overleg, django_capture_on_commit_callbacks, execute=False)
    again = _aanvragen(demo, overleg, django_capture_on_commit_callbacks)  # just asked: not sent twice
    again.refresh_from_db()
    assert again.pk == taak.pk and again.status == "in_wachtrij"
    Bestandstaak.objects.filter(pk=taak.pk).update(aangevraagd_op=timezone.now() - timedelta(minutes=6))
    again = _aanvragen(demo, overleg, django_capture_on_commit_callbacks)
    again.refresh_from_db()
    assert again.pk == taak.pk and again.status == "klaar" and Bestandstaak.objects.count() == 1


def test_the_cleanup_removes_expired_files_and_rows_and_files_no_row_claims(
    demo, overleg, media, django_capture_on_commit_callbacks
):
    oud = _aanvragen(demo, overleg, django_capture_on_commit_callbacks)
    oud.refresh_from_db()
    nieuw = bestandstaken.aanvragen(door=demo["procesmanager"], soort="mdo.besluiten", object_id=overleg.pk)
    map_ = Path(media) / bestandstaken.MAP
    los_oud, los_nieuw = map_ / "verweesd-oud.pdf", map_ / "verweesd-nieuw.pdf"
    for los in (los_oud, los_nieuw):
        los.write_bytes(b"%PDF-1.7 los")
    drie_uur_geleden = time.time() - 3 * 3600
    os.utime(los_oud, (drie_uur_geleden, drie_uur_geleden))
    oud_pad = Path(media) / oud.bestand.name
    assert oud_pad.is_file()

    Bestandstaak.objects.filter(pk=oud.pk).update(verloopt_op=timezone.now() - timedelta(minutes=1))
    assert tasks.bestandstaken_opruimen.apply().get() == 1
    assert not oud_pad.exists() and not Bestandstaak.objects.filter(pk=oud.pk).exists()
    assert Bestandstaak.objects.filter(pk=nieuw.pk).exists()  # its hour is not over
    assert not los_oud.exists() and los_nieuw.exists()  # a fresh file may be one being written now
    # the removal is in the history, by the system account
    assert oud.history.latest("history_id").history_type == "-"


def test_an_expired_file_is_not_handed_out_before_the_cleanup_ran(
    chair, demo, overleg, media, django_capture_on_commit_callbacks
):
    pdf_via_taak(chair, agenda_pdf_url(overleg), django_capture_on_commit_callbacks)
    taak = Bestandstaak.objects.get()
    Bestandstaak.objects.filter(pk=taak.pk).update(verloopt_op=timezone.now() - timedelta(seconds=1))
    assert chair.get(reverse("bestandstaak_download", args=[taak.pk])).status_code == 404


def test_the_pdf_buttons_ask_with_a_post_and_a_get_shows_the_button(chair, overleg):
    url = agenda_pdf_url(overleg)
    html = chair.get(url).content.decode()
    assert re.search(rf'<form method="post" action="{url}"[^>]*>.*csrfmiddlewaretoken', html, re.S)
    assert "utrecht-button--secondary-action" in html and "disabled" not in html
    assert not Bestandstaak.objects.exists()
