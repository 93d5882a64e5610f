"""2FA is enforced in the browser: the password alone opens nothing; a new colleague enrols first."""

import base64

import pytest
from django.conf import settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from bzt.audit import system_user
from bzt.services import gebruiker_opslaan
from tests.helpers import screenshot, totp_code

pytestmark = [pytest.mark.browser]


def password_only(page, username, password=None):
    page.goto("/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password or settings.DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()


def csp_violations(page):
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    return violations


def test_the_password_alone_is_not_enough(page, demo):
    password_only(page, "procesmanager")
    assert "/inloggen/code/" in page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie")

    # Going around the code step leads back to it.
    page.goto("/meldpunt/")
    assert page.url.endswith("/inloggen/code/?next=%2Fmeldpunt%2F")

    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Controleren").click()
    expect(page.locator(".bzt-errorlist")).to_contain_text("De code is onjuist of verlopen")
    assert "/inloggen/code/" in page.url

    page.wait_for_timeout(1100)  # django-otp's throttle: one second after one wrong code
    page.get_by_label("Code").fill(totp_code(TOTPDevice.objects.get(user=demo["procesmanager"])))
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_url("**/meldpunt/")
    expect(page.get_by_role("link", name="Tweestapsverificatie")).to_be_visible()


def test_a_new_colleague_enrols_an_authenticator_app_first(page, demo):
    gebruiker_opslaan(
        door=system_user(),
        username="nieuwe_regisseur",
        organisatie=demo["regisseur_dimence"].organisatie,
        rol="casusregisseur",
        email="nieuwe_regisseur@bzt.example",
        password="Lange-Testzin-Voor-BZT-2025",
    )
    violations = csp_violations(page)
    password_only(page, "nieuwe_regisseur", "Lange-Testzin-Voor-BZT-2025")
    assert "/inloggen/tweestaps-instellen/" in page.url
    qr = page.get_by_role("img", name="QR-code om BZT toe te voegen aan uw authenticator-app")
    expect(qr).to_be_visible()
    assert page.evaluate("img => img.naturalWidth > 100", qr.element_handle())  # the QR code really renders
    screenshot(page, "tweestaps-instellen")

    # Like an authenticator app, with the key typed in from the page.
    secret = page.locator("#tweestaps-sleutel").inner_text().replace(" ", "")
    totp = TOTP(base64.b32decode(secret + "=" * (-len(secret) % 8)))
    page.get_by_label("Code").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("status")).to_contain_text("Tweestapsverificatie is ingesteld")
    assert TOTPDevice.objects.get(user__username="nieuwe_regisseur").confirmed
    assert not violations, violations
