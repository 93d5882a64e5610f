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
    page.goto("/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password or settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/")


def screenshot(page, name):
    """Keep a picture of a main page (test-artifacts/screenshots/NAME.png), for the docs."""
    (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "screenshots" / f"{name}.png"), full_page=True)
