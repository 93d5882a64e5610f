"""Persoon.persoon_groep: the stored person id of a linked set of records (meldpunt.personen), filled from
the active links."""

from django.db import migrations, models


def groepen_vullen(apps, schema_editor):
    Persoon = apps.get_model("meldpunt", "Persoon")
    PersoonKoppeling = apps.get_model("meldpunt", "PersoonKoppeling")
    buren = {}
    for a, b in PersoonKoppeling.objects.filter(ontkoppeld_op__isnull=True).values_list(
        "persoon_id", "gekoppeld_aan_id"
    ):
        buren.setdefault(a, set()).add(b)
        buren.setdefault(b, set()).add(a)
    gezien = set()
    for start in sorted(buren):
        if start in gezien:
            continue
        verbonden, rand = {start}, [start]
        while rand:
            for buur in buren[rand.pop()] - verbonden:
                verbonden.add(buur)
                rand.append(buur)
        gezien |= verbonden
        Persoon.objects.filter(pk__in=verbonden).update(persoon_groep=min(verbonden))


class Migration(migrations.Migration):
    dependencies = [
        ("meldpunt", "0009_onleesbare_status_sinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="persoon",
            name="persoon_groep",
            field=models.BigIntegerField(
                blank=True, db_index=True, editable=False, null=True, verbose_name="persoonsgroep"
            ),
        ),
        migrations.RunPython(groepen_vullen, migrations.RunPython.noop),
    ]
