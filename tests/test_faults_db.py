"""A PostgreSQL restart must not leave dead connections in the app's processes (CONN_MAX_AGE with
CONN_HEALTH_CHECKS): at the start of the next request the dead connection is replaced, a live one is kept.
The real restart under load is `python -m bench faults --only pg-restart`."""

import psycopg2
import pytest
from django.db import close_old_connections, connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate(pid):
    """What a PostgreSQL restart does to every connection: the server ends it."""
    s = connection.settings_dict
    other = psycopg2.connect(dbname=s["NAME"], user=s["USER"], host=s["HOST"] or "127.0.0.1", port=s["PORT"])
    other.autocommit = True
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


def test_a_live_connection_is_reused_between_requests():
    close_old_connections()  # request_started
    pid = backend_pid()
    close_old_connections()  # request_finished
    close_old_connections()  # the next request_started
    assert backend_pid() == pid


def test_a_connection_the_server_ended_is_replaced_at_the_next_request():
    close_old_connections()
    pid = backend_pid()
    terminate(pid)
    close_old_connections()  # request_finished
    close_old_connections()  # the next request_started: the health check finds the connection dead
    new_pid = backend_pid()  # no OperationalError: a fresh connection
    assert new_pid != pid
