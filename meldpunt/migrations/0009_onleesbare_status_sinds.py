"""Repair a status_sinds that cannot be read back.

Before dates were checked for plausibility (bzt.validators.datum_probleem), an import with ontvangen_op
0001-01-01 stored status_sinds as midnight of that day in Europe/Amsterdam, which is a moment in the year 0
in UTC: PostgreSQL stores it, Python cannot read it, and every page that loads the melding (the queue, the
search, the melding page) failed for everyone. Such moments become 1 January 1900 (UTC); the dates themselves
are left as they are for the meldpunt to correct. UPDATE only: the rows are never loaded.
"""

from datetime import UTC, datetime

from django.db import migrations

EERSTE = datetime(1900, 1, 1, tzinfo=UTC)
MODELLEN = [
    ("meldpunt", "Melding"),
    ("meldpunt", "HistoricalMelding"),
    ("casusregie", "Casus"),
    ("casusregie", "HistoricalCasus"),
]


def herstellen(apps, schema_editor):
    for app, model in MODELLEN:
        apps.get_model(app, model).objects.filter(status_sinds__lt=EERSTE).update(status_sinds=EERSTE)


class Migration(migrations.Migration):
    dependencies = [
        ("meldpunt", "0008_aanleiding_max_length"),
        ("casusregie", "0005_doorlooptijdenstand"),
    ]

    operations = [migrations.RunPython(herstellen, migrations.RunPython.noop)]
