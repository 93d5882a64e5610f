"""The audited write of a journaal entry (bench workload 9): the casus lock answers the per-casus right in the
same statement, and the history row costs no per-save class building."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import remove_perm

from casusregie import services
from casusregie.models import Casus, JournaalRegel
from tests import factories


@pytest.fixture
def casus(demo):
    return factories.casus(demo)


def statements(ctx):
    skip = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(skip)]


def test_a_journaal_entry_is_the_lock_with_the_right_and_two_inserts(demo, casus):
    door = demo["regisseur_dimence"]
    services.journaal_toevoegen(door=door, casus=casus, tekst="Eerste.")  # permission ids cached per process
    casus = Casus.objects.get(pk=casus.pk)
    with CaptureQueriesContext(connection) as ctx:
        regel = services.journaal_toevoegen(door=door, casus=casus, tekst="Gesproken met de cliënt.")
    lock, insert, history = statements(ctx)
    assert "EXISTS (SELECT 1 FROM casusregie_casususerobjectpermission" in lock
    if connection.vendor == "postgresql":
        assert lock.endswith("FOR UPDATE")
    assert insert.startswith('INSERT INTO "casusregie_journaalregel"')
    assert history.startswith('INSERT INTO "casusregie_historicaljournaalregel"')
    assert regel.history.get().history_user == door
    assert casus._bij_vergrendeling == {}  # the lock's answer is used once


def test_without_the_grant_the_lock_refuses_and_nothing_is_written(demo, casus):
    services.journaal_toevoegen(door=demo["regisseur_dimence"], casus=casus, tekst="Eerste.")
    remove_perm("casusregie.change_casus", demo["regisseur_dimence"], casus)
    with pytest.raises(PermissionDenied):
        services.journaal_toevoegen(door=demo["regisseur_dimence"], casus=casus, tekst="Tweede.")
    with pytest.raises(PermissionDenied):
        services.journaal_toevoegen(door=demo["regisseur_iriszorg"], casus=casus, tekst="Niet mijn casus.")
    assert list(JournaalRegel.objects.filter(casus=casus).values_list("tekst", flat=True)) == ["Eerste."]


def test_a_closed_casus_is_still_refused_by_the_lock(demo, casus):
    from bzt.workflow import TransitionNotAllowed

    Casus.objects.filter(pk=casus.pk).update(status=Casus.Status.AFGESLOTEN)
    with pytest.raises((TransitionNotAllowed, PermissionDenied)):
        services.journaal_toevoegen(door=demo["regisseur_dimence"], casus=casus, tekst="Te laat.")
    assert not JournaalRegel.objects.filter(casus=casus).exists()


def test_the_history_manager_class_is_built_once_and_still_reads_the_history(demo, casus):
    regel = services.journaal_toevoegen(door=demo["regisseur_dimence"], casus=casus, tekst="Gesproken.")
    assert type(regel.history) is type(JournaalRegel.objects.get(pk=regel.pk).history)
    assert type(JournaalRegel.history) is type(regel.history)
    assert [h.tekst for h in regel.history.all()] == ["Gesproken."]
    assert JournaalRegel.history.filter(casus=casus).count() == 1
