"""Every main page, for the role that uses it: axe-core reports no serious or critical violation, and a
screenshot is kept (test-artifacts/screenshots) for the docs."""

import pytest
from django.utils import timezone

from bzt.gemeenten import eigen_gemeente
from casusregie import referentie
from casusregie import services as casus_services
from casusregie.models import AfsluitReden, EscalatieNiveau, EscalatieSoort
from mdo import services as mdo_services
from monitor.services import budgetregel_opslaan
from tests import factories
from tests.a11y import assert_accessible
from tests.helpers import login, screenshot

pytestmark = [pytest.mark.browser]


@pytest.fixture
def data(demo):
    melding = factories.melding(demo["meldpunt"], wvggz=True)
    casus = factories.casus(demo)
    plan = factories.vastgesteld_plan(demo, casus)
    escalatie = casus_services.casus_escaleren(
        door=demo["regisseur_dimence"], casus=casus, reden="wachtlijst", vraag="Kan de wachtlijst sneller?"
    )
    factories.mdo_melding(demo)
    overleg = mdo_services.overleg_plannen(
        door=demo["procesmanager"], datum=timezone.localdate() + timezone.timedelta(days=2)
    )
    persoon = melding.betrokkenen.first().persoon
    budgetregel_opslaan(
        door=demo["beheer"], jaar=timezone.localdate().year, categorie="casusregie", omschrijving="OGGZ",
        bedrag=1000, subsidie="OGGZ", aanmeldroute="oggz",
    )  # fmt: skip
    from bzt.models import Organisatie

    wachtlijst = casus_services.wachtlijst_melden(
        door=demo["regisseur_dimence"],
        casus=casus,
        organisatie=Organisatie.objects.get(naam="Iriszorg"),
        voorziening="Beschermd wonen",
        sinds=timezone.localdate(),
    )
    from avg import services as avg_services

    avg_verzoek = avg_services.verzoek_registreren(
        door=demo["privacy"], persoon=persoon, soort="inzage", ontvangen_op=timezone.localdate()
    )
    avg_services.in_behandeling_nemen(door=demo["privacy"], verzoek=avg_verzoek)
    avg_export = avg_services.export_maken(door=demo["privacy"], verzoek=avg_verzoek)
    return {
        "avg_verzoek": avg_verzoek,
        "avg_export": avg_export,
        "wachtlijst": wachtlijst,
        "melding": melding,
        "casus": casus,
        "plan": plan,
        "escalatie": escalatie,
        "overleg": overleg,
        "persoon": persoon,
        "account": demo["regisseur_dimence"],
        "afsluitreden": AfsluitReden.objects.get(code="doel_bereikt"),
        "escalatieniveau": EscalatieNiveau.objects.get(code="procesmanager"),
        "escalatiesoort": EscalatieSoort.objects.get(code="stagnatie"),
        "expertteam": referentie.expertteam_aanmaken(
            door=demo["beheer"], naam="Expertteam verslaving", leden=[demo["regisseur_tactus"]]
        ),
    }


