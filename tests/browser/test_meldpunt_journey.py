"""The meldpunt's day in the browser: register a household of three, see that a member is known,
triage with 3 leefgebieden, and put the melding on the MDO agenda."""

import pytest

from meldpunt.models import Melding
from tests import factories
from tests.helpers import login, screenshot

pytestmark = [pytest.mark.browser]


def fill_person(page, i, *, rol, voornaam, achternaam, geboortedatum, bsn=""):
    page.locator(f"#id_persoon-{i}-rol").select_option(rol)
    page.locator(f"#id_persoon-{i}-voornaam").fill(voornaam)
    page.locator(f"#id_persoon-{i}-achternaam").fill(achternaam)
    page.locator(f"#id_persoon-{i}-geboortedatum").fill(geboortedatum)
    if bsn:
        page.locator(f"#id_persoon-{i}-bsn").fill(bsn)
    page.locator(f"#id_persoon-{i}-wijk").select_option("Rivierenwijk")


def test_register_a_household_see_a_known_member_triage_and_put_on_the_agenda(page, demo):
    eerdere = factories.melding(
        demo["meldpunt2"],
        huishouden=[("hoofdpersoon", factories.persoon_gegevens(voornaam="Jan", achternaam="Jansen", bsn="123456782"))],
    )
    login(page, "meldpunt")
    page.get_by_role("link", name="Nieuwe melding").first.click()
    page.get_by_label("Kanaal").select_option("telefoon")
    page.get_by_label("Aanmeldroute").select_option("oggz")
    page.get_by_label("Aanleiding").fill("Buren horen ruzie; de kinderen gaan niet naar school.")
    page.get_by_label("Overlastgevend gedrag").check()
    page.get_by_label("Soort melder").select_option("professional")
    page.get_by_label("Organisatie melder").fill("Politie")
    fill_person(
        page, 0, rol="hoofdpersoon", voornaam="Jan", achternaam="Jansen", geboortedatum="1970-05-01", bsn="123456782"
    )
    page.get_by_role("button", name="Persoon toevoegen").click()
    fill_person(page, 1, rol="partner", voornaam="Sanne", achternaam="Jansen", geboortedatum="1975-08-12")
    page.get_by_role("button", name="Persoon toevoegen").click()
    fill_person(page, 2, rol="kind", voornaam="Daan", achternaam="Jansen", geboortedatum="2014-01-20")
    assert page.locator("#id_persoon-0-voornaam").input_value() == "Jan"  # nothing lost on adding a row
    page.get_by_role("button", name="Melding opslaan").click()

    warning = page.locator(".bzt-candidate")
    assert "Mogelijk al bekend" in warning.inner_text()
    assert f"Al bekend: Jan Jansen is betrokken bij melding {eerdere.nummer}" in warning.inner_text()
    screenshot(page, "melding-al-bekend")
    page.get_by_label("Gebruik bestaande persoon").check()
    page.get_by_role("button", name="Melding opslaan").click()

    assert "is geregistreerd" in page.get_by_role("status").inner_text()
    assert f"is betrokken bij melding {eerdere.nummer}" in page.locator(".bzt-known").inner_text()
    melding = Melding.objects.exclude(pk=eerdere.pk).get()
    assert melding.betrokkenen.count() == 3

    page.get_by_role("link", name="Trieer (3-uit-8)").click()
    for label in ("Verslaving", "Schulden", "Sociaal isolement"):
        page.get_by_label(label, exact=True).check()
    assert page.locator("#triage-score").inner_text() == "3 van 8 leefgebieden — doelgroep: naar het MDO"
    page.get_by_label("Sociaal isolement", exact=True).uncheck()  # the threshold comes from the server
    assert page.locator("#triage-score").inner_text() == "2 van 8 leefgebieden — niet de doelgroep"
    page.get_by_label("Sociaal isolement", exact=True).check()
    page.get_by_label("Naar het MDO").check()
    screenshot(page, "triage")
    page.get_by_role("button", name="Triage vastleggen").click()
    assert "3 van 8 leefgebieden — doelgroep" in page.locator(".bzt-score").inner_text()

    page.get_by_role("button", name="Op de MDO-agenda zetten").click()
    assert "De melding staat op de MDO-agenda" in page.get_by_role("status").inner_text()
    melding.refresh_from_db()
    assert melding.status == Melding.Status.OP_MDO_AGENDA
    assert melding.triage.score == 3 and melding.triage.getrieerd_door == demo["meldpunt"]

    page.get_by_role("link", name="Wachtrij").first.click()
    page.get_by_role("link", name="Wacht op het MDO").click()
    assert melding.nummer in page.locator("#wachtrij-resultaat").inner_text()
    screenshot(page, "wachtrij")
