from celery import shared_task

from bzt.tasks import AuditedTask

from . import signalen


@shared_task(base=AuditedTask)
def termijnen_signaleren():
    """Daily (celery beat): AVG requests whose deadline is near or passed, to the privacy officers."""
    return signalen.termijnen_signaleren()
