"""The Celery app. Configuration comes from Django settings (prefix CELERY_)."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bzt.settings")

app = Celery("bzt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _fonts_laden(**kwargs):
    """Load WeasyPrint's fonts and styles once in the worker's main process, before it forks its pool: every
    pool process, and every PDF child forked from it (bzt.pdf), inherits them instead of loading them on its first
    report (issue 20: cache what a forked child can reuse). Skipped when BZT_OPWARMEN=0."""
    if os.environ.get("BZT_OPWARMEN", "1") == "0":
        return
    from bzt.pdf import _warm_up

    _warm_up()
