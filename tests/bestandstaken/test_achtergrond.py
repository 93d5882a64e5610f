"""Without a broker (the embedded setup) a file job runs in the in-process worker thread (bzt.tasks.InProcessWorker):
the request returns at once, the page shows the progress, then the download."""

import re
import threading

import pytest
from django.urls import reverse

from bzt import achtergrond, bestandstaken
from bzt.models import Bestandstaak
from bzt.pdf import render_pdf
from bzt.tasks import IN_PROCESS
from tests.monitor.conftest import pdf_text

from .conftest import KLIENT, agenda_pdf_url


@pytest.mark.django_db(transaction=True)  # the job starts when the request's data is committed, in another thread
def test_the_request_returns_at_once_and_the_page_shows_progress_then_the_download(
    chair, demo, overleg, media, settings, monkeypatch
):
    settings.BZT_TAKEN_IN_THREAD = True
    rendering, release, answered = threading.Event(), threading.Event(), threading.Event()
    claim = achtergrond.claim

    def claim_after_the_answer(*args, **kwargs):
        # SQLite's shared in-memory test database locks a table for a writer and a reader at once: the job
        # starts writing once the request has answered (a file database or PostgreSQL simply wait)
        assert answered.wait(30)
        return claim(*args, **kwargs)

    def slow_pdf(html, **limits):
        rendering.set()
        assert release.wait(30), "the test never let the render finish"
        return render_pdf(html)

    monkeypatch.setattr(achtergrond, "claim", claim_after_the_answer)
    monkeypatch.setattr(bestandstaken, "render_pdf_isolated", slow_pdf)
    response = chair.post(agenda_pdf_url(overleg))
    answered.set()
    try:
        taak = Bestandstaak.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("bestandstaak", args=[taak.pk])
        assert rendering.wait(30)
        html = chair.get(response["Location"]).content.decode()
        assert "Bezig: pdf opmaken (30%)" in html and "<progress" in html and 'hx-trigger="every 1s"' in html
        assert "PDF downloaden" not in html
    finally:
        release.set()
        assert IN_PROCESS.join(timeout=30)
    fragment = chair.get(reverse("bestandstaak", args=[taak.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Klaar" in fragment and "hx-trigger" not in fragment  # polling stops
    download = re.search(r'href="(/taken/\d+/download/)"', fragment).group(1)
    pdf = b"".join(chair.get(download).streaming_content)
    assert f"Anna {KLIENT}" in " ".join(pdf_text(pdf).split())
