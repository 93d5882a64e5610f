"""Professional density (issue 17), one journey: the MDO agenda of 24 items fits a few screens and opens an
item's form on demand; the lists sort and page; the escalation shows its own question first. Then a tour of every
page the issue changed, as each role sees it (rondgang): at 1366×900 and 390×844 a screenshot
(test-artifacts/screenshots/NAME-1366.png, NAME-390.png) and axe at zero serious/critical violations; at 390 no
page wider than the screen, the header in two lines at most and stacked tables that keep urgency, norm and signals;
on every page no "---------", no internal #id, capitalised statuses and warning buttons that look enabled."""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casusregie import services as casus_services
from casusregie.models import Casus, EscalatieNiveau
from mdo import services as mdo_services
from mdo.models import AgendaPunt
from tests import factories
from tests.a11y import assert_accessible, serious_violations
from tests.browser.test_ui_defects import button_looks_enabled
from tests.helpers import BREED, SMAL, login, screenshot, screenshots

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
    if breedte[0] > breedte[1]:
        te_breed = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                 .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest('thead'))
                 .map(e => `${e.tagName}.${e.className} tot ${Math.round(e.getBoundingClientRect().right)}px`)
                 .slice(0, 8)"""
        )
        raise AssertionError(f"{naam}: {breedte[0]}px breed op een scherm van {breedte[1]}px: {te_breed}")
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

    # Every page issue 17 changed, as each role sees it, at both widths (bekijk).
    rondgang(page, browser, live_server, demo, overleg, casus, escalatie)


# --- the tour of every changed page ---------------------------------------------------------------------------

# cells a stacked table must keep in view on a phone: urgency, the norm (days waiting) and the signals
KERNCELLEN = ("Urgentie", "Werkdagen wachtend", "Signalen", "Dagen", "Signaal sinds", "Op dit niveau sinds")


def tabellen_gestapeld(page, naam, verplicht):
    """Below ~700px a table of class bzt-tabel-stapel is rows of labelled cells: each cell shows its label,
    lies under the previous one, none wider than the screen; urgency, norm and signals stay visible."""
    tabellen = page.locator("table.bzt-tabel-stapel:visible")
    if verplicht:
        assert tabellen.count() > 0, f"{naam}: geen gestapelde tabel"
    for t in range(tabellen.count()):
        rij = tabellen.nth(t).locator("tbody tr").first
        if rij.count() == 0 or rij.locator("td[data-label]").count() == 0:
            continue
        cellen = rij.locator("td[data-label]").evaluate_all(
            """tds => tds.map(td => { const r = td.getBoundingClientRect();
                 return {label: td.dataset.label, voor: getComputedStyle(td, '::before').content,
                         boven: r.top, onder: r.bottom, rechts: r.right, hoog: r.height,
                         over: td.scrollHeight - td.clientHeight}; })"""
        )
        breedte = page.evaluate("window.innerWidth")
        for cel, volgende in zip(cellen, cellen[1:] + [None], strict=True):
            assert cel["voor"] == f'"{cel["label"]}"', f"{naam}: cel {cel['label']} zonder label ({cel['voor']})"
            assert cel["rechts"] <= breedte + 1 and cel["over"] <= 1, f"{naam}: cel {cel['label']} valt weg {cel}"
            if volgende:
                assert cel["onder"] <= volgende["boven"] + 1, f"{naam}: {cel['label']} over {volgende['label']}"
            if cel["label"] in KERNCELLEN:
                assert cel["hoog"] > 0, f"{naam}: {cel['label']} is niet te zien"
        labels = {c["label"] for c in cellen}
        assert set(verplicht) <= labels or t > 0, f"{naam}: {set(verplicht) - labels} ontbreekt"


def tekst_zoals_bedoeld(page, naam):
    """No "---------" empty option, no internal #id, statuses with a capital (issue 17, defects)."""
    tekst = page.locator("main").inner_text()
    assert "---------" not in tekst, naam
    intern_id = re.search(r".{0,30}#\d+", tekst)
    assert not intern_id, f"{naam}: intern id op het scherm: {intern_id.group()}"
    opties = page.locator("main option").all_inner_texts()
    assert not any(o.strip().startswith("---") for o in opties), f"{naam}: lege keuze '---------'"
    for status in page.locator(".bzt-status").all_inner_texts():
        assert status[:1].isupper(), f"{naam}: status zonder hoofdletter: {status!r}"


