"""No action on a closed thing: every service that acts on a casus, plan, escalatie, betrokkene, wachtlijst, MDO
or agenda item locks it and checks its state in one place (casusregie.workflow, mdo.workflow), so no path acts
on a closed object — also not with an object loaded before it was closed (a form opened earlier, a second
request at the same moment)."""

import threading
import time
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bzt.models import Organisatie
from bzt.workflow import TransitionNotAllowed
from casusregie import services
from casusregie.models import AfsluitReden, Escalatie, EscalatieNiveau, EscalatieStap, Plan
from mdo import services as mdo_services
from mdo.models import AgendaPunt
from monitor import figures
from tests import factories

TODAY = timezone.localdate


def _org(naam="Gemeente Deventer"):
    return Organisatie.objects.get(naam=naam)


def _pm_sluit(g, casus):
    """The procesmanager closes a casus that cannot go on, with everything still open (the regisseur could not:
    "we laten een casus pas los als alles geregeld is")."""
    return services.casus_afsluiten_door_procesmanager(
        door=g.pm, casus=casus, reden=AfsluitReden.objects.get(code="verhuisd"), motivering="Verhuisd naar Spanje."
    )


def _met_plan(demo):
    c = factories.casus(demo)
    plan = factories.vastgesteld_plan(demo, c)
    return SimpleNamespace(casus=c, plan=plan, regisseur=c.casusregisseur, pm=demo["procesmanager"])


def _gedeescaleerd(demo):
    """An open casus whose escalation was closed; `escalatie` is the object as loaded before it was closed."""
    g = _met_plan(demo)
    g.escalatie = services.casus_escaleren(door=g.regisseur, casus=g.casus, reden="stagnatie", vraag="Wat nu?")
    gesloten = Escalatie.objects.get(pk=g.escalatie.pk)
    services.escalatie_deescaleren(door=g.pm, escalatie=gesloten, toelichting="Opgelost.")
    g.escalatie.refresh_from_db()
    return g


def _gesloten(demo, *, indienen=False):
    """A closed casus with everything that was open before: a concept (or submitted) plan, a wachtlijst, a
    betrokkene, a de-escalated escalation. The objects are loaded before the closing, as a form opened earlier."""
    g = _gedeescaleerd(demo)
    g.wachtlijst = services.wachtlijst_melden(
        door=g.regisseur, casus=g.casus, organisatie=_org(), voorziening="Beschermd wonen", sinds=TODAY()
    )
    g.betrokkene = services.betrokkene_toevoegen(
        door=g.regisseur, casus=g.casus, professional=demo["regisseur_tactus"], rol="Verslaving", grondslag="convenant"
    )
    g.concept = services.nieuwe_planversie(door=g.regisseur, casus=g.casus)
    if indienen:
        g.concept = services.plan_indienen(door=g.regisseur, plan=g.concept, lock_version=g.concept.lock_version)
    g.actie = g.plan.acties.first()
    g.overleg = factories.overleg(demo)
    _pm_sluit(g, type(g.casus).objects.get(pk=g.casus.pk))
    return g


def _vervangen(demo):
    """An open casus whose first plan was replaced by a second version."""
    g = _met_plan(demo)
    nieuw = services.nieuwe_planversie(door=g.regisseur, casus=g.casus)
    nieuw = services.plan_indienen(door=g.regisseur, plan=nieuw, lock_version=nieuw.lock_version)
    services.plan_vaststellen(door=g.pm, plan=Plan.objects.get(pk=nieuw.pk))
    g.actie = g.plan.acties.first()
    return g


def _afgerond_mdo(demo):
    """An MDO closed with its open item postponed (no next MDO planned), and an open casus."""
    m = factories.mdo_melding(demo)
    g = SimpleNamespace(pm=demo["procesmanager"], overleg=factories.overleg(demo), casus=factories.casus(demo))
    g.punt = AgendaPunt.objects.get(overleg=g.overleg, melding=m)
    mdo_services.overleg_afronden(door=g.pm, overleg=type(g.overleg).objects.get(pk=g.overleg.pk))
    return g


