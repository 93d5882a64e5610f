"""Issue 21, in the browser: the privacy officer registers an inzage request for a client found by BSN, decides
which household member the client may see, generates the export, sees that the melder and the other household
member are not in it, releases it, and finds the release in the access log."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from avg.models import AvgExport
from casusregie.services import casus_toewijzen, journaal_toevoegen
from meldpunt import services as meldpunt_services
from meldpunt.codes import Rol
from tests import factories
from tests.avg.conftest import GERECHTIGD, MELDER, NIET_GERECHTIGD
from tests.browser.test_casus_journey import as_user, status_text  # noqa: F401 - the shared fixture
from tests.helpers import screenshot

pytestmark = [pytest.mark.browser]


def test_privacy_officer_answers_an_inzage_request(as_user, demo):  # noqa: F811
    klant_gegevens = factories.persoon_gegevens(voornaam="Clara", achternaam="Cliëntsma", bsn=factories.bsn(40))
    m = factories.melding(
        demo["meldpunt"],
        huishouden=[
            (Rol.HOOFDPERSOON, klant_gegevens),
            (Rol.PARTNER, factories.persoon_gegevens(**NIET_GERECHTIGD)),
            (Rol.KIND, factories.persoon_gegevens(**GERECHTIGD)),
        ],
        **MELDER,
    )
    factories.triage(demo["meldpunt"], m)
    meldpunt_services.melding_op_mdo_agenda_zetten(door=demo["meldpunt"], melding=m)
    c = casus_toewijzen(door=demo["procesmanager"], melding=m, casusregisseur=demo["regisseur_dimence"])
    journaal_toevoegen(door=demo["regisseur_dimence"], casus=c, tekst="Huisbezoek afgelegd.")
    klant = m.betrokkenen.get(rol=Rol.HOOFDPERSOON).persoon

    pv = as_user("privacy")
    expect(pv.locator("#kop-avg")).to_be_visible()
    pv.get_by_role("link", name="Nieuw verzoek registreren").first.click()
    pv.get_by_label("BSN").fill(klant.bsn)
    pv.get_by_role("button", name="Zoeken").click()
    expect(pv.get_by_role("radio", name="Clara Cliëntsma", exact=False)).to_be_checked()
    pv.get_by_label("Soort verzoek").select_option("inzage")
    pv.get_by_role("button", name="Verzoek registreren").click()
    assert "is geregistreerd" in status_text(pv)
    pv.get_by_role("button", name="In behandeling nemen").click()
    expect(pv.get_by_test_id("status")).to_have_text("In behandeling")

    # The child may be shown (decided per person); the partner stays out.
    pv.get_by_label(f"{GERECHTIGD['voornaam']} {GERECHTIGD['achternaam']}", exact=False).check()
    pv.get_by_role("button", name="Vastleggen").click()
    pv.get_by_role("button", name="Export maken").click()
    expect(pv.get_by_test_id("export-status")).to_have_text("Concept (nog niet vrijgegeven)")
    inhoud = pv.get_by_test_id("export-inhoud")
    expect(inhoud).to_be_visible()
    tekst = inhoud.inner_text()
    for verboden in (
        *MELDER.values(),
        NIET_GERECHTIGD["voornaam"],
        NIET_GERECHTIGD["achternaam"],
        NIET_GERECHTIGD["bsn"],
    ):
        assert verboden.lower() not in tekst.lower(), verboden
    assert "Clara" in tekst and GERECHTIGD["achternaam"] in tekst and "Huisbezoek afgelegd." in tekst
    assert "1, niet getoond" in tekst  # the partner is counted, not named
    screenshot(pv, "avg-export-concept")

    pv.get_by_role("button", name="Gecontroleerd: vrijgeven aan de cliënt").click()
    assert "vrijgegeven" in status_text(pv)
    assert AvgExport.objects.get().status == AvgExport.Status.VRIJGEGEVEN

    # The release is in the access log, for the client.
    pv.goto(reverse("inzagelog") + f"?persoon={klant.pk}")
    rij = pv.get_by_role("row").filter(has_text="Vrijgegeven aan de cliënt")
    expect(rij.first).to_be_visible()
    expect(rij.first).to_contain_text("AVG-verzoek van de cliënt")
    screenshot(pv, "avg-inzagelog-vrijgegeven")
