"""Never lose typed work (issue 16, docs/security.md § Nooit getypt werk kwijt): a form posted after the idle
timeout is kept server-side, shown again after login + 2FA to the same user only, sent again only after the
user confirms it with a fresh CSRF token, and thrown away at logout; the keep-alive behind "Blijf ingelogd"."""

import json
import re
import time
from html import unescape

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from bzt.auth import bewaren
from bzt.auth.signals import LAATST_ACTIEF
from casusregie.models import JournaalRegel
from tests import factories
from tests.helpers import totp_code, totp_device

TEKST = "Gesprek met moeder: zij wil hulp bij de schulden, afspraak volgende week."


@pytest.fixture
def casus(demo):
    return factories.casus(demo)


@pytest.fixture
def browser_client():
    """A client that checks CSRF tokens like a browser's requests are checked."""
    return Client(enforce_csrf_checks=True)


def csrf_token(client):
    return client.cookies[settings.CSRF_COOKIE_NAME].value


def idle(client, minutes=16):
    session = client.session
    session[LAATST_ACTIEF] = time.time() - minutes * 60
    session.save()


def post_journaal_after_timeout(client, user, casus, tekst=TEKST):
    client.force_login(user)
    dossier = reverse("casusregie:dossier", args=[casus.pk])
    assert client.get(dossier).status_code == 200  # sets the CSRF cookie, as the page did
    idle(client)
    labels = {"journaal-tekst": {"label": "Journaalregel", "opties": {}}}
    return client.post(
        reverse("casusregie:journaal_toevoegen", args=[casus.pk]),
        {"journaal-tekst": tekst, "csrfmiddlewaretoken": csrf_token(client), "_bzt_velden": json.dumps(labels)},
        headers={"Referer": f"http://testserver{dossier}"},
    )


def login_with_2fa(client, user, next_url=""):
    client.get(reverse("login"))
    response = client.post(
        reverse("login"),
        {
            "username": user.username,
            "password": settings.DEMO_PASSWORD,
            "next": next_url,
            "csrfmiddlewaretoken": csrf_token(client),
        },
    )
    assert response.status_code == 302
    response = client.get(response.url)
    if response.status_code == 302 and response.url.startswith(reverse("tweestaps_controleren")):
        device = totp_device(user)
        response = client.post(
            response.url, {"code": totp_code(device), "next": next_url, "csrfmiddlewaretoken": csrf_token(client)}
        )
    return response


def hidden_inputs(html, action):
    form = re.search(rf'<form method="post" action="{re.escape(action)}">(.*?)</form>', html, re.S).group(1)
    return {unescape(n): unescape(v) for n, v in re.findall(r'name="([^"]+)" value="([^"]*)"', form)}


def test_a_journaal_line_posted_after_the_timeout_is_kept_and_sent_again_after_login_and_2fa(
    browser_client, demo, casus
):
    regisseur = demo["regisseur_dimence"]
    old_token = None
    response = post_journaal_after_timeout(browser_client, regisseur, casus)
    old_token = csrf_token(browser_client)

    # Not applied, not lost: logged out, and the login leads to the kept input.
    herstel = reverse("invoer_herstellen")
    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=%2Fsessie%2Fbewaarde-invoer%2F"
    assert not JournaalRegel.objects.filter(casus=casus).exists()
    assert "_auth_user_id" not in browser_client.session
    html = browser_client.get(response.url).content.decode()
    assert "U bent automatisch uitgelogd na 15 minuten" in html
    assert "BZT heeft het bewaard" in html

    response = login_with_2fa(browser_client, regisseur, next_url=herstel)
    assert response.status_code == 302 and response.url == herstel
    html = browser_client.get(herstel).content.decode()
    assert "Niet verstuurde invoer" in html and "Journaalregel" in html and TEKST in unescape(html)
    assert "Er is nog niets opgeslagen" in html
    assert not JournaalRegel.objects.filter(casus=casus).exists()  # shown, still not applied

    # Sending it again is an ordinary POST to the same form URL, with the new token of this login.
    action = reverse("casusregie:journaal_toevoegen", args=[casus.pk])
    velden = hidden_inputs(html, action)
    assert velden["journaal-tekst"] == TEKST
    assert velden["csrfmiddlewaretoken"] != old_token
    with pytest.raises(KeyError):
        velden["_bzt_velden"]
    response = browser_client.post(action, velden)
    assert response.status_code == 302 and response.url == reverse("casusregie:dossier", args=[casus.pk])
    regel = JournaalRegel.objects.get(casus=casus)
    assert regel.tekst == TEKST and regel.auteur == regisseur
    assert bewaren.SESSIE_SLEUTEL not in browser_client.session  # sent: no longer kept
    assert browser_client.get(herstel).status_code == 302  # nothing left to show