def _besloten_punt(demo):
    m = factories.mdo_melding(demo)
    g = SimpleNamespace(pm=demo["procesmanager"], overleg=factories.overleg(demo))
    g.punt = AgendaPunt.objects.get(overleg=g.overleg, melding=m)
    mdo_services.besluit_regulier(door=g.pm, punt=AgendaPunt.objects.get(pk=g.punt.pk), notulen="Naar de GGZ.")
    return g


def _doorbraak(g):
    return services.doorbraak_vastleggen(
        door=g.pm,
        escalatie=g.escalatie,
        maatwerkbudget=Decimal("2500"),
        legitimiteit="Past binnen de Wmo.",
        betrokkenheid="Alle partners akkoord.",
        rendement="Voorkomt een huisuitzetting.",
    )


ESCALATIE_ACTIES = {
    "opschalen": lambda g: services.escalatie_opschalen(
        door=g.pm, escalatie=g.escalatie, naar=EscalatieNiveau.objects.get(code="wethouder"), toelichting="Besluit."
    ),
    "beantwoorden": lambda g: services.escalatie_beantwoorden(
        door=g.pm, escalatie=g.escalatie, antwoord="Plek geregeld.", besluit="Voorrang."
    ),
    "doorbraak": _doorbraak,
    "deescaleren": lambda g: services.escalatie_deescaleren(door=g.pm, escalatie=g.escalatie, toelichting="Klaar."),
}

