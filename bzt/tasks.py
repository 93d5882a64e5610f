"""Celery tasks of the base, and the task class every BZT task uses.

Tasks take ids, never personal data, and only call services.
"""

import logging
import queue
import threading
import time

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django import db
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from kombu.exceptions import OperationalError

from .achtergrond import SOFT_TIME_LIMIT
from .audit import acting_as, system_user

logger = logging.getLogger(__name__)
# A page that queues a job waits at most about a second for an unreachable broker, then says so.
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.5}


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


class Verzending:
    """The outcome of queueing a task: `gelukt` is None until the transaction commits, then True or False."""

    gelukt = None


# For jobs without a row of their own to resend: the user starts them again later.
NIET_GESTART = (
    "De taak kon niet worden gestart: de takenwachtrij is nu niet bereikbaar. Probeer het over enkele minuten "
    "opnieuw; de geplande nachtelijke of periodieke run gaat gewoon door."
)


class InProcessWorker:
    """The embedded setup's worker (no broker: CELERY_BROKER_URL unset): one thread in the web process that runs
    the long jobs (tasks declared with `achtergrond=True`: the jaarmonitor, every PDF of bzt.bestandstaken) one
    after the other, as a worker with concurrency 1 would, so the request that started one returns at once and its
    page shows the progress. A job lost with the process stays "in de wachtrij" and is sent again by the sweep
    (bzt.achtergrond.wachtende_versturen) or started again from its page."""

    def __init__(self):
        self._queue = queue.Queue()
        self._thread = None
        self._lock = threading.Lock()

    def submit(self, task, args, kwargs):
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="bzt-taken", daemon=True)
                self._thread.start()
        self._queue.put((task, args, kwargs))

    def join(self, timeout=None):
        """Wait until every submitted job has run (tests, and a clean shutdown)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def _run(self):
        while True:
            task, args, kwargs = self._queue.get()
            try:
                task.apply(args, kwargs)
            except Exception:  # the job marks its own row as failed; this only keeps the thread alive
                logger.exception("Taak %s mislukt", task.name)
            finally:
                db.connections.close_all()  # this thread's connections, not the request's
                self._queue.task_done()


IN_PROCESS = InProcessWorker()


def start_task(task, *args, door, **kwargs) -> Verzending:
    """Queue `task` on behalf of `door` once the current transaction commits.

    When the broker cannot be reached the page must not fail after its data was committed: the error is
    logged and the returned Verzending says `gelukt = False`, so the caller can tell the user (jobs with a
    row of their own, like the jaarmonitor, are sent again by a periodic sweep)."""
    verzending = Verzending()

    def publish():
        if task.app.conf.task_always_eager:  # no broker: the task runs in this process, its errors are its own
            if getattr(task, "achtergrond", False) and settings.BZT_TAKEN_IN_THREAD:
                IN_PROCESS.submit(task, args, {**kwargs, "acting_user_id": door.pk})
            else:
                task.apply_async(args, {**kwargs, "acting_user_id": door.pk})
            verzending.gelukt = True
            return
        try:
            task.apply_async(args, {**kwargs, "acting_user_id": door.pk}, retry_policy=PUBLISH_RETRY)
        except (OperationalError, OSError):
            logger.warning("Taak %s niet in de wachtrij gezet: de broker is niet bereikbaar", task.name, exc_info=True)
            verzending.gelukt = False
        else:
            verzending.gelukt = True

    transaction.on_commit(publish)
    return verzending


@shared_task(base=AuditedTask)
def inactieve_accounts_blokkeren():
    from . import services
    from .audit import acting_user

    return services.inactieve_accounts_blokkeren(door=acting_user())


@shared_task(base=AuditedTask, bind=True, max_retries=8)
def notificatie_mailen(self, notificatie_id):
    """One notification by e-mail; an unreachable SMTP server is retried with a growing pause (2 min … 1 h),
    and what still did not go out is picked up by notificaties_nasturen."""
    from smtplib import SMTPException

    from . import notifications

    try:
        return notifications.mail_versturen(notificatie_id)
    except (SMTPException, OSError) as error:
        if self.app.conf.task_always_eager:  # in-process: never fail the request that caused the notification
            logger.warning("E-mail voor notificatie %s niet verstuurd", notificatie_id, exc_info=True)
            return False
        raise self.retry(exc=error, countdown=min(120 * 2**self.request.retries, 3600)) from error


@shared_task(base=AuditedTask)
def notificaties_nasturen():
    """Periodic: queue again the direct mails that did not go out (broker or SMTP was down)."""
    from . import notifications

    ids = list(notifications.niet_gemaild().values_list("pk", flat=True)[:500])
    for pk in ids:
        notificatie_mailen.delay(pk)
    return len(ids)


@shared_task(base=AuditedTask)
def dagoverzicht_mailen():
    """Daily: one overview mail per person who chose it."""
    from . import notifications

    return notifications.dagoverzicht_versturen()


@shared_task(base=AuditedTask)
def inzagelog_ketenen():
    """Every minute: chain the access-log rows written since the last run (bzt.inzage.ketenen)."""
    from . import inzage

    return inzage.ketenen()


@shared_task(base=AuditedTask)
def inzagelog_zegelen():
    """Every five minutes: chain the waiting rows, then seal the heads of the access log's chains
    (bzt.inzage.zegelen)."""
    from . import inzage

    return inzage.zegelen().volgnummer


@shared_task(
    base=AuditedTask,
    achtergrond=True,  # without a broker: in the in-process worker thread (InProcessWorker)
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=SOFT_TIME_LIMIT + 60,
)
def bestandstaak_maken(taak_id):
    """Make the file of one Bestandstaak, as the person who asked for it (idempotent: bzt.bestandstaken.maken)."""
    from . import bestandstaken
    from .audit import acting_user

    taak = bestandstaken.maken(taak_id=taak_id, door=acting_user())
    return taak.status if taak is not None else None


@shared_task(base=AuditedTask)
def bestandstaken_versturen(ouder_dan_seconden=None):
    """Every few minutes: send the job again for file jobs that wait too long (the broker was down). Beat passes
    the waiting time of its own schedule, as for the jaarmonitor's sweep."""
    from datetime import timedelta

    from . import bestandstaken

    ouder_dan = None if ouder_dan_seconden is None else timedelta(seconds=ouder_dan_seconden)
    return bestandstaken.wachtende_versturen(ouder_dan=ouder_dan)


@shared_task(base=AuditedTask)
def bestandstaken_opruimen():
    """Every 15 minutes: remove the files (personal data) and rows of file jobs whose time is up."""
    from . import bestandstaken

    return bestandstaken.opruimen()
