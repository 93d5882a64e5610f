"""API keys of partner organisations: issued and revoked by functioneel beheer (the beheer screens and
`manage.py api_sleutel`), shown once, stored as a SHA-256 hash only.

A key is `bzt_<prefix>_<secret>`: the prefix (8 hex characters) finds the row, the secret (32 random bytes) makes it
unguessable, so a plain hash suffices (no password hashing needed for 256 bits of entropy). Every request looks the
key up in the database: no cache, so a revoked key is refused from the next request on.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bzt.audit import acting_as
from bzt.beheer import reden_controleren, vereist_beheer

from .models import ApiSleutel, SleutelGebruik

PREFIX = "bzt_"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class NieuweSleutel:
    sleutel: ApiSleutel
    key: str  # shown once, never stored


@transaction.atomic
def sleutel_uitgeven(*, door, organisatie, naam="") -> NieuweSleutel:
    vereist_beheer(door)
    if not organisatie.actief:
        raise ValidationError({"organisatie": f"{organisatie} is gedeactiveerd en krijgt geen API-sleutel."})
    naam = (naam or "").strip() or "API-koppeling"
    prefix = secrets.token_hex(4)
    key = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with acting_as(door, reason=f"API-sleutel uitgegeven aan {organisatie}"):
        sleutel = ApiSleutel.objects.create(
            organisatie=organisatie, naam=naam[:120], prefix=prefix, hash=_hash(key), aangemaakt_door=door
        )
    return NieuweSleutel(sleutel, key)


@transaction.atomic
def sleutel_intrekken(*, door, sleutel: ApiSleutel, reden: str) -> ApiSleutel:
    vereist_beheer(door)
    reden = reden_controleren(reden)
    sleutel = ApiSleutel.objects.select_for_update().get(pk=sleutel.pk)
    if not sleutel.actief:
        raise ValidationError("Deze sleutel is al ingetrokken.")
    with acting_as(door, reason=reden):
        sleutel.ingetrokken_op, sleutel.ingetrokken_door = timezone.now(), door
        sleutel.save(update_fields=["ingetrokken_op", "ingetrokken_door"])
    return sleutel


def sleutel_van(key: str) -> ApiSleutel | None:
    """The active key of an active organisation that `key` is, or None. Compared in constant time."""
    if not key.startswith(PREFIX) or len(key) > 200:
        return None
    prefix = key[len(PREFIX) :].split("_", 1)[0]
    sleutel = ApiSleutel.objects.select_related("organisatie").filter(prefix=prefix).first()
    if sleutel is None or not hmac.compare_digest(sleutel.hash, _hash(key)):
        return None
    if not sleutel.actief or not sleutel.organisatie.actief:
        return None
    return sleutel


def gebruik_vastleggen(*, sleutel, methode, pad, status_code, melding=None):
    SleutelGebruik.objects.create(
        sleutel=sleutel, methode=methode[:10], pad=pad[:200], status_code=status_code, melding=melding
    )


def actor_reden(sleutel: ApiSleutel) -> str:
    """The change reason that names the key as the actor in the history of what it filed."""
    return f"Ingediend via API-sleutel {sleutel.prefix} ({sleutel.naam}) van {sleutel.organisatie}"
