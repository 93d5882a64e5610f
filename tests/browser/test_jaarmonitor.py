"""The beleidsambtenaar in the browser: makes the jaarmonitor, downloads the PDF, and cannot open a melding
or a dossier. (Tasks run eagerly in the live server: the job runs inside the request.)"""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from monitor.models import Rapport
from tests import factories
from tests.helpers import login, screenshot

pytestmark = [pytest.mark.browser]

JAAR = timezone.localdate().year - 1


@pytest.fixture
def data(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    for i in range(6):
        m = factories.melding(
            demo["meldpunt"],
            ontvangen_op=date(JAAR, 4, 1 + i),
            huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam=f"Onzichtbaar{i}"))],
        )
        factories.triage(demo["meldpunt"], m, datum=m.ontvangen_op + timedelta(days=3))
    return factories.casus(demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam="Dossiernaam"))])


def test_the_beleidsambtenaar_makes_and_downloads_the_jaarmonitor_and_sees_no_person(page, data):
    casus = data
    login(page, "beleid")
    expect(page.get_by_text("De jaarmonitor en geanonimiseerde cijfers.")).to_be_visible()
    expect(page.get_by_text("Er zijn nog geen rapporten gemaakt.")).to_be_visible()

    page.get_by_role("link", name="Jaarmonitor", exact=True).click()
    expect(page.get_by_role("heading", name="Jaarmonitor", exact=True)).to_be_visible()
    expect(page.get_by_text("Er zijn nog geen rapporten gemaakt.")).to_be_visible()
    page.get_by_role("combobox", name="Jaar").select_option(str(JAAR))
    # The real PDF is made inside this request (eager task): allow it time.
    page.get_by_role("button", name="Rapport maken").click(timeout=180_000)

    row = page.locator("tr", has_text=str(JAAR)).first
    # Waiting or running it shows a progress bar (polled by htmx); with eager tasks it is done at once.
    expect(row.get_by_text("Klaar", exact=True)).to_be_visible(timeout=120_000)
    assert Rapport.objects.get().status == Rapport.Status.KLAAR
    screenshot(page, "jaarmonitor")

    with page.expect_download() as download_info:
        row.get_by_role("link", name="PDF downloaden").click()
    download = download_info.value
    assert download.suggested_filename == f"jaarmonitor-bzt-{JAAR}.pdf"
    with open(download.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"

    # The figures as a web page: suppressed, with charts, without names.
    page.goto(f"/jaarmonitor/{JAAR}/")
    expect(page.get_by_role("heading", name=f"Jaarmonitor {JAAR}: cijfers")).to_be_visible()
    assert page.locator("svg.bzt-grafiek").count() > 3
    assert "Onzichtbaar" not in page.content()
    screenshot(page, "jaarmonitor-cijfers")

    # A melding, a person and a dossier: no content.
    melding = casus.melding
    persoon = melding.betrokkenen.first().persoon
    for url in (
        f"/meldpunt/meldingen/{melding.pk}/",
        f"/meldpunt/personen/{persoon.pk}/",
        f"/casussen/{casus.pk}/",
        "/meldpunt/",
    ):
        response = page.goto(url)
        assert response.status in (403, 404), url
        assert "Dossiernaam" not in page.content() and melding.nummer not in page.content()


def test_the_progress_bar_updates_itself_until_the_report_is_klaar(page, demo, settings, tmp_path):
    """A report made by a worker: the row polls (htmx, every second) and turns into a download link."""
    from bzt.audit import acting_as

    settings.MEDIA_ROOT = tmp_path / "media"
    with acting_as(demo["beleid"]):
        rapport = Rapport.objects.create(
            jaar=JAAR, aangevraagd_door=demo["beleid"], status=Rapport.Status.BEZIG, voortgang=50, stap="PDF opmaken"
        )
    login(page, "beleid")
    page.goto("/jaarmonitor/")
    row = page.locator(f"#rapport-{rapport.pk}")
    expect(row.locator("progress")).to_have_attribute("value", "50")
    expect(row.get_by_text("Bezig: pdf opmaken (50%)")).to_be_visible()
    expect(row.get_by_role("link", name="Vernieuwen")).to_be_visible()

    Rapport.objects.filter(pk=rapport.pk).update(voortgang=90, stap="Opslaan")
    expect(row.locator("progress")).to_have_attribute("value", "90", timeout=10_000)

    (tmp_path / "media" / "jaarmonitor").mkdir(parents=True)
    (tmp_path / "media" / "jaarmonitor" / "r.pdf").write_bytes(b"%PDF-1.7 test")
    Rapport.objects.filter(pk=rapport.pk).update(status="klaar", voortgang=100, bestand="jaarmonitor/r.pdf")
    expect(row.get_by_role("link", name="PDF downloaden")).to_be_visible(timeout=10_000)
    expect(row.locator("progress")).to_have_count(0)
