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
