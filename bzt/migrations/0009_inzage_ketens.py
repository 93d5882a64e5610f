"""The access log as several hash chains (keten, volgnummer) sealed by InzageZegel (issue 20).

Existing rows stay chain 0 (the legacy chain, verified as before); new rows go to chains 1..KETENS."""

import django.utils.timezone
from django.db import migrations, models

# The seals are append-only like the log (the function is the log's own, migration 0004).
ZEGEL_TRIGGER = """
CREATE TRIGGER bzt_inzagezegel_alleen_toevoegen
    BEFORE UPDATE OR DELETE ON bzt_inzagezegel
    FOR EACH ROW EXECUTE FUNCTION bzt_inzageregel_alleen_toevoegen();
"""
ZEGEL_TRIGGER_WEG = "DROP TRIGGER IF EXISTS bzt_inzagezegel_alleen_toevoegen ON bzt_inzagezegel;"


def trigger(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("bzt", "0008_instellingen"),
    ]

    operations = [
        migrations.CreateModel(
            name="InzageZegel",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("volgnummer", models.PositiveBigIntegerField(editable=False, unique=True)),
                ("moment", models.DateTimeField(default=django.utils.timezone.now)),
                ("koppen", models.JSONField(help_text="{keten: [volgnummer, hash]} of every chain with rows")),
                ("vorige_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64, unique=True)),
            ],
            options={
                "verbose_name": "inzagezegel",
                "verbose_name_plural": "inzagezegels",
                "ordering": ["-volgnummer"],
                "default_permissions": (),
            },
        ),
        migrations.RunPython(trigger(ZEGEL_TRIGGER), trigger(ZEGEL_TRIGGER_WEG)),
        migrations.AddField(
            model_name="inzageregel",
            name="keten",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.AlterField(
            model_name="inzageregel",
            name="volgnummer",
            field=models.PositiveBigIntegerField(editable=False),
        ),
        migrations.AddConstraint(
            model_name="inzageregel",
            constraint=models.UniqueConstraint(fields=("keten", "volgnummer"), name="inzage_keten_volgnummer"),
        ),
    ]
