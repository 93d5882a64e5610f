"""Never lose typed work, in the browser (issue 16): a journaal line typed in a casus dossier survives the idle
timeout — submit after the session ended, log in again with 2FA, confirm, and the line is saved; the warning
with "Blijf ingelogd" comes before the timeout, and typing renews the session."""

import time

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from bzt.auth.signals import LAATST_ACTIEF
from casusregie.models import JournaalRegel
from tests import factories
from tests.helpers import enter_totp_code, login

pytestmark = [pytest.mark.browser]

TEKST = "Huisbezoek: moeder vraagt hulp bij de post van de deurwaarder."


def server_session(page):
    [cookie] = [c for c in page.context.cookies() if c["name"] == django_settings.SESSION_COOKIE_NAME]
    return SessionStore(session_key=cookie["value"])


def test_a_typed_journaal_line_survives_the_timeout_and_the_warning_comes_first(page, demo, settings):
    settings.BZT_SESSIE_INACTIEF_MINUTEN = 1  # short, so the warning comes within seconds
    settings.BZT_SESSIE_WAARSCHUWING_SECONDEN = 50
    casus = factories.casus(demo)
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))

    login(page, "regisseur_dimence")
    page.goto(f"/casussen/{casus.pk}/")
    page.get_by_label("Nieuwe journaalregel").fill(TEKST)

    # The session ends on the server (the idle time passed) before the user presses the button.
    session = server_session(page)
    session[LAATST_ACTIEF] = time.time() - 61
    session.save()
    page.get_by_role("button", name="Toevoegen aan journaal").click()
    page.wait_for_url("**/inloggen/?next=%2Fsessie%2Fbewaarde-invoer%2F")
    expect(page.get_by_role("status")).to_contain_text("BZT heeft het bewaard")
    assert not JournaalRegel.objects.filter(casus=casus).exists()

    # Log in again, with the second step, on the login page the timeout led to.
    page.get_by_label("Gebruikersnaam").fill("regisseur_dimence")
    page.get_by_label("Wachtwoord").fill(django_settings.DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    enter_totp_code(page, "regisseur_dimence", confirmed=True, button="Controleren")
    page.wait_for_url("**/sessie/bewaarde-invoer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Niet verstuurde invoer")
    expect(page.locator(".bzt-invoer")).to_contain_text("Nieuwe journaalregel")  # the label the user saw
    expect(page.locator(".bzt-invoer")).to_contain_text(TEKST)
    assert not JournaalRegel.objects.filter(casus=casus).exists()  # nothing applied before the user confirms

    page.get_by_role("button", name="Alsnog versturen").click()
    page.wait_for_url(f"**/casussen/{casus.pk}/")
    expect(page.get_by_role("status")).to_contain_text("De journaalregel is toegevoegd.")
    assert JournaalRegel.objects.get(casus=casus).tekst == TEKST
    expect(page.locator(".bzt-timeline")).to_contain_text(TEKST)

    # Before the timeout: the warning, a modal dialog in Dutch; "Blijf ingelogd" renews the session.
    dialog = page.get_by_role("dialog", name="U wordt bijna automatisch uitgelogd")
    expect(dialog).to_be_visible(timeout=15_000)
    expect(dialog).to_contain_text("uitgelogd")
    before = time.time()
    with page.expect_response("**/sessie/verlengen/") as renewed:
        dialog.get_by_role("button", name="Blijf ingelogd").click()
    assert renewed.value.status == 200
    expect(dialog).to_be_hidden()
    assert server_session(page)[LAATST_ACTIEF] >= before - 1

    # Typing counts as activity: a keep-alive goes out (here after 5 s; once a minute with the real timeout).
    page.wait_for_timeout(5_200)
    with page.expect_request("**/sessie/verlengen/"):
        page.get_by_label("Nieuwe journaalregel").press_sequentially("Nog een regel", delay=50)

    # Nothing typed and no page content in the browser's storage; logging out leaves it empty.
    storage = "JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])"
    assert "Nog een regel" not in page.evaluate(storage) and "htmx-history-cache" not in page.evaluate(storage)
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/inloggen/")
    assert page.evaluate("localStorage.length") == 0
    assert page.evaluate(storage).count("casussen") == 0
    assert not violations, violations
