"""Asking for a PDF in the browser (issue 20): the button on the MDO page leads to the progress page, which ends
with a download button; the PDF holds the agenda. (Tasks run eagerly in the live server: the job runs when the
request commits, in the same process.)"""

import re

import pytest
from playwright.sync_api import expect

from bzt.models import Bestandstaak, InzageRegel
from tests import factories
from tests.helpers import login, screenshot
from tests.monitor.conftest import pdf_text

pytestmark = [pytest.mark.browser]


@pytest.fixture
def overleg(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    factories.mdo_melding(
        demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens(voornaam="Bea", achternaam="Browserink"))]
    )
    return factories.overleg(demo, locatie="Stadhuis, zaal 3")


def test_the_procesmanager_asks_for_the_agenda_pdf_and_downloads_it(page, overleg):
    login(page, "procesmanager")
    page.goto(f"/mdo/{overleg.pk}/")
    knop = page.get_by_role("button", name="Agenda (pdf)")
    expect(knop).to_be_enabled()
    # a real button, not a grey outline that looks disabled
    assert knop.evaluate("b => getComputedStyle(b).cursor") != "not-allowed"
    knop.click()
    page.wait_for_url(re.compile(r".*/taken/\d+/$"))
    expect(page.get_by_role("heading", name=re.compile(r"^Agenda MDO"))).to_be_visible()
    downloaden = page.get_by_role("link", name="PDF downloaden")
    expect(downloaden).to_be_visible(timeout=60_000)
    screenshot(page, "pdf-taak-klaar")
    with page.expect_download() as download_info:
        downloaden.click()
    download = download_info.value
    assert download.suggested_filename == f"mdo-{overleg.datum:%Y-%m-%d}-agenda.pdf"
    with open(download.path(), "rb") as fh:
        tekst = " ".join(pdf_text(fh.read()).split())
    assert "Agenda MDO" in tekst and "Bea Browserink" in tekst
    assert Bestandstaak.objects.get().status == "klaar"
    assert InzageRegel.objects.filter(actie="exporteren", object_type="agenda").exists()

    page.get_by_role("link", name="Terug").click()  # back to the MDO
    expect(page.get_by_role("button", name="Besluitenlijst (pdf)")).to_be_visible()
