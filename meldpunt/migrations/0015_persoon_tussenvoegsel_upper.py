"""An index on the tussenvoegsel for the name searches (`tussenvoegsel__iexact`), PostgreSQL only.

Every branch of a search word's OR must be indexed, or PostgreSQL reads every person (a bitmap OR needs an
index per branch); the tussenvoegsel was the one branch without one (casusregie.search, issue 20).
"""

from django.db import migrations

INDEX = "persoon_tussenvoegsel_upper"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON meldpunt_persoon ((UPPER(tussenvoegsel::text)))")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("meldpunt", "0014_partner_indienen")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
