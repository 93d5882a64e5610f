"""Filing a melding as a partner: through the meldpunt's one registration service (meldpunt.services), with the
persons found by BSN only and the organisation's Indiening beside it. The partner is never told whether a person
was known: the answer is the same either way (docs/api.md)."""

import hashlib
import hmac
import json

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from meldpunt import selectors as meldpunt_selectors
from meldpunt import services as meldpunt_services

from . import rechten
from .models import Indiening


class IdempotentieConflict(Exception):
    """The Idempotency-Key was used before with another body."""


def body_hash(data) -> str:
    """A keyed hash of the canonical body (the key: SECRET_KEY), so the stored value says nothing about a BSN."""
    canoniek = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hmac.new(settings.SECRET_KEY.encode(), canoniek.encode(), hashlib.sha256).hexdigest()


def _betrokkenen(personen: list[dict]):
    """The household's persons: one with the same BSN is that person (a BSN is unique); anyone else is new, with
    the known persons they resemble by the meldpunt's own rule (meldpunt.selectors.kandidaten: name and birth
    date), kept for the meldpunt, never chosen here. The meldpunt sees on the melding page what is known of them
    (meldpunt.selectors.bekend_signalen, mogelijk_bekend_signalen); the partner's answer does not change."""
    betrokkenen = []
    for rij in personen:
        gegevens = {k: v for k, v in rij.items() if k not in ("rol", "keuze", "DELETE")}
        bekend = meldpunt_selectors.persoon_met_bsn(gegevens.get("bsn") or "")
        lijkt_op = [] if bekend is not None else meldpunt_selectors.kandidaten(gegevens)
        betrokkenen.append(
            meldpunt_services.NieuweBetrokkene(
                rol=rij["rol"], persoon=bekend, gegevens=gegevens, mogelijk_dezelfde=lijkt_op
            )
        )
    return betrokkenen


@transaction.atomic
def melding_indienen(
    *,
    door,
    organisatie,
    gegevens: dict,
    personen: list[dict],
    sleutel=None,
    idempotency_key="",
    hash_van_body="",
) -> Indiening:
    """File a validated melding (partners.forms.invoer_binden; its channel in `gegevens`) for `organisatie`. On the
    web `door` is the partner's professional, who files for their own organisation only; through the API the system
    account acts with a reason naming the key (partners.sleutels.actor_reden)."""
    reden = None
    if sleutel is not None:
        from .sleutels import actor_reden

        reden = actor_reden(sleutel)
    else:
        rechten.vereist(door, "indienen")
        if door.organisatie_id != organisatie.pk:
            raise PermissionDenied("U kunt alleen namens uw eigen organisatie melden.")
    melding = meldpunt_services.melding_registreren(
        door=door, gegevens=gegevens, betrokkenen=_betrokkenen(personen), reden=reden
    )
    return Indiening.objects.create(
        melding=melding,
        organisatie=organisatie,
        ingediend_door=None if sleutel is not None else door,
        sleutel=sleutel,
        idempotency_key=idempotency_key,
        body_hash=hash_van_body,
    )


def _eerdere(organisatie, idempotency_key, hash_van_body):
    eerder = (
        Indiening.objects.select_related("melding")
        .filter(organisatie=organisatie, idempotency_key=idempotency_key)
        .first()
    )
    if eerder is not None and eerder.body_hash != hash_van_body:
        raise IdempotentieConflict
    return eerder


def api_melding_indienen(
    *, door, sleutel, idempotency_key, hash_van_body, gegevens, personen
) -> tuple[Indiening, bool]:
    """The API's POST: (indiening, new?). The same Idempotency-Key with the same body gives the first indiening
    again; with another body IdempotentieConflict. Two requests at the same moment: the unique constraint
    `indiening_idempotent` makes the second wait for the first and fail, after which it is answered like a repeat."""
    eerder = _eerdere(sleutel.organisatie, idempotency_key, hash_van_body)
    if eerder is not None:
        return eerder, False
    for poging in range(2):
        try:
            with transaction.atomic():
                indiening = melding_indienen(
                    door=door,
                    organisatie=sleutel.organisatie,
                    gegevens=gegevens,
                    personen=personen,
                    sleutel=sleutel,
                    idempotency_key=idempotency_key,
                    hash_van_body=hash_van_body,
                )
            return indiening, True
        except IntegrityError:
            eerder = _eerdere(sleutel.organisatie, idempotency_key, hash_van_body)
            if eerder is not None:
                return eerder, False
            if poging:  # not the key: a person with this BSN was created at the same moment; tried once more
                raise
    raise ValidationError("De melding kon niet worden opgeslagen.")  # pragma: no cover
