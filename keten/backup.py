"""Backups that restore (docs/operations.md): make one, and prove that one can be restored.

`backup_maken` writes, into BACKUP_MAP, per run:

- `bzt-<moment>.dump` — `pg_dump --format=custom` of the database, taken in one exported snapshot;
- `bzt-<moment>.media.tar` — MEDIA_ROOT (the jaarmonitor report files), when there is anything in it;
- `bzt-<moment>.json` — the manifest: sha256 and size of each file, the applied migrations, the access log's
  length and last hash, and the exact jaarmonitor figures of every year in the data, all read in the **same
  snapshot** as the dump (so a restore can be compared with exactly what was backed up, while the live
  database goes on changing).

With BACKUP_SLEUTEL set the dump and the tar are encrypted (`.enc`): AES-256-GCM in chunks of 1 MiB, the key
derived from the passphrase with scrypt, each chunk authenticated with its number and whether it is the last
one, so a flipped byte, a wrong key, a truncated file and reordered chunks are all refused, never restored.
The manifest holds counts only, no personal data; it is not encrypted.

One line per run is appended to BACKUP_MAP/backup.log (time, file, size, sha256, duration, ok/fout); older
runs beyond BACKUP_BEWAREN are removed. `backup_controleren FILE` restores into a fresh, temporary database
and compares it with the manifest (see `controleren`).
"""

import hashlib
import json
import os
import secrets
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from bzt.inzage import ketenen, verify_chain
from casusregie.models import Casus, Escalatie
from meldpunt.models import Melding
from monitor.figures import compute

MAGIC = b"BZTBACKUP-AESGCM-1\n"
CHUNK = 1024 * 1024
SALT = 16
NONCE = 12
LOG_NAAM = "backup.log"


class BackupFout(Exception):
    """A backup could not be made or does not restore; the message is the Dutch report for the operator."""


# --- encryption -------------------------------------------------------------------------------------------------


