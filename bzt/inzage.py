"""The read-access log (inzagelog, NEN 7513): who looked at which client's data, when, and why allowed.

`log_inzage(request, object=…, actie=…, personen=…, grond=…)` is called by every view that shows, prints
or exports a dossier, person, melding, plan, escalation or MDO agenda, after the object was fetched and
authorised and before it is rendered. It writes one `InzageRegel` per person (a dossier of a household of
three is three rows), so an AVG inzage request is one filter on `persoon_id`.

Tamper evidence (NEN 7513): the rows form hash chains. Each row stores the hash of the previous row of its
chain (`vorige_hash`) and `hash = sha256(vorige_hash + canonical JSON of its own fields)`. There are KETENS
chains (1..KETENS); a row belongs to its user's chain (`user % KETENS + 1`). Chain 0 is the single chain
written before issue 20; it is closed and verified like the others.

Hashing is off the request path: `log_inzage` writes the rows with one INSERT and nothing else (no lock, no
read of the chain's head), their `volgnummer`, `vorige_hash` and `hash` empty. `ketenen()` chains the rows
written since its last run in the order of their id: it runs every minute (beat task
`bzt.tasks.inzagelog_ketenen`), before every seal and before every verification, one run at a time (advisory
lock), so a chain never forks; `(keten, volgnummer)` is unique as a last guard. The only UPDATE the database
allows on the log is this one: filling in the chain columns of a row without a hash (trigger, migration bzt
0013). Until its chaining — at most about a minute — a row is in the log and the viewer but not yet
tamper-evident; that window is of the same kind as the rows written after the last seal.

Transactions: called outside a transaction (every view: ATOMIC_REQUESTS is off), the INSERT commits at once,
so the row stays even when the request's own writes roll back afterwards; inside a caller's atomic block it
belongs to that block, as it always did.

Every few minutes `zegelen()` writes a seal (`InzageZegel`): the head (last volgnummer and hash) of every
chain, itself chained by hash. `verify_chain()` recomputes every chain: an edited row no longer matches its
hash, a removed row leaves a gap in `volgnummer` and a broken link, and rows removed from the end of a chain
that a seal covered are missing from the last seal's heads. Rows removed after the last seal and the seals
themselves removed from the end are found with an anchor kept outside the database (the printed last seal
hash), as before. Writing the log fails closed: if the row cannot be written, the view fails and nothing is
shown.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.db import connection, transaction
from django.utils import timezone

from .gemeenten import code_van
from .models import InzageRegel, InzageZegel

Actie = InzageRegel.Actie
Grond = InzageRegel.Grond
ObjectType = InzageRegel.ObjectType

GENESIS = "0" * 64
# pg_advisory_xact_lock(CHAIN_LOCK, keten) per chain (7513: the NEN standard); (CHAIN_LOCK, 0) serialises seals.
CHAIN_LOCK = 7513
# Number of chains written now. More chains, fewer writers waiting on each other; a seal holds one head per
# chain. Changing it later is safe: verification walks whatever chains exist.
KETENS = 32
LEGACY = 0

OBJECT_TYPES = {
    "meldpunt.melding": ObjectType.MELDING,
    "meldpunt.persoon": ObjectType.PERSOON,
    "casusregie.casus": ObjectType.CASUS,
    "casusregie.plan": ObjectType.PLAN,
    "casusregie.escalatie": ObjectType.ESCALATIE,
    "mdo.overleg": ObjectType.AGENDA,
}

# The fields hashed in the legacy chain 0; later chains also hash their chain number and gemeente.
LEGACY_FIELDS = (
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
HASHED_FIELDS = (*LEGACY_FIELDS, "keten", "gemeente")


# --- writing -------------------------------------------------------------------------------------------------


def _text(value, max_length):
    return str(value or "").replace("\x00", "")[:max_length]


def _moment_text(moment):
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _digest(data: dict, vorige_hash: str) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((vorige_hash + "\n" + canonical).encode()).hexdigest()


def regel_hash(values: dict, vorige_hash: str) -> str:
    """The hash of one row: sha256 over the previous hash and the canonical JSON of the row's fields."""
    fields = LEGACY_FIELDS if values.get("keten", LEGACY) == LEGACY else HASHED_FIELDS
    data = {name: values[name] for name in fields}
    data["moment"] = _moment_text(data["moment"])
    return _digest(data, vorige_hash)


