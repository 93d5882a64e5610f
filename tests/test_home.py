import pytest
from django.urls import reverse

LEADS = {
    "meldpunt": "Meldingen die op triage wachten",
    "casusregisseur": "Uw casussen",
    "procesmanager": "Het volgende MDO",
    "coordinerend_ambtenaar": "Escalaties op uw niveau",
    "wethouder": "Escalaties op bestuurlijk niveau",
    "burgemeester": "Escalaties die na ruggenspraak met de wethouders bij de burgemeester liggen",
    "regionale_mandaatcommissie": "Escalaties in het uiterste geval",
    "beleidsambtenaar": "De jaarmonitor",
    "functioneel_beheer": "Gebruikers, organisaties",
}
USER_OF_ROLE = {
    "meldpunt": "meldpunt",
    "casusregisseur": "regisseur_dimence",
    "procesmanager": "procesmanager",
    "coordinerend_ambtenaar": "coordinator",
    "wethouder": "wethouder",
    "burgemeester": "burgemeester",
    "regionale_mandaatcommissie": "mandaatcommissie",
    "beleidsambtenaar": "beleid",
    "functioneel_beheer": "beheer",
}


@pytest.mark.parametrize("role", sorted(LEADS))
def test_each_role_gets_its_own_home_page(client, demo, role):
    user = demo[USER_OF_ROLE[role]]
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert LEADS[role] in html
    for other, lead in LEADS.items():
        if other != role:
            assert lead not in html
    assert user.organisatie.naam in html


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_only_functioneel_beheer_sees_the_block_button(client, demo):
    client.force_login(demo["beheer"])
    assert "Inactieve accounts" in client.get(reverse("home")).content.decode()
    client.force_login(demo["procesmanager"])
    assert "Inactieve accounts" not in client.get(reverse("home")).content.decode()


def test_the_meldpunt_home_counts_the_queues(client, demo):
    from tests import factories

    factories.melding(demo["meldpunt"])
    client.force_login(demo["meldpunt"])
    html = client.get(reverse("home")).content.decode()
    assert '<span class="bzt-figure">1</span> Wacht op triage' in html


def test_the_casusregisseur_home_shows_what_to_do(client, demo):
    from tests import factories

    c = factories.casus(demo)
    client.force_login(demo["regisseur_dimence"])
    html = client.get(reverse("home")).content.decode()
    assert "Mijn casussen (1)" in html and c.nummer in html
    assert f"{c.nummer} versie 1" in html  # the draft plan to write
    client.force_login(demo["regisseur_tactus"])
    assert c.nummer not in client.get(reverse("home")).content.decode()


def test_the_wethouder_home_lists_escalations_at_their_level_only(client, demo):
    from casusregie import services
    from casusregie.models import EscalatieNiveau
    from tests import factories

    c = factories.casus(demo)
    e = services.casus_escaleren(door=demo["regisseur_dimence"], casus=c, reden="veiligheid", vraag="Besluit nodig")
    client.force_login(demo["wethouder"])
    assert c.nummer not in client.get(reverse("home")).content.decode()
    services.escalatie_opschalen(
        door=demo["procesmanager"],
        escalatie=e,
        naar=EscalatieNiveau.objects.get(code="wethouder"),
        toelichting="Bestuurlijk",
    )
    assert c.nummer in client.get(reverse("home")).content.decode()
    client.force_login(demo["coordinator"])
    assert c.nummer not in client.get(reverse("home")).content.decode()
