"""Warm a fresh web worker before its first request (issue 20).

The first request a gunicorn worker served took 0.4–0.8 s against 50–300 ms warm: it imported every view
module (the URL resolver is built lazily), compiled each template it used (the cached loader compiles on first
use) and opened the database connection. `opwarmen()` does that once at worker start (bzt/wsgi.py), before the
worker accepts requests. Nothing here reads or writes case data; a failure is logged, never raised (the worker
still serves, only its first request is slower).
"""

import logging
import time
from pathlib import Path

logger = logging.getLogger(__name__)


def _template_names():
    from django.apps import apps
    from django.conf import settings

    roots = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    roots += [Path(app.path) / "templates" for app in apps.get_app_configs() if app.name.split(".")[0] in _OWN]
    for root in roots:
        if root.is_dir():
            for path in sorted(root.rglob("*.html")):
                yield path.relative_to(root).as_posix()


_OWN = {"bzt", "meldpunt", "casusregie", "mdo", "monitor", "keten"}


def opwarmen() -> dict:
    """Build the URL resolver (imports every view), compile our templates, load the translations, open the
    database connection.
    Returns what it did and how long it took (seconds)."""
    from django.conf import settings
    from django.db import connection
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    started = time.perf_counter()
    done = {"templates": 0}
    try:
        resolver = get_resolver()
        resolver.reverse_dict  # noqa: B018 - builds the lookup tables, importing every URLconf and view
        for name in _template_names():
            try:
                get_template(name)
                done["templates"] += 1
            except Exception:  # noqa: BLE001, S112 - a partial (an include-only fragment) may not compile alone
                continue
        with translation.override(settings.LANGUAGE_CODE):  # the Dutch catalogs load on first use
            translation.gettext("Opslaan")
        connection.ensure_connection()
    except Exception:  # noqa: BLE001 - warming must never stop a worker from starting
        logger.exception("Opwarmen van de worker mislukt")
    done["seconden"] = round(time.perf_counter() - started, 3)
    return done
