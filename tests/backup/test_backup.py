"""Backups that restore (keten/backup.py, docs/operations.md), on PostgreSQL with the real pg_dump/pg_restore.

Seed, back up, restore into another database and verify; a corrupted, truncated or wrongly decrypted backup is
reported with a non-zero exit, never accepted."""

import json
import os

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory

from bzt.inzage import Grond, ObjectType, log_inzage
from keten import backup
from meldpunt.models import Persoon

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def bron(transactional_db, demo, settings, tmp_path):
    """A small seed_demo with access-log rows and an uploaded file, committed (pg_dump has its own connection)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "jaarmonitor").mkdir(parents=True)
    (tmp_path / "media" / "jaarmonitor" / "rapport-2025.pdf").write_bytes(b"%PDF-1.7 test")
    call_command("seed_demo", meldingen=12, seed=7, stdout=open(os.devnull, "w"))  # noqa: SIM115
    request = RequestFactory().get("/dossier/1/")
    request.user = demo["procesmanager"]
    for persoon in Persoon.objects.order_by("pk")[:3]:
        log_inzage(
            request, object_type=ObjectType.PERSOON, object=persoon, personen=[persoon], grond=Grond.PROCESMANAGER
        )
    return tmp_path / "backups"


def _maak(map_, monkeypatch, sleutel=""):
    monkeypatch.setenv("BACKUP_SLEUTEL", sleutel)
    call_command("backup_maken", map=str(map_), bewaren=3, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return sorted(map_.glob("bzt-*.dump*"))[-1]


def _controleer(bestand, capsys):
    call_command("backup_controleren", str(bestand))
    return capsys.readouterr().out


def _databases():
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database")
        return {row[0] for row in cursor.fetchall()}


def test_backup_restores_and_matches_the_source(bron, monkeypatch, capsys):
    voor = _databases()
    bestand = _maak(bron, monkeypatch)
    manifest = json.loads(bestand.with_name(bestand.name.split(".")[0] + ".json").read_text())
    assert manifest["bron"]["inzagelog"]["aantal"] >= 3 and manifest["bron"]["jaarmonitor"]
    assert any(n.endswith(".media.tar") for n in manifest["bestanden"])  # the uploaded files went along
    log = (bron / "backup.log").read_text().splitlines()
    assert log[-1].split("\t")[1] == bestand.name and log[-1].endswith("\tok")
    assert log[-1].split("\t")[3] == manifest["bestanden"][bestand.name]["sha256"]

    uit = _controleer(bestand, capsys)
    assert "OK: de backup zet terug en klopt met de bron" in uit
    assert "hashketen klopt" in uit and "Jaarmonitor vergeleken voor: 20" in uit
    assert _databases() == voor  # the temporary database is gone again; the live one untouched


def test_corrupted_and_truncated_backups_are_reported(bron, monkeypatch):
    bestand = _maak(bron, monkeypatch)
    data = bestand.read_bytes()
    midden = len(data) // 2
    bestand.write_bytes(data[:midden] + bytes(b ^ 0xFF for b in data[midden : midden + 16]) + data[midden + 16 :])
    with pytest.raises(CommandError, match="NIET bruikbaar.*beschadigd") as fout:
        call_command("backup_controleren", str(bestand))
    assert fout.value.returncode == 1
    bestand.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(CommandError, match="afgekapt"):
        call_command("backup_controleren", str(bestand))


def test_encrypted_backup_with_the_wrong_key_is_reported(bron, monkeypatch, capsys):
    bestand = _maak(bron, monkeypatch, sleutel="juiste sleutel")
    assert bestand.name.endswith(".dump.enc") and b"PGDMP" not in bestand.read_bytes()[:4096]
    monkeypatch.setenv("BACKUP_SLEUTEL", "verkeerde sleutel")
    with pytest.raises(CommandError, match="sleutel .*onjuist"):
        call_command("backup_controleren", str(bestand))
    monkeypatch.setenv("BACKUP_SLEUTEL", "juiste sleutel")
    assert "OK: de backup zet terug" in _controleer(bestand, capsys)
    # for a real restore: decrypted to a file pg_restore reads; a wrong key leaves no half file behind
    doel = bestand.with_name("terug.dump")
    call_command("backup_ontsleutelen", str(bestand), str(doel))
    assert doel.read_bytes()[:5] == b"PGDMP"
    monkeypatch.setenv("BACKUP_SLEUTEL", "verkeerde sleutel")
    doel.unlink()
    with pytest.raises(CommandError, match="onjuist"):
        call_command("backup_ontsleutelen", str(bestand), str(doel))
    assert not doel.exists()


def test_keeps_the_configured_number_and_logs_a_failure(bron, monkeypatch):
    for _ in range(4):
        _maak(bron, monkeypatch)
    assert len(list(bron.glob("bzt-*.json"))) == 3  # bewaren=3
    monkeypatch.setattr(backup, "_pg_args", lambda db=None: ["--host", "127.0.0.1", "--port", "9"])  # nothing there
    with pytest.raises(CommandError, match="backup mislukt"):
        call_command("backup_maken", map=str(bron), bewaren=3)
    assert "\tfout: pg_dump mislukte" in (bron / "backup.log").read_text().splitlines()[-1]


def test_encryption_detects_tampering_truncation_and_reordering(tmp_path):
    bron = tmp_path / "data"
    bron.write_bytes(os.urandom(backup.CHUNK * 2 + 10))
    enc, uit = tmp_path / "data.enc", tmp_path / "terug"
    backup.versleutelen(bron, enc, "geheim")
    backup.ontsleutelen(enc, uit, "geheim")
    assert uit.read_bytes() == bron.read_bytes()
    data = enc.read_bytes()
    kop = len(backup.MAGIC) + backup.SALT
    blok = 4 + backup.NONCE + backup.CHUNK + 16
    for kapot in (data[: kop + blok], data[: kop + blok] + data[kop + 2 * blok :], data[:-1]):
        enc.write_bytes(kapot)
        with pytest.raises(backup.BackupFout):
            backup.ontsleutelen(enc, uit, "geheim")


def test_comparison_reports_each_kind_of_difference():
    bron = {
        "migraties": [["meldpunt", "0001_initial"]],
        "inzagelog": {"ok": True, "aantal": 5, "laatste_hash": "a" * 64, "fout": "", "fout_volgnummer": None},
        "jaarmonitor": {"2025": {"meldingen": {"totaal": 10}}},
    }
    terug = json.loads(json.dumps(bron))
    terug["migraties"].append(["meldpunt", "9999_uit_de_toekomst"])
    terug["inzagelog"] |= {"ok": False, "fout": "de inhoud past niet bij de hash", "fout_volgnummer": 3}
    terug["jaarmonitor"]["2025"]["meldingen"]["totaal"] = 9
    fouten = backup.vergelijken(bron, terug)
    assert any("hashketen van het inzagelog is verbroken bij volgnummer 3" in f for f in fouten)
    assert any("jaarmonitor 2025 wijkt af: meldingen.totaal: bron 10, backup 9" in f for f in fouten)
    assert any("meldpunt.9999_uit_de_toekomst staat in de backup maar niet in de code" in f for f in fouten)
    assert any("van de code is niet toegepast" in f for f in fouten)  # the code's leaves are missing
