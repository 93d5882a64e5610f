import pytest
from django.utils import timezone

from meldpunt.codes import Rol
from tests import factories

MELDER = {"melder_naam": "Meldina Verklikker", "melder_telefoon": "0612345678", "melder_organisatie": "Geheimorg"}
NIET_GERECHTIGD = {"voornaam": "Verborgen", "achternaam": "Huisgenootsma", "bsn": factories.bsn(41)}
GERECHTIGD = {"voornaam": "Toegestane", "achternaam": "Kindsma"}


@pytest.fixture
def privacy(demo):
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
def casus(demo):
    """A casus of a household: the client (hoofdpersoon), a partner the client may not see, a child they may.
    The melder has a name, phone and organisation that must never reach the client."""
    huishouden = [
        (Rol.HOOFDPERSOON, factories.persoon_gegevens(voornaam="Clara", achternaam="Cliëntsma", bsn=factories.bsn(40))),
        (Rol.PARTNER, factories.persoon_gegevens(**NIET_GERECHTIGD)),
        (Rol.KIND, factories.persoon_gegevens(**GERECHTIGD)),
    ]
    m = factories.melding(demo["meldpunt"], huishouden=huishouden, **MELDER)
    factories.triage(demo["meldpunt"], m)
    from casusregie.services import casus_toewijzen, journaal_toevoegen
    from meldpunt import services

    services.melding_op_mdo_agenda_zetten(door=demo["meldpunt"], melding=m)
    c = casus_toewijzen(door=demo["procesmanager"], melding=m, casusregisseur=demo["regisseur_dimence"])
    journaal_toevoegen(door=demo["regisseur_dimence"], casus=c, tekst="Huisbezoek afgelegd, afspraak bij schuldhulp.")
    return c


@pytest.fixture
def personen(casus):
    leden = {b.persoon.achternaam: b.persoon for b in casus.melding.betrokkenen.select_related("persoon")}
    return leden["Cliëntsma"], leden[NIET_GERECHTIGD["achternaam"]], leden[GERECHTIGD["achternaam"]]


@pytest.fixture
def verzoek(privacy, personen):
    from avg import services

    return services.verzoek_registreren(
        door=privacy, persoon=personen[0], soort="inzage", ontvangen_op=timezone.localdate()
    )
