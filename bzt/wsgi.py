import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bzt.settings")
application = get_wsgi_application()

if os.environ.get("BZT_OPWARMEN", "1") != "0":
    # Each gunicorn worker imports this module before it accepts requests: warm it here, so its first request
    # is as fast as the next ones (bzt/warmup.py; bench/README.md § Cold start).
    from bzt.warmup import opwarmen

    opwarmen()
