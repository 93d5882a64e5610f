import pytest
from django.db import connection

from bzt.models import InzageRegel
from casusregie import services
from tests import factories


@pytest.fixture
def privacy(demo):
    """The privacy officer (demo account `privacy`, role privacy_officer)."""
    from bzt.audit import system_user
    from bzt.models import Organisatie
    from bzt.services import gebruiker_opslaan

    return gebruiker_opslaan(
        door=system_user(),
        username="privacy",
        organisatie=Organisatie.objects.get(naam="Gemeente Deventer"),
        rol="privacy_officer",
        first_name="Pia",
        last_name="Privacy",
    )


@pytest.fixture
def huishouden():
    return [
        ("hoofdpersoon", factories.persoon_gegevens(achternaam="Hoofdpersoonsen", bsn=factories.bsn(11))),
        ("partner", factories.persoon_gegevens(achternaam="Partnersma")),
        ("kind", factories.persoon_gegevens(achternaam="Kindsma")),
    ]


@pytest.fixture
def casus(demo, huishouden):
    """A casus of a household of three, directed by Dimence, with Iriszorg betrokken."""
    c = factories.casus(demo, huishouden=huishouden)
    services.betrokkene_toevoegen(
        door=demo["regisseur_dimence"],
        casus=c,
        professional=demo["regisseur_iriszorg"],
        rol="Woonbegeleider",
        grondslag="convenant",
    )
    return c


def household_ids(casus):
    return set(casus.melding.betrokkenen.values_list("persoon_id", flat=True))


def rows(**filters):
    return list(InzageRegel.objects.filter(**filters).order_by("id"))


def tamper(sql, params=()):
    """Change the log behind the app's back, as a database user would (on PostgreSQL: trigger off first)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses pending (deferred FK) events
            cursor.execute("ALTER TABLE bzt_inzageregel DISABLE TRIGGER bzt_inzageregel_alleen_toevoegen")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE bzt_inzageregel ENABLE TRIGGER bzt_inzageregel_alleen_toevoegen")
