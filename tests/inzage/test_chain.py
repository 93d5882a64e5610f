"""The access log is append-only and tamper-evident: the app cannot change it, and `verify_inzagelog`
finds a row edited or removed behind the app's back."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from bzt.inzage import GENESIS, log_inzage, verify_chain
from bzt.models import InzageLogError, InzageRegel

from .conftest import tamper


@pytest.fixture
def log(demo):
    """Four accesses, nine rows."""
    request = RequestFactory().get("/casussen/7/")
    for user, personen in (("regisseur_dimence", [1, 2, 3]), ("procesmanager", [1, 2, 3]), ("meldpunt", [4, 5])):
        request.user = demo[user]
        log_inzage(request, object_type="casus", personen=personen, grond="regisseur")
    request.user = demo["procesmanager"]
    log_inzage(request, object_type="agenda", personen=[], grond="procesmanager")
    return list(InzageRegel.objects.order_by("volgnummer"))


def verify(*args):
    from io import StringIO

    out = StringIO()
    call_command("verify_inzagelog", *args, stdout=out)
    return out.getvalue()


def test_the_chain_links_every_row_to_the_one_before(log):
    assert [r.volgnummer for r in log] == list(range(1, 10))
    assert log[0].vorige_hash == GENESIS
    for before, after in zip(log, log[1:], strict=False):
        assert after.vorige_hash == before.hash
    assert verify().startswith(f"OK: 9 regels, laatste hash {log[-1].hash}")


def test_an_empty_log_verifies(db):
    assert verify().startswith("OK: 0 regels")


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
    assert (result.ok, result.fout_id, result.aantal) == (False, target.pk, 4)


def test_an_edited_row_with_its_hash_recomputed_is_still_detected_by_the_next_row(log):
    from bzt.inzage import regel_hash

    target = log[2]
    values = {f: getattr(target, f) for f in ("volgnummer", "moment", "gebruiker_id", "gebruikersnaam")}
    values.update(
        {f: getattr(target, f) for f in ("organisatie", "rol", "object_type", "object_id", "actie", "toelichting")}
    )
    values.update(persoon_id=77, grond=target.grond, pad=target.pad)
    forged = regel_hash(values, target.vorige_hash)
    tamper("UPDATE bzt_inzageregel SET persoon_id = 77, hash = %s WHERE id = %s", [forged, target.pk])
    result = verify_chain()
    assert result.fout_id == log[3].pk  # the next row still points at the original hash


def test_a_deleted_row_is_detected(log):
    tamper("DELETE FROM bzt_inzageregel WHERE id = %s", [log[3].pk])
    with pytest.raises(CommandError) as error:
        verify()
    assert error.value.returncode == 1
    assert f"regel id {log[4].pk} " in str(error.value) and "verwijderd" in str(error.value)


def test_rows_removed_from_the_end_are_detected_with_an_anchor(log):
    anker = log[-1].hash
    assert verify("--anker", anker).startswith("OK: 9 regels")
    tamper("DELETE FROM bzt_inzageregel WHERE id = %s", [log[-1].pk])
    assert verify().startswith("OK: 8 regels")  # a shorter chain is still a valid chain...
    with pytest.raises(CommandError, match="anker"):
        verify("--anker", anker)  # ...but the hash recorded outside the database is gone


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


def test_a_user_in_the_log_cannot_be_deleted(log, demo):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError), transaction.atomic():
        demo["meldpunt"].delete()


@pytest.mark.postgres
def test_postgresql_refuses_update_and_delete_in_the_database(log):
    for sql in ("UPDATE bzt_inzageregel SET rol = 'x' WHERE id = %s", "DELETE FROM bzt_inzageregel WHERE id = %s"):
        with pytest.raises(DatabaseError, match="alleen-toevoegen"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [log[0].pk])
    assert verify().startswith("OK: 9 regels")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    """Eight threads with their own connections log at once; the advisory lock keeps one straight chain."""
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

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = verify_chain()
    assert (result.ok, result.aantal) == (True, 8 * 10 * 2)