def pages_of(data):
    return {
        "meldpunt": [
            ("home-meldpunt", "/"),
            ("wachtrij", "/meldpunt/"),
            ("melding-nieuw", "/meldpunt/meldingen/nieuw/"),
            ("melding", f"/meldpunt/meldingen/{data['melding'].pk}/"),
            ("triage-formulier", f"/meldpunt/meldingen/{data['melding'].pk}/triage/"),
            ("zoeken", f"/meldpunt/zoeken/?q={data['persoon'].achternaam}"),
            ("persoon", f"/meldpunt/personen/{data['persoon'].pk}/"),
            # issue 15: corrections
            ("melding-corrigeren", f"/meldpunt/meldingen/{data['melding'].pk}/corrigeren/"),
            (
                "persoon-corrigeren",
                f"/meldpunt/meldingen/{data['melding'].pk}/personen/{data['persoon'].pk}/corrigeren/",
            ),
            ("huishoudlid-toevoegen", f"/meldpunt/meldingen/{data['melding'].pk}/huishouden/"),
        ],
        "procesmanager": [
            ("home-procesmanager", "/"),
            ("dashboard", "/casussen/dashboard/"),
            ("mdo-overleggen", "/mdo/"),
            ("mdo-agenda", f"/mdo/{data['overleg'].pk}/"),
            # the search fields without JS: the agenda reloaded with matches for a casus and an attendee
            (
                "mdo-agenda-gezocht",
                f"/mdo/{data['overleg'].pk}/?casus_zoek={data['casus'].pk}&aanwezige_zoek=regisseur",
            ),
            ("dashboard-escalaties", "/casussen/dashboard/escalaties/"),
            ("dashboard-signalen", "/casussen/dashboard/signalen/"),
            ("dashboard-caseload", "/casussen/dashboard/caseload/"),
            ("dossier-overdragen-gezocht", f"/casussen/{data['casus'].pk}/?regisseur_zoek=regisseur"),
            ("casussen", "/casussen/"),
            ("escalatie-procesmanager", f"/casussen/escalaties/{data['escalatie'].pk}/"),
            ("inzagelog", "/inzagelog/"),
            ("noodtoegangen", "/casussen/noodtoegangen/"),
        ],
        "regisseur_dimence": [
            ("home-casusregisseur", "/"),
            ("dossier", f"/casussen/{data['casus'].pk}/"),
            ("dossier-professional-gezocht", f"/casussen/{data['casus'].pk}/?professional_zoek=regisseur"),
            ("plan", f"/casussen/plannen/{data['plan'].pk}/"),
            # issue 17: the open actions across my casussen, and my casussen searched, filtered and sorted
            ("mijn-acties", "/casussen/acties/"),
            ("mijn-casussen-gezocht", "/casussen/?q=a&status=open&sorteer=-toegewezen"),
            ("casus-huishoudlid-toevoegen", f"/casussen/{data['casus'].pk}/huishouden/"),
            (
                "wachtlijst-opgelost",
                f"/casussen/{data['casus'].pk}/wachtlijsten/{data['wachtlijst'].pk}/opgelost/",
            ),
        ],
        "wethouder": [("home-wethouder", "/")],
        "coordinator": [("home-coordinator", "/")],
        "beleid": [
            ("home-beleidsambtenaar", "/"),
            ("jaarmonitor", "/jaarmonitor/"),
            ("jaarmonitor-cijfers", f"/jaarmonitor/{timezone.localdate().year}/"),
            ("jaarmonitor-budget", f"/jaarmonitor/{timezone.localdate().year}/budget/"),
        ],
        "privacy": [
            ("home-privacy", "/"),
            ("avg-verzoeken", "/avg/"),
            (
                "avg-nieuw-gezocht",
                f"/avg/nieuw/?bsn=&achternaam={data['persoon'].achternaam}"
                f"&geboortedatum={data['persoon'].geboortedatum.isoformat()}",
            ),
            ("avg-verzoek", f"/avg/{data['avg_verzoek'].pk}/"),
            ("avg-export", f"/avg/export/{data['avg_export'].pk}/"),
        ],
        "beheer": [
            ("home-beheer", "/"),
            ("beheer-accounts", "/beheer/accounts/?q=regisseur"),
            ("beheer-account-nieuw", "/beheer/accounts/nieuw/"),
            ("beheer-account", f"/beheer/accounts/{data['account'].pk}/"),
            ("beheer-account-deactiveren", f"/beheer/accounts/{data['account'].pk}/deactiveren/"),
            ("beheer-organisaties", "/beheer/organisaties/"),
            ("beheer-organisatie", f"/beheer/organisaties/{data['account'].organisatie_id}/"),
            ("beheer-organisatie-nieuw", "/beheer/organisaties/nieuw/"),
            # issue 18: the gemeenten of a region
            ("beheer-gemeenten", "/beheer/gemeenten/"),
            ("beheer-gemeente", f"/beheer/gemeenten/{eigen_gemeente().pk}/"),
            ("beheer-gemeente-nieuw", "/beheer/gemeenten/nieuw/"),
            ("beheer-afsluitredenen", "/beheer/afsluitredenen/"),
            ("beheer-afsluitreden", f"/beheer/afsluitredenen/{data['afsluitreden'].pk}/"),
            ("beheer-afsluitreden-nieuw", "/beheer/afsluitredenen/nieuw/"),
            ("beheer-escalatieladder", "/beheer/escalatieladder/"),
            ("beheer-escalatieniveau", f"/beheer/escalatieladder/{data['escalatieniveau'].pk}/"),
            ("beheer-escalatieniveau-nieuw", "/beheer/escalatieladder/nieuw/"),
            (
                "beheer-escalatieniveau-deactiveren",
                f"/beheer/escalatieladder/{data['escalatieniveau'].pk}/deactiveren/",
            ),
            ("beheer-escalatiesoorten", "/beheer/escalatiesoorten/"),
            ("beheer-escalatiesoort", f"/beheer/escalatiesoorten/{data['escalatiesoort'].pk}/"),
            ("beheer-escalatiesoort-nieuw", "/beheer/escalatiesoorten/nieuw/"),
            ("beheer-expertteams", "/beheer/expertteams/"),
            ("beheer-expertteam", f"/beheer/expertteams/{data['expertteam'].pk}/?lid_zoek=regisseur"),
            ("beheer-expertteam-nieuw", "/beheer/expertteams/nieuw/"),
            ("beheer-expertteam-deactiveren", f"/beheer/expertteams/{data['expertteam'].pk}/deactiveren/"),
            ("beheer-instellingen", "/beheer/instellingen/"),
            ("beheer-instelling", "/beheer/instellingen/BZT_MAX_CASELOAD/"),
            ("beheer-budget", f"/beheer/budget/?jaar={timezone.localdate().year}"),
        ],
    }


