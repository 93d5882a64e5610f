"""Settings for the benchmarks: the production settings module, with only what an in-process test client needs.

DEBUG stays off (cached templates, no query log), as in production. Changed: a fixed SECRET_KEY, no TLS
redirect (the test client speaks plain HTTP), plain static storage (no collectstatic manifest needed) and
quiet logging. The database comes from DATABASE_URL, which `python -m bench` points at bzt_bench_<size>.
"""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("CONN_MAX_AGE", "600")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.pop("CELERY_BROKER_URL", None)  # tasks (if any) run in-process

from bzt.settings import *  # noqa: E402, F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # bench accounts only; force_login anyway
