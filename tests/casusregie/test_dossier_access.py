"""Who can and cannot open the dossier, a plan and an escalation — before and after transfer and closing."""

import pytest
from django.urls import reverse

from bzt.models import Organisatie
from casusregie import services
from casusregie.models import AfsluitReden, EscalatieNiveau
from tests import factories

MARKER = "Vertrouwelijkma"


@pytest.fixture
def casus(demo):
    c = factories.casus(demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam=MARKER))])
    services.betrokkene_toevoegen(
        door=demo["regisseur_dimence"],
        casus=c,
        professional=demo["regisseur_iriszorg"],
        rol="Woonbegeleider",
        grondslag="convenant",
    )
    services.journaal_toevoegen(door=demo["regisseur_dimence"], casus=c, tekst="Geheime journaalnotitie.")
    return c


def urls(c, escalatie=None):
    result = {
        "dossier": reverse("casusregie:dossier", args=[c.pk]),
        "plan": reverse("casusregie:plan", args=[c.plannen.first().pk]),
    }
    if escalatie is not None:
        result["escalatie"] = reverse("casusregie:escalatie", args=[escalatie.pk])
    return result


def can_open(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code in (200, 404), (url, response.status_code)
    if response.status_code == 404:
        assert MARKER not in response.content.decode()
    return response.status_code == 200


EXPECTED = {
    # username: (dossier, plan)
    "regisseur_dimence": (True, True),
    "regisseur_iriszorg": (True, True),  # betrokken: read
    "procesmanager": (True, True),
    "regisseur_tactus": (False, False),  # casusregisseur of another organisation
    "regisseur_mee": (False, False),
    "coordinator": (False, False),
    "wethouder": (False, False),
    "meldpunt": (False, False),
    "beleid": (False, False),
    "beheer": (False, False),
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_who_opens_the_dossier_and_the_plan(client, demo, casus, username):
    expected = EXPECTED[username]
    u = urls(casus)
    assert (can_open(client, demo[username], u["dossier"]), can_open(client, demo[username], u["plan"])) == expected


def test_the_dossier_shows_the_journaal_but_never_the_melder(client, demo, casus):
    client.force_login(demo["regisseur_dimence"])
    html = client.get(reverse("casusregie:dossier", args=[casus.pk])).content.decode()
    assert "Geheime journaalnotitie." in html and MARKER in html
    assert "Piet Melder" not in html  # the melder's identity stays at the meldpunt


def test_anonymous_is_sent_to_login(client, casus):
    response = client.get(reverse("casusregie:dossier", args=[casus.pk]))
    assert response.status_code == 302 and "/inloggen/" in response.url


def test_after_transfer_the_old_regisseur_is_out_and_the_new_one_in(client, demo, casus):
    services.casus_overdragen(
        door=demo["procesmanager"],
        casus=casus,
        nieuwe_regisseur=demo["regisseur_tactus"],
        reden="Verslaving staat voorop",
    )
    u = urls(casus)
    assert not can_open(client, demo["regisseur_dimence"], u["dossier"])
    assert not can_open(client, demo["regisseur_dimence"], u["plan"])
    assert can_open(client, demo["regisseur_tactus"], u["dossier"])
    assert can_open(client, demo["regisseur_iriszorg"], u["dossier"])  # betrokkenen stay


def test_after_closing_betrokkenen_are_out_and_the_regisseur_only_reads(client, demo, casus):
    factories.afsluitklaar(demo, casus)
    services.casus_afsluiten(
        door=demo["regisseur_dimence"],
        casus=casus,
        reden=AfsluitReden.objects.get(code="regulier_overgedragen"),
        overgedragen_aan=Organisatie.objects.get(naam="Carinova"),
    )
    u = urls(casus)
    assert not can_open(client, demo["regisseur_iriszorg"], u["dossier"])
    assert can_open(client, demo["regisseur_dimence"], u["dossier"])
    html = client.get(u["dossier"]).content.decode()
    assert "Toevoegen aan journaal" not in html and "Casus afsluiten" not in html
    response = client.post(
        reverse("casusregie:journaal_toevoegen", args=[casus.pk]), {"journaal-tekst": "na afsluiten"}
    )
    assert response.status_code == 403
    assert not casus.journaal.filter(tekst="na afsluiten").exists()


def test_escalation_visibility_follows_the_ladder(client, demo, casus):
    escalatie = services.casus_escaleren(
        door=demo["regisseur_dimence"], casus=casus, reden="wachtlijst", vraag="Wachtlijst GGZ doorbreken?"
    )
    url = urls(casus, escalatie)["escalatie"]
    assert can_open(client, demo["procesmanager"], url)
    assert can_open(client, demo["regisseur_dimence"], url)
    for username in ("coordinator", "wethouder", "regisseur_tactus", "meldpunt", "beleid", "beheer"):
        assert not can_open(client, demo[username], url), username

    services.escalatie_opschalen(
        door=demo["procesmanager"],
        escalatie=escalatie,
        naar=EscalatieNiveau.objects.get(code="wethouder"),
        toelichting="Bestuurlijk besluit nodig",
    )
    assert can_open(client, demo["wethouder"], url)
    assert not can_open(client, demo["coordinator"], url)
    client.force_login(demo["wethouder"])
    html = client.get(url).content.decode()
    assert "Wachtlijst GGZ doorbreken?" in html
    for secret in (MARKER, "Geheime journaalnotitie.", "Schulden in beeld"):
        assert secret not in html  # only what the escalation needs
    # The wethouder still cannot open the dossier or the plan.
    assert not can_open(client, demo["wethouder"], urls(casus)["dossier"])
    assert not can_open(client, demo["wethouder"], urls(casus)["plan"])


def test_a_lost_update_is_refused_with_a_clear_message(client, demo, casus):
    plan = casus.plannen.get()
    services.betrokkene_toevoegen(
        door=demo["regisseur_dimence"],
        casus=casus,
        professional=demo["regisseur_mee"],
        rol="Schuldhulp",
        grondslag="toestemming",
        mag_wijzigen=True,
    )
    url = reverse("casusregie:plan", args=[plan.pk])
    gelezen = plan.lock_version
    client.force_login(demo["regisseur_dimence"])
    client.post(
        url, {"plan-lock_version": gelezen, "plan-samenvatting": "Versie van de regisseur", "plan-afspraken": ""}
    )
    client.force_login(demo["regisseur_mee"])
    response = client.post(
        url, {"plan-lock_version": gelezen, "plan-samenvatting": "Versie van MEE", "plan-afspraken": ""}
    )
    html = response.content.decode()
    assert "intussen door iemand anders gewijzigd" in html
    assert "Versie van MEE" in html  # what was typed is still on screen
    plan.refresh_from_db()
    assert plan.samenvatting == "Versie van de regisseur"


# --- picking a professional or a new casusregisseur by search ---------------------------------------------------


def _zoek(client, user, casus, naam, q):
    client.force_login(user)
    return client.get(reverse(f"casusregie:{naam}", args=[casus.pk]), {"professional_zoek": q, "regisseur_zoek": q})


def test_the_professional_is_found_by_search_and_made_betrokken(client, demo, casus):
    mee = demo["regisseur_mee"]
    fragment = _zoek(client, demo["regisseur_dimence"], casus, "professionals_zoeken", mee.last_name)
    assert f'name="betrokkene-professional" value="{mee.pk}"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    # without JS the search reloads the dossier with the matches inside the form
    html = client.get(reverse("casusregie:dossier", args=[casus.pk]), {"professional_zoek": mee.last_name})
    assert f'id="betrokkene-professional-{mee.pk}"' in html.content.decode()
    # the dossier itself lists no users to choose from
    html = client.get(reverse("casusregie:dossier", args=[casus.pk])).content.decode()
    assert "<option" not in html.split('id="kop-betrokkenen"')[1].split("</section>")[0]

    response = client.post(
        reverse("casusregie:betrokkene_toevoegen", args=[casus.pk]),
        {"betrokkene-professional": mee.pk, "betrokkene-rol": "Schuldhulp", "betrokkene-grondslag": "convenant"},
    )
    assert response.status_code == 302
    assert casus.betrokken_professionals.filter(professional=mee, beeindigd_op__isnull=True).exists()


def test_a_professional_without_a_role_or_account_is_refused(client, demo, casus):
    from bzt.audit import acting_as
    from bzt.models import User

    with acting_as(demo["beheer"]):
        zonder_rol = User.objects.create(
            username="zonderrol", last_name="Zonderrol", organisatie=Organisatie.objects.first()
        )
    client.force_login(demo["regisseur_dimence"])
    assert (
        "Niets gevonden"
        in _zoek(client, demo["regisseur_dimence"], casus, "professionals_zoeken", "zonderrol").content.decode()
    )
    for pk in (zonder_rol.pk, 999999):
        response = client.post(
            reverse("casusregie:betrokkene_toevoegen", args=[casus.pk]),
            {"betrokkene-professional": pk, "betrokkene-rol": "Iets", "betrokkene-grondslag": "convenant"},
        )
        assert response.status_code == 200
        assert "Kies een actieve professional van een organisatie." in response.content.decode()
    assert not casus.betrokken_professionals.filter(professional=zonder_rol).exists()


@pytest.mark.parametrize(
    ("username", "naam", "status"),
    [
        ("regisseur_iriszorg", "professionals_zoeken", 403),  # betrokken, but may not add others
        ("regisseur_tactus", "professionals_zoeken", 404),  # does not see the casus
        ("meldpunt", "professionals_zoeken", 404),
        ("regisseur_dimence", "regisseurs_zoeken", 403),  # handing over is the procesmanager's
        ("regisseur_tactus", "regisseurs_zoeken", 404),
    ],
)
def test_the_search_endpoints_refuse_who_may_not_use_the_form(client, demo, casus, username, naam, status):
    response = _zoek(client, demo[username], casus, naam, "regisseur")
    assert response.status_code == status
    assert "regisseur_mee" not in response.content.decode() and MARKER not in response.content.decode()


def test_the_procesmanager_finds_the_new_regisseur_by_search_and_hands_over(client, demo, casus):
    tactus = demo["regisseur_tactus"]
    fragment = _zoek(client, demo["procesmanager"], casus, "regisseurs_zoeken", tactus.last_name).content.decode()
    assert f'name="overdragen-nieuwe_regisseur" value="{tactus.pk}"' in fragment
    meldpunt = _zoek(client, demo["procesmanager"], casus, "regisseurs_zoeken", demo["meldpunt"].last_name)
    assert f'value="{demo["meldpunt"].pk}"' not in meldpunt.content.decode()
    response = client.post(
        reverse("casusregie:overdragen", args=[casus.pk]),
        {"overdragen-nieuwe_regisseur": demo["meldpunt"].pk, "overdragen-reden": "Verhuisd"},
    )
    assert response.status_code == 200 and "Kies een actieve casusregisseur." in response.content.decode()
    response = client.post(
        reverse("casusregie:overdragen", args=[casus.pk]),
        {"overdragen-nieuwe_regisseur": tactus.pk, "overdragen-reden": "Verhuisd naar de wijk van Tactus."},
    )
    assert response.status_code == 302
    casus.refresh_from_db()
    assert casus.casusregisseur == tactus


def test_the_dossier_costs_the_same_queries_with_more_users_and_a_longer_history(client, demo, casus):
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bzt.audit import acting_as
    from bzt.models import User
    from casusregie.views import TIJDLIJN_KORT

    url = reverse("casusregie:dossier", args=[casus.pk])
    client.force_login(demo["regisseur_dimence"])
    client.get(url)

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url).content.decode()
        return len(ctx.captured_queries), html

    queries, html = measure()
    groep = Group.objects.get(name="casusregisseur")
    with acting_as(demo["beheer"]):
        for i in range(20):
            User.objects.create(username=f"extra{i}", organisatie=demo["regisseur_mee"].organisatie).groups.add(groep)
    for i in range(TIJDLIJN_KORT + 5):
        services.journaal_toevoegen(door=demo["regisseur_dimence"], casus=casus, tekst=f"Regel {i}.")
    more_queries, more_html = measure()
    assert more_queries == queries
    # The header's unread-notifications count. Issue 14: +2, the
    # meldingen added to the casus (one prefetch for the list, the timeline and "gezien") and the new meldingen
    # about the household (one query); +3, the questions to expert teams (the list and the timeline) and the
    # active teams of the form; +3, the kinds of escalation for the escalation form (data now), and for the
    # casusregisseur which escalations have an answer they have not read (the dossier marks it) and reading them.
    # Issue 15: +1, the corrections in the timeline. Issue 17: +1, the moment the triage was recorded (its
    # history), so that the timeline orders the events of one day by the time they happened.
    # Issue 18: +1, whether the installation serves a region (the gemeente section and the move are shown only then).
    # Issue 20, perf-writes: the access log is one INSERT on every database (no chain lock, no read of the
    # chain's head; the minute job chains the rows), so PostgreSQL no longer counts more than SQLite.
    # Issue 18 (each gemeente its own ladder): +1, the ladder of the casus's gemeente, for the start level of each
    # kind in the escalation form.
    assert queries == 45
    assert more_html.count('<li class="bzt-timeline__') == TIJDLIJN_KORT
    assert "Toon de hele tijdlijn" in more_html
    alles = client.get(url, {"tijdlijn": "alles"}).content.decode()
    assert alles.count('<li class="bzt-timeline__') > TIJDLIJN_KORT
