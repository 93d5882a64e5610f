"""Tasks on a real Celery worker process (Redis broker, PostgreSQL test database)."""

import pytest

from bzt import tasks
from bzt.audit import system_user
from bzt.demo import seed_organisaties_en_accounts
from bzt.models import User
from tests.helpers import wait_for

pytestmark = [pytest.mark.worker]


def test_history_written_by_a_worker_names_the_user_who_started_the_task(celery_worker, settings):
    users = seed_organisaties_en_accounts(door=system_user(), password="x")[1]
    beheer, stale = users["beheer"], users["regisseur_tactus"]
    User.objects.filter(pk=stale.pk).update(last_login="2020-01-01T00:00:00Z")

    tasks.start_task(tasks.inactieve_accounts_blokkeren, door=beheer)

    def blocked():
        """the worker blocked the stale account"""
        return not User.objects.get(pk=stale.pk).is_active

    wait_for(blocked)
    record = User.objects.get(pk=stale.pk).history.first()
    assert record.history_user == beheer
    assert record.history_change_reason.startswith("automatisch geblokkeerd")
    assert User.objects.get(pk=beheer.pk).is_active


def test_a_scheduled_run_acts_as_the_system_user(celery_worker):
    users = seed_organisaties_en_accounts(door=system_user(), password="x")[1]
    stale = users["regisseur_iriszorg"]
    User.objects.filter(pk=stale.pk).update(last_login="2020-01-01T00:00:00Z")

    tasks.inactieve_accounts_blokkeren.delay()  # as celery beat sends it: no acting user

    wait_for(lambda: not User.objects.get(pk=stale.pk).is_active)
    assert User.objects.get(pk=stale.pk).history.first().history_user.username == "systeem"
