"""Helpers for tests: waiting for the worker, logging in and taking screenshots in the browser."""

import time
from pathlib import Path

from django.conf import settings

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def wait_for(condition, timeout=30, interval=0.2):
    """Poll `condition` until it returns something truthy (for work done by the worker)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Niet binnen {timeout}s: {condition.__doc__ or condition}")


def login(page, username, password=None):
    """Log in through the real form, and pass the second step (2FA) like the user's authenticator app would:
    with the code of their confirmed device, or by enrolling the device the enrolment page made."""
    page.goto("/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password or settings.DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    if "/inloggen/tweestaps-instellen/" in page.url:
        enter_totp_code(page, username, confirmed=False, button="Bevestigen")
    elif "/inloggen/code/" in page.url:
        enter_totp_code(page, username, confirmed=True, button="Controleren")
    page.wait_for_url("**/")


def enter_totp_code(page, username, *, confirmed, button):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username, confirmed=confirmed).order_by("-pk").first()
    assert device is not None, f"{username} heeft geen {'bevestigd' if confirmed else 'nieuw'} TOTP-apparaat"
    page.get_by_label("Code").fill(totp_code(device))
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def totp_code(device, now=None):
    """The code an authenticator app shows for `device`, one the server has not used yet (no replay)."""
    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    while True:
        now = time.time() if now is None else now
        for ahead in range(device.tolerance + 1):  # the server accepts codes up to `tolerance` steps ahead
            totp.time = now + ahead * device.step
            if totp.t() > device.last_t:
                return f"{totp.token():0{device.digits}d}"
        time.sleep(device.step - now % device.step + 0.1)  # every allowed code was used: wait for the next
        now = None


def totp_device(user):
    """The confirmed TOTP device of a user who needs 2FA (made when missing), or None for other users."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bzt.audit import acting_as
    from bzt.auth.services import bevestigd_apparaat, tweestaps_verplicht

    user = type(user).objects.get(pk=user.pk)  # fresh: no stale permission cache
    if not tweestaps_verplicht(user):
        return None
    device = bevestigd_apparaat(user)
    if device is None:
        with acting_as(user, reason="test"):
            device = TOTPDevice.objects.create(user=user, name="Test-authenticator", confirmed=True)
    return device


def force_login_without_2fa(client, user, backend=None):
    """client.force_login, but the session has not passed the second step (tests/conftest.py adds that)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user, backend)
    session = client.session
    session.pop(DEVICE_ID_SESSION_KEY, None)
    session.save()


def screenshot(page, name):
    """Keep a picture of a main page (test-artifacts/screenshots/NAME.png), for the docs."""
    (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "screenshots" / f"{name}.png"), full_page=True)


BREED = {"width": 1366, "height": 900}
SMAL = {"width": 390, "height": 844}


def screenshots(page, name):
    """Keep a page at both widths: NAME-1366.png at 1366×900 and NAME-390.png at 390×844 (a phone), then go
    back to the width the test had."""
    eerder = page.viewport_size
    for viewport in (BREED, SMAL):
        page.set_viewport_size(viewport)
        screenshot(page, f"{name}-{viewport['width']}")
    page.set_viewport_size(eerder)


def pdf_via_taak(client, url, capture_on_commit):
    """Ask for a PDF as the page's button does (POST) and fetch it the way the user does: the job runs when the
    request commits (in this process), the progress page says it is klaar and links to the download.
    Returns the download response, its body read into `.pdf`."""
    import re

    with capture_on_commit(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and re.fullmatch(r"/taken/\d+/", response["Location"]), response
    pagina = client.get(response["Location"]).content.decode()
    assert "Klaar" in pagina, pagina
    download = re.search(r'href="(/taken/\d+/download/)"', pagina).group(1)
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    response.pdf = b"".join(response.streaming_content)
    assert response.pdf.startswith(b"%PDF")
    return response