# (closed state, action): (build the state, do the action). The actor is the one who may do it when it is open.
CASES = {
    **{("casus afgesloten", f"escalatie_{naam}"): (_gesloten, actie) for naam, actie in ESCALATIE_ACTIES.items()},
    **{("escalatie gedeëscaleerd", f"escalatie_{naam}"): (_gedeescaleerd, a) for naam, a in ESCALATIE_ACTIES.items()},
    ("casus afgesloten", "journaal_toevoegen"): (
        _gesloten,
        lambda g: services.journaal_toevoegen(door=g.regisseur, casus=g.casus, tekst="Na afsluiten."),
    ),
    ("casus afgesloten", "wachtlijst_melden"): (
        _gesloten,
        lambda g: services.wachtlijst_melden(
            door=g.regisseur, casus=g.casus, organisatie=_org(), voorziening="GGZ", sinds=TODAY()
        ),
    ),
    ("casus afgesloten", "wachtlijst_opgelost"): (
        _gesloten,
        lambda g: services.wachtlijst_opgelost(door=g.regisseur, wachtlijst=g.wachtlijst),
    ),
    ("casus afgesloten", "betrokkene_toevoegen"): (
        _gesloten,
        lambda g: services.betrokkene_toevoegen(
            door=g.pm, casus=g.casus, professional=g.regisseur_carinova, rol="Wijkteam", grondslag="convenant"
        ),
    ),
    ("casus afgesloten", "betrokkene_verwijderen"): (
        _gesloten,
        lambda g: services.betrokkene_verwijderen(door=g.pm, betrokkene=g.betrokkene, reden="Klaar."),
    ),
    ("casus afgesloten", "casus_overdragen"): (
        _gesloten,
        lambda g: services.casus_overdragen(
            door=g.pm, casus=g.casus, nieuwe_regisseur=g.regisseur_carinova, reden="Andere zorgvraag."
        ),
    ),
    ("casus afgesloten", "casus_escaleren"): (
        _gesloten,
        lambda g: services.casus_escaleren(door=g.regisseur, casus=g.casus, reden="stagnatie", vraag="Nog iets?"),
    ),
    ("casus afgesloten", "casus_afsluiten"): (
        _gesloten,
        lambda g: _pm_sluit(g, g.casus),
    ),
    ("casus afgesloten", "nieuwe_planversie"): (
        _gesloten,
        lambda g: services.nieuwe_planversie(door=g.regisseur, casus=g.casus),
    ),
    ("casus afgesloten", "plan_opslaan"): (
        _gesloten,
        lambda g: services.plan_opslaan(
            door=g.regisseur, plan=g.concept, lock_version=g.concept.lock_version, samenvatting="x", afspraken="y"
        ),
    ),
    ("casus afgesloten", "doel_toevoegen"): (
        _gesloten,
        lambda g: services.doel_toevoegen(
            door=g.regisseur,
            plan=g.concept,
            lock_version=g.concept.lock_version,
            leefgebied="schulden",
            omschrijving="Nog een doel.",
        ),
    ),
    ("casus afgesloten", "actie_toevoegen"): (
        _gesloten,
        lambda g: services.actie_toevoegen(
            door=g.regisseur,
            plan=g.concept,
            lock_version=g.concept.lock_version,
            omschrijving="Nog een actie.",
            eigenaar=_org(),
            deadline=TODAY() + timedelta(days=7),
        ),
    ),
    ("casus afgesloten", "plan_indienen"): (
        _gesloten,
        lambda g: services.plan_indienen(door=g.regisseur, plan=g.concept, lock_version=g.concept.lock_version),
    ),
    ("casus afgesloten", "actie_status_wijzigen"): (
        _gesloten,
        lambda g: services.actie_status_wijzigen(door=g.regisseur, actie=g.actie, status="gereed"),
    ),
    ("casus afgesloten", "plan_vaststellen"): (
        lambda demo: _gesloten(demo, indienen=True),
        lambda g: services.plan_vaststellen(door=g.pm, plan=g.concept),
    ),
    ("casus afgesloten", "plan_terugsturen"): (
        lambda demo: _gesloten(demo, indienen=True),
        lambda g: services.plan_terugsturen(door=g.pm, plan=g.concept, reden="Doelen scherper."),
    ),
    ("casus afgesloten", "mdo_casusbespreking_toevoegen"): (
        _gesloten,
        lambda g: mdo_services.casusbespreking_toevoegen(door=g.pm, overleg=g.overleg, casus=g.casus),
    ),
    ("plan vastgesteld", "plan_opslaan"): (
        _met_plan,
        lambda g: services.plan_opslaan(
            door=g.regisseur, plan=g.plan, lock_version=g.plan.lock_version, samenvatting="x", afspraken="y"
        ),
    ),
    ("plan concept", "plan_vaststellen"): (
        lambda demo: SimpleNamespace(pm=demo["procesmanager"], plan=factories.casus(demo).plannen.get()),
        lambda g: services.plan_vaststellen(door=g.pm, plan=g.plan),
    ),
    ("plan vervangen", "actie_status_wijzigen"): (
        _vervangen,
        lambda g: services.actie_status_wijzigen(door=g.regisseur, actie=g.actie, status="gereed"),
    ),
    ("wachtlijst opgelost", "wachtlijst_opgelost"): (
        lambda demo: _opgeloste_wachtlijst(demo),
        lambda g: services.wachtlijst_opgelost(door=g.regisseur, wachtlijst=g.wachtlijst),
    ),
    ("betrokkenheid beëindigd", "betrokkene_verwijderen"): (
        lambda demo: _beeindigde_betrokkene(demo),
        lambda g: services.betrokkene_verwijderen(door=g.regisseur, betrokkene=g.betrokkene, reden="Nogmaals."),
    ),
    ("mdo afgerond", "agenda_vullen"): (
        _afgerond_mdo,
        lambda g: mdo_services.agenda_vullen(door=g.pm, overleg=g.overleg),
    ),
    ("mdo afgerond", "casusbespreking_toevoegen"): (
        _afgerond_mdo,
        lambda g: mdo_services.casusbespreking_toevoegen(door=g.pm, overleg=g.overleg, casus=g.casus),
    ),
    ("mdo afgerond", "overleg_afronden"): (
        _afgerond_mdo,
        lambda g: mdo_services.overleg_afronden(door=g.pm, overleg=g.overleg),
    ),
    ("mdo afgerond", "besluit_aanhouden"): (
        _afgerond_mdo,
        lambda g: mdo_services.besluit_aanhouden(door=g.pm, punt=g.punt, notulen="Nog een keer."),
    ),
    ("mdo afgerond", "agendapunt_verplaatsen"): (
        _afgerond_mdo,
        lambda g: mdo_services.agendapunt_verplaatsen(door=g.pm, punt=g.punt, richting="omhoog"),
    ),
    ("agendapunt besloten", "besluit_aanhouden"): (
        _besloten_punt,
        lambda g: mdo_services.besluit_aanhouden(door=g.pm, punt=g.punt, notulen="Toch aanhouden."),
    ),
    ("agendapunt besloten", "besluit_regulier"): (
        _besloten_punt,
        lambda g: mdo_services.besluit_regulier(door=g.pm, punt=g.punt, notulen="Nogmaals."),
    ),
}


