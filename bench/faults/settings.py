"""Settings of the private stack (bench/faults/stack.py): the bench settings, but with the real broker.

bench.settings runs tasks in-process; here gunicorn and the Celery worker talk to the stack's own Redis.
The clients speak plain HTTP on loopback, so the cookies may not be marked Secure (a client would not send
them back) — the only production setting changed besides those of bench.settings.
"""

import os

broker = os.environ.get("CELERY_BROKER_URL", "")
from bench.settings import *  # noqa: E402, F403

CELERY_BROKER_URL = broker
CELERY_TASK_ALWAYS_EAGER = not broker
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
if broker:  # bench.settings runs tasks in-process and so hides the per-task log lines; a real worker shows them
    LOGGING["loggers"].pop("celery.app.trace", None)  # noqa: F405
