"""Celery tasks of the partners app: ids only, calling partners.terugmeldingen."""

from celery import shared_task
from django.utils import timezone

from bzt.tasks import AuditedTask


@shared_task(base=AuditedTask, bind=True, max_retries=None)
def terugmelding_afleveren(self, terugmelding_id):
    """One status callback; a failure is retried after the growing pause the row says (until it is mislukt).
    In-process (no broker) the periodic sweep `terugmeldingen_nasturen` makes the next attempts."""
    from . import terugmeldingen
    from .models import Terugmelding

    if terugmeldingen.afleveren(terugmelding_id):
        return True
    terugmelding = Terugmelding.objects.filter(pk=terugmelding_id, status=Terugmelding.Status.OPEN).first()
    if terugmelding is not None and not self.app.conf.task_always_eager:
        wacht = max(1, int((terugmelding.volgende_poging_op - timezone.now()).total_seconds()))
        raise self.retry(countdown=wacht)
    return False


@shared_task(base=AuditedTask)
def terugmeldingen_nasturen():
    """Periodic: attempt the deliveries that are due (after a broker outage, or in-process)."""
    from . import terugmeldingen

    ids = list(terugmeldingen.te_versturen().values_list("pk", flat=True)[:200])
    for pk in ids:
        terugmelding_afleveren.delay(pk)
    return len(ids)
