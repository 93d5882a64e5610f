"""Celery tasks of casusregie. They take no arguments with personal data and only call a service.

Both are idempotent and scheduled by celery beat (CELERY_BEAT_SCHEDULE), acting as the system user; the
procesmanager can also start signalen_berekenen from the dashboard (start_task, acting as that person).
"""

from celery import shared_task

from bzt.audit import acting_user
from bzt.tasks import AuditedTask


@shared_task(base=AuditedTask)
def signalen_berekenen():
    """Recompute the stagnation signals for the procesmanager. Returns the count per soort."""
    from . import signals

    return signals.signalen_berekenen()


@shared_task(base=AuditedTask)
def verlopen_toegang_intrekken():
    """End betrokkenheden past their end date and read access past its term after closing."""
    from . import services

    return services.verlopen_toegang_intrekken(door=acting_user())
