"""The partner's web form and list (issue 19), and the accounts and keys functioneel beheer makes for them."""

import pytest
from django.urls import reverse

from bzt.models import Organisatie, User
from meldpunt import services as meldpunt_services
from meldpunt.models import Melding, Persoon
from partners.models import ApiSleutel, Indiening
from partners.status import melder_status
from tests import factories

NIEUW = reverse("partners:melding_nieuw")
LIJST = reverse("partners:meldingen")


def form_data(**persoon):
    rij = {
        "rol": "hoofdpersoon",
        "voornaam": "Greet",
        "achternaam": "Hazelaar",
        "geboortedatum": "1959-09-09",
        "geslacht": "vrouw",
        "inkomen": "onbekend",
        "woonplaats": "Deventer",
    }
    rij.update(persoon)
    data = {
        "aanmeldroute": "oggz",
        "aanleiding": "Mevrouw is verward aangetroffen op straat.",
        "eerdere_hulp": "onbekend",
        "melder_naam": "Agent Bakker",
        "actie": "opslaan",
        "persoon-TOTAL_FORMS": "1",
        "persoon-INITIAL_FORMS": "0",
        "persoon-MIN_NUM_FORMS": "1",
        "persoon-MAX_NUM_FORMS": "15",
        # what the partner may not set is ignored: the meldpunt judges urgency and channel
        "urgentie": "acuut",
        "kanaal": "telefoon",
        "melder_organisatie": "Iets anders",
    }
    data.update({f"persoon-0-{k}": v for k, v in rij.items()})
    return data


@pytest.fixture
def politie_client(client, demo):
    client.force_login(demo["politie"])
    return client


def test_a_partner_files_on_the_web_through_the_meldpunt_service(politie_client, demo):
    response = politie_client.post(NIEUW, form_data(bsn="123456782"), follow=True)
    melding = Melding.objects.get()
    assert response.redirect_chain[-1][0] == LIJST
    html = response.content.decode()
    assert f"Melding {melding.nummer} is ontvangen" in html
    assert (melding.kanaal, melding.urgentie, melding.melder_organisatie) == ("partner_web", "normaal", "Politie")
    assert melding.melder_type == "professional" and melding.geregistreerd_door == demo["politie"]
    assert melding.history.first().history_user == demo["politie"]
    assert Indiening.objects.get().organisatie.naam == "Politie"
    # the list shows the number and the status, not the person
    assert melding.nummer in html and "Ontvangen" in html and "Hazelaar" not in html


def test_the_form_has_no_person_search_and_the_same_validation(politie_client):
    html = politie_client.get(NIEUW).content.decode()
    assert "Mogelijk al bekend" not in html and 'name="persoon-0-keuze"' in html or "keuze" not in html
    response = politie_client.post(NIEUW, form_data(bsn="123456789"))
    assert "geen geldig BSN" in response.content.decode()
    assert Melding.objects.count() == 0


def test_a_known_and_an_unknown_person_get_the_same_answer(politie_client, demo):
    bekend = factories.persoon_gegevens(bsn="123456782", voornaam="Greet", achternaam="Hazelaar")
    bekend["geboortedatum"] = "1959-09-09"
    factories.melding(demo["meldpunt"], huishouden=[("hoofdpersoon", bekend)])
    antwoorden = []
    for bsn in ("123456782", "111222333"):
        response = politie_client.post(NIEUW, form_data(bsn=bsn))
        antwoorden.append((response.status_code, response["Location"]))
        volgende = politie_client.get(response["Location"]).content.decode()
        assert "al bekend" not in volgende.lower() and "Hazelaar" not in volgende
    assert antwoorden[0] == antwoorden[1]
    assert Persoon.objects.filter(bsn="123456782").count() == 1  # the known person is reused for the meldpunt
    nieuwste = Indiening.objects.order_by("ingediend_op").first().melding
    from meldpunt.selectors import bekend_signalen

    signalen = bekend_signalen([b.persoon for b in nieuwste.betrokkenen.all()], behalve_melding=nieuwste)
    assert signalen  # the meldpunt sees that the person is already known


def test_the_list_shows_only_the_own_organisations_meldingen_with_the_melder_status(client, demo):
    client.force_login(demo["politie"])
    client.post(NIEUW, form_data(), follow=True)
    client.force_login(demo["corporatie"])
    client.post(NIEUW, form_data(voornaam="Kees", achternaam="Andersom"), follow=True)
    eigen = Indiening.objects.get(organisatie__naam="Woonbedrijf Ieder1").melding
    ander = Indiening.objects.get(organisatie__naam="Politie").melding
    html = client.get(LIJST).content.decode()
    assert eigen.nummer in html and ander.nummer not in html
    meldpunt_services.melding_in_triage_nemen(door=demo["meldpunt"], melding=eigen)
    meldpunt_services.terugkoppeling_vastleggen(
        door=demo["meldpunt"], melding=eigen, wijze="telefoon", datum=eigen.ontvangen_op
    )
    html = client.get(LIJST).content.decode()
    assert "In behandeling" in html and "Gegeven op" in html


def test_other_roles_may_not_file_as_a_partner(client, demo):
    for username in ("meldpunt", "beheer", "regisseur_dimence"):
        client.force_login(demo[username])
        assert client.get(NIEUW).status_code == 403
        assert client.post(NIEUW, form_data()).status_code == 403
    assert Melding.objects.count() == 0


