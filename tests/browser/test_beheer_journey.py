"""Functioneel beheer in the browser: beheer makes a new partner organisation and a casusregisseur account in it;
the new regisseur chooses a password through the one-time link, logs in and enrols the second factor, and the MDO
assigns them a casus (issue 15's journey; the corrections part: tests/browser/test_correcties_journey.py)."""

import re

import pytest
from playwright.sync_api import expect

from bzt.models import User
from casusregie.models import Casus
from tests import factories
from tests.helpers import login, screenshot

pytestmark = [pytest.mark.browser]

WACHTWOORD = "Een-lang-nieuw-wachtwoord-42"


def test_beheer_creates_an_organisation_and_a_regisseur_who_then_logs_in_and_enrols(browser, live_server, demo):
    beheer_context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = beheer_context.new_page()
    login(page, "beheer")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Organisaties").click()
    page.get_by_role("link", name="Nieuwe organisatie").click()
    page.get_by_label("Naam").fill("Leger des Heils")
    page.get_by_label("Heeft het convenant Bijzonder Zorgteam ondertekend").check()
    page.get_by_label("Datum van ondertekening").fill("2025-03-01")
    page.get_by_role("button", name="Organisatie aanmaken").click()
    expect(page.get_by_role("status")).to_contain_text("Organisatie Leger des Heils is aangemaakt.")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Accounts").click()
    page.get_by_role("link", name="Nieuw account").click()
    page.get_by_label("Gebruikersnaam").fill("regisseur_ldh")
    page.get_by_label("Voornaam").fill("Lotte")
    page.get_by_label("Achternaam").fill("de Heer")
    page.get_by_label("E-mailadres").fill("lotte@ldh.example")
    page.get_by_label("Organisatie").select_option(label="Leger des Heils")
    page.get_by_label("Casusregisseur").check()
    page.get_by_role("button", name="Account aanmaken").click()
    expect(page.get_by_role("status")).to_contain_text("Account regisseur_ldh is aangemaakt.")
    link = page.locator("code.bzt-inloglink").inner_text()
    assert re.search(r"/account/wachtwoord-instellen/[^/]+/[^/]+/$", link)
    screenshot(page, "beheer-account-aangemaakt")
    beheer_context.close()

    regisseur_context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = regisseur_context.new_page()
    page.goto(link)
    page.get_by_label("Nieuw wachtwoord").fill(WACHTWOORD)
    page.get_by_label("Herhaal het nieuwe wachtwoord").fill(WACHTWOORD)
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(page.get_by_role("heading", name="Wachtwoord opgeslagen")).to_be_visible()
    login(page, "regisseur_ldh", WACHTWOORD)  # enrols the authenticator app on the way
    expect(page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn casussen")).to_be_visible()
    regisseur = User.objects.get(username="regisseur_ldh")
    assert regisseur.organisatie.naam == "Leger des Heils" and regisseur.last_login is not None
    regisseur_context.close()

    # The MDO assigns the new regisseur a casus: found by name in the agenda item's search (htmx, while typing).
    melding = factories.mdo_melding(demo)
    overleg = factories.overleg(demo)
    punt = overleg.agendapunten.get(melding=melding)
    mdo_context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = mdo_context.new_page()
    login(page, "procesmanager")
    page.goto(f"/mdo/{overleg.pk}/")
    item = page.locator(f"#punt-{punt.pk}")
    item.get_by_label("Andere casusregisseur zoeken").fill("de Heer")
    item.get_by_role("radio", name="Lotte de Heer", exact=False).check()
    item.get_by_role("button", name="Casusregisseur toewijzen").click()
    expect(page.get_by_role("status")).to_contain_text("is casusregisseur van casus")
    assert Casus.objects.get(melding=melding).casusregisseur == regisseur
    mdo_context.close()
