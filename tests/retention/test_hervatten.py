"""A bewaartermijn run killed in the middle resumes where it stopped and ends exactly like a run that was not
interrupted (issue 20): every batch is one transaction with the run's progress, done once."""

from datetime import timedelta

import pytest
from django.db import transaction

from bzt.audit import system_user
from keten import retention
from meldpunt.models import BewaartermijnRun

from .scenario import GEHEIM, oude_casus, snapshot
from .scenario import occurrences as occurrences_of

# What differs between two runs by nature: their time and their number (in the reason of the history rows).
TIJD = ("history_date", "geanonimiseerd_op", "history_id")


def _gelijk_te_stellen(snap):
    def row(values):
        out = {k: v for k, v in values.items() if k not in TIJD}
        reason = out.get("history_change_reason")
        if isinstance(reason, str) and reason.startswith("bewaartermijn run "):
            out["history_change_reason"] = "bewaartermijn run N"
        return out

    return {table: [row(values) for values in rows] for table, rows in snap.items()}


class Gedood(Exception):
    pass


@pytest.mark.parametrize("k", [0, 2, 5])
def test_a_run_killed_after_batch_k_resumes_and_ends_as_an_uninterrupted_run(demo, settings, k):
    settings.BZT_BEWAARTERMIJN_BATCH = 1  # one object per batch: a casus, a melding or a person
    oud = oude_casus(demo)
    vandaag = oud.termijn_einde + timedelta(days=1)

    sid = transaction.savepoint()
    ongestoord = retention.bewaartermijn_toepassen(door=system_user(), vandaag=vandaag)
    verwacht = _gelijk_te_stellen(snapshot())
    batches = len(retention._stappen(ongestoord.details))
    transaction.savepoint_rollback(sid)
    assert batches > k + 1 and occurrences_of(GEHEIM) != {}

    def na_batch(gedaan):
        if gedaan == k:
            raise Gedood(f"gedood na batch {k}")

    with pytest.raises(Gedood):
        retention.bewaartermijn_toepassen(door=system_user(), vandaag=vandaag, na_batch=na_batch)
    onderbroken = BewaartermijnRun.objects.get()
    assert onderbroken.afgerond_op is None and onderbroken.batches_gedaan == k + 1
    assert _gelijk_te_stellen(snapshot()) != verwacht, "half done: the later batches have not run"

    hervat = retention.bewaartermijn_toepassen(door=system_user(), vandaag=vandaag)
    assert hervat.pk == onderbroken.pk and hervat.afgerond_op is not None
    assert hervat.batches_gedaan == batches
    assert BewaartermijnRun.objects.count() == 1, "resumed, not started again"
    assert _gelijk_te_stellen(snapshot()) == verwacht
    assert occurrences_of(GEHEIM) == {}


def test_the_command_says_how_many_objects_and_how_long_before_it_starts(demo):
    from io import StringIO

    from django.core.management import call_command

    oud = oude_casus(demo)
    out = StringIO()
    call_command("bewaartermijn", "--dry-run", f"--vandaag={oud.termijn_einde + timedelta(days=1)}", stdout=out)
    first = out.getvalue().splitlines()[0]  # before anything else
    assert first.startswith("Te anonimiseren: 7 objecten") and "geschatte duur 0 s" in first
    assert "objecten per seconde (de benchmark" in first
    run = BewaartermijnRun.objects.get()
    assert run.details["schatting"]["objecten"] == run.aantal_casussen + run.aantal_meldingen + run.aantal_personen


def test_the_estimate_uses_the_rate_of_the_last_complete_run(demo):
    BewaartermijnRun.objects.create(
        door=system_user(), peildatum=demo["today"] if "today" in demo else retention.timezone.localdate(),
        afgerond_op=retention.timezone.now(), details={"tempo": 2500.0},
    )  # fmt: skip
    assert retention.gemeten_tempo()[0] == 2500.0
    run = retention.plannen(door=system_user(), dry_run=True)
    assert run.details["schatting"]["tempo"] == 2500.0
