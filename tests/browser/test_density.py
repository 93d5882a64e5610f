"""Professional density (issue 17), one journey: the MDO agenda of 24 items fits a few screens and opens an
item's form on demand; the lists sort and page; the escalation shows its own question first; the main pages fit
a phone. Screenshots of each page at 1366×900 and 390×844 (test-artifacts/screenshots)."""

import pytest
from playwright.sync_api import expect

from mdo import services as mdo_services
from mdo.models import AgendaPunt
from tests import factories
from tests.a11y import assert_accessible
from tests.helpers import BREED, login, screenshots

pytestmark = [pytest.mark.browser]

AGENDA_MAX_HOOGTE = 4000  # px at 1366×900 for 24 items; one page of everything opened was ~27,000


def agenda_van_24(demo):
    """An MDO with 24 items of the three kinds: 16 new meldingen, 4 plans to approve, 4 casusbesprekingen."""
    casussen = [factories.casus(demo) for _ in range(8)]
    for c in casussen[:4]:
        factories.ingediend_plan(demo, c)
    for _ in range(16):
        factories.mdo_melding(demo)
    overleg = factories.overleg(demo)
    for c in casussen[4:]:
        mdo_services.casusbespreking_toevoegen(door=demo["procesmanager"], overleg=overleg, casus=c)
    assert overleg.agendapunten.count() == 24
    return overleg


def paginahoogte(page):
    return page.evaluate("document.documentElement.scrollHeight")


def test_density_journey(page, demo):
    overleg = agenda_van_24(demo)
    page.set_viewport_size(BREED)
    login(page, "procesmanager")

    # The MDO agenda: the overview per kind with counts, every item one line, the first open one opened.
    page.goto(f"/mdo/{overleg.pk}/")
    overzicht = page.get_by_role("navigation", name="Overzicht: 24 punten")
    expect(overzicht).to_contain_text("Nieuwe meldingen (16, 16 open)")
    expect(overzicht).to_contain_text("Plannen vaststellen (4, 4 open)")
    expect(overzicht).to_contain_text("Casusbesprekingen (4, 4 open)")
    hoogte = paginahoogte(page)
    assert hoogte < AGENDA_MAX_HOOGTE, f"de agenda van 24 punten is {hoogte}px hoog"
    assert page.locator(".bzt-agendapunt__details[open]").count() == 1
    assert_accessible(page)
    screenshots(page, "mdo-agenda")

    # A jump link in the overview opens that item; its decision form is there and works.
    bespreking = overleg.agendapunten.filter(soort=AgendaPunt.Soort.CASUSBESPREKING).order_by("volgorde").first()
    item = page.locator(f"#punt-{bespreking.pk}")
    notulen = item.get_by_label("Notulen")
    expect(notulen).to_be_hidden()
    overzicht.get_by_role("link", name=bespreking.casus.nummer).click()
    expect(notulen).to_be_visible()
    notulen.fill("Wachtlijst besproken; Iriszorg pakt het op.")
    item.get_by_role("button", name="Besproken").click()
    expect(page.get_by_role("status")).to_contain_text("besproken")
    bespreking.refresh_from_db()
    assert bespreking.besluit == AgendaPunt.Besluit.BESPROKEN
    expect(page.get_by_role("navigation", name="Overzicht: 24 punten")).to_contain_text("Casusbesprekingen (4, 3 open)")

    # Another item opens by its summary (no script needed: <details>).
    plan_punt = overleg.agendapunten.filter(soort=AgendaPunt.Soort.PLAN_VASTSTELLEN).order_by("volgorde").last()
    item = page.locator(f"#punt-{plan_punt.pk}")
    item.locator("summary").first.click()
    expect(item.get_by_role("button", name="Vaststellen")).to_be_visible()
