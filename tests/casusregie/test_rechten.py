"""Every right defined once (casusregie/rechten.py): the buttons the dossier, plan and escalation pages show
are exactly the actions the services accept. For several users and states, each flag is compared with what the
service does: flag true ⇒ the call succeeds; flag false ⇒ the service refuses (PermissionDenied or a
ValidationError such as TransitionNotAllowed)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from casusregie import services
from casusregie.models import AfsluitReden, Casus, Escalatie, Plan, PlanActie
from mdo import services as mdo_services
from tests import factories

USERS = ("regisseur_dimence", "regisseur_mee", "regisseur_tactus", "procesmanager", "coordinator")
STATES = ("open", "opgeschaald", "afgesloten")


def _slaagt(call, *args):
    """Whether the service accepts the call; its writes are rolled back, so every call starts from the same state."""
    try:
        with transaction.atomic():
            call(*args)
            transaction.set_rollback(True)
    except (PermissionDenied, ValidationError):
        return False
    return True


def _casus(demo, state):
    c = factories.afsluitklaar(demo, factories.casus(demo))  # everything arranged: closing waits only for rights
    regisseur = c.casusregisseur
    for username, wijzigen in (("regisseur_mee", True), ("regisseur_tactus", False)):
        services.betrokkene_toevoegen(
            door=regisseur,
            casus=c,
            professional=demo[username],
            rol="Hulp",
            grondslag="convenant",
            mag_wijzigen=wijzigen,
        )
    services.nieuwe_planversie(door=regisseur, casus=c)  # a concept next to the plan in force
    if state == "opgeschaald":
        services.casus_escaleren(door=regisseur, casus=c, reden="stagnatie", vraag="Wat nu?")
    if state == "afgesloten":
        services.casus_afsluiten(door=regisseur, casus=c, reden=AfsluitReden.objects.get(code="doel_bereikt"))
    return c


def _flags(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code in (200, 404)
    return response.context if response.status_code == 200 else {}


DOSSIER = {
    "mag_wijzigen": lambda demo, door, c: services.journaal_toevoegen(door=door, casus=c, tekst="Gesproken."),
    "mag_betrokkenen": lambda demo, door, c: services.betrokkene_toevoegen(
        door=door, casus=c, professional=demo["regisseur_iriszorg"], rol="Hulp", grondslag="convenant"
    ),
    "mag_escaleren": lambda demo, door, c: services.casus_escaleren(
        door=door, casus=c, reden="stagnatie", vraag="Wat nu?"
    ),
    "mag_afsluiten": lambda demo, door, c: services.casus_afsluiten(
        door=door, casus=c, reden=AfsluitReden.objects.get(code="doel_bereikt")
    ),
    "mag_afsluiten_procesmanager": lambda demo, door, c: services.casus_afsluiten_door_procesmanager(
        door=door, casus=c, reden=AfsluitReden.objects.get(code="verhuisd"), motivering="Verhuisd naar Spanje."
    ),
    "mag_overdragen": lambda demo, door, c: services.casus_overdragen(
        door=door, casus=c, nieuwe_regisseur=demo["regisseur_carinova"], reden="Verhuisd."
    ),
    "mag_expertvraag_stellen": lambda demo, door, c: services.expertvraag_stellen(
        door=door,
        casus=c,
        team=services.expertteam_opslaan(door=demo["beheer"], naam="Team", leden=[demo["regisseur_carinova"]]),
        vraag="Advies?",
    ),
    "mag_mdo_agenderen": lambda demo, door, c: (
        factories.overleg(demo) and mdo_services.casus_agenderen(door=door, casus=c, vraag="Wat nu?")
    ),
}


@pytest.mark.parametrize("state", STATES)
def test_dossier_buttons_are_what_the_services_accept(client, demo, state):
    c = _casus(demo, state)
    for username in USERS:
        flags = _flags(client, demo[username], reverse("casusregie:dossier", args=[c.pk]))
        for flag, call in DOSSIER.items():
            shown = bool(flags.get(flag))
            accepted = _slaagt(call, demo, demo[username], Casus.objects.get(pk=c.pk))
            assert shown == accepted, (username, state, flag, shown, accepted)


def test_the_dossier_shows_each_button_to_the_right_people(client, demo):
    """The comparison above is not empty: who sees what, per state (afsluiten waits for the de-escalation)."""
    gezien = {}
    for state in STATES:
        c = _casus(demo, state)
        for username in USERS:
            flags = _flags(client, demo[username], reverse("casusregie:dossier", args=[c.pk]))
            gezien[state, username] = {flag for flag in DOSSIER if flags.get(flag)}
    alles = set(DOSSIER)
    vragen = {
        "mag_expertvraag_stellen",
        "mag_mdo_agenderen",
    }  # who may change the casus asks an expert team and puts it on the MDO
    assert gezien["open", "regisseur_dimence"] == alles - {"mag_overdragen", "mag_afsluiten_procesmanager"}
    # a betrokkene with mag_wijzigen changes the casus but does not close it: only its casusregisseur does
    assert gezien["open", "regisseur_mee"] == {"mag_wijzigen"} | vragen
    assert gezien["open", "regisseur_tactus"] == set()
    # the procesmanager closes only a casus that cannot go on, with a written reason
    assert gezien["open", "procesmanager"] == {"mag_betrokkenen", "mag_afsluiten_procesmanager", "mag_overdragen"}
    assert gezien["opgeschaald", "regisseur_dimence"] == {"mag_wijzigen", "mag_betrokkenen"} | vragen
    assert gezien["opgeschaald", "procesmanager"] == {"mag_betrokkenen", "mag_overdragen"}
    assert all(not gezien["afgesloten", u] for u in USERS)
    assert all(not gezien[s, "coordinator"] for s in STATES)


PLAN = {
    "bewerkbaar": lambda door, plan, actie: services.plan_opslaan(
        door=door, plan=plan, lock_version=plan.lock_version, samenvatting="Nieuw.", afspraken=""
    ),
    "mag_status": lambda door, plan, actie: services.actie_status_wijzigen(
        door=door, actie=actie, status=PlanActie.Status.LOOPT
    ),
    "mag_resultaat": lambda door, plan, actie: services.doel_resultaat_vastleggen(
        door=door, doel=plan.doelen.first(), resultaat="deels"
    ),
}


@pytest.mark.parametrize("state", STATES)
def test_plan_buttons_are_what_the_services_accept(client, demo, state):
    c = _casus(demo, state)
    for plan in Plan.objects.filter(casus=c):
        actie = plan.acties.first()
        for username in USERS:
            flags = _flags(client, demo[username], reverse("casusregie:plan", args=[plan.pk]))
            for flag, call in PLAN.items():
                if actie is None and flag == "mag_status":
                    continue
                shown = bool(flags.get(flag))
                fresh = Plan.objects.get(pk=plan.pk)
                accepted = _slaagt(call, demo[username], fresh, actie and PlanActie.objects.get(pk=actie.pk))
                assert shown == accepted, (username, state, plan.status, flag, shown, accepted)


ESCALATIE = {
    "behandelt": lambda door, e: services.escalatie_beantwoorden(
        door=door, escalatie=e, antwoord="Geregeld.", besluit="Doorgaan."
    ),
    "mag_deescaleren": lambda door, e: services.escalatie_deescaleren(door=door, escalatie=e, toelichting="Klaar."),
}


def test_escalation_buttons_are_what_the_services_accept(client, demo):
    c = _casus(demo, "opgeschaald")
    escalatie = Escalatie.objects.get(casus=c)
    gezien = {}
    for username in (*USERS, "wethouder"):
        flags = _flags(client, demo[username], reverse("casusregie:escalatie", args=[escalatie.pk]))
        for flag, call in ESCALATIE.items():
            shown = bool(flags.get(flag))
            accepted = _slaagt(call, demo[username], Escalatie.objects.get(pk=escalatie.pk))
            assert shown == accepted, (username, flag, shown, accepted)
            gezien[username, flag] = shown
    assert gezien["procesmanager", "behandelt"] and gezien["procesmanager", "mag_deescaleren"]
    assert not gezien["coordinator", "behandelt"] and not gezien["regisseur_dimence", "mag_deescaleren"]
