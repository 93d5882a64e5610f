"""Sessions: a new key at login, idle and absolute timeouts; password rules."""

import time

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from bzt.auth.signals import INGELOGD_OP, LAATST_ACTIEF


def test_logging_in_gives_a_new_session_key(client, demo):
    session = client.session
    session["voor_inloggen"] = True
    session.save()
    before = session.session_key

    client.post(reverse("login"), {"username": "beleid", "password": settings.DEMO_PASSWORD})

    assert client.session.session_key != before
    assert "_auth_user_id" in client.session


def set_session(client, **values):
    session = client.session
    for key, value in values.items():
        session[key] = value
    session.save()


def test_idle_for_longer_than_the_limit_logs_out_with_a_dutch_message(client, demo):
    client.force_login(demo["meldpunt"])
    assert client.get("/meldpunt/").status_code == 200
    set_session(client, **{LAATST_ACTIEF: time.time() - 16 * 60})

    response = client.get("/meldpunt/")
    assert response.status_code == 302 and response.url == reverse("login") + "?next=%2Fmeldpunt%2F"
    assert "_auth_user_id" not in client.session
    html = client.get(response.url).content.decode()
    assert "U bent automatisch uitgelogd na 15 minuten zonder activiteit." in html


def test_activity_keeps_the_session_alive(client, demo):
    client.force_login(demo["meldpunt"])
    set_session(client, **{LAATST_ACTIEF: time.time() - 14 * 60})
    assert client.get("/meldpunt/").status_code == 200
    assert time.time() - client.session[LAATST_ACTIEF] < 5


def test_the_last_activity_is_written_at_most_once_a_minute(client, demo):
    client.force_login(demo["meldpunt"])
    stored = time.time() - 30
    set_session(client, **{LAATST_ACTIEF: stored})
    assert client.get("/meldpunt/").status_code == 200
    assert client.session[LAATST_ACTIEF] == stored  # no session write for this request


def test_the_absolute_limit_logs_out_even_when_active(client, demo):
    client.force_login(demo["beleid"])
    set_session(client, **{INGELOGD_OP: time.time() - 10 * 3600 - 60, LAATST_ACTIEF: time.time()})
    response = client.get("/")
    assert response.status_code == 302
    assert "langer dan 10 uur ingelogd" in client.get(response.url).content.decode()


def test_an_htmx_request_after_the_timeout_redirects_the_whole_page(client, demo):
    client.force_login(demo["meldpunt"])
    set_session(client, **{LAATST_ACTIEF: time.time() - 3600})
    response = client.get("/meldpunt/", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/meldpunt/"})
    assert response.status_code == 401
    assert response["HX-Redirect"] == reverse("login") + "?next=%2Fmeldpunt%2F"


def test_the_timeouts_are_settings(settings, client, demo):
    settings.BZT_SESSIE_INACTIEF_MINUTEN = 1
    client.force_login(demo["beleid"])
    set_session(client, **{LAATST_ACTIEF: time.time() - 90})
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("password", ["demo", "kort1234", "123456789012345", "qwertyuiop123", "password12345"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_passphrase_is_accepted():
    validate_password("Zeven paarse olifanten op de IJssel")


def test_a_session_without_the_times_gets_them_and_then_times_out(client, demo):
    client.force_login(demo["beleid"])
    session = client.session
    del session[LAATST_ACTIEF], session[INGELOGD_OP]
    session.save()
    assert client.get("/").status_code == 200
    assert LAATST_ACTIEF in client.session and INGELOGD_OP in client.session