def waarschuwingsknoppen_actief(page, naam):
    """Every warning button (Opschalen, Casus afsluiten, …) is filled and coloured: a grey outline looks disabled."""
    for i in range(page.locator("button.utrecht-button--warning").count()):
        button_looks_enabled(page.locator("button.utrecht-button--warning").nth(i), f"{naam} knop {i}")


def bekijk(page, naam, *, gestapeld=()):
    """One changed page at 1366×900 and 390×844: a screenshot of each (NAME-1366.png, NAME-390.png), axe at zero
    serious/critical violations, the texts and buttons as issue 17 asks; at 390 it fits the screen, the header
    keeps to two lines and stacked tables keep their labelled cells."""
    tekst_zoals_bedoeld(page, naam)
    waarschuwingsknoppen_actief(page, naam)
    for viewport in (BREED, SMAL):
        page.set_viewport_size(viewport)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")  # resized
        if viewport is SMAL:
            past_op_het_scherm(page, naam)
            tabellen_gestapeld(page, naam, gestapeld)
        violations = serious_violations(page)
        assert not violations, f"{naam} ({viewport['width']}px), axe-core:\n" + "\n".join(violations)
        screenshot(page, f"{naam}-{viewport['width']}")
    page.set_viewport_size(BREED)


def escalaties_per_niveau(demo, casussen):
    """An open escalation waiting at each level of the ladder above the procesmanager's own (the wethouder's is
    the test's doorbraak): {level code: Escalatie}."""
    pm = demo["procesmanager"]
    per_niveau = {}
    for c, (reden, naar) in zip(
        casussen,
        [
            ("stagnatie", None),
            ("juridisch", None),
            ("stagnatie", "burgemeester"),
            ("veiligheid", "regionale_mandaatcommissie"),
        ],
        strict=True,
    ):
        e = casus_services.casus_escaleren(
            door=c.casusregisseur, casus=c, reden=reden, vraag=f"Vraag over {reden}: wie helpt?"
        )
        if naar:
            e = casus_services.escalatie_opschalen(
                door=pm,
                escalatie=e,
                naar=EscalatieNiveau.objects.get(code=naar),
                toelichting="Hier is een besluit nodig.",
            )
        e.refresh_from_db()
        per_niveau[e.niveau.code] = e
    return per_niveau


