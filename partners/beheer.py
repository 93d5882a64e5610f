"""Functioneel beheer of the partner organisations' API access: keys (partners.sleutels) and the callback address.
No case content: ids, numbers and statuses only."""

from django.db import transaction
from django.db.models import Count, Max, Q

from bzt.audit import acting_as
from bzt.beheer import vereist_beheer
from bzt.models import Organisatie

from .models import ApiSleutel, Terugmeldadres, Terugmelding


def organisaties_overzicht():
    return Organisatie.objects.annotate(
        actieve_sleutels=Count("api_sleutels", filter=Q(api_sleutels__ingetrokken_op__isnull=True), distinct=True)
    ).order_by("naam")


def sleutels_van(organisatie):
    return ApiSleutel.objects.filter(organisatie=organisatie).annotate(
        laatst_gebruikt=Max("gebruik__moment"), gebruikt=Count("gebruik")
    )


def mislukte_terugmeldingen():
    return Terugmelding.objects.filter(status=Terugmelding.Status.MISLUKT).select_related(
        "indiening__organisatie", "indiening__melding"
    )


@transaction.atomic
def terugmeldadres_opslaan(*, door, organisatie, url, auth_header="", hmac_geheim="", actief=True):
    """Save the callback address; an empty auth header or secret keeps the one stored (they are never shown)."""
    vereist_beheer(door)
    with acting_as(door, reason="terugmeldadres gewijzigd"):
        adres = Terugmeldadres.objects.select_for_update().filter(organisatie=organisatie).first()
        if adres is None:
            adres = Terugmeldadres(organisatie=organisatie)
        adres.url, adres.actief = url, actief
        if auth_header:
            adres.auth_header = auth_header
        if hmac_geheim:
            adres.hmac_geheim = hmac_geheim
        adres.full_clean()
        adres.save()
    return adres


@transaction.atomic
def terugmelding_opnieuw(*, door, terugmelding):
    """Functioneel beheer sends a failed callback again (after the receiver was repaired)."""
    vereist_beheer(door)
    from bzt.tasks import start_task

    from .tasks import terugmelding_afleveren

    Terugmelding.objects.filter(pk=terugmelding.pk, status=Terugmelding.Status.MISLUKT).update(
        status=Terugmelding.Status.OPEN, pogingen=0
    )
    start_task(terugmelding_afleveren, terugmelding.pk, door=door)
