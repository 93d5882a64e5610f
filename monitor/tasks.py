"""Jobs of the jaarmonitor. Tasks take ids and call services (monitor.services)."""

from datetime import timedelta

from celery import shared_task

from bzt.audit import acting_user
from bzt.tasks import AuditedTask

from . import services


@shared_task(
    base=AuditedTask,
    achtergrond=True,  # without a broker: in the in-process worker thread (bzt.tasks.InProcessWorker)
    soft_time_limit=services.SOFT_TIME_LIMIT,
    time_limit=services.SOFT_TIME_LIMIT + 60,
)
def rapport_genereren(rapport_id):
    """Make the PDF of one requested Rapport (idempotent: a rapport that is klaar is left alone)."""
    rapport = services.rapport_genereren(rapport_id=rapport_id, door=acting_user())
    return rapport.status if rapport is not None else None


@shared_task(base=AuditedTask)
def rapport_vorig_jaar():
    """Celery beat, 2 January: request last year's report, as the systeem account."""
    return services.rapport_vorig_jaar(door=acting_user()).pk


@shared_task(base=AuditedTask)
def standen_berekenen():
    """Celery beat, every night: the month's stand of every gemeente, before anyone opens the jaarmonitor."""
    return services.standen_berekenen(door=acting_user())


@shared_task(base=AuditedTask)
def wachtende_rapporten_versturen(ouder_dan_seconden=None):
    """Celery beat, every few minutes: send the job again for reports that wait too long (broker was down).
    Beat passes the waiting time of its own schedule (settings.CELERY_BEAT_SCHEDULE)."""
    ouder_dan = None if ouder_dan_seconden is None else timedelta(seconds=ouder_dan_seconden)
    return services.wachtende_rapporten_versturen(ouder_dan=ouder_dan)