@pytest.mark.parametrize(
    "username",
    ["meldpunt", "procesmanager", "regisseur_dimence", "wethouder", "coordinator", "beleid", "beheer", "privacy"],
)
def test_main_pages_have_no_serious_accessibility_violations(page, data, username):
    login(page, username)
    for name, url in pages_of(data)[username]:
        page.goto(url)
        assert page.title(), name
        assert page.locator("html").get_attribute("lang") == "nl"
        assert_accessible(page)
        screenshot(page, name)


def test_the_pages_of_a_region_are_accessible(browser, live_server, data, demo):
    """Issue 18: with several gemeenten the intake, the dossier and the account screen show the gemeente."""
    from django.conf import settings

    from bzt.audit import system_user
    from bzt.demo import seed_regio

    _, users = seed_regio(door=system_user(), password=settings.DEMO_PASSWORD)
    for username, name, url in [
        ("meldpunt", "regio-melding-nieuw", "/meldpunt/meldingen/nieuw/"),
        ("regisseur_dimence", "regio-dossier", f"/casussen/{data['casus'].pk}/"),
        ("beheer", "regio-account", f"/beheer/accounts/{users['wethouder_zutphen'].pk}/"),
        ("beheer", "regio-budget", f"/beheer/budget/?jaar={timezone.localdate().year}"),
    ]:
        context = browser.new_context(base_url=live_server.url, locale="nl-NL")
        page = context.new_page()
        login(page, username)
        page.goto(url)
        assert (
            page.get_by_label("Gemeente", exact=False).first.is_visible() or page.locator("#kop-gemeente").is_visible()
        )
        assert_accessible(page)
        screenshot(page, name)
        context.close()


def test_the_login_page_is_accessible(page, db):
    page.goto("/inloggen/")
    assert_accessible(page)
    screenshot(page, "inloggen")


def test_keyboard_users_can_skip_to_the_content(page, demo):
    login(page, "meldpunt")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"


def test_the_first_password_page_of_a_new_account_is_accessible(page, demo):
    from bzt import beheer
    from bzt.models import Organisatie

    nieuw = beheer.account_aanmaken(
        door=demo["beheer"],
        username="a11y_nieuw",
        first_name="Ada",
        last_name="Toegankelijk",
        email="ada@bzt.example",
        organisatie=Organisatie.objects.get(naam="Dimence"),
        rollen=["casusregisseur"],
    )
    page.goto(nieuw.inloglink)
    assert page.get_by_label("Nieuw wachtwoord").is_visible()
    assert_accessible(page)
    screenshot(page, "wachtwoord-kiezen")


def test_the_partner_pages_are_accessible(page, demo):
    """Issue 19: the partner's form and list, and functioneel beheer's keys and callbacks."""
    from bzt.models import Organisatie

    politie = Organisatie.objects.get(naam="Politie")
    for username, pages in (
        ("politie", [("home-partner", "/"), ("partner-meldingen", "/partner/meldingen/"),
                     ("partner-melding-nieuw", "/partner/meldingen/nieuw/")]),
        ("beheer", [("beheer-partners", "/beheer/partners/"),
                    ("beheer-partner-organisatie", f"/beheer/partners/organisaties/{politie.pk}/")]),
    ):  # fmt: skip
        page.context.clear_cookies()
        login(page, username)
        for name, url in pages:
            page.goto(url)
            assert page.title(), name
            assert_accessible(page)
            screenshot(page, name)


def test_the_mogelijk_al_bekend_signal_of_a_partner_filing_is_seen_and_accessible(page, demo):
    """Issue 19: a person a partner filed without BSN looks like a known person; the meldpunt sees it, linked."""
    from partners.services import melding_indienen

    bekend = factories.persoon_gegevens(voornaam="Greet", achternaam="Hazelaar", bsn="123456782")
    bekend = factories.melding(demo["meldpunt"], huishouden=[("hoofdpersoon", bekend)]).betrokkenen.get().persoon
    nieuw = factories.persoon_gegevens(voornaam="Greet", achternaam="Hazelaar", geboortedatum=bekend.geboortedatum)
    melding = melding_indienen(
        door=demo["politie"],
        organisatie=demo["politie"].organisatie,
        gegevens={
            "ontvangen_op": timezone.localdate(),
            "aanmeldroute": "oggz",
            "aanleiding": "Verward op straat.",
            "melder_type": "professional",
            "melder_naam": "Agent Bakker",
            "melder_organisatie": "Politie",
            "kanaal": "partner_web",
        },
        personen=[{"rol": "hoofdpersoon", **nieuw}],
    ).melding
    login(page, "meldpunt")
    page.goto(f"/meldpunt/meldingen/{melding.pk}/")
    signaal = page.get_by_role("alert").filter(has_text="Mogelijk al bekend")
    assert signaal.is_visible() and "lijkt op Greet Hazelaar" in signaal.inner_text()
    signaal.get_by_role("link", name="Greet Hazelaar").click()
    assert page.url.endswith(f"/meldpunt/personen/{bekend.pk}/")
    page.go_back()
    assert_accessible(page)
    screenshot(page, "melding-mogelijk-al-bekend")
