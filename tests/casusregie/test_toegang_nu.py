"""Access ends when its reason ends, checked at request time; the nightly job only tidies up (issue 12,
finding 4). Nothing here runs verlopen_toegang_intrekken."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from casusregie import selectors, services
from casusregie.models import AfsluitReden, Casus, CasusBetrokkene, CasusUserObjectPermission, EscalatieNiveau
from tests import factories

MARKER = "Tijdgebondenma"


@pytest.fixture
def casus(demo):
    return factories.casus(demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam=MARKER))])


def status(client, user, url):
    client.force_login(user)
    response = client.get(url)
    if response.status_code == 404:
        assert MARKER not in response.content.decode()
    return response.status_code


def gisteren():
    return timezone.localdate() - timedelta(days=1)


def escaleer(demo, casus):
    return services.casus_escaleren(
        door=demo["regisseur_dimence"], casus=casus, reden="wachtlijst", vraag="Wachtlijst GGZ doorbreken?"
    )


def sluit(demo, casus):
    casus.refresh_from_db()
    factories.afsluitklaar(demo, casus)
    services.casus_afsluiten(
        door=demo["regisseur_dimence"], casus=casus, reden=AfsluitReden.objects.get(code="doel_bereikt")
    )
    casus.refresh_from_db()


def test_the_regisseur_loses_access_the_day_after_the_read_term_without_the_nightly_job(client, demo, casus):
    regisseur = demo["regisseur_dimence"]
    escalatie = escaleer(demo, casus)
    services.escalatie_deescaleren(door=demo["procesmanager"], escalatie=escalatie, toelichting="Opgelost")
    sluit(demo, casus)
    urls = [
        reverse("casusregie:dossier", args=[casus.pk]),
        reverse("casusregie:plan", args=[casus.plannen.get().pk]),
        reverse("casusregie:escalatie", args=[escalatie.pk]),
    ]
    assert [status(client, regisseur, url) for url in urls] == [200, 200, 200]  # within the read term

    Casus.objects.filter(pk=casus.pk).update(leesrecht_regisseur_tot=gisteren())  # the term has passed
    casus.refresh_from_db()
    assert CasusUserObjectPermission.objects.filter(user=regisseur, content_object=casus).exists()  # not tidied
    assert [status(client, regisseur, url) for url in urls] == [404, 404, 404]
    assert not regisseur.has_perm("casusregie.view_casus", casus)
    assert not selectors.holds_on(regisseur, "casusregie.view_casus", casus)
    casussen, aantal = selectors.mijn_casussen(regisseur)
    assert (list(casussen), aantal) == ([], 0)
    assert status(client, demo["procesmanager"], urls[0]) == 200


def test_the_regisseur_cannot_write_once_the_reason_has_ended(demo, casus):
    """A grant left in the table (the nightly job did not run, or a revoke failed) writes nothing."""
    regisseur = demo["regisseur_dimence"]
    sluit(demo, casus)
    Casus.objects.filter(pk=casus.pk).update(leesrecht_regisseur_tot=gisteren())
    casus.refresh_from_db()
    from guardian.shortcuts import assign_perm

    assign_perm("casusregie.change_casus", regisseur, casus)
    assert not regisseur.has_perm("casusregie.change_casus", casus)
    with pytest.raises(PermissionDenied):
        services._require(regisseur, "casusregie.change_casus", casus)


def test_a_betrokkene_past_the_end_date_gets_404_and_cannot_write(client, demo, casus):
    mee = demo["regisseur_mee"]
    services.betrokkene_toevoegen(
        door=demo["regisseur_dimence"],
        casus=casus,
        professional=mee,
        rol="Schuldhulp",
        grondslag="convenant",
        einddatum=timezone.localdate(),
        mag_wijzigen=True,
    )
    dossier = reverse("casusregie:dossier", args=[casus.pk])
    plan = reverse("casusregie:plan", args=[casus.plannen.get().pk])
    assert status(client, mee, dossier) == 200  # the last day counts
    services.journaal_toevoegen(door=mee, casus=casus, tekst="Nog betrokken.")

    CasusBetrokkene.objects.filter(casus=casus, professional=mee).update(einddatum=gisteren())
    assert CasusBetrokkene.objects.get(casus=casus, professional=mee).actief  # not tidied
    assert status(client, mee, dossier) == 404
    assert status(client, mee, plan) == 404
    assert not mee.has_perm("casusregie.change_casus", casus)
    with pytest.raises(PermissionDenied):
        services.journaal_toevoegen(door=mee, casus=casus, tekst="Na de einddatum.")
    response = client.post(reverse("casusregie:journaal_toevoegen", args=[casus.pk]), {"journaal-tekst": "x"})
    assert response.status_code == 404
    casussen, aantal = selectors.mijn_casussen(mee)
    assert (list(casussen), aantal) == ([], 0)
    assert casus.journaal.filter(auteur=mee).count() == 1


@pytest.mark.parametrize("niveau", ["coordinerend_ambtenaar", "wethouder"])
def test_a_handler_no_longer_opens_the_escalation_after_de_escalation_or_closing(client, demo, casus, niveau):
    handler = demo["coordinator" if niveau == "coordinerend_ambtenaar" else "wethouder"]
    escalatie = escaleer(demo, casus)
    services.escalatie_opschalen(
        door=demo["procesmanager"],
        escalatie=escalatie,
        naar=EscalatieNiveau.objects.get(code=niveau),
        toelichting="Bestuurlijk besluit nodig",
    )
    url = reverse("casusregie:escalatie", args=[escalatie.pk])
    assert status(client, handler, url) == 200
    services.escalatie_beantwoorden(door=handler, escalatie=escalatie, antwoord="Ja", besluit="Voorrang")
    assert status(client, handler, url) == 200  # answered: still waiting at their level

    client.force_login(handler)
    response = client.post(url, {"actie": "deescaleren", "toelichting": "Opgelost"})
    assert response.status_code == 302 and response.url == reverse("home")  # not back to a page they lost
    html = client.get(url).content.decode()
    assert "Wachtlijst GGZ doorbreken?" not in html
    assert status(client, handler, url) == 404
    assert not selectors.escalaties_for(handler).exists()
    assert not selectors.escalaties_op_mijn_niveau(handler).exists()

    sluit(demo, casus)
    assert status(client, handler, url) == 404
    assert status(client, demo["regisseur_dimence"], url) == 200  # the casus side keeps its history
    assert status(client, demo["procesmanager"], url) == 200


def test_an_open_escalation_of_a_closed_casus_is_not_shown_to_the_handler(client, demo, casus):
    """Closing refuses an open escalation; should one exist anyway (data from elsewhere), the closed casus
    still ends the handler's access."""
    escalatie = escaleer(demo, casus)
    services.escalatie_opschalen(
        door=demo["procesmanager"],
        escalatie=escalatie,
        naar=EscalatieNiveau.objects.get(code="wethouder"),
        toelichting="Bestuurlijk besluit nodig",
    )
    url = reverse("casusregie:escalatie", args=[escalatie.pk])
    assert status(client, demo["wethouder"], url) == 200
    Casus.objects.filter(pk=casus.pk).update(status=Casus.Status.AFGESLOTEN, afgesloten_op=timezone.localdate())
    assert status(client, demo["wethouder"], url) == 404
