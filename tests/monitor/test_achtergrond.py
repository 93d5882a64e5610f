"""Issue 17: without a broker (the embedded setup) the jaarmonitor job runs in the in-process worker thread
(bzt.tasks.InProcessWorker): the request returns at once and the page polls the progress."""

import threading

import pytest
from django.urls import reverse

from bzt.tasks import IN_PROCESS
from monitor import exports, services, tasks
from monitor.models import Rapport

from .conftest import JAAR


def test_the_report_task_is_a_background_job():
    assert tasks.rapport_genereren.achtergrond is True


@pytest.mark.django_db(transaction=True)  # the job starts when the request's data is committed, in another thread
def test_the_request_returns_before_the_report_is_rendered_and_the_job_then_finishes(
    beleid, demo, jaar_cijfers, media, settings, monkeypatch
):
    settings.BZT_TAKEN_IN_THREAD = True
    rendering, release, answered = threading.Event(), threading.Event(), threading.Event()
    claim = services._claim

    def claim_after_the_answer(*args, **kwargs):
        # SQLite's shared in-memory test database locks a table for a writer and a reader at once: the job
        # starts writing once the request has answered (a file database or PostgreSQL simply wait)
        assert answered.wait(30)
        return claim(*args, **kwargs)

    monkeypatch.setattr(services, "_claim", claim_after_the_answer)

    def slow_pdf(shown):
        rendering.set()
        assert release.wait(30), "the test never let the render finish"
        return b"%PDF-1.7 jaarmonitor"

    monkeypatch.setattr(exports, "render_pdf", slow_pdf)
    response = beleid.post(reverse("monitor:index"), {"rapport-jaar": JAAR}, follow=True)
    answered.set()
    try:
        # the page is back while the PDF is still being made: it says so and polls the progress
        assert response.status_code == 200
        assert f"De jaarmonitor {JAAR} wordt gemaakt." in response.content.decode()
        assert rendering.wait(30)
        rapport = Rapport.objects.get(jaar=JAAR)
        assert rapport.status == Rapport.Status.BEZIG and 0 < rapport.voortgang < 100
        status = beleid.get(reverse("monitor:rapport_status", args=[rapport.pk]), HTTP_HX_REQUEST="true")
        status = status.content.decode()
        assert "<progress" in status and 'hx-trigger="every 1s"' in status
    finally:
        release.set()
        assert IN_PROCESS.join(timeout=30)
    rapport.refresh_from_db()
    assert rapport.status == Rapport.Status.KLAAR and rapport.voortgang == 100
    download = beleid.get(reverse("monitor:rapport_download", args=[rapport.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