def rondgang(page, browser, live_server, demo, overleg, casus, escalatie):
    casussen = [c for c in Casus.objects.order_by("pk") if c.pk != casus.pk and not c.escalaties.exists()]
    escalaties = escalaties_per_niveau(demo, casussen[-4:])
    escalaties["wethouder"] = escalatie
    casus_services.wachtlijst_melden(  # the dashboard's waiting lists, a stacked table on a phone
        door=casussen[0].casusregisseur,
        casus=casussen[0],
        organisatie=casussen[0].casusregisseur.organisatie,
        voorziening="Beschermd wonen",
        sinds=timezone.localdate() - timedelta(days=40),
    )
    bekend = factories.melding(
        demo["meldpunt2"],
        huishouden=[("hoofdpersoon", factories.persoon_gegevens(voornaam="Jan", achternaam="Jansen", bsn="123456782"))],
    )
    nieuw = [factories.melding(demo["meldpunt"]) for _ in range(3)]
    # a Wvggz melding past its deadline: its long red tag must wrap, not widen the page
    factories.melding(demo["meldpunt"], wvggz=True, ontvangen_op=timezone.localdate() - timedelta(days=30))
    contexts = []

    def als(username):
        context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport=BREED)
        context.set_default_timeout(10_000)
        contexts.append(context)
        p = context.new_page()
        login(p, username)
        return p

    try:
        # the meldpunt: the queues, a form with errors, the "Mogelijk al bekend" box, triage, search, a melding
        m = als("meldpunt")
        m.goto("/meldpunt/")
        bekijk(m, "wachtrij-triage", gestapeld=("Urgentie", "Werkdagen wachtend", "Signalen"))
        m.goto("/meldpunt/?wachtrij=mdo")
        bekijk(m, "wachtrij-mdo", gestapeld=("Urgentie", "Werkdagen wachtend", "Signalen"))
        m.goto("/meldpunt/meldingen/nieuw/")
        m.get_by_role("button", name="Melding opslaan").click()
        samenvatting = m.locator(".bzt-formfouten")
        expect(samenvatting).to_be_visible()
        links = samenvatting.get_by_role("link")
        assert links.count() >= 3
        for i in range(links.count()):  # each line links to its field
            doel = links.nth(i).get_attribute("href")
            assert m.locator(doel).count() == 1, f"foutensamenvatting: {doel} bestaat niet"
        links.first.click()
        assert m.evaluate("document.activeElement.id") == links.first.get_attribute("href")[1:]
        bekijk(m, "formfouten")
        nieuwe_melding_met_bsn(m, "1234.56.782")
        expect(m.locator(".bzt-candidate")).to_contain_text("Mogelijk al bekend")
        expect(m.locator(".bzt-candidate")).to_contain_text(bekend.nummer)
        bekijk(m, "melding-al-bekend")
        m.goto(f"/meldpunt/meldingen/{nieuw[0].pk}/triage/")
        expect(m.get_by_role("heading", level=1)).to_contain_text("Triage")
        bekijk(m, "triage")
        m.locator("#kopzoek-q").fill("Jansen")
        m.locator("#kopzoek-q").press("Enter")
        expect(m.locator("main tbody tr").first).to_contain_text("Jansen")
        bekijk(m, "zoeken")
        m.goto(f"/meldpunt/meldingen/{casus.melding.pk}/")
        bekijk(m, "melding")

        # the casusregisseur: mijn casussen (filters and search), a dossier with its timeline, a plan, my actions
        r = als("regisseur_dimence")
        r.goto("/casussen/")
        expect(r.locator("main").get_by_label("Zoeken", exact=True)).to_be_visible()
        bekijk(r, "mijn-casussen", gestapeld=("Casus",))
        r.goto(f"/casussen/{casus.pk}/")
        expect(r.get_by_role("navigation", name="Kruimelpad")).to_be_visible()
        expect(r.locator("ul.bzt-timeline").first).to_be_visible()
        bekijk(r, "dossier")
        plan = casussen[0].plannen.get()
        r.goto(f"/casussen/plannen/{plan.pk}/")
        expect(r.locator("main")).to_contain_text("Urgentieaanvraag bij de woningcorporatie")
        bekijk(r, "plan", gestapeld=("Actie", "Uiterlijk", "Status"))
        r.goto("/casussen/acties/")
        expect(r.get_by_role("heading", name="Mijn open acties")).to_be_visible()
        bekijk(r, "mijn-acties", gestapeld=("Actie",))

        # the procesmanager: all casussen, the MDO agenda (overview, an item opened), the besluitenlijst, the
        # dashboard and its lists, an escalation at the procesmanager's level
        page.set_viewport_size(BREED)
        page.goto("/casussen/")
        bekijk(page, "alle-casussen", gestapeld=("Casus",))
        page.goto("/mdo/")
        bekijk(page, "mdo-overleggen", gestapeld=("Datum", "Agendapunten"))
        page.goto(f"/mdo/{overleg.pk}/")
        bekijk(page, "mdo-agenda")
        punt = overleg.agendapunten.filter(soort=AgendaPunt.Soort.PLAN_VASTSTELLEN).order_by("volgorde").first()
        page.locator(f"#punt-{punt.pk} summary").first.click()
        expect(page.locator(f"#punt-{punt.pk}").get_by_role("button", name="Vaststellen")).to_be_visible()
        bekijk(page, "mdo-agendapunt-open")
        page.goto(f"/mdo/{overleg.pk}/besluiten/print/")
        bekijk(page, "besluitenlijst")
        page.goto("/casussen/dashboard/")
        bekijk(page, "dashboard", gestapeld=("Escalatie",))
        expect(page.locator("section[aria-labelledby=wachtlijsten] tbody tr")).to_have_count(1)
        for lijst in ("escalaties", "signalen", "caseload"):
            page.goto(f"/casussen/dashboard/{lijst}/")
            bekijk(page, f"dashboard-{lijst}")
        page.goto(f"/casussen/escalaties/{escalaties['procesmanager'].pk}/")
        bekijk(page, "escalatie-procesmanager")

        # each higher level sees its own escalation, its own question first
        for niveau, gebruiker in [
            ("coordinerend_ambtenaar", "coordinator"),
            ("wethouder", "wethouder"),
            ("burgemeester", "burgemeester"),
            ("regionale_mandaatcommissie", "mandaatcommissie"),
        ]:
            p = als(gebruiker)
            p.goto(f"/casussen/escalaties/{escalaties[niveau].pk}/")
            vraag = p.locator(".bzt-escalatie-vraagblok")
            expect(vraag).to_contain_text(escalaties[niveau].niveau.naam)  # "De vraag aan <this level>"
            verloop = p.get_by_role("heading", name="Eerder verloop (nieuwste eerst)")
            assert vraag.bounding_box()["y"] < verloop.bounding_box()["y"]  # its own question first
            bekijk(p, f"escalatie-{niveau}")
            if niveau == "wethouder":  # the list of escalations at one's level, on a phone as well
                p.goto("/casussen/escalaties/")
                bekijk(p, "escalaties-wethouder", gestapeld=("Casus", "Op dit niveau sinds"))

        # the beleidsambtenaar: the jaarmonitor page; its CSV as Dutch Excel reads it
        b = als("beleid")
        b.goto("/jaarmonitor/")
        bekijk(b, "jaarmonitor")
        jaar = timezone.localdate().year
        b.goto(f"/jaarmonitor/{jaar}/")
        with b.expect_download() as download:
            b.get_by_role("link", name="CSV downloaden").click()
        regels = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
        assert regels[0].count(";") >= 3 and "," not in regels[0], regels[0]
        eerste_kolom = [regel.split(";")[0] for regel in regels[1:]]
        assert eerste_kolom and not any("_" in k or "." in k for k in eerste_kolom), eerste_kolom[:5]  # labels

        # functioneel beheer: the lists
        f = als("beheer")
        for naam, url in [
            ("beheer-accounts", "/beheer/accounts/"),
            ("beheer-organisaties", "/beheer/organisaties/"),
            ("beheer-afsluitredenen", "/beheer/afsluitredenen/"),
            ("beheer-escalatieladder", "/beheer/escalatieladder/"),
            ("beheer-budget", "/beheer/budget/"),
        ]:
            f.goto(url)
            bekijk(f, naam)
    finally:
        for context in contexts:
            context.close()


def nieuwe_melding_met_bsn(page, bsn):
    """The meldpunt registers a household of one with a BSN as typed on a letter."""
    page.goto("/meldpunt/meldingen/nieuw/")
    page.get_by_label("Kanaal").select_option("telefoon")
    page.get_by_label("Aanmeldroute").select_option("oggz")
    page.get_by_label("Aanleiding").fill("Buren horen ruzie.")
    page.get_by_label("Soort melder").select_option("professional")
    page.get_by_label("Organisatie melder").fill("Politie")
    page.locator("#id_persoon-0-rol").select_option("hoofdpersoon")
    page.locator("#id_persoon-0-voornaam").fill("Jan")
    page.locator("#id_persoon-0-achternaam").fill("Jansen")
    page.locator("#id_persoon-0-geboortedatum").fill("1970-05-01")
    page.locator("#id_persoon-0-bsn").fill(bsn)
    page.locator("#id_persoon-0-wijk").select_option("Rivierenwijk")
    page.get_by_role("button", name="Melding opslaan").click()
