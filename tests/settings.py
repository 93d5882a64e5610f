"""Test settings: the real settings module, read with the development defaults.

Django's test runner still runs with DEBUG off; DEBUG=true here only picks the development variants
(plain static storage, no TLS redirect, a development SECRET_KEY). Production settings are checked by
tests/test_settings.py, which runs `check --deploy` in a subprocess with a production environment.
"""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

from bzt.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
BZT_NOTIFICATIEFOUTEN_DOORGEVEN = True
BZT_TAKEN_IN_THREAD = False  # in-process jobs run within the request, so a test sees their result (a test of the
# thread turns it on: tests/test_ui_defects.py)  # a broken notification rule fails the test instead of only logging