def test_the_old_form_token_cannot_send_the_kept_input(browser_client, demo, casus):
    regisseur = demo["regisseur_dimence"]
    post_journaal_after_timeout(browser_client, regisseur, casus)
    old_token = csrf_token(browser_client)
    login_with_2fa(browser_client, regisseur, next_url=reverse("invoer_herstellen"))
    response = browser_client.post(
        reverse("casusregie:journaal_toevoegen", args=[casus.pk]),
        {"journaal-tekst": TEKST, "csrfmiddlewaretoken": old_token},
    )
    assert response.status_code == 403
    assert not JournaalRegel.objects.exists()


def test_another_user_on_the_same_browser_never_sees_it(browser_client, demo, casus):
    post_journaal_after_timeout(browser_client, demo["regisseur_dimence"], casus)
    collega = demo["procesmanager"]
    response = login_with_2fa(browser_client, collega, next_url=reverse("invoer_herstellen"))
    assert response.status_code == 302
    assert bewaren.SESSIE_SLEUTEL not in browser_client.session  # thrown away at the other user's login
    response = browser_client.get(reverse("invoer_herstellen"))
    assert response.status_code == 302 and response.url == reverse("home")
    home = browser_client.get(reverse("home")).content.decode()
    assert TEKST not in unescape(home) and "bewaarde-invoer" not in home

    # ...and the one who typed it, logging in after the colleague logged out, finds nothing either.
    browser_client.post(reverse("logout"), {"csrfmiddlewaretoken": csrf_token(browser_client)})
    login_with_2fa(browser_client, demo["regisseur_dimence"])
    assert bewaren.SESSIE_SLEUTEL not in browser_client.session


def test_logging_out_throws_the_kept_input_away(browser_client, demo, casus):
    regisseur = demo["regisseur_dimence"]
    post_journaal_after_timeout(browser_client, regisseur, casus)
    login_with_2fa(browser_client, regisseur, next_url=reverse("invoer_herstellen"))
    assert bewaren.SESSIE_SLEUTEL in browser_client.session
    browser_client.post(reverse("logout"), {"csrfmiddlewaretoken": csrf_token(browser_client)})
    assert bewaren.SESSIE_SLEUTEL not in browser_client.session
    login_with_2fa(browser_client, regisseur)
    assert browser_client.get(reverse("invoer_herstellen")).status_code == 302


def test_the_user_can_throw_it_away(browser_client, demo, casus):
    regisseur = demo["regisseur_dimence"]
    post_journaal_after_timeout(browser_client, regisseur, casus)
    login_with_2fa(browser_client, regisseur, next_url=reverse("invoer_herstellen"))
    html = browser_client.get(reverse("invoer_herstellen")).content.decode()
    item_id = re.search(r'name="weggooien" value="([^"]+)"', html).group(1)
    browser_client.post(
        reverse("invoer_herstellen"), {"weggooien": item_id, "csrfmiddlewaretoken": csrf_token(browser_client)}
    )
    assert bewaren.SESSIE_SLEUTEL not in browser_client.session
    assert not JournaalRegel.objects.exists()


def test_kept_input_expires_after_30_minutes(browser_client, demo, casus, monkeypatch):
    regisseur = demo["regisseur_dimence"]
    post_journaal_after_timeout(browser_client, regisseur, casus)
    nu = time.time()
    monkeypatch.setattr(time, "time", lambda: nu + bewaren.BEWAAR_MINUTEN * 60 + 1)
    login_with_2fa(browser_client, regisseur, next_url=reverse("invoer_herstellen"))
    assert bewaren.SESSIE_SLEUTEL not in browser_client.session
    assert browser_client.get(reverse("invoer_herstellen")).status_code == 302


def test_the_kept_input_is_stored_encrypted(browser_client, demo, casus):
    post_journaal_after_timeout(browser_client, demo["regisseur_dimence"], casus)
    stored = Session.objects.get(session_key=browser_client.session.session_key).get_decoded()
    assert bewaren.SESSIE_SLEUTEL in stored
    assert "moeder" not in json.dumps(stored)


