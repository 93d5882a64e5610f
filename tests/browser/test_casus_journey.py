"""From MDO to closing, in the browser, each person in their own session:
MDO assigns a casusregisseur → the casusregisseur drafts the plan → the MDO approves it → the casusregisseur
escalates → the procesmanager escalates to the wethouder → the wethouder responds → de-escalation →
closing with transfer to regular care."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casusregie.models import Casus, Escalatie, Plan
from tests import factories
from tests.helpers import login, screenshot

pytestmark = [pytest.mark.browser]


@pytest.fixture
def as_user(browser, live_server):
    contexts = []

    def open_as(username):
        context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        login(page, username)
        return page

    yield open_as
    for context in contexts:
        context.close()


def status_text(page):
    return page.get_by_role("status").inner_text()


def test_from_mdo_assignment_to_closing_with_transfer(as_user, demo):
    melding = factories.mdo_melding(demo, codes=("psychiatrie", "schulden", "sociaal_isolement"))
    hoofdpersoon = melding.betrokkenen.get().persoon

    # The procesmanager plans the MDO; its agenda fills itself with the melding.
    pm = as_user("procesmanager")
    pm.get_by_role("link", name="MDO", exact=True).click()
    pm.get_by_label("Datum").fill((timezone.localdate() + timedelta(days=1)).isoformat())
    pm.get_by_label("Locatie").fill("Stadhuis")
    pm.get_by_role("button", name="MDO plannen").click()
    assert melding.nummer in pm.locator("#agenda").inner_text()
    pm.get_by_role("radio", name=f"{demo['regisseur_dimence']} — Dimence", exact=False).check()
    pm.get_by_label("Notulen").first.fill("Psychiatrie voorop: Dimence.")
    pm.get_by_role("button", name="Casusregisseur toewijzen").click()
    assert "is casusregisseur van casus" in status_text(pm)
    casus = Casus.objects.get(melding=melding)
    assert casus.casusregisseur == demo["regisseur_dimence"]

    # The casusregisseur drafts the plan: a goal and an action (added in place) and submits it.
    reg = as_user("regisseur_dimence")
    reg.get_by_role("link", name="Mijn casussen").click()
    reg.get_by_role("link", name=casus.nummer).click()
    assert hoofdpersoon.naam in reg.locator("#kop-huishouden + ul").inner_text()
    reg.get_by_role("link", name="Plan bewerken").click()
    reg.locator("#id_doel-leefgebied").select_option("schulden")
    reg.locator("#id_doel-omschrijving").fill("Schulden stabiel en in beheer.")
    reg.get_by_role("button", name="Doel toevoegen").click()
    expect(reg.locator("#kop-doelen + ul")).to_contain_text("Schulden stabiel en in beheer.")  # swapped in place
    reg.locator("#id_actie-omschrijving").fill("Aanmelden bij schuldhulpverlening")
    reg.locator("#id_actie-eigenaar").select_option(label="Gemeente Deventer")
    reg.locator("#id_actie-deadline").fill((timezone.localdate() + timedelta(days=10)).isoformat())
    reg.get_by_label(hoofdpersoon.naam).check()
    reg.get_by_role("button", name="Actie toevoegen").click()
    expect(reg.locator("#kop-acties + div")).to_contain_text("Aanmelden bij schuldhulpverlening")
    screenshot(reg, "plan-van-aanpak")
    reg.get_by_role("button", name="Indienen bij het MDO").click()
    assert "staat op de agenda van het MDO" in status_text(reg)

    # The MDO approves the plan.
    pm.reload()
    pm.get_by_role("button", name="Vaststellen").click()
    plan = casus.plannen.get()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.VASTGESTELD
    casus.refresh_from_db()
    assert casus.status == Casus.Status.IN_UITVOERING

    # The casusregisseur escalates: a partner keeps a waiting list.
    reg.goto(f"/casussen/{casus.pk}/")
    reg.locator("summary", has_text="Opschalen (escaleren)").click()
    reg.locator("#id_escaleren-reden").select_option("wachtlijst")
    reg.get_by_label("Vraag aan het niveau waar deze soort escalatie begint").fill(
        "Wachtlijst beschermd wonen: kan dit sneller?"
    )
    reg.get_by_role("button", name="Opschalen").click()
    assert "opgeschaald naar: Procesmanager" in status_text(reg)
    escalatie = Escalatie.objects.get(casus=casus)

    # The procesmanager escalates straight to the wethouder.
    pm.goto(f"/casussen/escalaties/{escalatie.pk}/")
    pm.get_by_label("Opschalen naar").select_option(label="Wethouder")
    pm.get_by_label("Wat moet dit niveau besluiten?").fill("Bestuurlijke doorbraak bij de wachtlijst nodig.")
    pm.get_by_role("button", name="Opschalen").click()

    # The wethouder sees it at their level — without names, plan or journaal — and responds.
    wh = as_user("wethouder")
    wh.get_by_role("link", name=casus.nummer, exact=True).click()  # not the notification that names it
    page_text = wh.locator("main").inner_text()
    assert "Wachtlijst beschermd wonen" in page_text
    assert hoofdpersoon.achternaam not in page_text and "Schulden stabiel" not in page_text
    screenshot(wh, "escalatie-wethouder")
    wh.get_by_role("textbox", name="Antwoord").fill("Ik spreek de bestuurder van de woningcorporatie aan.")
    # exact: the wethouder can escalate further now (burgemeester): "Wat moet dit niveau besluiten?"
    wh.get_by_role("textbox", name="Besluit (verplicht)", exact=True).fill("Voorrang binnen twee weken.")
    wh.get_by_role("button", name="Antwoord vastleggen").click()
    assert "antwoord en besluit zijn vastgelegd" in status_text(wh).lower()

    # De-escalation, by the procesmanager: the casus returns to the casusregisseur.
    pm.goto(f"/casussen/escalaties/{escalatie.pk}/")
    pm.get_by_label("Toelichting bij de-escaleren").fill("Opgelost na besluit wethouder.")
    pm.once("dialog", lambda d: d.accept())
    pm.get_by_role("button", name="De-escaleren").click()
    casus.refresh_from_db()
    assert casus.status == Casus.Status.IN_UITVOERING

    # Closing with transfer to regular care, once the action of the plan is done.
    plan = casus.plannen.get(status=Plan.Status.VASTGESTELD)
    reg.goto(f"/casussen/plannen/{plan.pk}/")
    reg.get_by_label("Status van Aanmelden bij schuldhulpverlening").select_option(label="Gereed")
    reg.get_by_role("button", name="Wijzig").click()
    assert "Status van de actie: Gereed." in status_text(reg)
    reg.goto(f"/casussen/{casus.pk}/")
    assert "Alles is geregeld" in reg.locator("#kop-afsluiten").locator("..").inner_text()
    assert "Voorrang binnen twee weken." in reg.locator("#kop-tijdlijn").locator("..").inner_text()
    screenshot(reg, "dossier")
    reg.get_by_label("Reden van afsluiten").select_option(label="Overgedragen aan reguliere zorg")
    reg.get_by_label("Overgedragen aan (reguliere zorg)").select_option(label="Dimence")
    reg.get_by_label("Toelichting: waar loopt de zorg verder?").fill("FACT-team Dimence neemt over.")
    reg.once("dialog", lambda d: d.accept())
    reg.get_by_role("button", name="Casus afsluiten").click()
    assert "De casus is afgesloten." in status_text(reg)
    casus.refresh_from_db()
    assert (casus.status, casus.overgedragen_aan.naam) == (Casus.Status.AFGESLOTEN, "Dimence")
    assert "Toevoegen aan journaal" not in reg.content()  # read only after closing
