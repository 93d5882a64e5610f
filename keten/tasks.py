"""Celery tasks of the keten. They take no arguments with personal data and only call a service."""

from celery import shared_task

from bzt.audit import acting_user
from bzt.tasks import AuditedTask

from . import notificaties, retention


@shared_task(base=AuditedTask)
def bewaartermijn_toepassen():
    """Anonymise what is past its bewaartermijn (keten.retention). Idempotent; nightly via celery beat,
    acting as the system user. Returns the run's id and counts (never names)."""
    run = retention.bewaartermijn_toepassen(door=acting_user())
    return {
        "run": run.pk,
        "meldingen": run.aantal_meldingen,
        "casussen": run.aantal_casussen,
        "personen": run.aantal_personen,
    }


@shared_task(base=AuditedTask)
def attenties_berekenen():
    """Daily: notify what became due (actions, access that ends). Idempotent (one notification per key)."""
    return notificaties.attenties_berekenen()