def test_the_melder_status_follows_the_melding_and_its_casus(demo):
    melding = factories.melding(demo["meldpunt"])
    assert melder_status(melding) == "ontvangen"
    meldpunt_services.melding_in_triage_nemen(door=demo["meldpunt"], melding=melding)
    assert melder_status(melding) == "in_behandeling"
    andere = factories.melding(demo["meldpunt"])
    factories.triage(demo["meldpunt"], andere, codes=(), besluit="advies")
    andere.refresh_from_db()
    assert melder_status(andere) == "afgehandeld"
    casus = factories.casus(demo)
    melding = Melding.objects.get(pk=casus.melding_id)
    assert melder_status(melding) == "in_behandeling"
    casus.status = "afgesloten"
    melding.casus = casus
    assert melder_status(melding) == "afgehandeld"


def test_beheer_creates_a_partner_account_in_one_organisation_only(client, demo):
    client.force_login(demo["beheer"])
    politie = Organisatie.objects.get(naam="Politie")
    gegevens = {
        "username": "agent_jansen",
        "first_name": "Joke",
        "last_name": "Jansen",
        "email": "joke@politie.example",
        "organisatie": politie.pk,
    }
    response = client.post(reverse("beheer:account_nieuw"), {**gegevens, "rollen": ["partner_melder", "meldpunt"]})
    assert "Partnermelder kan niet worden gecombineerd" in response.content.decode()
    response = client.post(reverse("beheer:account_nieuw"), {**gegevens, "organisatie": ""})
    assert not User.objects.filter(username="agent_jansen").exists()
    client.post(reverse("beheer:account_nieuw"), {**gegevens, "rollen": ["partner_melder"]})
    agent = User.objects.get(username="agent_jansen")
    assert agent.rol.group == "partner_melder" and agent.organisatie == politie


def test_beheer_issues_a_key_shown_once_and_revokes_it(client, demo):
    client.force_login(demo["beheer"])
    politie = Organisatie.objects.get(naam="Politie")
    pagina = reverse("partnerbeheer:organisatie", args=[politie.pk])
    response = client.post(reverse("partnerbeheer:sleutel_nieuw", args=[politie.pk]), {"naam": "BVH"}, follow=True)
    html = response.content.decode()
    sleutel = ApiSleutel.objects.get()
    key = html.split("<code>bzt_")[1].split("</code>")[0]
    key = "bzt_" + key
    assert key.startswith(f"bzt_{sleutel.prefix}_") and sleutel.hash not in html
    assert key not in client.get(pagina).content.decode()  # shown once
    assert client.get("/api/v1/meldingen", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    client.post(reverse("partnerbeheer:sleutel_intrekken", args=[sleutel.pk]), {"reden": "koppeling gestopt"})
    sleutel.refresh_from_db()
    assert not sleutel.actief and sleutel.history.first().history_user == demo["beheer"]
    assert client.get("/api/v1/meldingen", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_beheer_registers_a_callback_address_and_never_shows_its_secrets(client, demo):
    client.force_login(demo["beheer"])
    politie = Organisatie.objects.get(naam="Politie")
    pagina = reverse("partnerbeheer:organisatie", args=[politie.pk])
    client.post(
        pagina,
        {
            "url": "https://bvh.politie.example/bzt",
            "auth_header": "Bearer geheim-token",
            "hmac_geheim": "s3cr3t",
            "actief": "on",
        },
    )
    adres = politie.terugmeldadres
    assert (adres.url, adres.auth_header, adres.hmac_geheim) == (
        "https://bvh.politie.example/bzt",
        "Bearer geheim-token",
        "s3cr3t",
    )
    html = client.get(pagina).content.decode()
    assert "geheim-token" not in html and "s3cr3t" not in html
    client.post(pagina, {"url": "https://bvh.politie.example/v2", "actief": "on"})  # empty secrets: kept
    adres.refresh_from_db()
    assert adres.url.endswith("/v2") and adres.hmac_geheim == "s3cr3t"


def test_the_service_itself_refuses_who_may_not_file_and_another_organisation(demo):
    from django.core.exceptions import PermissionDenied

    from partners.services import melding_indienen

    gegevens = {
        "ontvangen_op": demo["politie"].date_joined.date(),
        "kanaal": "partner_web",
        "aanmeldroute": "oggz",
        "aanleiding": "x",
        "melder_type": "professional",
        "melder_naam": "A",
        "melder_organisatie": "Politie",
    }
    personen = [{"rol": "hoofdpersoon", **factories.persoon_gegevens()}]
    politie = Organisatie.objects.get(naam="Politie")
    for door, organisatie in ((demo["beleid"], politie), (demo["meldpunt"], politie), (demo["corporatie"], politie)):
        with pytest.raises(PermissionDenied):
            melding_indienen(door=door, organisatie=organisatie, gegevens=gegevens, personen=personen)
    with pytest.raises(PermissionDenied):  # the meldpunt's service directly, without a right to file
        meldpunt_services.melding_registreren(
            door=demo["beleid"],
            gegevens=gegevens,
            betrokkenen=[meldpunt_services.NieuweBetrokkene(rol="hoofdpersoon", gegevens=factories.persoon_gegevens())],
        )
    assert Melding.objects.count() == 0
