"""The escalation ladder as data (issue 14): kinds of escalation with their start level, the higher AVE levels
(burgemeester, regionale mandaatcommissie) and the receipts of answers the casusregisseur read.

Escalatie.reden becomes a foreign key to EscalatieSoort on its code (the column keeps the codes it had), so the
kinds must exist before the constraint: the data step adds the missing levels and kinds of casusregie.reference
(the same function post_migrate runs), and a kind for any other code found in existing escalations.
"""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def ladder_en_soorten(apps, schema_editor):
    from casusregie.reference import ensure_ladder

    using = schema_editor.connection.alias if schema_editor else "default"
    Group = apps.get_model("auth", "Group")
    Niveau = apps.get_model("casusregie", "EscalatieNiveau")
    Soort = apps.get_model("casusregie", "EscalatieSoort")
    Escalatie = apps.get_model("casusregie", "Escalatie")
    ensure_ladder(Group, Niveau, Soort, using)
    known = set(Soort.objects.using(using).values_list("code", flat=True))
    laagste = Niveau.objects.using(using).order_by("volgorde").first()
    for code in set(Escalatie.objects.using(using).values_list("reden", flat=True)) - known:
        Soort.objects.using(using).create(code=code, naam=code.replace("_", " ").capitalize(), start_niveau=laagste)


class Migration(migrations.Migration):
    dependencies = [
        ("casusregie", "0009_expertteam"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EscalatieSoort",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=15, unique=True)),
                ("naam", models.CharField(max_length=120)),
                ("actief", models.BooleanField(default=True)),
                ("volgorde", models.PositiveSmallIntegerField(default=0)),
                (
                    "start_niveau",
                    models.ForeignKey(
                        help_text="Het niveau van de ladder waar een escalatie van deze soort begint.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="casusregie.escalatieniveau",
                        verbose_name="begint bij",
                    ),
                ),
            ],
            options={
                "verbose_name": "soort escalatie",
                "verbose_name_plural": "soorten escalatie",
                "ordering": ["volgorde", "naam"],
            },
        ),
        migrations.RunPython(ladder_en_soorten, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="escalatie",
            name="reden",
            field=models.ForeignKey(
                db_column="reden",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="escalaties",
                to="casusregie.escalatiesoort",
                to_field="code",
                verbose_name="soort escalatie",
            ),
        ),
        migrations.AlterField(
            model_name="historicalescalatie",
            name="reden",
            field=models.ForeignKey(
                blank=True,
                db_column="reden",
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="casusregie.escalatiesoort",
                to_field="code",
                verbose_name="soort escalatie",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalEscalatieSoort",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("code", models.SlugField(max_length=15)),
                ("naam", models.CharField(max_length=120)),
                ("actief", models.BooleanField(default=True)),
                ("volgorde", models.PositiveSmallIntegerField(default=0)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "start_niveau",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Het niveau van de ladder waar een escalatie van deze soort begint.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="casusregie.escalatieniveau",
                        verbose_name="begint bij",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical soort escalatie",
                "verbose_name_plural": "historical soorten escalatie",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="AntwoordGelezen",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("op", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "gebruiker",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "stap",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="gelezen",
                        to="casusregie.escalatiestap",
                    ),
                ),
            ],
            options={
                "verbose_name": "gelezen antwoord",
                "verbose_name_plural": "gelezen antwoorden",
                "constraints": [models.UniqueConstraint(fields=("stap", "gebruiker"), name="antwoord_eenmaal_gelezen")],
            },
        ),
    ]
