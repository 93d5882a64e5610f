import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    base = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="p9#vN2@kLq8!zR4$wX7^mT1&bY6*cH3(fJ5)gD0-sA_eU+oI=lK",
        ALLOWED_HOSTS="bzt.deventer.nl",
        DATABASE_URL="postgres://bzt@db.example:5432/bzt",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_database_url():
    """Not silently on an empty SQLite file; the development default (DEBUG=true) still is SQLite."""
    production = {"DEBUG": "false", "SECRET_KEY": "p9#vN2@kLq8!zR4$wX7^mT1&bY6*cH3(fJ5)gD0-sA_eU+oI=lK"}
    result = run_manage("check", DATABASE_URL="", **production)
    assert result.returncode != 0
    assert "DATABASE_URL ontbreekt" in result.stderr
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = run_manage("shell", "-c", code, DEBUG="true", DATABASE_URL="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "django.db.backends.sqlite3"


def test_security_headers_on_every_page(client, db):
    response = client.get("/inloggen/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
