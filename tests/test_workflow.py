"""Every state machine is a table (bzt.workflow), and `transition` is the only way to change a state.

Like Signalen's test_workflow.py: for every table, every (state, transition) pair. An allowed pair succeeds and
writes exactly one history record naming the acting user; a forbidden pair raises and writes nothing; a user
without the right is refused and nothing is written either."""

from contextlib import contextmanager
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from avg.models import AvgExport, AvgVerzoek
from avg.workflow import EXPORT_WORKFLOW, VERZOEK_WORKFLOW
from bzt.audit import acting_as
from bzt.workflow import TransitionNotAllowed, transition, workflow_of
from casusregie import services as casus_services
from casusregie.models import Casus, Escalatie
from casusregie.workflow import (
    ACTIE_WORKFLOW,
    CASUS_WORKFLOW,
    ESCALATIE_WORKFLOW,
    EXPERTVRAAG_WORKFLOW,
    NAZORG_WORKFLOW,
    PLAN_WORKFLOW,
)
from mdo.workflow import AGENDAPUNT_WORKFLOW, OVERLEG_WORKFLOW
from meldpunt import services as meldpunt_services
from meldpunt.workflow import MELDING_WORKFLOW
from monitor.models import Rapport
from monitor.workflow import RAPPORT_WORKFLOW
from tests import factories


def _melding(demo):
    return factories.melding(demo["meldpunt"])


def _casus(demo):
    return factories.casus(demo)


def _plan(demo):
    return factories.casus(demo).plannen.get()


def _actie(demo):
    c = factories.casus(demo)
    return factories.vastgesteld_plan(demo, c).acties.get()


def _nazorg(demo):
    from casusregie.models import AfsluitReden

    c = factories.afsluitklaar(demo, factories.casus(demo))
    casus_services.casus_afsluiten(door=c.casusregisseur, casus=c, reden=AfsluitReden.objects.get(code="doel_bereikt"))
    return c.nazorg


def _escalatie(demo):
    c = factories.casus(demo)
    return casus_services.casus_escaleren(
        door=demo["regisseur_dimence"], casus=c, reden="stagnatie", vraag="Wie betaalt de opvang?"
    )


def _expertvraag(demo):
    c = factories.casus(demo)
    team = casus_services.expertteam_opslaan(door=demo["beheer"], naam="Expertiseteam", leden=[demo["regisseur_mee"]])
    return casus_services.expertvraag_stellen(
        door=demo["regisseur_dimence"], casus=c, team=team, vraag="Is beschermd wonen passend?"
    )


def _overleg(demo):
    return factories.overleg(demo)


def _agendapunt(demo):
    factories.mdo_melding(demo)
    return factories.overleg(demo).agendapunten.get()


def _avgverzoek(demo):
    from avg import services as avg_services

    persoon = factories.melding(demo["meldpunt"]).betrokkenen.get().persoon
    return avg_services.verzoek_registreren(
        door=demo["privacy"], persoon=persoon, soort="inzage", ontvangen_op=timezone.localdate()
    )


def _avgexport(demo):
    from avg import services as avg_services

    verzoek = avg_services.in_behandeling_nemen(door=demo["privacy"], verzoek=_avgverzoek(demo))
    return avg_services.export_maken(door=demo["privacy"], verzoek=verzoek)


def _rapport(demo):
    with acting_as(demo["beleid"]):
        return Rapport.objects.create(jaar=2024, aangevraagd_door=demo["beleid"], pogingen=1)


# table -> (how to make one object, who may do each transition: a default and exceptions)
TABLES = {
    "melding": (
        MELDING_WORKFLOW,
        _melding,
        "meldpunt",
        {
            "toewijzen": "procesmanager",
            "mdo_verwijzen": "procesmanager",
            "mdo_bij_casus_voegen": "procesmanager",
            "mdo_heroverwegen": "procesmanager",
        },
    ),
    # closing normally is the casusregisseur's; the procesmanager closes a casus that cannot go on
    "casus": (
        CASUS_WORKFLOW,
        _casus,
        "procesmanager",
        {"escaleren": "regisseur_dimence", "afsluiten": "regisseur_dimence"},
    ),
    "actie": (ACTIE_WORKFLOW, _actie, "regisseur_dimence", {}),
    # the nazorg task is the former casusregisseur's; the meldpunt marks the new melding it asked for
    "nazorg": (NAZORG_WORKFLOW, _nazorg, "regisseur_dimence", {"gemeld": "meldpunt"}),
    "plan": (PLAN_WORKFLOW, _plan, "procesmanager", {"indienen": "regisseur_dimence"}),
    "escalatie": (ESCALATIE_WORKFLOW, _escalatie, "procesmanager", {}),
    "expertvraag": (EXPERTVRAAG_WORKFLOW, _expertvraag, "regisseur_mee", {}),
    "overleg": (OVERLEG_WORKFLOW, _overleg, "procesmanager", {}),
    "agendapunt": (AGENDAPUNT_WORKFLOW, _agendapunt, "procesmanager", {}),
    "rapport": (RAPPORT_WORKFLOW, _rapport, "beleid", {}),
    # the client's AVG requests and their inzage export: the privacy officer's (avg/workflow.py)
    "avgverzoek": (VERZOEK_WORKFLOW, _avgverzoek, "privacy", {}),
    "avgexport": (EXPORT_WORKFLOW, _avgexport, "privacy", {}),
}


