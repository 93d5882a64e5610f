"""The access log at scale: `python -m bench inzagelog --rows 5000000` loads valid hash chains into the bench
database (COPY), `python -m bench inzage-writes` measures log writes with concurrent writers.

The rows look like a region's log: 5 years back from the bench's "today", the bench users (their real
username, organisation and role), grond and actie in realistic proportions, a persoon of the bench data, 20
gemeenten. Every row is chained exactly as `bzt.inzage.log_inzage` chains it (chain = user % KETENS + 1, the
writer's own chain), so `verify_inzagelog` passes on the result and the viewer reads a real-shaped table.
"""

import multiprocessing
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from django.db import connection

from .copying import Loader, Pool, Table
from .vocabulary import REGIO

GRONDEN = {
    "regisseur": 40,
    "betrokkene": 22,
    "meldpunt": 20,
    "procesmanager": 10,
    "casusrecht": 5,
    "escalatieniveau": 2,
    "privacy": 0.7,
    "noodtoegang": 0.3,
}
ACTIES = {"bekijken": 90, "zoeken": 7.5, "printen": 2.3, "exporteren": 0.2}
OBJECT_TYPES = {"casus": 45, "melding": 25, "persoon": 15, "plan": 10, "escalatie": 3, "agenda": 2}
EINDE = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
JAREN = 5


def generate(rows, *, seed=20):
    """Append `rows` log rows (chains continue where they are; the table is expected empty for a clean run)."""
    from bzt.inzage import KETENS, _kop, ketenen, regel_hash
    from bzt.models import InzageRegel, User

    started = time.perf_counter()
    rng = random.Random(seed)
    users = [
        (u.pk, u.username, u.organisatie.naam if u.organisatie_id else "", u.rol.label if u.rol else "")
        for u in User.objects.select_related("organisatie").filter(is_active=True)
    ]
    weights = [50 if name.startswith("bench_") else 1 for _, name, _, _ in users]
    who = Pool(rng, users, weights)
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM meldpunt_persoon")
        lo, hi = cursor.fetchone()
        cursor.execute("SET synchronous_commit = off")
    grond, actie, soort = (Pool(rng, list(d), list(d.values())) for d in (GRONDEN, ACTIES, OBJECT_TYPES))
    # the 20 gemeenten of the bench data (bench/vocabulary.py REGIO), weighted by population like the meldingen
    gemeente = Pool(rng, [code for code, *_ in REGIO], [inwoners for _, _, inwoners, _, _ in REGIO])
    ketenen()  # rows the app wrote unchained come first in their chains
    heads = {k: _kop(k) or (0, "0" * 64) for k in range(1, KETENS + 1)}
    fields = (
        "keten volgnummer moment gebruiker_id gebruikersnaam organisatie rol gemeente persoon_id object_type "
        "object_id actie grond toelichting pad vorige_hash hash"
    ).split()
    loader = Loader()
    table = Table(loader, InzageRegel, fields, history=False)
    step = JAREN * 365 * 86400 / rows
    moment = EINDE - timedelta(days=JAREN * 365)
    for i in range(rows):
        moment += timedelta(seconds=rng.expovariate(1 / step))
        pk, username, organisatie, rol = who()
        keten = pk % KETENS + 1
        volgnummer, vorige = heads[keten]
        volgnummer += 1
        object_type = soort()
        object_id = rng.randint(1, max(1, hi // 2))
        values = {
            "keten": keten,
            "volgnummer": volgnummer,
            "moment": moment,
            "gebruiker_id": pk,
            "gebruikersnaam": username,
            "organisatie": organisatie,
            "rol": rol,
            "gemeente": gemeente(),
            "persoon_id": rng.randint(lo, hi),
            "object_type": object_type,
            "object_id": object_id,
            "actie": actie(),
            "grond": grond(),
            "toelichting": "",
            "pad": f"/{object_type}/{object_id}/",
        }
        digest = regel_hash(values, vorige)
        heads[keten] = (volgnummer, digest)
        table.add([values[f] for f in fields[:-2]] + [vorige, digest])
        if i and i % 500_000 == 0:
            print(f"  {i:,} rows, {time.perf_counter() - started:.0f} s", flush=True)
    loader.flush_all()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('bzt_inzageregel', 'id'), max(id)) FROM bzt_inzageregel")
        cursor.execute("VACUUM (ANALYZE) bzt_inzageregel")
    print(f"bench inzagelog: {rows:,} rows in {time.perf_counter() - started:.0f} s")


# --- concurrent writes ------------------------------------------------------------------------------------------


def _writer(args):
    user_pk, seconds, personen, ketens, start_at = args
    from django.db import connection as conn
    from django.test import RequestFactory

    from bzt import inzage
    from bzt.models import User

    inzage.KETENS = ketens
    conn.close()
    user = User.objects.select_related("organisatie").get(pk=user_pk)
    request = RequestFactory().get("/casussen/1/")
    request.user = user
    times = []
    while time.time() < start_at:
        time.sleep(0.005)
    end = start_at + seconds
    n = 0
    while time.time() < end:
        t = time.perf_counter()
        inzage.log_inzage(request, object_type="casus", personen=range(n * 7 + 1, n * 7 + 1 + personen),
                          grond="regisseur")  # fmt: skip
        times.append((time.perf_counter() - t) * 1000)
        n += 1
    conn.close()
    return times


def writes(*, writers=16, seconds=20, personen=1, ketens=None):
    """`writers` processes, each its own user and connection, logging as fast as they can for `seconds`;
    then the chaining job (bzt.inzage.ketenen) chains what they wrote, timed, and the log is verified.

    Returns rows/s and the per-call latency, and the chaining job's rows/s."""
    from bzt import inzage
    from bzt.models import InzageRegel, User

    ketens = ketens or inzage.KETENS
    users = list(User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)[:writers])
    inzage.ketenen()
    before = InzageRegel.objects.count()
    connection.close()
    start_at = time.time() + 2
    with multiprocessing.get_context("fork").Pool(writers) as pool:
        results = pool.map(_writer, [(pk, seconds, personen, ketens, start_at) for pk in users])
    calls = [t for r in results for t in r]
    rows = InzageRegel.objects.count() - before
    calls.sort()
    t = time.perf_counter()
    chained = inzage.ketenen()
    chain_s = time.perf_counter() - t
    return {
        "writers": writers,
        "ketens": ketens,
        "personen": personen,
        "seconds": seconds,
        "rows": rows,
        "rows_per_s": round(rows / seconds, 1),
        "calls": len(calls),
        "median_ms": round(statistics.median(calls), 2),
        "p95_ms": round(calls[int(len(calls) * 0.95)], 2),
        "chained": chained,
        "chain_rows_per_s": round(chained / chain_s, 1),
        "chain_ms": round(chain_s * 1000, 1),
    }