def gemeente_van(object) -> str:
    """The CBS code of the gemeente the logged object belongs to: its own `gemeente` (melding, casus,
    escalation), else that of its casus or melding when loaded with it; '' when it has none (a person, a list).

    The one place that decides the `gemeente` column of the log. No query (bzt.gemeenten.code_van)."""
    for obj in (object, *(_geladen(object, naam) for naam in ("casus", "melding"))):
        if obj is not None and getattr(obj, "gemeente_id", None) is not None:
            return code_van(obj.gemeente_id)
    return ""


def _geladen(object, naam):
    """object.<naam> when it is loaded already (select_related or set), else None: logging adds no query."""
    veld = getattr(type(object), naam, None)
    cache = getattr(veld, "field", None)
    if object is None or cache is None or not hasattr(cache, "is_cached") or not cache.is_cached(object):
        return None
    return getattr(object, naam)


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
    All rows of one access are written with one INSERT, unchained (ketenen() chains them). Returns the rows.
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
    common["gemeente"] = _text(gemeente_van(object), 6)
    ids = _persoon_ids(personen) or [None]
    common["keten"] = user.pk % KETENS + 1
    common["moment"] = timezone.now()
    rows = [InzageRegel(**common, persoon_id=persoon_id) for persoon_id in ids]
    # One INSERT statement and nothing else (no BEGIN/COMMIT of bulk_create's own atomic block: outside a
    # transaction it commits by itself). ketenen() chains the rows within a minute (module docstring).
    values = [common[column] for column in _INSERT_COLUMNS[:-1]]
    values[_INSERT_COLUMNS.index("moment")] = connection.ops.adapt_datetimefield_value(common["moment"])
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(len(rows)), [v for persoon_id in ids for v in (*values, persoon_id)])
        for regel, (pk,) in zip(rows, cursor.fetchall(), strict=True):
            regel.pk = pk
            regel._state.adding = False
    return rows


_INSERT_COLUMNS = (
    "gebruiker_id",
    "gebruikersnaam",
    "organisatie",
    "rol",
    "object_type",
    "object_id",
    "actie",
    "grond",
    "toelichting",
    "pad",
    "gemeente",
    "keten",
    "moment",
    "persoon_id",
)


def _insert_sql(n):
    row = "(" + ", ".join(["%s"] * len(_INSERT_COLUMNS)) + ", '')"
    columns = ", ".join(_INSERT_COLUMNS)
    return f"INSERT INTO bzt_inzageregel ({columns}, vorige_hash) VALUES {', '.join([row] * n)} RETURNING id"  # noqa: S608


def grond_meldpunt(user):
    """Why a user may open a melding or person: the meldpunt, or the procesmanager who sees everything."""
    return Grond.PROCESMANAGER if user.has_perm("casusregie.zien_alle_casussen") else Grond.MELDPUNT


# --- sealing ------------------------------------------------------------------------------------------------


def _zegel_hash(volgnummer, moment, koppen, vorige_hash):
    return _digest({"volgnummer": volgnummer, "moment": _moment_text(moment), "koppen": koppen}, vorige_hash)


def _kop(keten):
    """(volgnummer, hash) of the last chained row of a chain, or None: one index lookup."""
    return (
        InzageRegel.objects.filter(keten=keten, volgnummer__isnull=False)
        .order_by("-volgnummer")
        .values_list("volgnummer", "hash")
        .first()
    )


def _koppen():
    """{keten: [volgnummer, hash]} of the last chained row of every chain."""
    koppen = {}
    for keten in range(KETENS + 1):
        kop = _kop(keten)
        if kop:
            koppen[str(keten)] = list(kop)
    return koppen


def _seal_lock():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [CHAIN_LOCK])


KETENEN_BATCH = 5000