class _Rollback(Exception):
    pass


@contextmanager
def _undone():
    """Run the block in a savepoint that is rolled back, so each pair starts from the same object."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def _in_state(obj, workflow, state):
    """Put `obj` in `state` without history (the state under test)."""
    type(obj).objects.filter(pk=obj.pk).update(**{workflow.field: state})
    obj.refresh_from_db()
    return obj


def _stored_state(obj, workflow):
    return type(obj).objects.values_list(workflow.field, flat=True).get(pk=obj.pk)


@pytest.mark.parametrize("table", TABLES)
def test_every_pair_of_every_table(demo, table):
    """Every (state, transition) pair: allowed ones succeed with one history record naming the user, forbidden
    ones raise with the state's label (never its code) and write nothing."""
    workflow, make, default, exceptions = TABLES[table]
    obj = make(demo)
    for state in workflow.states:
        for name, step in workflow.transitions.items():
            door = demo[exceptions.get(name, default)]
            with _undone():
                _in_state(obj, workflow, state)
                records = obj.history.count()
                if state in step.sources:
                    transition(obj, name, door=door)
                    assert _stored_state(obj, workflow) == step.target, (state, name)
                    assert obj.history.count() == records + 1, (state, name)
                    assert obj.history.first().history_user == door, (state, name)
                else:
                    with pytest.raises(TransitionNotAllowed) as refused:
                        transition(obj, name, door=door)
                    assert _stored_state(obj, workflow) == state, (state, name)
                    assert obj.history.count() == records, (state, name)
                    message = refused.value.messages[0]
                    assert f"‘{state}’" not in message and f"'{state}'" not in message, (state, name)
                    assert step.refused or f"‘{workflow.label(state)}’" in message, (state, name)


@pytest.mark.parametrize("table", TABLES)
def test_a_user_without_the_right_is_refused_and_nothing_is_written(demo, table):
    workflow, make, *_ = TABLES[table]
    obj = make(demo)
    for name, step in workflow.transitions.items():
        for state in step.sources:
            with _undone():
                _in_state(obj, workflow, state)
                records = obj.history.count()
                with pytest.raises(PermissionDenied):
                    transition(obj, name, door=demo["beheer"])
                assert _stored_state(obj, workflow) == state, (state, name)
                assert obj.history.count() == records, (state, name)


def test_every_state_machine_is_a_table(db):  # a new Melding/Casus/Escalatie reads its default gemeente (issue 18)
    from casusregie.models import ExpertVraag, Nazorg, Plan, PlanActie
    from mdo.models import AgendaPunt, Overleg
    from meldpunt.models import Melding

    models = (Melding, Casus, Plan, Escalatie, ExpertVraag, Overleg, AgendaPunt, Rapport, PlanActie, Nazorg)
    for model in (*models, AvgVerzoek, AvgExport):
        assert workflow_of(model()).model is model
    # every state of every table is reached by some transition or is where an object begins
    assert {t.target for t in MELDING_WORKFLOW.transitions.values()} | {Melding.Status.ONTVANGEN} == set(
        MELDING_WORKFLOW.states
    )


def test_the_right_may_be_held_on_the_casus_the_object_belongs_to(demo):
    plan = _plan(demo)
    with pytest.raises(PermissionDenied):
        transition(plan, "indienen", door=demo["regisseur_tactus"])  # the regisseur of another casus
    assert _stored_state(plan, PLAN_WORKFLOW) == "concept"
    transition(plan, "indienen", door=demo["regisseur_dimence"])
    assert plan.status == "ingediend"


def test_a_refused_transition_names_the_state_as_the_user_knows_it(demo):
    m = factories.melding(demo["meldpunt"])
    factories.triage(demo["meldpunt"], m, besluit="regulier", regulier_organisatie=_organisatie(), motivatie="x")
    with pytest.raises(TransitionNotAllowed) as refused:
        transition(m, "op_mdo_agenda_zetten", door=demo["meldpunt"])
    assert refused.value.messages == ["De melding op de MDO-agenda zetten kan niet: de status is nu ‘Getrieerd’."]


def _organisatie():
    from bzt.models import Organisatie

    return Organisatie.objects.get(naam="Dimence")


# --- the services: one history record per step ----------------------------------------------------------------


