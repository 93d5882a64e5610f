"""The region in the browser (issue 18): a melding for a household in Zutphen goes through triage and the MDO, is
escalated to the wethouder of Zutphen, who answers; the wethouder of Deventer does not see it; the household moves
to Lochem and the next escalation goes to Lochem's ladder."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from casusregie import referentie, services
from casusregie.models import Casus, Escalatie, EscalatieNiveau
from tests import factories
from tests.helpers import login, screenshot
from tests.regio.conftest import huishouden_in

pytestmark = [pytest.mark.browser]


@pytest.fixture
def regio(demo):
    from django.conf import settings

    from bzt.audit import system_user
    from bzt.demo import seed_regio

    gemeenten, users = seed_regio(door=system_user(), password=settings.DEMO_PASSWORD)
    return {**demo, **users, "gemeenten": gemeenten}


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


def test_a_zutphen_household_climbs_zutphens_ladder_and_after_moving_lochems(as_user, regio):
    zutphen = regio["gemeenten"]["GM0301"]
    # each gemeente its own ladder: the regionale mandaatcommissie sits above Zutphen and Lochem only
    mandaat = EscalatieNiveau.objects.get(code="regionale_mandaatcommissie")
    referentie.escalatieniveau_wijzigen(
        door=regio["beheer"],
        niveau=mandaat,
        naam=mandaat.naam,
        volgorde=mandaat.volgorde,
        behandelaars=mandaat.behandelaars,
        geldt_voor=EscalatieNiveau.GeldtVoor.ALLEEN,
        gemeenten=[zutphen, regio["gemeenten"]["GM0262"]],
        reden="Regionale afspraak",
    )
    melding = factories.melding(regio["meldpunt"], huishouden=huishouden_in(zutphen, achternaam="Ijsselstein"))
    assert melding.gemeente == zutphen  # from the wijk Zutphen-Centrum

    # The meldpunt triages it and puts it on the MDO agenda.
    mp = as_user("meldpunt")
    mp.goto(reverse("meldpunt:melding", args=[melding.pk]))
    mp.get_by_role("link", name="Trieer (3-uit-8)").click()
    for label in ("Verslaving", "Schulden", "Dakloos"):
        mp.get_by_label(label, exact=True).check()
    mp.get_by_label("Naar het MDO").check()
    mp.get_by_role("button", name="Triage vastleggen").click()
    mp.get_by_role("button", name="Op de MDO-agenda zetten").click()
    assert "De melding staat op de MDO-agenda" in status_text(mp)

    # The MDO (procesmanager) assigns a casusregisseur.
    pm = as_user("procesmanager")
    pm.get_by_role("link", name="MDO", exact=True).click()
    pm.get_by_label("Datum").fill((timezone.localdate() + timedelta(days=1)).isoformat())
    pm.get_by_label("Locatie").fill("Stadhuis Zutphen")
    pm.get_by_role("button", name="MDO plannen").click()
    pm.get_by_role("radio", name=f"{regio['regisseur_dimence']} — Dimence", exact=False).check()
    pm.get_by_label("Notulen").first.fill("Dimence neemt de regie.")
    pm.get_by_role("button", name="Casusregisseur toewijzen").click()
    assert "is casusregisseur van casus" in status_text(pm)
    casus = Casus.objects.get(melding=melding)
    assert casus.gemeente == zutphen

    # The casusregisseur escalates a legal blockade: it starts at Zutphen's coördinerend ambtenaar.
    reg = as_user("regisseur_dimence")
    reg.goto(f"/casussen/{casus.pk}/")
    expect(reg.locator("#casus-gemeente")).to_contain_text("Zutphen")
    reg.locator("summary", has_text="Opschalen (escaleren)").click()
    reg.locator("#id_escaleren-reden").select_option("juridisch")
    reg.get_by_label("Vraag aan het niveau waar deze soort escalatie begint").fill("Beslagvrije voet: wie beslist?")
    reg.get_by_role("button", name="Opschalen").click()
    escalatie = Escalatie.objects.get(casus=casus)
    assert escalatie.gemeente == zutphen

    co = as_user("coordinator_zutphen")
    co.get_by_role("link", name=casus.nummer, exact=True).click()
    co.get_by_label("Opschalen naar").select_option(label="Wethouder")
    co.get_by_label("Wat moet dit niveau besluiten?").fill("Bestuurlijk besluit over de beslagvrije voet.")
    co.get_by_role("button", name="Opschalen").click()

    # The wethouder of Zutphen sees it and answers.
    wz = as_user("wethouder_zutphen")
    wz.get_by_role("link", name=casus.nummer, exact=True).click()
    assert "Beslagvrije voet" in wz.locator("main").inner_text()
    # Zutphen's ladder goes on to its burgemeester and the mandaatcommissie
    expect(wz.get_by_label("Opschalen naar").locator("option")).to_contain_text(
        ["Burgemeester", "Regionale mandaatcommissie"]
    )
    assert "Ijsselstein" not in wz.locator("main").inner_text()
    wz.get_by_role("textbox", name="Antwoord").fill("Ik spreek de directeur van de kredietbank aan.")
    wz.get_by_role("textbox", name="Besluit (verplicht)", exact=True).fill("Beslagvrije voet herstellen.")
    wz.get_by_role("button", name="Antwoord vastleggen").click()
    assert "antwoord en besluit zijn vastgelegd" in status_text(wz).lower()
    screenshot(wz, "regio-wethouder-zutphen")

    # The wethouder of Deventer does not see it: not on the list, and its address is a 404.
    wd = as_user("wethouder")
    wd.get_by_role("link", name="Escalaties").first.click()
    expect(wd.locator("main")).not_to_contain_text(casus.nummer)
    response = wd.goto(f"/casussen/escalaties/{escalatie.pk}/")
    assert response.status == 404
    expect(wd.locator("main")).not_to_contain_text("Beslagvrije voet")

    # The procesmanager de-escalates; the household moves to Lochem (recorded in the dossier).
    services.escalatie_deescaleren(door=regio["procesmanager"], escalatie=escalatie, toelichting="Opgelost.")
    reg.goto(f"/casussen/{casus.pk}/")
    reg.locator("summary", has_text="Verhuizing binnen de regio vastleggen").click()
    reg.locator("#id_verhuizen-naar_gemeente").select_option(label="Lochem")
    reg.locator("#id_verhuizen-reden").fill("Nieuwe woning via de corporatie in Lochem.")
    reg.get_by_role("button", name="Verhuizing vastleggen").click()
    assert "hoort nu bij Lochem" in status_text(reg)
    expect(reg.locator("#casus-gemeente")).to_contain_text("Lochem")
    screenshot(reg, "regio-verhuizing")

    # The next escalation goes to Lochem's ladder.
    reg.locator("summary", has_text="Opschalen (escaleren)").click()
    reg.locator("#id_escaleren-reden").select_option("juridisch")
    reg.get_by_label("Vraag aan het niveau waar deze soort escalatie begint").fill("Huurachterstand: wie beslist?")
    reg.get_by_role("button", name="Opschalen").click()
    nieuw = Escalatie.objects.filter(casus=casus).exclude(pk=escalatie.pk).get()
    assert nieuw.gemeente.code == "GM0262"
    cl = as_user("coordinator_lochem")
    cl.get_by_role("link", name="Escalaties").first.click()
    expect(cl.locator("main")).to_contain_text(casus.nummer)
    co.goto("/casussen/escalaties/")
    expect(co.locator("main")).not_to_contain_text(casus.nummer)
