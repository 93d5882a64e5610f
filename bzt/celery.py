"""The Celery app. Configuration comes from Django settings (prefix CELERY_)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bzt.settings")

app = Celery("bzt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
