"""Indexes for the search (selectors.zoek_personen, zoek_melding), PostgreSQL only; SQLite keeps scanning.

The expressions are the ones Django generates for `__icontains` and `__iexact` (UPPER("col"::text)), so the
queries use them unchanged: a trigram GIN index answers LIKE '%term%' on a part of a name or address.
"""

from django.db import migrations

INDEXES = {
    # zoek_personen: a part of a first name, surname or address (`__icontains`).
    "persoon_voornaam_trgm": "meldpunt_persoon USING gin ((UPPER(voornaam::text)) gin_trgm_ops)",
    "persoon_achternaam_trgm": "meldpunt_persoon USING gin ((UPPER(achternaam::text)) gin_trgm_ops)",
    "persoon_adres_trgm": "meldpunt_persoon USING gin ((UPPER(adres::text)) gin_trgm_ops)",
    # zoek_personen: a postcode (`postcode__iexact`).
    "persoon_postcode_upper": "meldpunt_persoon ((UPPER(postcode::text)))",
    # zoek_melding: a melding by its extern_id (`extern_id__iexact`).
    "melding_extern_id_upper": "meldpunt_melding ((UPPER(extern_id::text)))",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # A trusted extension since PostgreSQL 13: the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("meldpunt", "0004_wacht_op_mdo_wachtrij_indexen")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
