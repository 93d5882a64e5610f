"""Status callbacks: an organisation that registered a callback URL (Terugmeldadres) hears of every change of the
status a melder may know (partners.status) of the meldingen it filed, once per change, in the shape of the VNG
Notificaties API, with no personal data; signed (HMAC) or with the configured Authorization header.

`statuswijziging_verwerken` is registered on bzt.notifications.GEBEURD, so every transition of a melding or a casus
(bzt.workflow) passes here after its commit. A delivery is one Terugmelding row: `afleveren` makes one attempt while
holding the row's lock (a retry and the periodic sweep never send one twice); after a failure the next attempt
waits 30 s · 2^(n-1) (at most 6 hours), after BZT_TERUGMELDING_POGINGEN attempts it is `mislukt` and functioneel
beheer sees it (docs/beheer.md).
"""

import hashlib
import hmac
import json
import logging
from datetime import timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from bzt.audit import system_user
from bzt.tasks import start_task
from casusregie.models import Casus
from meldpunt.models import Melding

from .models import Indiening, Terugmeldadres, Terugmelding
from .status import melder_status

logger = logging.getLogger(__name__)

HANDTEKENING_HEADER = "BZT-Signature"


def _indieningen_van(obj):
    if isinstance(obj, Melding):
        return Indiening.objects.filter(melding=obj)
    if isinstance(obj, Casus):
        return Indiening.objects.filter(Q(melding__casus=obj) | Q(melding__bij_casus__casus=obj))
    return Indiening.objects.none()


def statuswijziging_verwerken(naam, obj, door, details):
    """After any transition: tell the organisations whose melding changed status for them."""
    for pk in _indieningen_van(obj).values_list("pk", flat=True):
        status_doorgeven(pk)


def bericht(indiening, status) -> dict:
    """The VNG Notificaties API body: ids, the melding's number and the status, never a person or case text."""
    url = settings.BZT_BASIS_URL.rstrip("/") + reverse("api:melding", args=[indiening.pk])
    return {
        "kanaal": "meldingen",
        "hoofdObject": url,
        "resource": "melding",
        "resourceUrl": url,
        "actie": "update",
        "aanmaakdatum": timezone.now().isoformat(),
        "kenmerken": {"nummer": indiening.melding.nummer, "status": status},
    }


@transaction.atomic
def status_doorgeven(indiening_pk) -> Terugmelding | None:
    """Record the status the organisation is told and queue the delivery, once per change (the indiening's row is
    locked, so two changes at the same moment are compared one after the other)."""
    indiening = Indiening.objects.select_for_update().get(pk=indiening_pk)
    melding = Melding.objects.select_related("casus", "bij_casus__casus").get(pk=indiening.melding_id)
    status = melder_status(melding)
    if status == indiening.gemelde_status:
        return None
    indiening.gemelde_status = status
    indiening.save(update_fields=["gemelde_status"])
    if not Terugmeldadres.objects.filter(organisatie_id=indiening.organisatie_id, actief=True).exists():
        return None
    indiening.melding = melding
    terugmelding = Terugmelding.objects.create(
        indiening=indiening,
        volgnummer=indiening.terugmeldingen.count() + 1,
        melder_status=status,
        bericht=bericht(indiening, status),
    )
    from .tasks import terugmelding_afleveren

    start_task(terugmelding_afleveren, terugmelding.pk, door=system_user())
    return terugmelding


def handtekening(geheim: str, body: bytes) -> str:
    return "sha256=" + hmac.new(geheim.encode(), body, hashlib.sha256).hexdigest()


def wachttijd(pogingen: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(pogingen - 1, 0), 6 * 60 * 60))


def afleveren(terugmelding_pk, *, now=None) -> bool:
    """One attempt to deliver; True when the receiver answered 2xx (now or before)."""
    now = now or timezone.now()
    with transaction.atomic():
        terugmelding = Terugmelding.objects.select_for_update().filter(pk=terugmelding_pk).first()
        if terugmelding is None or terugmelding.status == Terugmelding.Status.MISLUKT:
            return False
        if terugmelding.status == Terugmelding.Status.AFGELEVERD:
            return True
        indiening = Indiening.objects.get(pk=terugmelding.indiening_id)
        adres = Terugmeldadres.objects.filter(organisatie_id=indiening.organisatie_id).first()
        fout = ""
        if adres is None or not adres.actief:
            fout = "Geen actief terugmeldadres"
        else:
            body = json.dumps(terugmelding.bericht).encode()
            headers = {"Content-Type": "application/json"}
            if adres.hmac_geheim:
                headers[HANDTEKENING_HEADER] = handtekening(adres.hmac_geheim, body)
            if adres.auth_header:
                headers["Authorization"] = adres.auth_header
            try:
                antwoord = requests.post(
                    adres.url,
                    data=body,
                    headers=headers,
                    timeout=settings.BZT_TERUGMELDING_TIMEOUT,
                    allow_redirects=False,
                )
                if not 200 <= antwoord.status_code < 300:
                    fout = f"HTTP {antwoord.status_code}"
            except requests.RequestException as error:
                fout = type(error).__name__
        terugmelding.pogingen += 1
        if not fout:
            terugmelding.status, terugmelding.afgeleverd_op, terugmelding.laatste_fout = (
                Terugmelding.Status.AFGELEVERD,
                now,
                "",
            )
        else:
            terugmelding.laatste_fout = fout[:300]
            if terugmelding.pogingen >= settings.BZT_TERUGMELDING_POGINGEN:
                terugmelding.status = Terugmelding.Status.MISLUKT
                logger.warning("Terugmelding %s definitief mislukt: %s", terugmelding.pk, fout)
            else:
                terugmelding.volgende_poging_op = now + wachttijd(terugmelding.pogingen)
        terugmelding.save()
        return not fout


def te_versturen(now=None):
    """Deliveries whose next attempt is due (for the periodic sweep)."""
    return Terugmelding.objects.filter(status=Terugmelding.Status.OPEN, volgende_poging_op__lte=now or timezone.now())


def mislukte():
    """For functioneel beheer: the deliveries that failed for good, newest first (no personal data)."""
    return Terugmelding.objects.filter(status=Terugmelding.Status.MISLUKT).select_related(
        "indiening__organisatie", "indiening__melding"
    )
