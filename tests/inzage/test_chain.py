"""The access log is append-only and tamper-evident: the app cannot change it, and `verify_inzagelog`
finds a row edited or removed behind the app's back."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from bzt.inzage import GENESIS, KETENS, LEGACY, ketenen, log_inzage, regel_hash, verify_chain, zegelen
from bzt.models import InzageLogError, InzageRegel, InzageZegel

from .conftest import tamper


@pytest.fixture
def log(demo):
    """Four accesses, nine rows, chained (as the minute job leaves them)."""
    request = RequestFactory().get("/casussen/7/")
    for user, personen in (("regisseur_dimence", [1, 2, 3]), ("procesmanager", [1, 2, 3]), ("meldpunt", [4, 5])):
        request.user = demo[user]
        log_inzage(request, object_type="casus", personen=personen, grond="regisseur")
    request.user = demo["procesmanager"]
    log_inzage(request, object_type="agenda", personen=[], grond="procesmanager")
    assert ketenen() == 9
    return list(InzageRegel.objects.order_by("id"))


def chains(rows):
    by_chain = {}
    for r in rows:
        by_chain.setdefault(r.keten, []).append(r)
    return by_chain


def verify(*args):
    from io import StringIO

    out = StringIO()
    call_command("verify_inzagelog", *args, stdout=out)
    return out.getvalue()


def test_each_chain_links_every_row_to_the_one_before(log, demo):
    by_chain = chains(log)
    # Three users, each on their own chain.
    assert set(by_chain) == {demo[u].pk % KETENS + 1 for u in ("regisseur_dimence", "procesmanager", "meldpunt")}
    for rows in by_chain.values():
        assert [r.volgnummer for r in rows] == list(range(1, len(rows) + 1))
        assert rows[0].vorige_hash == GENESIS
        for before, after in zip(rows, rows[1:], strict=False):
            assert after.vorige_hash == before.hash
    zegel = zegelen()
    assert verify().startswith(f"OK: 9 regels in 3 ketens, 1 zegels; laatste zegel {zegel.hash}")


def test_an_empty_log_verifies(db):
    assert verify().startswith("OK: 0 regels")
    zegelen()
    assert verify().startswith("OK: 0 regels in 0 ketens, 1 zegels")


@pytest.mark.parametrize(
    "column, value",
    [("gebruikersnaam", "iemand_anders"), ("persoon_id", 99), ("grond", "procesmanager"), ("moment", None)],
)
def test_an_edited_row_is_detected(log, column, value):
    target = log[4]
    if column == "moment":
        value = target.moment.replace(year=target.moment.year - 1)
    tamper(f"UPDATE bzt_inzageregel SET {column} = %s WHERE id = %s", [value, target.pk])  # noqa: S608
    with pytest.raises(CommandError) as error:
        verify()
    assert error.value.returncode == 1
    assert f"regel id {target.pk} " in str(error.value) and "gewijzigd" in str(error.value)
    result = verify_chain()
    before = [r for r in log if (r.keten, r.volgnummer) < (target.keten, target.volgnummer)]
    assert (result.ok, result.fout_id, result.fout_keten) == (False, target.pk, target.keten)
    assert result.aantal == len(before)


def forge(target, **changes):
    """Change a row and recompute its own hash, as someone who knows the algorithm would."""
    values = {f.attname: getattr(target, f.attname) for f in InzageRegel._meta.concrete_fields}
    values.update(changes)
    forged = regel_hash(values, target.vorige_hash)
    sets = ", ".join(f"{k} = %s" for k in changes)
    tamper(f"UPDATE bzt_inzageregel SET {sets}, hash = %s WHERE id = %s", [*changes.values(), forged, target.pk])  # noqa: S608


def test_an_edited_row_with_its_hash_recomputed_is_still_detected_by_the_next_row(log):
    rows = chains(log)[log[0].keten]
    forge(rows[0], persoon_id=77)
    result = verify_chain()
    assert result.fout_id == rows[1].pk  # the next row still points at the original hash


def test_the_last_row_of_a_chain_edited_with_its_hash_recomputed_is_detected_by_the_seal(log):
    rows = chains(log)[log[0].keten]
    zegelen()
    forge(rows[-1], persoon_id=77)
    result = verify_chain()
    assert (result.ok, result.fout_id) == (False, rows[-1].pk) and "zegel 1" in result.fout


def test_moving_a_row_to_another_gemeente_is_detected(log):
    forge(log[0], gemeente="0150")  # its own hash recomputed, the next row's link breaks
    assert verify_chain().fout_id == log[1].pk
    tamper("UPDATE bzt_inzageregel SET gemeente = '0150' WHERE id = %s", [log[4].pk])
    assert verify_chain().fout_id in (log[1].pk, log[4].pk)


@pytest.mark.parametrize("position", [0, 1])
def test_a_deleted_row_is_detected(log, position):
    rows = chains(log)[log[0].keten]
    tamper("DELETE FROM bzt_inzageregel WHERE id = %s", [rows[position].pk])
    with pytest.raises(CommandError) as error:
        verify()
    assert error.value.returncode == 1
    assert f"regel id {rows[position + 1].pk} " in str(error.value) and "verwijderd" in str(error.value)


@pytest.mark.parametrize("removed", [1, 2, 3])
def test_rows_removed_from_the_end_of_a_chain_after_a_seal_are_detected(log, removed):
    rows = chains(log)[log[0].keten]
    zegelen()
    for regel in rows[-removed:]:
        tamper("DELETE FROM bzt_inzageregel WHERE id = %s", [regel.pk])
    with pytest.raises(CommandError, match=f"keten {log[0].keten}: regel {len(rows)} uit zegel 1 ontbreekt"):
        verify()


def test_a_whole_chain_removed_after_a_seal_is_detected(log):
    keten = log[0].keten
    zegelen()
    tamper("DELETE FROM bzt_inzageregel WHERE keten = %s", [keten])
    assert f"keten {keten}: regel" in verify_chain().fout


def test_rows_written_after_the_seal_keep_the_log_valid_and_seals_only_grow(log, demo):
    zegelen()
    request = RequestFactory().get("/casussen/7/")
    request.user = demo["meldpunt"]
    log_inzage(request, object_type="casus", personen=[6], grond="meldpunt")
    zegelen()
    assert verify().startswith("OK: 10 regels in 3 ketens, 2 zegels")


def tamper_zegel(sql, params=()):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE bzt_inzagezegel DISABLE TRIGGER bzt_inzagezegel_alleen_toevoegen")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE bzt_inzagezegel ENABLE TRIGGER bzt_inzagezegel_alleen_toevoegen")


def test_an_edited_or_removed_seal_is_detected(log):
    eerste, tweede, derde = zegelen(), zegelen(), zegelen()
    tamper_zegel("UPDATE bzt_inzagezegel SET koppen = %s WHERE id = %s", ['{"1": [1, "x"]}', tweede.pk])
    assert "zegel 2 is gewijzigd" in verify_chain().fout
    tamper_zegel("DELETE FROM bzt_inzagezegel WHERE id = %s", [tweede.pk])
    assert "zegel 3 waar 2 werd verwacht" in verify_chain().fout
    assert eerste.pk and derde.pk


def test_rows_and_seals_removed_from_the_end_are_detected_with_an_anchor(log):
    zegel = zegelen()
    assert verify("--anker", zegel.hash).startswith("OK: 9 regels")
    keten = log[-1].keten
    tamper("DELETE FROM bzt_inzageregel WHERE keten = %s", [keten])
    tamper_zegel("DELETE FROM bzt_inzagezegel WHERE id = %s", [zegel.pk])
    assert verify().startswith("OK: ")  # shorter chains without a seal are still valid chains...
    with pytest.raises(CommandError, match="anker"):
        verify("--anker", zegel.hash)  # ...but the seal hash recorded outside the database is gone


def test_rows_removed_from_the_end_are_detected_with_a_row_anchor(log):
    anker = log[-1].hash
    assert verify("--anker", anker).startswith("OK: 9 regels")
    tamper("DELETE FROM bzt_inzageregel WHERE id = %s", [log[-1].pk])
    assert verify().startswith("OK: 8 regels")
    with pytest.raises(CommandError, match="anker"):
        verify("--anker", anker)


def legacy_rows(user, n):
    """Rows as the single chain before issue 20 wrote them (chain 0, the old hashed fields)."""
    from django.utils import timezone

    vorige, rows = GENESIS, []
    for volgnummer in range(1, n + 1):
        values = {
            "keten": LEGACY,
            "volgnummer": volgnummer,
            "moment": timezone.now(),
            "gebruiker_id": user.pk,
            "gebruikersnaam": user.username,
            "organisatie": "",
            "rol": "",
            "persoon_id": volgnummer,
            "object_type": "casus",
            "object_id": 1,
            "actie": "bekijken",
            "grond": "regisseur",
            "toelichting": "",
            "pad": "/casussen/1/",
        }
        digest = regel_hash(values, vorige)
        rows.append(InzageRegel(**values, gemeente="", vorige_hash=vorige, hash=digest))
        vorige = digest
    return InzageRegel.objects.bulk_create(rows)


def test_the_legacy_chain_stays_verifiable_next_to_the_new_chains(log, demo):
    oud = legacy_rows(demo["meldpunt"], 5)
    zegelen()
    assert verify().startswith("OK: 14 regels in 4 ketens, 1 zegels")
    tamper("UPDATE bzt_inzageregel SET gemeente = '0150' WHERE id = %s", [oud[2].pk])  # not hashed in chain 0
    result = verify_chain()
    assert (result.fout_keten, result.fout_id) == (LEGACY, oud[2].pk)


def test_a_seal_is_append_only_for_the_app(log):
    zegel = zegelen()
    with pytest.raises(InzageLogError):
        zegel.save()
    with pytest.raises(InzageLogError):
        InzageZegel.objects.all().delete()


def test_the_app_cannot_change_or_remove_a_row(log):
    regel = log[0]
    regel.gebruikersnaam = "iemand_anders"
    with pytest.raises(InzageLogError):
        regel.save()
    with pytest.raises(InzageLogError):
        regel.delete()
    with pytest.raises(InzageLogError):
        InzageRegel.objects.filter(pk=regel.pk).update(gebruikersnaam="x")
    with pytest.raises(InzageLogError):
        InzageRegel.objects.all().delete()
    with pytest.raises(InzageLogError):
        InzageRegel.objects.create(
            volgnummer=99, gebruiker_id=regel.gebruiker_id, object_type="casus", actie="bekijken", grond="regisseur"
        )
    assert verify().startswith("OK: 9 regels")


def test_the_beat_schedule_chains_every_minute_and_seals_every_five_minutes():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["inzagelog-ketenen"]
    assert entry["task"] == "bzt.tasks.inzagelog_ketenen"
    assert entry["schedule"].minute == set(range(60))
    entry = settings.CELERY_BEAT_SCHEDULE["inzagelog-zegelen"]
    assert entry["task"] == "bzt.tasks.inzagelog_zegelen"
    assert entry["schedule"].minute == set(range(0, 60, 5))


def test_the_seal_task_writes_a_seal(db):
    from bzt import tasks

    assert tasks.inzagelog_zegelen() == 1 and InzageZegel.objects.count() == 1


def write(demo, username, personen):
    request = RequestFactory().get("/casussen/7/")
    request.user = demo[username]
    return log_inzage(request, object_type="casus", personen=personen, grond="regisseur")


def test_a_row_is_written_unchained_and_the_minute_job_chains_it_after_the_rows_before(log, demo):
    from bzt import tasks

    (nieuw,) = write(demo, "meldpunt", [6])
    nieuw.refresh_from_db()
    assert (nieuw.volgnummer, nieuw.vorige_hash, nieuw.hash) == (None, "", None)
    vorige = chains(log)[nieuw.keten][-1]
    assert tasks.inzagelog_ketenen() == 1 and ketenen() == 0
    nieuw.refresh_from_db()
    assert (nieuw.volgnummer, nieuw.vorige_hash) == (vorige.volgnummer + 1, vorige.hash)
    assert nieuw.hash == regel_hash({f.attname: getattr(nieuw, f.attname) for f in nieuw._meta.fields}, vorige.hash)


def test_verification_and_the_seal_chain_the_waiting_rows_first(log, demo):
    write(demo, "meldpunt", [6, 7])
    assert verify().startswith("OK: 11 regels in 3 ketens, 0 zegels")
    write(demo, "procesmanager", [8])
    zegel = zegelen()
    regel = InzageRegel.objects.get(persoon_id=8)
    assert zegel.koppen[str(regel.keten)] == [regel.volgnummer, regel.hash]


def test_tampering_after_the_rows_were_chained_is_detected_in_the_batch_written_later(log, demo):
    write(demo, "meldpunt", [6, 7, 8])
    ketenen(batch=2)  # several batches: each continues the chain where the one before ended
    assert verify_chain().ok
    target = InzageRegel.objects.get(persoon_id=7)
    tamper("UPDATE bzt_inzageregel SET persoon_id = 70 WHERE id = %s", [target.pk])
    assert verify_chain().fout_id == target.pk


def test_a_row_outlives_the_rollback_of_the_requests_own_writes(demo):
    """The INSERT commits at once (no transaction of the request around it), so a later failure of the
    request's own write leaves the access in the log, unchained until the job runs."""
    write(demo, "meldpunt", [6])  # the view logs what it shows, then its service's block fails
    with pytest.raises(RuntimeError), transaction.atomic():
        demo["meldpunt"].save()
        raise RuntimeError
    with pytest.raises(RuntimeError), transaction.atomic():
        write(demo, "procesmanager", [7])  # logged inside a caller's block: it belongs to that block, as before
        raise RuntimeError
    assert list(InzageRegel.objects.values_list("persoon_id", flat=True)) == [6]
    assert ketenen() == 1 and verify_chain().ok


