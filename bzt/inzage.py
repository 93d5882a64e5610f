"""The read-access log (inzagelog, NEN 7513): who looked at which client's data, when, and why allowed.

`log_inzage(request, object=…, actie=…, personen=…, grond=…)` is called by every view that shows, prints
or exports a dossier, person, melding, plan, escalation or MDO agenda, after the object was fetched and
authorised and before it is rendered. It writes one `InzageRegel` per person (a dossier of a household of
three is three rows), so an AVG inzage request is one filter on `persoon_id`.

Tamper evidence: the rows form a hash chain. Each row stores the hash of the previous row (`vorige_hash`)
and `hash = sha256(vorige_hash + canonical JSON of its own fields)`. Writers are serialised (a PostgreSQL
advisory lock; SQLite has a single writer, and `volgnummer` is unique as a last guard), so the chain never
forks. `verify_chain()` recomputes it: an edited row no longer matches its hash, a removed row leaves a gap
in `volgnummer` and a broken link. Writing the log fails closed: if the row cannot be written, the view
fails and nothing is shown.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.db import connection, transaction
from django.utils import timezone

from .models import InzageRegel

Actie = InzageRegel.Actie
Grond = InzageRegel.Grond
ObjectType = InzageRegel.ObjectType

GENESIS = "0" * 64
# pg_advisory_xact_lock key for the chain (7513: the NEN standard). Held until the transaction ends.
CHAIN_LOCK = 7513

OBJECT_TYPES = {
    "meldpunt.melding": ObjectType.MELDING,
    "meldpunt.persoon": ObjectType.PERSOON,
    "casusregie.casus": ObjectType.CASUS,
    "casusregie.plan": ObjectType.PLAN,
    "casusregie.escalatie": ObjectType.ESCALATIE,
    "mdo.overleg": ObjectType.AGENDA,
}

HASHED_FIELDS = (
    "volgnummer",
    "moment",
    "gebruiker_id",
    "gebruikersnaam",
    "organisatie",
    "rol",
    "persoon_id",
    "object_type",
    "object_id",
    "actie",
    "grond",
    "toelichting",
    "pad",
)


# --- writing -------------------------------------------------------------------------------------------------


def _text(value, max_length):
    return str(value or "").replace("\x00", "")[:max_length]


def _moment_text(moment):
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def regel_hash(values: dict, vorige_hash: str) -> str:
    """The hash of one row: sha256 over the previous hash and the canonical JSON of the row's fields."""
    data = {name: values[name] for name in HASHED_FIELDS}
    data["moment"] = _moment_text(data["moment"])
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((vorige_hash + "\n" + canonical).encode()).hexdigest()


def _wie(user):
    """Snapshot of who acts: username, organisation and role as they are now (they may change later)."""
    role = user.rol
    organisatie = user.organisatie.naam if user.organisatie_id else ""
    return {"gebruikersnaam": user.get_username(), "organisatie": organisatie, "rol": role.label if role else ""}


def _persoon_ids(personen):
    ids = []
    for persoon in personen:
        pk = getattr(persoon, "pk", persoon)
        if pk is not None and pk not in ids:
            ids.append(int(pk))
    return ids


def log_inzage(request, *, object=None, actie=Actie.BEKIJKEN, personen=(), grond, object_type=None, toelichting=""):
    """Record that `request.user` accessed `object` about `personen` (Persoon objects or ids) on `grond`.

    One row per person; with no persons one row without a client, so the access itself is still recorded.
    All rows of one access are written with one INSERT, under the chain lock. Returns the rows.
    """
    user = request.user
    if object_type is None:
        object_type = OBJECT_TYPES[object._meta.label_lower]
    if actie not in Actie.values or grond not in Grond.values or object_type not in ObjectType.values:
        raise ValueError(f"Onbekende actie, grond of objectsoort: {actie}, {grond}, {object_type}")
    wie = getattr(request, "_inzage_wie", None)
    if wie is None or wie[0] != user.pk:
        wie = (user.pk, _wie(user))
        request._inzage_wie = wie  # one snapshot per request (a page may log several objects)
    common = {
        "gebruiker_id": user.pk,
        "gebruikersnaam": _text(wie[1]["gebruikersnaam"], 150),
        "organisatie": _text(wie[1]["organisatie"], 120),
        "rol": _text(wie[1]["rol"], 60),
        "object_type": str(object_type),
        "object_id": getattr(object, "pk", None),
        "actie": str(actie),
        "grond": str(grond),
        "toelichting": _text(toelichting, 200),
        "pad": _text(getattr(request, "path", ""), 300),
    }
    ids = _persoon_ids(personen) or [None]
    # No savepoint of its own: a failure here fails the whole request (fail closed), so there is nothing to
    # roll back to. Outside a transaction this is one short transaction holding the chain lock.
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        laatste = InzageRegel.objects.order_by("-volgnummer").values("volgnummer", "hash").first()
        volgnummer, vorige = (laatste["volgnummer"], laatste["hash"]) if laatste else (0, GENESIS)
        moment = timezone.now()
        rows = []
        for persoon_id in ids:
            volgnummer += 1
            values = {**common, "volgnummer": volgnummer, "moment": moment, "persoon_id": persoon_id}
            digest = regel_hash(values, vorige)
            rows.append(InzageRegel(**values, vorige_hash=vorige, hash=digest))
            vorige = digest
        return InzageRegel.objects.bulk_create(rows)


def grond_meldpunt(user):
    """Why a user may open a melding or person: the meldpunt, or the procesmanager who sees everything."""
    return Grond.PROCESMANAGER if user.has_perm("casusregie.zien_alle_casussen") else Grond.MELDPUNT


# --- verifying -----------------------------------------------------------------------------------------------


@dataclass
class Verificatie:
    aantal: int
    laatste_hash: str
    fout_id: int | None = None
    fout_volgnummer: int | None = None
    fout: str = ""
    anker_gevonden: bool | None = None

    @property
    def ok(self):
        return self.fout_id is None and self.anker_gevonden is not False


def verify_chain(anker: str | None = None, chunk_size: int = 2000) -> Verificatie:
    """Recompute the chain from the first row. Stops at the first broken row.

    `anker`: a hash recorded earlier outside the database (the last hash of a previous run); it must still
    be in the chain, which also detects rows removed from the end.
    """
    fields = ("id", "vorige_hash", "hash", *HASHED_FIELDS)
    vorige, verwacht, aantal = GENESIS, 1, 0
    anker_gevonden = None if anker is None else False
    rows = InzageRegel.objects.order_by("volgnummer").values_list(*fields).iterator(chunk_size=chunk_size)
    for row in rows:
        values = dict(zip(fields, row, strict=True))
        aantal += 1
        fout = ""
        if values["volgnummer"] != verwacht:
            fout = f"volgnummer {values['volgnummer']} waar {verwacht} werd verwacht (regel verwijderd)"
        elif values["vorige_hash"] != vorige:
            fout = "de verwijzing naar de vorige regel klopt niet (regel verwijderd of gewijzigd)"
        elif regel_hash(values, vorige) != values["hash"]:
            fout = "de inhoud past niet bij de hash (regel gewijzigd)"
        if fout:
            return Verificatie(aantal - 1, vorige, values["id"], values["volgnummer"], fout, anker_gevonden)
        if anker is not None and values["hash"] == anker:
            anker_gevonden = True
        vorige, verwacht = values["hash"], verwacht + 1
    return Verificatie(aantal, vorige, anker_gevonden=anker_gevonden)
