"""The seven role groups of CONTRACT.md and the system account that periodic jobs act as."""

from django.db import migrations

ROLE_GROUPS = [
    "meldpunt",
    "casusregisseur",
    "procesmanager",
    "coordinerend_ambtenaar",
    "wethouder",
    "beleidsambtenaar",
    "functioneel_beheer",
]


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)
    # Historical models carry no history hooks, so this row is created without an audit record;
    # it is the actor of the audit records written by scheduled jobs and commands.
    apps.get_model("bzt", "User").objects.get_or_create(
        username="systeem",
        defaults={"first_name": "Systeem", "last_name": "(geplande taak)", "is_active": False, "password": "!"},
    )


def remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [("bzt", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create, remove)]
