"""Celery tasks of the base, and the task class every BZT task uses.

Tasks take ids, never personal data, and only call services.
"""

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.contrib.auth import get_user_model

from .audit import acting_as, system_user


class AuditedTask(DjangoTask):
    """Runs as the user who queued it, so every history record names that person.

    Queue with `start_task(task, door=user, ...)`; periodic runs (celery beat) act as the system user.
    """

    acks_late = True
    reject_on_worker_lost = True
    typing = False  # acting_user_id is taken by __call__, not by the task function

    def __call__(self, *args, acting_user_id=None, **kwargs):
        if acting_user_id is None:
            user = system_user()
        else:
            user = get_user_model().objects.get(pk=acting_user_id)
        with acting_as(user, reason=f"taak {self.name}"):
            return super().__call__(*args, **kwargs)


def start_task(task, *args, door, **kwargs):
    """Queue `task` on behalf of `door` once the current transaction commits."""
    task.delay_on_commit(*args, acting_user_id=door.pk, **kwargs)


@shared_task(base=AuditedTask)
def deactivate_inactive_accounts():
    from .audit import acting_user
    from .services import inactieve_accounts_blokkeren

    return inactieve_accounts_blokkeren(door=acting_user())