def test_a_user_in_the_log_cannot_be_deleted(log, demo):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError), transaction.atomic():
        demo["meldpunt"].delete()


@pytest.mark.postgres
def test_postgresql_refuses_update_and_delete_in_the_database(log, demo):
    for sql in (
        "UPDATE bzt_inzageregel SET rol = 'x' WHERE id = %s",
        "DELETE FROM bzt_inzageregel WHERE id = %s",
        "UPDATE bzt_inzageregel SET hash = 'x', vorige_hash = 'y' WHERE id = %s",  # a chained row stays as it is
    ):
        with pytest.raises(DatabaseError, match="alleen-toevoegen"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [log[0].pk])
    (wachtend,) = write(demo, "meldpunt", [6])
    for sql in (
        "UPDATE bzt_inzageregel SET rol = 'x' WHERE id = %s",  # not chained yet: still only the chain columns
        "UPDATE bzt_inzageregel SET rol = 'x', volgnummer = 9, hash = 'h' WHERE id = %s",
        "UPDATE bzt_inzageregel SET volgnummer = NULL, hash = NULL WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="alleen-toevoegen"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [wachtend.pk])
    assert verify().startswith("OK: 10 regels")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    """Eight threads with their own connections log at once as ONE user while the chaining job runs three
    times at once with them: every row is chained once and the chain stays straight."""
    import threading

    from bzt.audit import system_user

    user = system_user()
    errors = []

    def work():
        try:
            request = RequestFactory().get("/casussen/1/")
            request.user = user
            for _ in range(10):
                log_inzage(request, object_type="casus", personen=[1, 2], grond="procesmanager")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    def chain():
        try:
            for _ in range(5):
                ketenen(batch=7)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(8)] + [threading.Thread(target=chain) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    zegelen()
    result = verify_chain()
    assert (result.ok, result.aantal) == (True, 8 * 10 * 2)
    assert not InzageRegel.objects.filter(hash__isnull=True).exists()
