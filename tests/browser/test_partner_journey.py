"""Issue 19's journey: a police officer (partner_melder) files a melding on the web, the meldpunt triages it and
records the terugkoppeling, and the officer sees the status change and the terugkoppeling — nothing more."""

import pytest

from partners.models import Indiening
from tests.helpers import login

pytestmark = [pytest.mark.browser]


def _uitloggen(page):
    page.get_by_role("button", name="Uitloggen").first.click()
    page.wait_for_url("**/inloggen/**")


def test_police_files_the_meldpunt_triages_and_the_police_sees_status_and_terugkoppeling(page, demo):
    login(page, "politie")
    page.get_by_role("link", name="Meldingen", exact=True).first.click()
    page.get_by_role("link", name="Nieuwe melding doen").click()
    assert page.get_by_label("Kanaal").count() == 0 and page.get_by_label("Urgentie").count() == 0
    page.get_by_label("Aanmeldroute").select_option("oggz")
    page.get_by_label("Aanleiding").fill("Man slaapt al weken in het portiek; buren maken zich zorgen.")
    page.locator("#id_persoon-0-rol").select_option("hoofdpersoon")
    page.locator("#id_persoon-0-voornaam").fill("Bert")
    page.locator("#id_persoon-0-achternaam").fill("Portiekmans")
    page.locator("#id_persoon-0-geboortedatum").fill("1966-06-06")
    page.get_by_role("button", name="Melding versturen").click()

    melding = Indiening.objects.get().melding
    assert f"Melding {melding.nummer} is ontvangen" in page.get_by_role("status").inner_text()
    rij = page.locator("#partner-meldingen tbody tr").first
    assert melding.nummer in rij.inner_text() and "Ontvangen" in rij.inner_text()
    assert "Nog niet" in rij.inner_text() and "Portiekmans" not in page.content()
    _uitloggen(page)

    login(page, "meldpunt")
    page.goto(f"/meldpunt/meldingen/{melding.pk}/")
    assert "Webformulier partnerorganisatie" in page.content()
    page.get_by_role("button", name="In triage nemen").click()
    page.get_by_role("link", name="Trieer (3-uit-8)").click()
    page.get_by_label("Advies").check()
    page.get_by_role("button", name="Triage vastleggen").click()
    page.get_by_label("Wijze").select_option("telefoon")
    page.get_by_role("button", name="Terugkoppeling vastleggen").click()
    assert "Teruggekoppeld op" in page.content()
    _uitloggen(page)

    login(page, "politie")
    page.get_by_role("link", name="Meldingen", exact=True).first.click()
    rij = page.locator("#partner-meldingen tbody tr").first
    status = rij.locator(".bzt-partner-status")
    assert status.inner_text() == "Afgehandeld" and status.is_visible()
    assert "Gegeven op" in rij.inner_text()
    tekst = page.locator("main").inner_text() if page.locator("main").count() else page.content()
    # no person, no triage content, no professional of the meldpunt
    for geheim in ("Portiekmans", "Advies", demo["meldpunt"].get_full_name()):
        assert geheim not in tekst
    assert "(telefonisch)" in rij.inner_text()
