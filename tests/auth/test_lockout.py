"""Lockout after repeated failed logins (django-axes): by username and IP address together."""

from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from bzt.auth.backends import client_ip


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_wrong_passwords_lock_the_username_on_that_address(client, demo):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        response = attempt(client, "meldpunt", "fout")
        assert response.status_code == 200 and "juiste gebruikersnaam" in response.content.decode()
    response = attempt(client, "meldpunt", "fout")
    assert response.status_code == 429

    response = attempt(client, "meldpunt", settings.DEMO_PASSWORD)  # the right password: still refused
    html = response.content.decode()
    assert response.status_code == 429
    assert "Inloggen tijdelijk geblokkeerd" in html and "Probeer het over 15 minuten opnieuw" in html
    assert "_auth_user_id" not in client.session

    # Only that combination: the same user from another address, another user from this one, still work.
    assert attempt(client, "meldpunt", settings.DEMO_PASSWORD, ip="10.0.0.2").status_code == 302
    client.post(reverse("logout"))
    assert attempt(client, "procesmanager", settings.DEMO_PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(client, demo):
    for _ in range(4):
        attempt(client, "meldpunt", "fout")
    assert attempt(client, "meldpunt", settings.DEMO_PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="meldpunt").exists()


def test_axes_reset_unlocks(client, demo):
    for _ in range(5):
        attempt(client, "meldpunt", "fout")
    assert attempt(client, "meldpunt", settings.DEMO_PASSWORD).status_code == 429
    call_command("axes_reset_username", "meldpunt", stdout=StringIO())
    assert attempt(client, "meldpunt", settings.DEMO_PASSWORD).status_code == 302


def test_authenticate_without_a_request_is_not_a_web_login_and_still_works(demo):
    assert authenticate(username="meldpunt", password=settings.DEMO_PASSWORD) == demo["meldpunt"]
    assert authenticate(username="meldpunt", password="fout") is None


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "192.168.1.10"),  # no proxy configured: X-Forwarded-For is the client's own claim
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client put 6.6.6.6 in front: ignored
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.5", "203.0.113.7"),
        (2, "203.0.113.7", "192.168.1.10"),  # fewer hops than proxies: not through the proxies
    ],
)
def test_the_client_address_behind_trusted_proxies(settings, proxies, forwarded, expected):
    settings.BZT_PROXY_AANTAL = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="192.168.1.10", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