def test_assigning_a_casus_writes_one_history_record_of_the_casus(demo):
    c = factories.casus(demo)
    assert c.status == Casus.Status.PLAN_IN_OPSTELLING
    assert c.history.count() == 1
    assert c.history.get().history_user == demo["procesmanager"]


def test_approving_a_plan_writes_one_history_record_of_the_casus(demo):
    c = factories.casus(demo)
    factories.ingediend_plan(demo, c)
    before = c.history.count()
    casus_services.plan_vaststellen(door=demo["procesmanager"], plan=c.plannen.get(), datum=date.today())
    c.refresh_from_db()
    assert c.status == Casus.Status.IN_UITVOERING
    assert c.plan_vastgesteld_op == date.today()
    assert c.history.count() == before + 1
    assert c.history.first().status == Casus.Status.IN_UITVOERING


def test_deescalating_goes_through_the_casus_table(demo):
    """The casus row of de-escalation is checked: a casus that is not opgeschaald (here: closed meanwhile by a
    direct write) refuses, and neither the escalation nor the casus is written."""
    escalatie = _escalatie(demo)
    c = escalatie.casus
    Casus.objects.filter(pk=c.pk).update(status=Casus.Status.IN_UITVOERING, status_sinds=timezone.now())
    records = escalatie.history.count()
    with pytest.raises(TransitionNotAllowed, match="De casus is niet opgeschaald."):
        casus_services.escalatie_deescaleren(door=demo["procesmanager"], escalatie=escalatie, toelichting="Opgelost.")
    assert Escalatie.objects.get(pk=escalatie.pk).status == Escalatie.Status.OPEN
    assert escalatie.history.count() == records


# --- one exception for a missing right -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "service",
    [
        lambda door: meldpunt_services.melding_registreren(door=door, gegevens={}, betrokkenen=[]),
        lambda door: meldpunt_services.wvggz_uitkomst_vastleggen(door=door, melding=None, uitkomst="", datum=None),
        lambda door: meldpunt_services.terugkoppeling_vastleggen(door=door, melding=None, wijze="", datum=None),
        lambda door: meldpunt_services.personen_koppelen(door=door, persoon=None, gekoppeld_aan=None, reden="x"),
        lambda door: meldpunt_services.koppeling_opheffen(door=door, koppeling=None, reden="x"),
    ],
    ids=["registreren", "wvggz", "terugkoppeling", "koppelen", "ontkoppelen"],
)
def test_a_missing_right_is_permission_denied_in_every_app(demo, service):
    """A missing right is PermissionDenied (Django's 403 page), a wrong state TransitionNotAllowed (a message):
    the meldpunt said ValidationError, the other apps PermissionDenied."""
    with pytest.raises(PermissionDenied):
        service(demo["beheer"])


def test_changes_are_derived_from_the_locked_row_not_from_a_stale_object(demo):
    """plan_vaststellen bumps the lock_version the database holds, also when given an object read earlier."""
    from casusregie.models import Plan

    c = factories.casus(demo)
    factories.ingediend_plan(demo, c)
    stale = c.plannen.get()
    gelezen = stale.lock_version
    Plan.objects.filter(pk=stale.pk).update(lock_version=gelezen + 5)  # saved by someone else meanwhile
    casus_services.plan_vaststellen(door=demo["procesmanager"], plan=stale)
    assert Plan.objects.get(pk=stale.pk).lock_version == gelezen + 6


def test_the_state_is_never_a_plain_change(demo):
    m = factories.melding(demo["meldpunt"])
    with pytest.raises(TypeError):
        transition(m, "in_triage_nemen", door=demo["meldpunt"], status="toegewezen")


# --- closing: who closes, and the procesmanager's closing ----------------------------------------------------


def test_a_betrokkene_who_may_change_the_casus_does_not_close_it(demo):
    """mag_wijzigen gives change_casus on the casus, not the casusregisseur's closing."""
    c = factories.casus(demo)
    casus_services.betrokkene_toevoegen(
        door=c.casusregisseur,
        casus=c,
        professional=demo["regisseur_mee"],
        rol="Schuldhulp",
        grondslag="convenant",
        mag_wijzigen=True,
    )
    assert demo["regisseur_mee"].has_perm("casusregie.change_casus", c)
    with pytest.raises(PermissionDenied, match="Alleen de casusregisseur"):
        transition(c, "afsluiten", door=demo["regisseur_mee"])
    with pytest.raises(PermissionDenied):
        transition(c, "afsluiten_door_procesmanager", door=demo["regisseur_mee"])
    with pytest.raises(PermissionDenied):  # nor does the procesmanager close as if everything were arranged
        transition(c, "afsluiten", door=demo["procesmanager"])
    assert _stored_state(c, CASUS_WORKFLOW) == Casus.Status.PLAN_IN_OPSTELLING
