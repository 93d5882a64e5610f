"""The gemeente of each access-log row, and the viewer's indexes: newest first by (moment, id), one index per
filter (bench/README.md § inzagelog)."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bzt", "0009_inzage_ketens"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="inzageregel",
            options={
                "default_permissions": (),
                "ordering": ["-moment", "-id"],
                "verbose_name": "inzageregel",
                "verbose_name_plural": "inzagelog",
            },
        ),
        migrations.AddField(
            model_name="inzageregel",
            name="gemeente",
            field=models.CharField(blank=True, default="", max_length=6),
        ),
        migrations.AddIndex(
            model_name="inzageregel",
            index=models.Index(fields=["moment", "id"], name="inzage_moment_id"),
        ),
        # (moment, id) replaces the single-column index on moment.
        migrations.AlterField(
            model_name="inzageregel",
            name="moment",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddIndex(
            model_name="inzageregel",
            index=models.Index(fields=["gebruikersnaam", "moment", "id"], name="inzage_naam_moment"),
        ),
        migrations.AddIndex(
            model_name="inzageregel",
            index=models.Index(fields=["grond", "moment", "id"], name="inzage_grond_moment"),
        ),
        migrations.AddIndex(
            model_name="inzageregel",
            index=models.Index(fields=["actie", "moment", "id"], name="inzage_actie_moment"),
        ),
        migrations.AddIndex(
            model_name="inzageregel",
            index=models.Index(fields=["gemeente", "moment", "id"], name="inzage_gemeente_moment"),
        ),
    ]