def _sleutel(wachtwoord: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(wachtwoord.encode())


def versleutelen(bron: Path, doel: Path, wachtwoord: str):
    """Encrypt `bron` to `doel` in authenticated chunks (header: magic, salt; chunk: length, nonce, ciphertext).
    The associated data of a chunk is its number and a last-chunk flag, so truncation and reordering fail."""
    salt = secrets.token_bytes(SALT)
    aes = AESGCM(_sleutel(wachtwoord, salt))
    with open(bron, "rb") as src, open(doel, "wb") as dst:
        dst.write(MAGIC + salt)
        nummer = 0
        volgende = src.read(CHUNK)
        while True:
            stuk, volgende = volgende, src.read(CHUNK)
            laatste = not volgende
            nonce = secrets.token_bytes(NONCE)
            data = aes.encrypt(nonce, stuk, struct.pack(">Q?", nummer, laatste))
            dst.write(struct.pack(">I", len(data)) + nonce + data)
            nummer += 1
            if laatste:
                break


def is_versleuteld(pad: Path) -> bool:
    with open(pad, "rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def ontsleutelen(bron: Path, doel: Path, wachtwoord: str):
    """Decrypt what `versleutelen` wrote; BackupFout on a wrong key, a changed byte or a missing end."""
    if not wachtwoord:
        raise BackupFout("Het bestand is versleuteld, maar BACKUP_SLEUTEL is niet gezet.")
    with open(bron, "rb") as src, open(doel, "wb") as dst:
        if src.read(len(MAGIC)) != MAGIC:
            raise BackupFout("Het bestand is geen versleutelde BZT-backup.")
        aes = AESGCM(_sleutel(wachtwoord, src.read(SALT)))
        nummer, klaar = 0, False
        while True:
            kop = src.read(4)
            if not kop:
                break
            if klaar or len(kop) < 4:
                raise BackupFout("Het versleutelde bestand is beschadigd (onverwachte gegevens na het einde).")
            lengte = struct.unpack(">I", kop)[0]
            nonce, data = src.read(NONCE), src.read(lengte)
            if len(data) < lengte or lengte > CHUNK + 16:
                raise BackupFout("Het versleutelde bestand is afgekapt of beschadigd.")
            for laatste in (False, True):
                try:
                    dst.write(aes.decrypt(nonce, data, struct.pack(">Q?", nummer, laatste)))
                    klaar = laatste
                    break
                except InvalidTag:
                    continue
            else:
                raise BackupFout(
                    f"Ontsleutelen mislukt bij blok {nummer}: de sleutel (BACKUP_SLEUTEL) is onjuist of het "
                    "bestand is beschadigd."
                )
            nummer += 1
        if not klaar:
            raise BackupFout("Het versleutelde bestand is afgekapt: het laatste blok ontbreekt.")


# --- what a database holds: compared between the source (at backup time) and the restore --------------------


def jaren_in_data() -> list[int]:
    jaren = set()
    for model, veld in (
        (Melding, "ontvangen_op"),
        (Casus, "toegewezen_op"),
        (Casus, "afgesloten_op"),
        (Escalatie, "gestart_op"),
    ):
        jaren |= {d.year for d in model.objects.exclude(**{veld: None}).dates(veld, "year")}
    return sorted(jaren)


def migraties() -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [list(row) for row in cursor.fetchall()]


def stand() -> dict:
    """Migrations, the access log's chain and the exact jaarmonitor figures of every year, of the connected DB."""
    # Read-only (the dump's snapshot, or the restored copy): rows not chained yet are left out on both sides.
    keten = verify_chain(ketenen_eerst=False)
    return {
        "migraties": migraties(),
        "inzagelog": {
            "ok": keten.ok,
            "aantal": keten.aantal,
            "laatste_hash": keten.laatste_hash,
            "fout": keten.fout,
            "fout_volgnummer": keten.fout_volgnummer,
        },
        # compute(): the figures of `jaarmonitor --format json` without "vorig_jaar", which repeats the year before
        # (itself compared) and would double the work on a large database.
        "jaarmonitor": {str(jaar): _json(compute(jaar)) for jaar in jaren_in_data()},
    }


def _json(value):
    """The figures as they appear in `jaarmonitor --format json` (decimals and dates as that command prints)."""
    return json.loads(json.dumps(value, default=str, sort_keys=True))


def migratie_afwijkingen(toegepast) -> list[str]:
    """What differs between the migrations recorded in a database and the code's migration graph: a leaf of
    the code that is not applied, or an applied migration the code does not know."""
    graaf = MigrationLoader(None, ignore_no_migrations=True).graph
    toegepast = {tuple(m) for m in toegepast}
    fouten = [
        f"migratie {app}.{naam} van de code is niet toegepast"
        for app, naam in graaf.leaf_nodes()
        if (app, naam) not in toegepast
    ]
    fouten += [
        f"migratie {app}.{naam} staat in de backup maar niet in de code"
        for app, naam in sorted(toegepast)
        if (app, naam) not in graaf.nodes
    ]
    return fouten


# --- making a backup ------------------------------------------------------------------------------------------


def _db():
    return settings.DATABASES["default"]


def _pg_env(db=None) -> dict:
    db = db or _db()
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pg_args(db=None) -> list[str]:
    db = db or _db()
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432)]
    return args + (["--username", db["USER"]] if db.get("USER") else [])


def _programma(naam: str) -> str:
    pad = shutil.which(naam)
    if pad is None:
        raise BackupFout(f"{naam} ontbreekt op deze machine: installeer de PostgreSQL-client (versie van de server).")
    return pad


def sha256(pad: Path) -> str:
    digest = hashlib.sha256()
    with open(pad, "rb") as f:
        for stuk in iter(lambda: f.read(CHUNK), b""):
            digest.update(stuk)
    return digest.hexdigest()


@dataclass
class Resultaat:
    bestand: Path | None
    grootte: int = 0
    sha256: str = ""
    duur: float = 0.0
    ok: bool = True
    melding: str = ""
    extra: list = field(default_factory=list)


