"""Celery tasks of the AVG requests: daily, via celery beat, acting as the system user; ids and counts only."""

from celery import shared_task

from bzt.audit import acting_user
from bzt.tasks import AuditedTask

from . import signalen


@shared_task(base=AuditedTask)
def termijnen_signaleren():
    """AVG requests whose deadline is near or passed, to the privacy officers (once per key)."""
    return signalen.termijnen_signaleren()


@shared_task(base=AuditedTask)
def exports_opruimen():
    """Empty the stored content of exports past their term or of anonymised clients. Idempotent."""
    return signalen.exports_opruimen(door=acting_user())