def _opgeloste_wachtlijst(demo):
    g = _met_plan(demo)
    g.wachtlijst = services.wachtlijst_melden(
        door=g.regisseur, casus=g.casus, organisatie=_org(), voorziening="GGZ", sinds=TODAY() - timedelta(days=9)
    )
    services.wachtlijst_opgelost(door=g.regisseur, wachtlijst=type(g.wachtlijst).objects.get(pk=g.wachtlijst.pk))
    return g


def _beeindigde_betrokkene(demo):
    g = _met_plan(demo)
    g.betrokkene = services.betrokkene_toevoegen(
        door=g.regisseur, casus=g.casus, professional=demo["regisseur_tactus"], rol="Verslaving", grondslag="convenant"
    )
    services.betrokkene_verwijderen(
        door=g.regisseur, betrokkene=type(g.betrokkene).objects.get(pk=g.betrokkene.pk), reden="Klaar."
    )
    return g


def snapshot():
    """The number of rows of every table (history tables included: an update writes a history row)."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.mark.parametrize("state,action", list(CASES), ids=[f"{s}:{a}" for s, a in CASES])
def test_no_action_on_a_closed_object(demo, state, action):
    build, act = CASES[(state, action)]
    g = build(demo)
    g.regisseur_carinova = demo["regisseur_carinova"]
    before = snapshot()
    with pytest.raises(TransitionNotAllowed) as refused:
        act(g)
    assert refused.value.messages and all(m.endswith(".") for m in refused.value.messages)
    assert snapshot() == before  # nothing written, no history row either


def test_a_doorbraak_on_the_escalation_of_a_closed_casus_is_refused_on_the_page_and_not_counted(client, demo):
    """The outside test's path: the procesmanager posts a doorbraak on a de-escalated escalation of a closed
    casus. The page says why in Dutch; nothing reaches the jaarmonitor."""
    g = _gesloten(demo)
    client.force_login(g.pm)
    data = {
        "actie": "doorbraak",
        "doorbraak-maatwerkbudget": "2500",
        "doorbraak-legitimiteit": "Past binnen de Wmo.",
        "doorbraak-betrokkenheid": "Alle partners akkoord.",
        "doorbraak-rendement": "Voorkomt een huisuitzetting.",
    }
    response = client.post(reverse("casusregie:escalatie", args=[g.escalatie.pk]), data, follow=True)
    assert response.status_code == 200
    assert "De casus is afgesloten; dit kan niet meer." in response.content.decode()
    g.escalatie.refresh_from_db()
    assert g.escalatie.maatwerkbudget is None
    assert not EscalatieStap.objects.filter(soort=EscalatieStap.Soort.DOORBRAAK).exists()
    assert figures.compute(TODAY().year)["escalaties"]["doorbraken"] == 0


def test_a_closed_object_gives_a_message_not_a_500_on_every_form_that_posts_directly(client, demo):
    """Forms without a page of their own (the action status, removing a betrokkene) show the refusal too."""
    g = _vervangen(demo)
    client.force_login(g.regisseur)
    response = client.post(reverse("casusregie:actie_status", args=[g.actie.pk]), {"status": "gereed"}, follow=True)
    assert response.status_code == 200
    assert "Deze versie van het plan is vervangen" in response.content.decode()
    g.actie.refresh_from_db()
    assert g.actie.status == "open"


def test_a_form_opened_before_the_casus_was_closed_is_refused_with_a_message(client, demo):
    g = _gesloten(demo)
    client.force_login(g.pm)
    response = client.post(
        reverse("casusregie:overdragen", args=[g.casus.pk]),
        {"overdragen-nieuwe_regisseur": demo["regisseur_carinova"].pk, "overdragen-reden": "Andere zorgvraag."},
        follow=True,
    )
    assert response.status_code == 200
    assert "De casus is afgesloten; dit kan niet meer." in response.content.decode()
    g.casus.refresh_from_db()
    assert g.casus.casusregisseur == g.regisseur


def test_an_imported_closed_casus_has_no_open_escalation_and_takes_no_doorbraak(demo, tmp_path):
    """The importer closes every escalation of a closed casus and has no doorbraak in its format, so no import
    makes a maatwerkbudget on a closed thing; and the service refuses one afterwards."""
    import json

    from django.core.management import call_command

    regel = {
        "extern_id": "VIS2-2025-0099",
        "ontvangen_op": "2025-03-14",
        "melder": {"type": "professional", "organisatie": "Politie"},
        "aanmeldroute": "oggz",
        "overlast": False,
        "personen": [{"extern_id": "P-99", "voornaam": "Jan", "achternaam": "Jansen", "rol": "hoofdpersoon"}],
        "triage": {"datum": "2025-03-20", "leefgebieden": ["verslaving", "schulden", "dakloos"], "besluit": "mdo"},
        "mdo": {"datum": "2025-03-27", "organisatie": "Dimence", "casusregisseur": "regisseur_dimence"},
        "plan_vastgesteld_op": "2025-04-24",
        "escalaties": [{"datum": "2025-06-01", "niveau": "procesmanager", "maatwerkbudget": 5000}],
        "afgesloten_op": "2025-09-01",
        "afsluitreden": "doel_bereikt",
    }
    bestand = tmp_path / "import.jsonl"
    bestand.write_text(json.dumps(regel) + "\n")
    call_command("import_meldingen", str(bestand))
    escalatie = Escalatie.objects.get(casus__melding__extern_id="VIS2-2025-0099")
    assert escalatie.status == Escalatie.Status.GEDEESCALEERD and escalatie.maatwerkbudget is None
    g = SimpleNamespace(pm=demo["procesmanager"], escalatie=escalatie)
    with pytest.raises(TransitionNotAllowed):
        _doorbraak(g)


# --- two requests at the same moment (PostgreSQL: SQLite has no row locks) -----------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_doorbraak_while_the_casus_is_being_closed_waits_and_is_refused(demo):
    """The procesmanager de-escalates and closes the casus in one transaction while, at that moment, a handler
    records a doorbraak on the same escalation (loaded before). The doorbraak waits for the row lock and is then
    checked against the closed state: refused, nothing written. Without the lock it read "open" and wrote its
    maatwerkbudget after the closing."""
    from django.db import transaction

    g = _met_plan(demo)
    escalatie = services.casus_escaleren(door=g.regisseur, casus=g.casus, reden="stagnatie", vraag="Wat nu?")
    geladen = Escalatie.objects.get(pk=escalatie.pk)
    bezig, results = threading.Event(), {}

    def sluiten():
        try:
            with transaction.atomic():
                services.escalatie_deescaleren(
                    door=g.pm, escalatie=Escalatie.objects.get(pk=escalatie.pk), toelichting="Klaar."
                )
                _pm_sluit(g, type(g.casus).objects.get(pk=g.casus.pk))
                bezig.set()
                time.sleep(1)  # the doorbraak arrives now, before this commits
            results["sluiten"] = "ok"
        finally:
            bezig.set()
            connection.close()

    def doorbraak():
        try:
            bezig.wait(timeout=30)
            _doorbraak(SimpleNamespace(pm=g.pm, escalatie=geladen))
            results["doorbraak"] = "ok"
        except TransitionNotAllowed:
            results["doorbraak"] = "geweigerd"
        finally:
            connection.close()

    threads = [threading.Thread(target=sluiten), threading.Thread(target=doorbraak)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == {"sluiten": "ok", "doorbraak": "geweigerd"}
    escalatie.refresh_from_db()
    assert escalatie.maatwerkbudget is None
    assert not escalatie.stappen.filter(soort=EscalatieStap.Soort.DOORBRAAK).exists()