def test_a_post_with_a_wrong_csrf_token_after_the_timeout_is_not_kept(browser_client, demo, casus):
    browser_client.force_login(demo["regisseur_dimence"])
    browser_client.get(reverse("casusregie:dossier", args=[casus.pk]))
    idle(browser_client)
    response = browser_client.post(
        reverse("casusregie:journaal_toevoegen", args=[casus.pk]),
        {"journaal-tekst": TEKST, "csrfmiddlewaretoken": "x" * 32},
    )
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert bewaren.SESSIE_SLEUTEL not in browser_client.session


def test_a_post_without_any_session_returns_to_the_form_page_never_to_a_405(client, demo, casus):
    dossier = reverse("casusregie:dossier", args=[casus.pk])
    response = client.post(
        reverse("casusregie:journaal_toevoegen", args=[casus.pk]),
        {"journaal-tekst": TEKST},
        headers={"Referer": f"http://testserver{dossier}"},
    )
    assert response.status_code == 302
    assert response.url == reverse("login") + "?" + f"next={dossier.replace('/', '%2F')}"
    assert "Uw sessie was verlopen" in client.get(response.url).content.decode()


def test_a_post_after_the_timeout_with_only_an_empty_form_goes_back_to_its_page(browser_client, demo, casus):
    response = post_journaal_after_timeout(browser_client, demo["regisseur_dimence"], casus, tekst="   ")
    dossier = reverse("casusregie:dossier", args=[casus.pk])
    assert response.url == reverse("login") + "?" + f"next={dossier.replace('/', '%2F')}"
    assert bewaren.SESSIE_SLEUTEL not in browser_client.session


def test_the_page_timer_keeps_a_form_when_another_tab_kept_the_session_alive(browser_client, demo, casus):
    """static/js/bzt.js sends a form with typed text with _bzt_bewaren when its timer ends: kept, never applied."""
    regisseur = demo["regisseur_dimence"]
    browser_client.force_login(regisseur)
    browser_client.get(reverse("casusregie:dossier", args=[casus.pk]))
    response = browser_client.post(
        reverse("casusregie:journaal_toevoegen", args=[casus.pk]),
        {"journaal-tekst": TEKST, "_bzt_bewaren": "1", "csrfmiddlewaretoken": csrf_token(browser_client)},
    )
    assert response.status_code == 302 and response.url == reverse("invoer_herstellen")
    assert not JournaalRegel.objects.exists()
    assert TEKST in unescape(browser_client.get(reverse("invoer_herstellen")).content.decode())


# --- the keep-alive ("Blijf ingelogd", typing) --------------------------------------------------------------


def test_blijf_ingelogd_renews_the_session(browser_client, demo):
    browser_client.force_login(demo["meldpunt"])
    browser_client.get("/")
    idle(browser_client, minutes=14)
    response = browser_client.post(
        reverse("sessie_verlengen"),
        {"csrfmiddlewaretoken": csrf_token(browser_client)},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200 and response.json() == {"resterend": 15 * 60}
    assert time.time() - browser_client.session[LAATST_ACTIEF] < 5
    idle(browser_client, minutes=0)
    assert browser_client.get("/meldpunt/").status_code == 200


def test_the_keep_alive_cannot_revive_an_ended_session(client, demo):
    client.force_login(demo["meldpunt"])
    idle(client)
    response = client.post(reverse("sessie_verlengen"), headers={"Accept": "application/json"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_every_page_says_how_long_the_session_has_left(client, demo, settings):
    settings.BZT_SESSIE_WAARSCHUWING_SECONDEN = 90
    client.force_login(demo["meldpunt"])
    idle(client, minutes=0.5)  # the last activity is saved once a minute: the server still counts from then
    response = client.get("/meldpunt/")
    assert 870 - 5 <= int(response["X-BZT-Sessie-Resterend"]) <= 870
    html = response.content.decode()
    resterend = int(re.search(r'data-resterend="(\d+)"', html).group(1))
    assert 870 - 5 <= resterend <= 870
    assert 'data-waarschuwing="90"' in html
    # The warning dialog, in Dutch, with the button that renews the session.
    assert 'id="sessie-waarschuwing"' in html and "U wordt bijna automatisch uitgelogd" in html
    assert "Blijf ingelogd" in html and f'action="{reverse("sessie_verlengen")}"' in html
