"""Stagnation signals: each appears just past its threshold and not just before; a run replaces the last."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bzt.audit import acting_user
from bzt.models import Organisatie
from casusregie import services, signals, tasks
from casusregie.models import AfsluitReden, CasusBetrokkene, Signaal
from tests import factories
from tests.helpers import wait_for

S = Signaal.Soort


def soorten(casus):
    return set(Signaal.objects.filter(casus=casus).values_list("soort", flat=True))


def signaal(casus, soort):
    return Signaal.objects.get(casus=casus, soort=soort)


def actie(c, *, deadline, omschrijving="Aanmelden schuldhulp"):
    plan = c.plannen.filter(status="concept").get()
    return services.actie_toevoegen(
        door=c.casusregisseur,
        plan=plan,
        lock_version=plan.lock_version,
        omschrijving=omschrijving,
        eigenaar=Organisatie.objects.get(naam="Gemeente Deventer"),
        deadline=deadline,
    )


def vaststellen(demo, c, *, deadline):
    """Draft one goal and action, submit and approve the plan (factories.vastgesteld_plan passes a stale plan
    to plan_vaststellen); returns the plan in force."""
    plan = c.plannen.get(status="concept")
    services.doel_toevoegen(
        door=c.casusregisseur, plan=plan, lock_version=plan.lock_version, leefgebied="schulden", omschrijving="Stabiel."
    )
    actie(c, deadline=deadline)
    plan.refresh_from_db()
    plan = services.plan_indienen(door=c.casusregisseur, plan=plan, lock_version=plan.lock_version)
    return services.plan_vaststellen(door=demo["procesmanager"], plan=plan)


def test_geen_plan_n_weeks_after_assignment(demo, settings):
    settings.BZT_SIGNAAL_GEEN_PLAN_WEKEN = 6
    c = factories.casus(demo)
    drempel = c.toegewezen_op + timedelta(weeks=6)

    signals.signalen_berekenen(today=drempel)
    assert S.GEEN_PLAN not in soorten(c)

    counts = signals.signalen_berekenen(today=drempel + timedelta(days=1))
    assert counts[S.GEEN_PLAN] == 1
    s = signaal(c, S.GEEN_PLAN)
    assert s.sinds == drempel
    assert "na 6 weken" in s.toelichting


def test_no_geen_plan_once_a_plan_is_vastgesteld(demo):
    c = factories.casus(demo)
    vaststellen(demo, c, deadline=timezone.localdate() + timedelta(weeks=30))
    signals.signalen_berekenen(today=c.toegewezen_op + timedelta(weeks=20))
    assert S.GEEN_PLAN not in soorten(c)


def test_acties_verlopen_in_the_draft_counts_open_and_running_actions(demo):
    c = factories.casus(demo)
    deadline = timezone.localdate() + timedelta(days=10)
    actie(c, deadline=deadline)
    later = actie(c, deadline=deadline + timedelta(days=3), omschrijving="Huisbezoek")
    services.actie_status_wijzigen(door=c.casusregisseur, actie=later, status="loopt")
    gereed = actie(c, deadline=deadline - timedelta(days=5), omschrijving="Al gedaan")
    services.actie_status_wijzigen(door=c.casusregisseur, actie=gereed, status="gereed")

    signals.signalen_berekenen(today=deadline)
    assert S.ACTIES_VERLOPEN not in soorten(c)

    signals.signalen_berekenen(today=deadline + timedelta(days=1))
    s = signaal(c, S.ACTIES_VERLOPEN)
    assert (s.sinds, s.toelichting.split(" van")[0]) == (deadline, "1 actie")

    signals.signalen_berekenen(today=deadline + timedelta(days=4))
    s = signaal(c, S.ACTIES_VERLOPEN)
    assert s.sinds == deadline
    assert s.toelichting.startswith("2 acties")


def test_acties_verlopen_follows_the_plan_in_force_not_the_new_draft(demo):
    c = factories.casus(demo)
    deadline = timezone.localdate() + timedelta(days=14)
    plan = vaststellen(demo, c, deadline=deadline)
    c.refresh_from_db()
    services.nieuwe_planversie(door=c.casusregisseur, casus=c)  # the draft copies the open action

    signals.signalen_berekenen(today=deadline + timedelta(days=1))
    assert signaal(c, S.ACTIES_VERLOPEN).toelichting.startswith("1 actie")

    services.actie_status_wijzigen(door=c.casusregisseur, actie=plan.acties.get(), status="gereed")
    signals.signalen_berekenen(today=deadline + timedelta(days=1))
    assert S.ACTIES_VERLOPEN not in soorten(c)


def test_geen_journaal_counts_from_the_last_entry_or_the_assignment(demo, settings):
    settings.BZT_SIGNAAL_GEEN_JOURNAAL_WEKEN = 4
    zonder, met = factories.casus(demo), factories.casus(demo, regisseur="regisseur_tactus")
    services.journaal_toevoegen(door=met.casusregisseur, casus=met, tekst="Huisbezoek afgelegd.")
    vandaag = timezone.localdate()
    drempel = vandaag + timedelta(weeks=4)

    signals.signalen_berekenen(today=drempel)
    assert S.GEEN_JOURNAAL not in soorten(zonder) | soorten(met)

    signals.signalen_berekenen(today=drempel + timedelta(days=1))
    assert signaal(zonder, S.GEEN_JOURNAAL).toelichting.startswith("Geen journaalregel sinds de toewijzing")
    s = signaal(met, S.GEEN_JOURNAAL)
    assert s.sinds == drempel
    assert s.toelichting == f"Laatste journaalregel op {vandaag:%d-%m-%Y}."


def test_wachtlijst_while_not_resolved(demo):
    c = factories.casus(demo)
    vandaag = timezone.localdate()
    wachtlijst = services.wachtlijst_melden(
        door=c.casusregisseur,
        casus=c,
        organisatie=Organisatie.objects.get(naam="Iriszorg"),
        voorziening="Beschermd wonen",
        sinds=vandaag,
    )

    signals.signalen_berekenen(today=vandaag - timedelta(days=1))
    assert S.WACHTLIJST not in soorten(c)

    signals.signalen_berekenen(today=vandaag)
    s = signaal(c, S.WACHTLIJST)
    assert s.sinds == vandaag
    assert s.toelichting == f"Wachtlijst bij Iriszorg (Beschermd wonen) sinds {vandaag:%d-%m-%Y}."

    services.wachtlijst_opgelost(door=c.casusregisseur, wachtlijst=wachtlijst)
    signals.signalen_berekenen(today=vandaag)
    assert S.WACHTLIJST not in soorten(c)


def test_escalatie_lang_open_after_14_days_at_the_same_level(demo):
    c = factories.casus(demo)
    start = timezone.localdate()
    services.casus_escaleren(door=c.casusregisseur, casus=c, reden="stagnatie", vraag="Iriszorg reageert niet.")

    signals.signalen_berekenen(today=start + timedelta(days=14))
    assert S.ESCALATIE_LANG_OPEN not in soorten(c)

    signals.signalen_berekenen(today=start + timedelta(days=15))
    s = signaal(c, S.ESCALATIE_LANG_OPEN)
    assert s.sinds == start + timedelta(days=14)
    assert "bij Procesmanager" in s.toelichting and "(15 dagen)" in s.toelichting


def test_a_closed_casus_gives_no_signals(demo):
    c = factories.casus(demo)
    services.wachtlijst_melden(
        door=c.casusregisseur,
        casus=c,
        organisatie=Organisatie.objects.get(naam="Iriszorg"),
        voorziening="Beschermd wonen",
        sinds=timezone.localdate(),
    )
    services.casus_afsluiten_door_procesmanager(  # the waiting list is still open: the procesmanager closes
        door=demo["procesmanager"], casus=c, reden=AfsluitReden.objects.get(code="verhuisd"), motivering="Verhuisd."
    )
    counts = signals.signalen_berekenen(today=timezone.localdate() + timedelta(weeks=52))
    assert counts == dict.fromkeys(S.values, 0)
    assert not Signaal.objects.exists()


def test_a_run_replaces_the_signals_of_the_last_run(demo):
    c = factories.casus(demo)
    later = c.toegewezen_op + timedelta(weeks=10)
    counts = signals.signalen_berekenen(today=later)
    assert counts[S.GEEN_PLAN] == counts[S.GEEN_JOURNAAL] == 1
    eerste = {s.soort: (s.pk, s.berekend_op) for s in Signaal.objects.all()}

    assert signals.signalen_berekenen(today=later) == counts  # idempotent
    assert Signaal.objects.count() == 2
    # issue 20: an unchanged signal keeps its row; the run's time is the stand's (signals.laatst_berekend)
    assert {s.soort: (s.pk, s.berekend_op) for s in Signaal.objects.all()} == eerste
    assert signals.laatst_berekend() > eerste[S.GEEN_PLAN][1]

    # a journaalregel changes the journaal signal's text: that row is written again, the plan signal kept
    services.journaal_toevoegen(door=c.casusregisseur, casus=c, tekst="Contact gehad.")
    assert signals.signalen_berekenen(today=later) == counts
    journaal = signaal(c, S.GEEN_JOURNAAL)
    assert journaal.pk != eerste[S.GEEN_JOURNAAL][0] and journaal.toelichting.startswith("Laatste journaalregel op")
    assert signaal(c, S.GEEN_PLAN).pk == eerste[S.GEEN_PLAN][0]

    assert signals.signalen_berekenen(today=c.toegewezen_op) == dict.fromkeys(S.values, 0)
    assert not Signaal.objects.exists()


def test_the_task_runs_as_the_system_user_and_returns_only_counts(demo, monkeypatch):
    factories.casus(demo)
    seen = {}
    compute = signals.signalen_berekenen

    def spy(today=None):
        seen["user"] = acting_user()
        return compute(today=today)

    monkeypatch.setattr(signals, "signalen_berekenen", spy)
    result = tasks.signalen_berekenen.delay().get()  # as celery beat sends it: no acting user
    assert seen["user"].username == "systeem"
    assert result == dict.fromkeys(S.values, 0)


def test_expire_access_ends_betrokkenheden_as_the_system_user(demo):
    c = factories.casus(demo)
    betrokkene = services.betrokkene_toevoegen(
        door=c.casusregisseur,
        casus=c,
        professional=demo["regisseur_iriszorg"],
        rol="Woonbegeleiding",
        grondslag="convenant",
        einddatum=timezone.localdate(),
    )
    CasusBetrokkene.objects.filter(pk=betrokkene.pk).update(einddatum=timezone.localdate() - timedelta(days=1))

    assert tasks.verlopen_toegang_intrekken.delay().get() == 1
    betrokkene.refresh_from_db()
    assert not betrokkene.actief
    assert betrokkene.history.first().history_user.username == "systeem"
    assert tasks.verlopen_toegang_intrekken.delay().get() == 0  # idempotent


@pytest.mark.worker
def test_compute_signals_on_a_real_worker(celery_worker):
    from bzt.audit import system_user
    from bzt.demo import seed_organisaties_en_accounts

    users = seed_organisaties_en_accounts(door=system_user(), password="x")[1]
    c = factories.casus(users)
    services.wachtlijst_melden(
        door=c.casusregisseur,
        casus=c,
        organisatie=Organisatie.objects.get(naam="Iriszorg"),
        voorziening="Beschermd wonen",
        sinds=timezone.localdate(),
    )

    tasks.signalen_berekenen.delay()

    def computed():
        """the worker wrote the wachtlijst signal"""
        return Signaal.objects.filter(casus=c, soort=S.WACHTLIJST).exists()

    wait_for(computed)