def ketenen(batch=KETENEN_BATCH) -> int:
    """Chain every committed row that has no hash yet, in the order of its id. Returns the number chained.

    One run at a time (the seal lock); each batch is one transaction: read the rows, recompute from each
    chain's head, fill in volgnummer, vorige_hash and hash (the only UPDATE the log's trigger allows)."""
    fields = ("id", *(f for f in HASHED_FIELDS if f != "volgnummer"))
    totaal = 0
    while True:
        with transaction.atomic():
            _seal_lock()
            rows = list(InzageRegel.objects.filter(hash__isnull=True).order_by("id").values_list(*fields)[:batch])
            if not rows:
                return totaal
            koppen = {}
            updates = []
            for row in rows:
                values = dict(zip(fields, row, strict=True))
                keten = values["keten"]
                if keten not in koppen:
                    koppen[keten] = _kop(keten) or (0, GENESIS)
                volgnummer, vorige = koppen[keten]
                values["volgnummer"] = volgnummer + 1
                digest = regel_hash(values, vorige)
                updates.append((values["volgnummer"], vorige, digest, values["id"]))
                koppen[keten] = (values["volgnummer"], digest)
            _ketenkolommen_schrijven(updates)
        totaal += len(rows)
        if len(rows) < batch:
            return totaal


