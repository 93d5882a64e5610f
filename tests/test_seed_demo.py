from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

from bzt.models import Organisatie, User
from bzt.services import inactive_accounts
from casusregie import selectors
from casusregie.models import (
    Casus,
    CasusBetrokkene,
    CasusToegang,
    CasusUserObjectPermission,
    Escalatie,
    EscalatieStap,
    ExpertVraag,
    JournaalRegel,
    Nazorg,
    Plan,
    PlanActie,
    PlanDoel,
    Wachtlijst,
)
from casusregie.selectors import ongelezen_antwoorden
from casusregie.services import caseload
from mdo.models import AgendaPunt, Overleg
from meldpunt.models import Melding

CONTRACT_ACCOUNTS = {
    "meldpunt": ("meldpunt", "Gemeente Deventer"),
    "procesmanager": ("procesmanager", "GGD IJsselland"),
    "regisseur_dimence": ("casusregisseur", "Dimence"),
    "regisseur_tactus": ("casusregisseur", "Tactus Verslavingszorg"),
    "coordinator": ("coordinerend_ambtenaar", None),
    "wethouder": ("wethouder", None),
    "beleid": ("beleidsambtenaar", None),
    "beheer": ("functioneel_beheer", None),
}


@pytest.mark.django_db
def test_seed_demo_creates_the_contract_accounts_idempotently(settings):
    settings.DEMO_PASSWORD = "geheim-demo"
    call_command("seed_demo", meldingen=0)
    counts = User.objects.count(), Organisatie.objects.count()
    call_command("seed_demo", meldingen=0)
    assert (User.objects.count(), Organisatie.objects.count()) == counts

    for username, (group, organisatie) in CONTRACT_ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert user.organisatie is not None
        if organisatie:
            assert user.organisatie.naam == organisatie
        assert authenticate(username=username, password="geheim-demo") == user
    assert Organisatie.objects.filter(naam="Woonbedrijf Ieder1", convenantpartner=True).exists()
    # the signing date of the convenant (evaluation 2013); the police did not sign
    assert str(Organisatie.objects.get(naam="Dimence").convenant_getekend_op) == "2012-07-11"
    assert Organisatie.objects.get(naam="Politie").convenant_getekend_op is None


@pytest.mark.django_db
def test_seed_demo_history_is_written_by_the_system_account():
    call_command("seed_demo", meldingen=0)
    record = User.objects.get(username="meldpunt").history.last()
    assert record.history_user.username == "systeem"
    assert record.history_change_reason == "seed_demo"


@pytest.mark.django_db
def test_the_system_account_cannot_log_in_and_is_never_listed_as_inactive():
    systeem = User.objects.get(username="systeem")
    assert not systeem.is_active and not systeem.has_usable_password()
    assert systeem not in inactive_accounts()


# The services pass through these within one call (casus_toewijzen ends in plan_in_opstelling, plan_vaststellen
# in in_uitvoering), so no casus made through them rests there.
TRANSIENT = {Casus.Status.TOEGEWEZEN, Casus.Status.PLAN_VASTGESTELD}
AUDITED = (
    Melding,
    Casus,
    Plan,
    PlanDoel,
    PlanActie,
    JournaalRegel,
    CasusBetrokkene,
    Wachtlijst,
    Escalatie,
    EscalatieStap,
    ExpertVraag,
    Overleg,
    AgendaPunt,
)


def snapshot():
    rows = {model.__name__: (model.objects.count(), model.history.count()) for model in AUDITED}
    return rows | {"toegang": (CasusToegang.objects.count(), CasusUserObjectPermission.objects.count())}


