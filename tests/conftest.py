"""Shared fixtures: demo users, the real Celery worker and the browser.

Tests that need a service are marked (`postgres`, `worker`, `browser`). On a laptop without the
service they skip with the reason; with CI=true they fail, so CI can never pass by skipping.
"""

import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from bzt.celery import app as celery_app
from tests.helpers import ARTIFACTS

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("BZT_CHROMIUM", "/usr/bin/chromium")


def require(condition, reason):
    """Skip (laptop) or fail (CI=true) when a service the test needs is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def _redis_reachable():
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        return False
    import redis

    try:
        return redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") or item.get_closest_marker("worker"):
        require(connection.vendor == "postgresql", "PostgreSQL is niet ingesteld (DATABASE_URL=postgres://...)")
    if item.get_closest_marker("worker"):
        require(_redis_reachable(), "Redis is niet bereikbaar (CELERY_BROKER_URL=redis://...)")
    if item.get_closest_marker("browser"):
        require(shutil.which(CHROMIUM) is not None, f"Chromium ontbreekt op {CHROMIUM} (apt-get install chromium)")


# --- data ---------------------------------------------------------------------------------------------


@pytest.fixture
def demo(db):
    """The organisations and accounts of seed_demo, as {username: User}."""
    from bzt.audit import system_user
    from bzt.demo import seed_organisaties_en_accounts

    _, users = seed_organisaties_en_accounts(door=system_user(), password=settings.DEMO_PASSWORD)
    return users


# --- two-factor authentication -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _force_login_passes_2fa(monkeypatch):
    """client.force_login stands for a complete login: for users who need 2FA the session is also verified
    with their confirmed TOTP device (made when missing). Test-only; production code is unchanged.
    tests.helpers.force_login_without_2fa gives a session that stopped after the password."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.helpers import totp_device

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        device = totp_device(user)
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def media(settings, tmp_path):
    """Files made by jobs go to a folder of this test (not for the worker tests: the worker has its own)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- Celery ---------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _eager_tasks_by_default(request):
    """Without the worker fixture, tasks run in-process, also when a broker is configured."""
    if "celery_worker" in request.fixturenames:
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def _celery_worker_process(django_db_setup, django_db_blocker):
    """A real `celery worker` process on Redis, using the test database."""
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    database_url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    queue = f"bzt-test-{uuid.uuid4().hex[:8]}"
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "celery-worker.log", "w")  # noqa: SIM115 - closed at teardown
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_QUEUE": queue,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
    }
    node = f"test-{queue}@localhost"
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "bzt",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "-n",
            node,
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if celery_app.control.ping(destination=[node], timeout=1.0):
            break
        if process.poll() is not None:
            break
    else:
        process.kill()
    if process.poll() is not None:
        log.close()
        pytest.fail(f"De Celery-worker startte niet:\n{(ARTIFACTS / 'celery-worker.log').read_text()[-3000:]}")
    yield queue
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def celery_worker(_celery_worker_process, transactional_db):
    """Send tasks to the real worker (data must be committed: the worker has its own connection)."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = _celery_worker_process
    yield _celery_worker_process
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous


@pytest.fixture
def unreachable_broker(monkeypatch):
    """A real (non-eager) Celery app whose broker URL points at a closed port."""
    saved = celery_app.conf.task_always_eager, celery_app.conf.broker_url, celery_app._pool
    unreachable = "redis://127.0.0.1:9/0"  # port 9 (discard): nothing listens there
    monkeypatch.setenv("CELERY_BROKER_URL", unreachable)  # Celery reads the environment before its settings
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = unreachable
    celery_app._pool = celery_app.amqp._producer_pool = None  # connection pools are made from the URL
    yield
    celery_app.conf.task_always_eager, celery_app.conf.broker_url, celery_app._pool = saved
    celery_app.amqp._producer_pool = None


# --- browser --------------------------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        (ARTIFACTS / "failures").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "failures" / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
