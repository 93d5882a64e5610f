"""Professional density (issue 17), one journey: the MDO agenda of 24 items fits a few screens and opens an
item's form on demand; the lists sort and page; the escalation shows its own question first; the main pages fit
a phone. Screenshots of each page at 1366×900 and 390×844 (test-artifacts/screenshots)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from casusregie import services as casus_services
from casusregie.models import EscalatieNiveau
from mdo import services as mdo_services
from mdo.models import AgendaPunt
from tests import factories
from tests.a11y import assert_accessible
from tests.helpers import BREED, SMAL, login, screenshots

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


def escalatie_met_doorbraak(demo, casus):
    e = casus_services.casus_escaleren(
        door=casus.casusregisseur, casus=casus, reden="wachtlijst", vraag="Wachtlijst beschermd wonen: kan dit sneller?"
    )
    casus_services.escalatie_opschalen(
        door=demo["procesmanager"],
        escalatie=e,
        naar=EscalatieNiveau.objects.get(code="wethouder"),
        toelichting="Bestuurlijke doorbraak nodig: de wachtlijst is acht maanden.",
    )
    e.refresh_from_db()
    casus_services.doorbraak_vastleggen(
        door=demo["wethouder"],
        escalatie=e,
        maatwerkbudget=Decimal("4800"),
        legitimiteit="Past binnen de Wmo.",
        betrokkenheid="Alle partners akkoord.",
        rendement="Voorkomt een huisuitzetting.",
    )
    return e


def past_op_het_scherm(page, naam):
    """At the current width: no page wider than the screen, the header in at most two rows and the menu in one."""
    breedte = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert breedte[0] <= breedte[1], f"{naam}: {breedte[0]}px breed op een scherm van {breedte[1]}px"
    rijen = page.evaluate(
        """() => {
          // rows of a wrapped flex line: a box that starts below the bottom of the row so far opens a new row
          const rijen = sel => {
            const vakken = [...document.querySelectorAll(sel)].filter(e => e.offsetParent !== null)
              .map(e => e.getBoundingClientRect()).sort((a, b) => a.top - b.top);
            let aantal = 0, onderkant = -Infinity;
            for (const v of vakken) {
              if (v.top >= onderkant - 1) { aantal += 1; onderkant = v.bottom; }
              else { onderkant = Math.max(onderkant, v.bottom); }
            }
            return aantal;
          };
          return [rijen('.bzt-header__inner > *'), rijen('.bzt-nav__list > li')];
        }"""
    )
    assert rijen[0] <= 2, f"{naam}: de kop staat op {rijen[0]} regels"
    assert rijen[1] <= 1, f"{naam}: het menu staat op {rijen[1]} regels"


def test_density_journey(page, demo, browser, live_server):
    overleg = agenda_van_24(demo)
    casus = overleg.agendapunten.filter(soort=AgendaPunt.Soort.CASUSBESPREKING).first().casus
    escalatie = escalatie_met_doorbraak(demo, casus)
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
    screenshots(page, "mdo-agenda-24")

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

    # Lists: sortable headers and numbered pages; the queue sorted by urgency, the casussen by regisseur.
    page.goto("/meldpunt/?wachtrij=mdo")
    page.get_by_role("link", name="Urgentie").click()
    expect(page.locator('th[aria-sort="ascending"]')).to_contain_text("Urgentie")
    assert_accessible(page)
    screenshots(page, "wachtrij-gesorteerd")
    page.goto("/casussen/")
    page.get_by_role("link", name="Toegewezen").click()
    page.get_by_role("link", name="Toegewezen").click()
    expect(page.locator('th[aria-sort="descending"]')).to_contain_text("Toegewezen")
    page.locator("main").get_by_label("Zoeken", exact=True).fill(casus.nummer)
    page.locator("main").get_by_role("button", name="Zoeken", exact=True).click()
    expect(page.locator("tbody tr")).to_have_count(1)
    assert_accessible(page)
    screenshots(page, "casussen-gezocht")

    # The escalation: the question to this level first, the doorbraak as a block in the side panel.
    page.goto(f"/casussen/escalaties/{escalatie.pk}/")
    vraag = page.locator(".bzt-escalatie-vraagblok").bounding_box()
    verloop = page.get_by_role("heading", name="Eerder verloop (nieuwste eerst)").bounding_box()
    assert vraag["y"] < verloop["y"]
    doorbraak = page.locator(".bzt-doorbraak")
    expect(doorbraak).to_contain_text("4.800,00")
    expect(doorbraak.locator("li")).to_have_count(3)
    assert doorbraak.bounding_box()["x"] > vraag["x"] + vraag["width"]  # beside the content at 1366px
    assert_accessible(page)
    screenshots(page, "escalatie-doorbraak")

    # Phone width: the main pages fit, tables become labelled rows that keep urgency, norm and signals.
    page.set_viewport_size(SMAL)
    for naam, url in [
        ("start", "/"),
        ("wachtrij", "/meldpunt/"),
        ("wachtrij-mdo", "/meldpunt/?wachtrij=mdo"),
        ("zoeken", f"/meldpunt/zoeken/?q={casus.melding.betrokkenen.first().persoon.achternaam}"),
        ("casussen", "/casussen/"),
        ("dossier", f"/casussen/{casus.pk}/"),
        ("dashboard", "/casussen/dashboard/"),
        ("dashboard-escalaties", "/casussen/dashboard/escalaties/"),
        ("mdo-agenda", f"/mdo/{overleg.pk}/"),
        ("escalatie", f"/casussen/escalaties/{escalatie.pk}/"),
        ("melding", f"/meldpunt/meldingen/{casus.melding.pk}/"),
    ]:
        page.goto(url)
        past_op_het_scherm(page, naam)
    page.goto("/meldpunt/?wachtrij=mdo")
    eerste = page.locator("tbody tr").first
    for label in ("Urgentie", "Werkdagen wachtend", "Signalen"):
        cel = eerste.locator(f'td[data-label="{label}"]')
        expect(cel).to_be_visible()
        inhoud = cel.evaluate("td => getComputedStyle(td, '::before').content")
        assert inhoud == f'"{label}"'
    assert eerste.locator('td[data-label="Signalen"]').inner_text().strip() != ""  # the triage score shows
    # stacked: the cells of a row lie under each other, none cut off or drawn over the next
    vakken = eerste.locator("td").evaluate_all(
        "tds => tds.map(td => [td.getBoundingClientRect().top, td.getBoundingClientRect().bottom,"
        " td.scrollHeight - td.clientHeight])"
    )
    for (_, onder, over), (volgende_boven, _, _) in zip(vakken, vakken[1:], strict=False):
        assert onder <= volgende_boven + 1 and over <= 1

    # The casusregisseur: mijn casussen and the open actions across them, also on a phone.
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport=SMAL)
    regisseur = context.new_page()
    login(regisseur, "regisseur_dimence")
    regisseur.goto("/casussen/acties/")
    expect(regisseur.get_by_role("heading", name="Mijn open acties")).to_be_visible()
    past_op_het_scherm(regisseur, "mijn-acties")
    assert_accessible(regisseur)
    screenshots(regisseur, "mijn-acties")
    for naam, url in [("home-casusregisseur", "/"), ("mijn-casussen", "/casussen/")]:
        regisseur.goto(url)
        past_op_het_scherm(regisseur, naam)
    context.close()
