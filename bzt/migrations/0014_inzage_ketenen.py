"""Access-log rows are written unchained and chained within a minute by bzt.inzage.ketenen (issue 20).

The chain columns are empty until then, and the append-only trigger lets exactly that one UPDATE through:
filling in volgnummer, vorige_hash and hash of a row that has no hash yet, every other column unchanged."""

from django.db import migrations, models

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION bzt_inzageregel_alleen_toevoegen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'bzt_inzageregel' AND OLD.hash IS NULL AND NEW.hash IS NOT NULL
       AND NEW.volgnummer IS NOT NULL
       AND to_jsonb(NEW) - 'volgnummer' - 'vorige_hash' - 'hash'
           = to_jsonb(OLD) - 'volgnummer' - 'vorige_hash' - 'hash' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Het inzagelog is alleen-toevoegen: % geweigerd', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
OLD_TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION bzt_inzageregel_alleen_toevoegen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Het inzagelog is alleen-toevoegen: % geweigerd', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def sql(text):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(text, params=None)  # no %-interpolation: the SQL holds a literal %

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("bzt", "0013_bestandstaak"),
    ]

    operations = [
        migrations.AlterField(
            model_name="inzageregel",
            name="hash",
            field=models.CharField(max_length=64, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="inzageregel",
            name="volgnummer",
            field=models.PositiveBigIntegerField(editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="inzageregel",
            name="vorige_hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddIndex(
            model_name="inzageregel",
            index=models.Index(condition=models.Q(("hash__isnull", True)), fields=["id"], name="inzage_ongeketend"),
        ),
        migrations.RunPython(sql(TRIGGER_FUNCTION), sql(OLD_TRIGGER_FUNCTION)),
    ]
