"""Fixtures of the region tests: the five gemeenten of seed_demo --regio and their accounts (CONTRACT.md § Region)."""

import pytest
from django.conf import settings

from tests import factories


@pytest.fixture
def regio(demo):
    """The demo accounts plus the region's: {username: User, "gemeenten": {code: Gemeente}}."""
    from bzt.audit import system_user
    from bzt.demo import seed_regio

    gemeenten, users = seed_regio(door=system_user(), password=settings.DEMO_PASSWORD)
    return {**demo, **users, "gemeenten": gemeenten}


def huishouden_in(gemeente, **overrides):
    """A household of one person living in a wijk of `gemeente`."""
    return [
        ("hoofdpersoon", factories.persoon_gegevens(wijk=gemeente.wijken[0], woonplaats=gemeente.naam, **overrides))
    ]


def casus_in(regio, code, *, regisseur="regisseur_dimence"):
    """A casus of a household in gemeente `code`: registered, triaged, on the MDO agenda, assigned."""
    from casusregie.services import casus_toewijzen
    from meldpunt import services

    gemeente = regio["gemeenten"][code]
    m = factories.melding(regio["meldpunt"], huishouden=huishouden_in(gemeente))
    assert m.gemeente == gemeente
    factories.triage(regio["meldpunt"], m)
    services.melding_op_mdo_agenda_zetten(door=regio["meldpunt"], melding=m)
    return casus_toewijzen(door=regio["procesmanager"], melding=m, casusregisseur=regio[regisseur])


def naar_wethouder(regio, casus):
    """Escalate `casus` (a legal blockade starts at the coördinerend ambtenaar of its gemeente) and pass it to
    the wethouder level; returns the escalation."""
    from casusregie import services
    from casusregie.models import EscalatieNiveau
    from casusregie.selectors import escalaties_op_mijn_niveau

    e = services.casus_escaleren(door=casus.casusregisseur, casus=casus, reden="juridisch", vraag="Wie beslist?")
    coordinator = next(
        u
        for name, u in regio.items()
        if name.startswith("coordinator") and escalaties_op_mijn_niveau(u).filter(pk=e.pk).exists()
    )
    return services.escalatie_opschalen(
        door=coordinator, escalatie=e, naar=EscalatieNiveau.objects.get(code="wethouder"), toelichting="Bestuurlijk."
    )