def _media_tar(doel: Path) -> bool:
    media = Path(settings.MEDIA_ROOT)
    if not media.is_dir() or not any(media.iterdir()):
        return False
    with tarfile.open(doel, "w") as tar:
        tar.add(media, arcname="media")
    return True


def log_regel(map_: Path, r: Resultaat):
    moment = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S%z")
    naam = r.bestand.name if r.bestand else "-"
    status = "ok" if r.ok else f"fout: {r.melding}"
    regel = f"{moment}\t{naam}\t{r.grootte}\t{r.sha256 or '-'}\t{r.duur:.1f}s\t{status}\n"
    with open(map_ / LOG_NAAM, "a", encoding="utf-8") as f:
        f.write(regel)


def backup_maken(*, map_: Path, bewaren: int, wachtwoord: str = "") -> Resultaat:
    """Dump the database and MEDIA_ROOT into `map_`, with the manifest; log one line; keep `bewaren` runs."""
    if connection.vendor != "postgresql":
        raise BackupFout("Backups maken kan alleen van een PostgreSQL-database (DATABASE_URL=postgres://...).")
    map_.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    naam = "bzt-" + timezone.localtime().strftime("%Y%m%dT%H%M%S")
    while (map_ / (naam + ".json")).exists():  # two runs in one second: the names sort in time order
        time.sleep(0.2)
        naam = "bzt-" + timezone.localtime().strftime("%Y%m%dT%H%M%S")
    resultaat = Resultaat(bestand=map_ / (naam + ".dump" + (".enc" if wachtwoord else "")))
    try:
        with tempfile.TemporaryDirectory(dir=map_) as tmp:
            dump = Path(tmp) / "db.dump"
            manifest = {"versie": 1, "gemaakt_op": timezone.now().isoformat(), "bestanden": {}}
            ketenen()  # the access-log rows written since the last minute job: chained before the snapshot
            # One snapshot for the dump and the figures: they describe exactly the same data.
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    cursor.execute("SELECT pg_export_snapshot()")
                    snapshot = cursor.fetchone()[0]
                proces = subprocess.run(  # noqa: S603 - fixed arguments, no shell
                    [
                        _programma("pg_dump"),
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        "--file",
                        str(dump),
                        *_pg_args(),
                        "--dbname",
                        _db()["NAME"],
                    ],
                    env=_pg_env(),
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if proces.returncode != 0:
                    raise BackupFout(f"pg_dump mislukte: {proces.stderr.strip()[-500:]}")
                manifest["bron"] = stand()
            delen = [(dump, resultaat.bestand)]
            tar = Path(tmp) / "media.tar"
            if _media_tar(tar):
                delen.append((tar, map_ / (naam + ".media.tar" + (".enc" if wachtwoord else ""))))
            for bron, doel in delen:
                if wachtwoord:
                    versleutelen(bron, doel, wachtwoord)
                else:
                    os.replace(bron, doel)
                manifest["bestanden"][doel.name] = {"grootte": doel.stat().st_size, "sha256": sha256(doel)}
            resultaat.extra = [doel for _, doel in delen[1:]]
            (map_ / (naam + ".json")).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
            info = manifest["bestanden"][resultaat.bestand.name]
            resultaat.grootte, resultaat.sha256 = info["grootte"], info["sha256"]
        opruimen(map_, bewaren)
    except Exception as fout:
        resultaat.ok, resultaat.melding = False, str(fout).replace("\n", " ")[:500]
    resultaat.duur = time.monotonic() - start
    log_regel(map_, resultaat)
    if not resultaat.ok:
        raise BackupFout(resultaat.melding)
    return resultaat


def opruimen(map_: Path, bewaren: int):
    """Keep the newest `bewaren` runs (a run: its manifest and the files it names)."""
    manifests = sorted(map_.glob("bzt-*.json"), reverse=True)
    for oud in manifests[max(bewaren, 1) :]:
        stam = oud.name[: -len(".json")]
        for bestand in map_.glob(stam + ".*"):
            bestand.unlink(missing_ok=True)


# --- checking that a backup restores --------------------------------------------------------------------------


def _manifest_van(bestand: Path) -> tuple[Path, dict]:
    stam = bestand.name.split(".", 1)[0]
    pad = bestand.with_name(stam + ".json")
    if not pad.exists():
        raise BackupFout(
            f"Het manifest {pad.name} ontbreekt naast de backup: zonder manifest valt niet te "
            "controleren of de backup compleet is."
        )
    try:
        return pad, json.loads(pad.read_text(encoding="utf-8"))
    except ValueError:
        raise BackupFout(f"Het manifest {pad.name} is beschadigd (geen geldige JSON).") from None


def controle_naam(live: str) -> str:
    """The name of the temporary database: derived from the live name, never the live name itself."""
    naam = f"{live}_controle_{os.getpid()}_{secrets.token_hex(3)}"[:63]
    if naam == live:
        raise BackupFout("De naam van de controledatabase valt samen met de live database.")
    return naam


@contextmanager
def tijdelijke_database(live: str):
    naam = controle_naam(live)
    beheer = connections["default"]
    with beheer._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{naam}"')
    try:
        yield naam
    finally:
        with beheer._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{naam}" WITH (FORCE)')


def _database_url(db: dict, naam: str) -> str:
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{naam}"


def stand_van(naam: str) -> dict:
    """`stand()` of another database: this project in a child process whose DATABASE_URL points at it."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(_db(), naam),
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "bzt.settings"),
    }
    proces = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "backup_stand"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    if proces.returncode != 0:
        raise BackupFout(f"De teruggezette database kon niet worden gelezen: {proces.stderr.strip()[-800:]}")
    return json.loads(proces.stdout)


def vergelijken(bron: dict, terug: dict) -> list[str]:
    """Every difference between the source as backed up (manifest) and the restored database, in Dutch."""
    fouten = migratie_afwijkingen(terug["migraties"])
    if sorted(map(tuple, bron["migraties"])) != sorted(map(tuple, terug["migraties"])):
        fouten.append("de toegepaste migraties wijken af van die van de bron")
    ik, ib = terug["inzagelog"], bron["inzagelog"]
    if not ik["ok"]:
        fouten.append(
            f"de hashketen van het inzagelog is verbroken bij volgnummer {ik['fout_volgnummer']}: {ik['fout']}"
        )
    elif (ik["aantal"], ik["laatste_hash"]) != (ib["aantal"], ib["laatste_hash"]):
        fouten.append(
            f"het inzagelog heeft {ik['aantal']} regels (laatste hash {ik['laatste_hash'][:12]}…), "
            f"de bron had er {ib['aantal']} ({ib['laatste_hash'][:12]}…)"
        )
    jaren_b, jaren_t = set(bron["jaarmonitor"]), set(terug["jaarmonitor"])
    for jaar in sorted(jaren_b ^ jaren_t):
        fouten.append(f"jaar {jaar} staat {'alleen in de bron' if jaar in jaren_b else 'alleen in de backup'}")
    for jaar in sorted(jaren_b & jaren_t):
        verschil = _verschillen(bron["jaarmonitor"][jaar], terug["jaarmonitor"][jaar])
        if verschil:
            fouten.append(f"jaarmonitor {jaar} wijkt af: " + "; ".join(verschil[:5]))
    return fouten


def _verschillen(a, b, pad=""):
    if isinstance(a, dict) and isinstance(b, dict):
        uit = []
        for key in sorted(set(a) | set(b)):
            uit += _verschillen(a.get(key), b.get(key), f"{pad}.{key}" if pad else key)
        return uit
    return [] if a == b else [f"{pad}: bron {a!r}, backup {b!r}"]


def bestand_controleren(bestand: Path) -> dict:
    """The file exists and matches the size and sha256 its manifest recorded; returns the manifest."""
    if not bestand.is_file():
        raise BackupFout(f"Het bestand {bestand} bestaat niet.")
    _, manifest = _manifest_van(bestand)
    verwacht = manifest.get("bestanden", {}).get(bestand.name)
    if verwacht is None:
        raise BackupFout(f"Het manifest noemt {bestand.name} niet.")
    grootte = bestand.stat().st_size
    if grootte != verwacht["grootte"]:
        raise BackupFout(
            f"{bestand.name} is {grootte} bytes, het manifest zegt {verwacht['grootte']}: het bestand "
            "is afgekapt of beschadigd."
        )
    if sha256(bestand) != verwacht["sha256"]:
        raise BackupFout(f"De sha256 van {bestand.name} klopt niet met het manifest: het bestand is beschadigd.")
    return manifest


def _media_controleren(pad: Path, info: dict, wachtwoord: str, meld):
    """The MEDIA_ROOT tar of the same run: present, unchanged, decryptable and readable as a tar."""
    if not pad.is_file():
        raise BackupFout(f"{pad.name} (de geüploade bestanden van deze backup) ontbreekt.")
    if pad.stat().st_size != info["grootte"] or sha256(pad) != info["sha256"]:
        raise BackupFout(f"{pad.name} klopt niet met het manifest: het bestand is afgekapt of beschadigd.")
    with tempfile.TemporaryDirectory() as tmp:
        tar = pad
        if is_versleuteld(pad):
            tar = Path(tmp) / "media.tar"
            ontsleutelen(pad, tar, wachtwoord)
        try:
            with tarfile.open(tar) as archief:
                aantal = sum(1 for lid in archief if lid.isfile())
        except tarfile.TarError as fout:
            raise BackupFout(f"{pad.name} is geen leesbaar tar-archief: {fout}") from None
    meld(f"Geüploade bestanden: {pad.name}, {aantal} bestanden, sha256 klopt.")


@dataclass
class Controle:
    fouten: list
    regels: list  # what was checked, for the report
    duur: float = 0.0

    @property
    def ok(self):
        return not self.fouten


def controleren(bestand: Path, *, wachtwoord: str = "", uitvoer=lambda regel: None) -> Controle:
    """Restore `bestand` into a fresh database and compare it with its manifest. Never touches the live DB."""
    start = time.monotonic()
    regels = []

    def meld(regel):
        regels.append(regel)
        uitvoer(regel)

    bestand = Path(bestand)
    manifest = bestand_controleren(bestand)
    grootte = bestand.stat().st_size
    meld(f"Bestand: {bestand.name}, {grootte} bytes, sha256 klopt met het manifest.")
    for naam, info in manifest["bestanden"].items():
        if naam != bestand.name:
            _media_controleren(bestand.with_name(naam), info, wachtwoord, meld)
    with tempfile.TemporaryDirectory() as tmp:
        dump = bestand
        if is_versleuteld(bestand):
            dump = Path(tmp) / "db.dump"
            ontsleutelen(bestand, dump, wachtwoord)
            meld("Ontsleuteld met BACKUP_SLEUTEL.")
        with tijdelijke_database(_db()["NAME"]) as naam:
            meld(f"Teruggezet in de tijdelijke database {naam} (wordt daarna verwijderd).")
            proces = subprocess.run(  # noqa: S603 - fixed arguments, no shell
                [
                    _programma("pg_restore"),
                    "--exit-on-error",
                    "--no-owner",
                    "--no-privileges",
                    *_pg_args(),
                    "--dbname",
                    naam,
                    str(dump),
                ],
                env=_pg_env(),
                capture_output=True,
                text=True,
                check=False,
            )
            if proces.returncode != 0:
                raise BackupFout(f"pg_restore mislukte: {proces.stderr.strip()[-800:]}")
            terug = stand_van(naam)
    fouten = vergelijken(manifest["bron"], terug)
    meld(f"Migraties: {len(terug['migraties'])} toegepast, vergeleken met de migraties van de code.")
    keten = "klopt" if terug["inzagelog"]["ok"] else "is VERBROKEN"
    meld(f"Inzagelog: {terug['inzagelog']['aantal']} regels, de hashketen {keten}.")
    meld(f"Jaarmonitor vergeleken voor: {', '.join(sorted(terug['jaarmonitor'])) or 'geen jaren met gegevens'}")
    return Controle(fouten=fouten, regels=regels, duur=time.monotonic() - start)
