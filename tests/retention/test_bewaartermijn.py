"""The bewaartermijn on data just before and just past the term (the issue's done-when)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from bzt.audit import system_user
from casusregie.models import CasusBetrokkene, CasusToegang, Escalatie, JournaalRegel, Plan, Wachtlijst
from keten import tasks
from keten.retention import MARKER, age_on, bewaartermijn_toepassen, vervangende_geboortedatum
from mdo.models import AgendaPunt
from meldpunt.models import BewaartermijnRun, Melding, Persoon, PersoonKoppeling, Triage

from .scenario import GEHEIM, LEVEND, MELDER_TOKENS, PERSOON_TOKENS, monitor_json, oude_casus, snapshot
from .scenario import occurrences as occurrences_of


@pytest.fixture
def oud(demo):
    return oude_casus(demo)


def run(door=None, **kwargs):
    return bewaartermijn_toepassen(door=door or system_user(), **kwargs)


# --- a closed casus ------------------------------------------------------------------------------------------


def test_a_closed_casus_is_kept_up_to_and_including_the_last_day_of_the_term(oud):
    einde = oud.termijn_einde  # afgesloten_op + 5 years
    for vandaag in (einde - timedelta(days=1), einde):
        before = snapshot()
        result = run(vandaag=vandaag)
        assert (result.aantal_casussen, oud.casus.pk in result.details["casussen"]) == (0, False), vandaag
        after = snapshot()
        # Only the rejected melding (its own, shorter term ended long ago) and its persons were anonymised.
        assert oud.melding.pk not in result.details["meldingen"]
        for table in ("casusregie_casus", "casusregie_journaalregel", "casusregie_plan", "casusregie_escalatie"):
            assert before[table] == after[table], table
        for table in ("casusregie_historicalcasus", "casusregie_historicaljournaalregel"):
            assert before[table] == after[table], table
    oud.melding.refresh_from_db()
    assert GEHEIM in oud.melding.aanleiding and oud.melding.geanonimiseerd_op is None
    assert oud.melding.melder_naam == "Henk Vlasblom"
    oud.hoofdpersoon.refresh_from_db()
    assert oud.hoofdpersoon.achternaam == GEHEIM, "still in a melding inside its term (the casus)"
    assert GEHEIM in JournaalRegel.objects.get(casus=oud.casus).tekst


def test_one_day_past_the_term_the_casus_is_anonymised_everywhere(oud):
    assert sum(occurrences_of(GEHEIM).values()) > 20  # the scenario really wrote the text everywhere
    result = run(vandaag=oud.termijn_einde + timedelta(days=1))
    assert oud.casus.pk in result.details["casussen"]
    assert {oud.melding.pk, oud.afgewezen.pk} <= set(result.details["meldingen"])

    # Free text and melder: gone from the live rows and from every history row, in every table.
    for token in (GEHEIM, *PERSOON_TOKENS, *MELDER_TOKENS):
        assert occurrences_of(token) == {}, token
    assert not Persoon.history.filter(achternaam=GEHEIM).exists()
    assert not Persoon.history.filter(voornaam="Xandrijn").exists()
    assert not Melding.history.filter(aanleiding__contains=GEHEIM).exists()
    assert oud.hoofdpersoon.history.count() >= 2  # the history rows are kept, scrubbed
    oud.melding.refresh_from_db()
    assert oud.melding.aanleiding == MARKER and oud.melding.geanonimiseerd_op is not None
    assert (oud.melding.melder_naam, oud.melding.melder_telefoon, oud.melding.melder_email) == ("", "", "")
    triage = oud.melding.triage
    assert triage.verslaving_toelichting == MARKER and triage.criminaliteit_toelichting == ""
    assert JournaalRegel.objects.get(casus=oud.casus).tekst == MARKER
    plan = Plan.objects.get(casus=oud.casus)
    assert (plan.samenvatting, plan.afspraken, plan.teruggestuurd_reden) == (MARKER, MARKER, MARKER)
    assert {d.omschrijving for d in plan.doelen.all()} | {a.omschrijving for a in plan.acties.all()} == {MARKER}
    escalatie = Escalatie.objects.get(casus=oud.casus)
    assert escalatie.vraag == escalatie.antwoord == escalatie.rendement == MARKER
    assert escalatie.maatwerkbudget == 1500 and escalatie.gestart_op == oud.ontvangen + timedelta(days=60)
    assert CasusBetrokkene.objects.get(casus=oud.casus).rol == MARKER
    assert Wachtlijst.objects.get(casus=oud.casus).voorziening == MARKER
    assert set(AgendaPunt.objects.filter(casus=oud.casus).values_list("notulen", flat=True)) <= {MARKER, ""}
    assert AgendaPunt.objects.filter(casus=oud.casus, notulen=MARKER).exists()
    assert set(CasusToegang.objects.filter(casus=oud.casus).values_list("reden", flat=True)) == {MARKER}
    casus = oud.casus
    casus.refresh_from_db()
    assert casus.afsluit_toelichting == MARKER and casus.afgesloten_op == oud.afgesloten

    # Persons with no melding left inside its term: anonymised; coarse codes stay.
    hoofdpersoon = Persoon.objects.get(pk=oud.hoofdpersoon.pk)
    assert (hoofdpersoon.voornaam, hoofdpersoon.achternaam) == ("Geanonimiseerd", f"#{hoofdpersoon.pk}")
    assert (hoofdpersoon.bsn, hoofdpersoon.adres, hoofdpersoon.postcode, hoofdpersoon.woonplaats) == ("", "", "", "")
    assert hoofdpersoon.extern_id is None and hoofdpersoon.geanonimiseerd_op is not None
    assert (hoofdpersoon.geslacht, hoofdpersoon.wijk, hoofdpersoon.inkomen) == ("man", "Rivierenwijk", "geen")
    # The birth date: the latest one with the same ages on the melding dates (here the real one: the 18th
    # birthday is on the melding date), in the live row and in every history row.
    data = [oud.ontvangen, oud.afgewezen.ontvangen_op]
    assert hoofdpersoon.geboortedatum == vervangende_geboortedatum(oud.hoofdpersoon.geboortedatum, data)
    for m in data:
        assert age_on(hoofdpersoon.geboortedatum, m) == age_on(oud.hoofdpersoon.geboortedatum, m)
    kind = Persoon.objects.get(pk=oud.kind.pk)
    assert kind.voornaam == "Geanonimiseerd"
    assert kind.geboortedatum == vervangende_geboortedatum(oud.kind.geboortedatum, [oud.ontvangen])
    assert (kind.geboortedatum.month, kind.geboortedatum.day) == (oud.ontvangen.month, oud.ontvangen.day)
    for persoon in (hoofdpersoon, kind):
        assert set(persoon.history.values_list("geboortedatum", flat=True)) == {persoon.geboortedatum}
    assert Persoon.objects.get(pk=oud.dubbel.pk).voornaam == "Geanonimiseerd"
    koppeling = PersoonKoppeling.objects.get(persoon=oud.hoofdpersoon)
    assert koppeling.reden == MARKER

    # The partner has a recent melding: keeps the name (and that melding is untouched).
    partner = Persoon.objects.get(pk=oud.partner.pk)
    assert (partner.voornaam, partner.achternaam, partner.geanonimiseerd_op) == ("Bram", LEVEND, None)
    assert partner.geboortedatum == oud.partner.geboortedatum
    assert Melding.objects.get(pk=oud.recente_melding.pk).geanonimiseerd_op is None
    assert oud.partner.pk not in result.details["personen"]
    anonymised = sorted([oud.hoofdpersoon.pk, oud.kind.pk, oud.neef.pk, oud.dubbel.pk])
    assert sorted(result.details["personen"]) == anonymised

    # The history shows one anonymisation record, by the system account, naming the run.
    record = oud.melding.history.latest()
    assert record.history_user == system_user()
    assert record.history_change_reason == f"bewaartermijn run {result.pk}"
    assert record.aanleiding == MARKER
    reasons = set(casus.history.values_list("history_change_reason", flat=True))
    assert reasons <= {MARKER, None, f"bewaartermijn run {result.pk}"}, "free-text change reasons are scrubbed"
    # ...and the older records keep their shape: who did what when.
    assert casus.history.filter(history_user__username="regisseur_tactus", status="afgesloten").exists()


def test_the_jaarmonitor_figures_do_not_change(oud):
    before = monitor_json()
    assert '"18-22": 1' in before and '"0-17"' in before  # the band edges are in the data
    eerste = run(vandaag=oud.termijn_einde - timedelta(days=1))
    assert (eerste.details["meldingen"], eerste.details["personen"]) == ([oud.afgewezen.pk], [oud.dubbel.pk])
    assert monitor_json() == before
    result = run(vandaag=oud.termijn_einde + timedelta(days=1))
    assert result.aantal_casussen == 1
    assert sorted(result.details["personen"]) == sorted([oud.hoofdpersoon.pk, oud.kind.pk, oud.neef.pk])
    # The nephew turned 18 the day after the melding: his replacement birthday is the melding date, age 17.
    neef = Persoon.objects.get(pk=oud.neef.pk)
    assert neef.geboortedatum != oud.neef.geboortedatum and age_on(neef.geboortedatum, oud.ontvangen) == 17
    assert monitor_json() == before


# --- rejected meldingen ---------------------------------------------------------------------------------------


def _rejected(demo, besluit, triage_datum, **kwargs):
    from tests import factories

    m = factories.melding(demo["meldpunt"], ontvangen_op=triage_datum - timedelta(days=2), aanleiding=f"{GEHEIM}!")
    factories.triage(demo["meldpunt"], m, codes=("schulden",), besluit=besluit, datum=triage_datum, **kwargs)
    return m


@pytest.mark.parametrize("besluit", ["geen_actie", "advies", "regulier"])
def test_a_rejected_melding_is_kept_24_months_after_the_triage(demo, besluit):
    from bzt.models import Organisatie
    from keten.retention import add_months

    today = timezone.localdate()
    triage_datum = add_months(today, -24) - timedelta(days=5)
    extra = {"regulier_organisatie": Organisatie.objects.get(naam="Dimence")} if besluit == "regulier" else {}
    m = _rejected(demo, besluit, triage_datum, **extra)
    persoon = m.betrokkenen.get().persoon
    einde = add_months(triage_datum, settings.BZT_BEWAARTERMIJN_MELDING_MAANDEN)

    for vandaag in (einde - timedelta(days=1), einde):
        assert run(vandaag=vandaag).aantal_meldingen == 0
    m.refresh_from_db()
    assert m.aanleiding == f"{GEHEIM}!" and m.geanonimiseerd_op is None

    result = run(vandaag=einde + timedelta(days=1))
    assert (result.details["meldingen"], result.details["personen"]) == ([m.pk], [persoon.pk])
    m.refresh_from_db()
    persoon.refresh_from_db()
    assert m.aanleiding == MARKER and m.melder_naam == "" and persoon.voornaam == "Geanonimiseerd"
    assert occurrences_of(GEHEIM) == {}


def test_a_melding_referred_by_the_mdo_counts_from_the_referral(demo):
    from keten.retention import add_months
    from mdo.services import besluit_regulier
    from tests import factories

    today = timezone.localdate()
    long_ago = today - timedelta(days=3 * 365)
    m = factories.mdo_melding(demo, ontvangen_op=long_ago, aanleiding=f"{GEHEIM}!")
    Triage.objects.filter(melding=m).update(datum=long_ago)  # test shortcut: triaged three years ago
    overleg = factories.overleg(demo)
    punt = AgendaPunt.objects.get(overleg=overleg, melding=m)
    besluit_regulier(door=demo["procesmanager"], punt=punt, notulen=f"Verwezen; {GEHEIM} krijgt hulp van de POH")
    m.refresh_from_db()
    assert m.status == Melding.Status.VERWEZEN
    # Referred today: the old triage does not make it expire.
    assert run().aantal_meldingen == 0

    # Referred 24 months and a few days ago (test shortcut: only the date of the referral moves back).
    verwezen_op = add_months(today, -24) - timedelta(days=3)
    Melding.objects.filter(pk=m.pk).update(
        status_sinds=timezone.make_aware(timezone.datetime.combine(verwezen_op, timezone.datetime.min.time()))
    )
    einde = add_months(verwezen_op, 24)
    assert run(vandaag=einde).aantal_meldingen == 0
    result = run(vandaag=einde + timedelta(days=1))
    assert result.details["meldingen"] == [m.pk]
    assert AgendaPunt.objects.get(pk=punt.pk).notulen == MARKER
    assert occurrences_of(GEHEIM) == {}


def test_open_work_never_expires(demo):
    """A melding waiting for triage, on the MDO agenda, or with an open casus stays, however old."""
    from tests import factories

    long_ago = timezone.localdate() - timedelta(days=10 * 365)
    wachtend = factories.melding(demo["meldpunt"], ontvangen_op=long_ago)
    op_agenda = factories.mdo_melding(demo, ontvangen_op=long_ago)
    open_casus = factories.casus(demo)
    Melding.objects.filter(pk=open_casus.melding_id).update(ontvangen_op=long_ago)
    result = run()
    assert result.aantal_meldingen == result.aantal_casussen == result.aantal_personen == 0
    assert not Melding.objects.filter(pk__in=[wachtend.pk, op_agenda.pk], geanonimiseerd_op__isnull=False).exists()


# --- dry run, idempotency, task, command ------------------------------------------------------------------------


def test_a_dry_run_changes_nothing_and_logs_what_would_go(oud):
    before = snapshot()
    vandaag = oud.termijn_einde + timedelta(days=1)
    result = run(vandaag=vandaag, dry_run=True)
    assert snapshot() == before, "no row changed and no history row was added"
    assert BewaartermijnRun.objects.get() == result
    assert result.dry_run and result.aantal_casussen == 1 and result.details["casussen"] == [oud.casus.pk]
    assert result.aantal_personen == 4
    # A real run on the same day does exactly what the dry run showed.
    real = run(vandaag=vandaag)
    assert (real.details["meldingen"], real.details["personen"]) == (
        result.details["meldingen"],
        result.details["personen"],
    )


def test_a_second_run_changes_nothing(oud):
    vandaag = oud.termijn_einde + timedelta(days=1)
    run(vandaag=vandaag)
    before = snapshot()
    again = run(vandaag=vandaag)
    assert again.aantal_meldingen == again.aantal_casussen == again.aantal_personen == 0
    assert snapshot() == before
    assert run().aantal_meldingen == 0


def test_a_real_run_never_looks_ahead(demo):
    with pytest.raises(ValidationError):
        run(vandaag=timezone.localdate() + timedelta(days=1))
    assert run(vandaag=timezone.localdate() + timedelta(days=1), dry_run=True).dry_run


@pytest.mark.parametrize("name", ["BZT_BEWAARTERMIJN_CASUS_JAREN", "BZT_BEWAARTERMIJN_MELDING_MAANDEN"])
def test_a_term_of_zero_is_refused(demo, settings, name):
    setattr(settings, name, 0)
    with pytest.raises(ImproperlyConfigured):
        run()


def test_the_nightly_task_acts_as_the_system_account(oud):
    tasks.bewaartermijn_toepassen.delay()
    result = BewaartermijnRun.objects.get()
    assert result.door == system_user() and not result.dry_run and result.aantal_casussen == 1
    record = Melding.objects.get(pk=oud.melding.pk).history.latest()
    assert (record.history_user, record.history_change_reason) == (system_user(), f"bewaartermijn run {result.pk}")
    schedule = settings.CELERY_BEAT_SCHEDULE["bewaartermijn-toepassen"]
    assert schedule["task"] == tasks.bewaartermijn_toepassen.name == "keten.tasks.bewaartermijn_toepassen"
    assert (schedule["schedule"].hour, schedule["schedule"].minute) == ({3}, {30})


def test_the_command_shows_numbers_never_names(oud):
    out = StringIO()
    vandaag = oud.termijn_einde + timedelta(days=1)
    call_command("bewaartermijn", "--dry-run", f"--vandaag={vandaag.isoformat()}", stdout=out)
    text = out.getvalue()
    assert oud.casus.nummer in text and oud.melding.nummer in text and oud.afgewezen.nummer in text
    assert "Personen zou(den) worden geanonimiseerd: 4" in text and "niets gewijzigd" in text
    for token in (GEHEIM, LEVEND, *PERSOON_TOKENS, *MELDER_TOKENS):
        assert token not in text
    assert Melding.objects.get(pk=oud.melding.pk).geanonimiseerd_op is None

    with pytest.raises(CommandError, match="proefdraai"):
        call_command("bewaartermijn", f"--vandaag={timezone.localdate() + timedelta(days=1)}", stdout=StringIO())
    out = StringIO()
    call_command("bewaartermijn", stdout=out)
    assert "Casussen geanonimiseerd: 1" in out.getvalue()
    assert Melding.objects.get(pk=oud.melding.pk).geanonimiseerd_op is not None


def test_a_melding_added_to_a_casus_goes_with_the_casus(demo):
    """Issue 14: a later melding added to the open casus of its household (CasusMelding) is part of that casus:
    it is kept while the casus is, and anonymised with it — not kept forever as a melding without an end."""
    from casusregie.models import Casus
    from casusregie.services import melding_bij_casus_voegen
    from tests import factories

    casus = factories.casus(demo)
    lid = casus.melding.betrokkenen.get().persoon
    toegevoegd = factories.melding(demo["meldpunt"], huishouden=[("hoofdpersoon", lid)], aanleiding="Nieuwe zorg.")
    melding_bij_casus_voegen(door=demo["meldpunt"], melding=toegevoegd)
    assert run().aantal_meldingen == 0  # open casus: kept
    gesloten = timezone.localdate() - timedelta(days=365 * settings.BZT_BEWAARTERMIJN_CASUS_JAREN + 30)
    Casus.objects.filter(pk=casus.pk).update(status=Casus.Status.AFGESLOTEN, afgesloten_op=gesloten)
    result = run()
    assert toegevoegd.pk in result.details["meldingen"]
    toegevoegd.refresh_from_db()
    assert toegevoegd.aanleiding == MARKER and toegevoegd.geanonimiseerd_op is not None