@pytest.mark.django_db
def test_seed_demo_brings_casussen_through_every_state_and_a_rerun_adds_nothing():
    out = StringIO()
    call_command("seed_demo", meldingen=60, stdout=out)

    assert {status for status in Casus.Status if status not in TRANSIENT} <= set(
        Casus.objects.values_list("status", flat=True)
    )
    assert Melding.objects.filter(extern_id__startswith="DEMO-", status=Melding.Status.OP_MDO_AGENDA).exists()
    assert Escalatie.objects.filter(status=Escalatie.Status.OPEN).exists()
    assert Escalatie.objects.filter(status=Escalatie.Status.BEANTWOORD).exists()
    assert Escalatie.objects.filter(status=Escalatie.Status.GEDEESCALEERD).exists()
    assert Escalatie.objects.filter(maatwerkbudget__isnull=False, niveau__code="wethouder").exists()
    # every escalation starts at the level its kind says (issue 14), and answers wait on a regisseur's home page
    for escalatie in Escalatie.objects.select_related("reden__start_niveau").prefetch_related("stappen__niveau"):
        assert escalatie.stappen.all()[0].niveau == escalatie.reden.start_niveau
    regisseurs = User.objects.filter(username__startswith="regisseur_")
    assert any(ongelezen_antwoorden(regisseur).exists() for regisseur in regisseurs)
    gesloten = Casus.objects.filter(status=Casus.Status.AFGESLOTEN)
    assert gesloten.exists() and not gesloten.filter(afsluitreden__isnull=True).exists()
    # closed by the casusregisseur when everything was arranged, and by the procesmanager when it could not go on
    assert {"regie", "procesmanager"} <= set(gesloten.values_list("afsluiting", flat=True))
    assert not gesloten.filter(afsluiting="procesmanager", afsluit_motivering="").exists()
    for casus in gesloten.filter(afsluiting="regie"):
        assert selectors.afsluitvoorwaarden(casus) == [], casus
    assert Nazorg.objects.filter(casus__in=gesloten).count() == gesloten.count()
    assert Plan.objects.filter(status=Plan.Status.VASTGESTELD).exists()
    assert Plan.objects.filter(status=Plan.Status.CONCEPT, doelen__isnull=False).exists()
    assert JournaalRegel.objects.exists()
    # issue 15: the demo has corrections in its history (the reason on the history row, the Correctie for the timeline)
    from meldpunt.models import Correctie, Persoon

    assert Correctie.objects.filter(via="casusregie", soort="persoon").exists()
    assert Persoon.history.filter(history_change_reason__startswith="Correctie: Verhuisd").exists()
    # issue 14: results per leefgebied reach the jaarmonitor; the plan and the melding carry the new fields
    from monitor.figures import compute

    resultaten = compute(timezone.localdate().year)["plan"]["doelresultaten"]
    assert sum(n for per in resultaten.values() for n in per.values()) > 0
    assert Plan.objects.exclude(eigen_mogelijkheden="").filter(akkoord_client="ja", akkoord_op__isnull=False).exists()
    assert Melding.objects.exclude(kanaal="").exists() and Melding.objects.exclude(eerdere_hulp_door="").exists()
    # a later melding about a household with an open casus was added to that casus by the MDO (issue 14)
    assert Melding.objects.filter(extern_id__startswith="DEMO-", status=Melding.Status.BIJ_CASUS).exists()
    for casus in Casus.objects.select_related("casusregisseur"):
        assert casus.toegewezen_op >= casus.melding.triage.datum
        assert casus.afgesloten_op is None or casus.afgesloten_op >= (casus.plan_vastgesteld_op or casus.toegewezen_op)
    for regisseur in User.objects.filter(username__startswith="regisseur_"):
        assert caseload(regisseur) <= 14

    (mdo,) = Overleg.objects.filter(status=Overleg.Status.GEPLAND)
    assert mdo.datum > timezone.localdate() and mdo.datum.weekday() == 1
    assert mdo.locatie == "Stadhuis Deventer"
    assert mdo.agendapunten.filter(soort=AgendaPunt.Soort.MELDING).exists()
    assert "MDO van volgende week nieuw gepland" in out.getvalue()
    # issue 14: an open question to the expert team, whose demo member reads that casus only; a regisseur's own
    # casus on the coming MDO with a question
    vraag = ExpertVraag.objects.get(team__naam="Expertiseteam OGGZ", status="open")
    expert = User.objects.get(username="expert_oggz")
    assert expert.groups.count() == 0 and expert in vraag.team.leden.all()
    assert list(selectors.casussen_for(expert)) == [vraag.casus]
    assert mdo.agendapunten.filter(aangemeld_door__username="regisseur_dimence").exclude(vraag="").exists()

    before = snapshot()
    out = StringIO()
    call_command("seed_demo", meldingen=60, stdout=out)

    assert snapshot() == before
    assert "0 nieuwe casussen" in out.getvalue()


@pytest.mark.django_db
def test_seed_demo_history_of_casussen_names_the_people_who_acted():
    call_command("seed_demo", meldingen=40, stdout=StringIO())

    casus = Casus.objects.filter(status=Casus.Status.IN_UITVOERING).first()
    assert casus.history.earliest().history_user.username == "procesmanager"
    regels = JournaalRegel.history.filter(casus_id=casus.pk)
    assert {regel.history_user for regel in regels} == {casus.casusregisseur}
    assert not any(record.history_user.username == "systeem" for record in Escalatie.history.all())


@pytest.mark.django_db
def test_a_second_run_leaves_accounts_untouched_and_more_meldingen_can_be_added():
    call_command("seed_demo", meldingen=10, jaar=2025)
    user_history = User.history.count()
    call_command("seed_demo", meldingen=10, jaar=2025)
    assert User.history.count() == user_history
    call_command("seed_demo", meldingen=25, jaar=2025)  # the first 10 stay, 15 are added
    from meldpunt.models import Melding

    assert Melding.objects.filter(extern_id__startswith="DEMO-2025-").count() == 25


@pytest.mark.django_db
def test_seed_demo_fills_last_year_and_the_budget_lines_of_both_years():
    from bzt.audit import acting_as, system_user
    from monitor.figures import compute
    from monitor.models import BudgetRegel

    jaar = timezone.localdate().year
    out = StringIO()
    call_command("seed_demo", meldingen=20, stdout=out)
    vorig = Melding.objects.filter(extern_id__startswith=f"DEMO-{jaar - 1}-")
    assert vorig.count() == 10
    assert Casus.objects.filter(melding__in=vorig, status=Casus.Status.AFGESLOTEN).exists()
    # budget lines of last year and this year, per subsidie, aanmeldroute and organisation, entered by beheer
    for year in (jaar - 1, jaar):
        regels = BudgetRegel.objects.filter(jaar=year)
        assert regels.filter(subsidie="OGGZ", aanmeldroute="oggz", organisatie__naam="Carinova").exists()
        assert {r.history.get().history_user.username for r in regels} == {"beheer"}
    assert "24 nieuwe budgetregels" in out.getvalue()
    with acting_as(system_user()):
        figures = compute(jaar - 1)
    budget = figures["budget"]
    assert budget["totaal"] > 0 and budget["per_subsidie"]["OGGZ"] > 0 and budget["per_organisatie"]["Carinova"] > 0
    assert figures["casussen"]["nieuw"] > 0  # the year comparison of this year is not against zeros
    assert budget["personen_in_casussen"] > 0
    assert budget["per_persoon"] == round(budget["totaal"] / budget["personen_in_casussen"], 2)

    out = StringIO()
    call_command("seed_demo", meldingen=20, stdout=out)
    assert "0 nieuwe budgetregels" in out.getvalue()
    assert BudgetRegel.objects.count() == 24