def _ketenkolommen_schrijven(updates):
    """Fill in (volgnummer, vorige_hash, hash) by id: on PostgreSQL one UPDATE … FROM (VALUES …) per 1,000 rows
    (executemany would be one round trip per row)."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sql = "UPDATE bzt_inzageregel SET volgnummer = %s, vorige_hash = %s, hash = %s WHERE id = %s"
            cursor.executemany(sql, updates)
            return
        for start in range(0, len(updates), 1000):
            deel = updates[start : start + 1000]
            rijen = ", ".join(["(%s::bigint, %s, %s, %s::bigint)"] * len(deel))
            sql = (
                "UPDATE bzt_inzageregel AS r SET volgnummer = v.volgnummer, vorige_hash = v.vorige_hash, "  # noqa: S608 - placeholders only
                f"hash = v.hash FROM (VALUES {rijen}) AS v(volgnummer, vorige_hash, hash, id) WHERE r.id = v.id"
            )
            cursor.execute(sql, [value for row in deel for value in row])


def zegelen():
    """Chain the waiting rows, then write a seal over the heads of all chains (the periodic task
    bzt.tasks.inzagelog_zegelen). Returns the seal.

    The heads are read from committed, chained rows; a row chained a moment later is covered by the next seal."""
    ketenen()
    with transaction.atomic():
        _seal_lock()
        laatste = InzageZegel.objects.order_by("-volgnummer").values_list("volgnummer", "hash").first()
        volgnummer, vorige = laatste or (0, GENESIS)
        volgnummer += 1
        moment = timezone.now()
        koppen = _koppen()
        digest = _zegel_hash(volgnummer, moment, koppen, vorige)
        zegel = InzageZegel(volgnummer=volgnummer, moment=moment, koppen=koppen, vorige_hash=vorige, hash=digest)
        return InzageZegel.objects.bulk_create([zegel])[0]


# --- verifying -----------------------------------------------------------------------------------------------


@dataclass
class Verificatie:
    aantal: int
    laatste_hash: str
    fout_id: int | None = None
    fout_volgnummer: int | None = None
    fout: str = ""
    anker_gevonden: bool | None = None
    ketens: int = 0
    zegels: int = 0
    fout_keten: int | None = None

    @property
    def ok(self):
        return self.fout_id is None and not self.fout and self.anker_gevonden is not False


def _verify_zegels(anker):
    """Walk the seal chain. Returns (error text or '', number of seals, last seal or None, anchor found)."""
    vorige, verwacht, laatste, gevonden = GENESIS, 1, None, False
    fields = ("volgnummer", "moment", "koppen", "vorige_hash", "hash")
    for row in InzageZegel.objects.order_by("volgnummer").values_list(*fields).iterator(chunk_size=500):
        volgnummer, moment, koppen, vorige_hash, digest = row
        fout = ""
        if volgnummer != verwacht:
            fout = f"zegel {volgnummer} waar {verwacht} werd verwacht (zegel verwijderd)"
        elif vorige_hash != vorige or _zegel_hash(volgnummer, moment, koppen, vorige) != digest:
            fout = f"zegel {volgnummer} is gewijzigd of verwijst niet naar de vorige zegel"
        elif laatste is not None:
            for keten, (nummer, _) in laatste[2].items():
                if keten not in koppen or koppen[keten][0] < nummer:
                    fout = f"zegel {volgnummer}: keten {keten} is korter dan in de zegel ervoor"
                    break
        if fout:
            return fout, verwacht - 1, laatste, gevonden
        gevonden = gevonden or digest == anker
        laatste, vorige, verwacht = row, digest, verwacht + 1
    return "", verwacht - 1, laatste, gevonden


def verify_chain(anker: str | None = None, chunk_size: int = 2000, *, ketenen_eerst: bool = True) -> Verificatie:
    """Chain the waiting rows (ketenen; not with `ketenen_eerst=False`, e.g. in a read-only snapshot, where the
    rows not chained yet are left out), recompute every chain from its first row, then check the seals and the
    chains against the last seal.

    Stops at the first broken row. `anker`: a hash recorded earlier outside the database (the last seal's
    hash, or a row's hash); it must still be in the log, which also detects rows or seals removed from the
    end. `laatste_hash` is the last seal's hash (the anchor to keep), or GENESIS when there is no seal yet.
    """
    if ketenen_eerst:
        ketenen()
    fout, zegels, laatste, anker_gevonden = _verify_zegels(anker)
    # The last seal pins the head of every chain: the row at that volgnummer must still be there, unchanged.
    vastgelegd = {int(k): (nummer, digest) for k, (nummer, digest) in (laatste[2] if laatste else {}).items()}
    gezien = set()
    fields = ("id", "vorige_hash", "hash", *HASHED_FIELDS)
    keten, vorige, verwacht, aantal, ketens = None, GENESIS, 1, 0, 0
    rows = (
        InzageRegel.objects.filter(volgnummer__isnull=False)
        .order_by("keten", "volgnummer")
        .values_list(*fields)
        .iterator(chunk_size=chunk_size)
    )
    for row in rows:
        values = dict(zip(fields, row, strict=True))
        if values["keten"] != keten:
            keten, vorige, verwacht, ketens = values["keten"], GENESIS, 1, ketens + 1
        aantal += 1
        regel_fout = ""
        if values["volgnummer"] != verwacht:
            regel_fout = f"volgnummer {values['volgnummer']} waar {verwacht} werd verwacht (regel verwijderd)"
        elif values["vorige_hash"] != vorige:
            regel_fout = "de verwijzing naar de vorige regel klopt niet (regel verwijderd of gewijzigd)"
        elif regel_hash(values, vorige) != values["hash"] or (keten == LEGACY and values["gemeente"]):
            regel_fout = "de inhoud past niet bij de hash (regel gewijzigd)"
        elif vastgelegd.get(keten, (None,))[0] == values["volgnummer"]:
            gezien.add(keten)
            if vastgelegd[keten][1] != values["hash"]:
                regel_fout = f"de regel past niet bij zegel {laatste[0]} (regel gewijzigd)"
        if regel_fout:
            return Verificatie(
                aantal - 1,
                vorige,
                values["id"],
                values["volgnummer"],
                f"keten {keten}: {regel_fout}",
                None if anker is None else anker_gevonden,
                ketens,
                zegels,
                keten,
            )
        anker_gevonden = anker_gevonden or values["hash"] == anker
        vorige, verwacht = values["hash"], verwacht + 1
    if not fout:
        for k in sorted(set(vastgelegd) - gezien):
            fout = (
                f"keten {k}: regel {vastgelegd[k][0]} uit zegel {laatste[0]} ontbreekt "
                "(regels aan het eind van de keten verwijderd)"
            )
            break
    return Verificatie(
        aantal,
        laatste[4] if laatste else GENESIS,
        fout=fout,
        anker_gevonden=None if anker is None else anker_gevonden,
        ketens=ketens,
        zegels=zegels,
    )
