"""Test data made through the real services, so every row has its history and acting user."""

import itertools
from datetime import timedelta

from django.utils import timezone

from meldpunt import services
from meldpunt.codes import Besluit, Leefgebied, Rol
from meldpunt.demo import random_bsn

_counter = itertools.count(1)


def persoon_gegevens(**overrides):
    n = next(_counter)
    data = {
        "voornaam": f"Voornaam{n}",
        "achternaam": f"Achternaam{n}",
        "geboortedatum": timezone.localdate() - timedelta(days=365 * 40 + n),
        "geslacht": "vrouw",
        "bsn": "",
        "adres": f"Teststraat {n}",
        "postcode": "7411AB",
        "woonplaats": "Deventer",
        "wijk": "Voorstad",
        "inkomen": "uitkering",
    }
    data.update(overrides)
    return data


def melding(door, *, huishouden=None, **overrides):
    """A melding registered by `door`. huishouden: [(rol, Persoon or dict of persoon data)]."""
    gegevens = {
        "ontvangen_op": timezone.localdate() - timedelta(days=1),
        "aanmeldroute": "oggz",
        "aanleiding": "Zorgen over de woonsituatie.",
        "melder_type": "professional",
        "melder_naam": "Piet Melder",
        "melder_organisatie": "Politie",
    }
    gegevens.update(overrides)
    huishouden = huishouden or [(Rol.HOOFDPERSOON, persoon_gegevens())]
    betrokkenen = [
        services.NieuweBetrokkene(rol=rol, persoon=p)
        if hasattr(p, "pk")
        else services.NieuweBetrokkene(rol=rol, gegevens=p)
        for rol, p in huishouden
    ]
    return services.melding_registreren(door=door, gegevens=gegevens, betrokkenen=betrokkenen)


def triage(door, m, *, codes=("verslaving", "schulden", "dakloos"), besluit=Besluit.MDO, **kwargs):
    return services.melding_triageren(
        door=door,
        melding=m,
        datum=kwargs.pop("datum", timezone.localdate()),
        leefgebieden={code: (code in codes, "") for code in Leefgebied.values},
        besluit=besluit,
        **kwargs,
    )


def bsn(seed):
    import random

    return random_bsn(random.Random(seed))


def casus(demo, *, regisseur="regisseur_dimence", huishouden=None, codes=("verslaving", "schulden", "dakloos")):
    """A melding triaged for the MDO and assigned there by the procesmanager to `regisseur`."""
    from casusregie.services import casus_toewijzen

    m = melding(demo["meldpunt"], huishouden=huishouden)
    triage(demo["meldpunt"], m, codes=codes)
    services.melding_op_mdo_agenda_zetten(door=demo["meldpunt"], melding=m)
    return casus_toewijzen(door=demo["procesmanager"], melding=m, casusregisseur=demo[regisseur])


def vastgesteld_plan(demo, c):
    """Draft, submit and approve the first plan of casus `c`; returns the plan."""
    from bzt.models import Organisatie
    from casusregie import services as cs

    regisseur = c.casusregisseur
    plan = c.plannen.get()
    cs.doel_toevoegen(
        door=regisseur,
        plan=plan,
        lock_version=plan.lock_version,
        leefgebied="schulden",
        omschrijving="Schulden in beeld en stabiel.",
    )
    plan.refresh_from_db()
    cs.actie_toevoegen(
        door=regisseur,
        plan=plan,
        lock_version=plan.lock_version,
        omschrijving="Aanmelden schuldhulp",
        eigenaar=Organisatie.objects.get(naam="Gemeente Deventer"),
        deadline=timezone.localdate() + timedelta(days=14),
    )
    plan.refresh_from_db()
    plan = cs.plan_indienen(door=regisseur, plan=plan, lock_version=plan.lock_version)
    cs.plan_vaststellen(door=demo["procesmanager"], plan=plan)
    plan.refresh_from_db()
    return plan


def afsluitklaar(demo, c):
    """Arrange everything casus `c` needs before its casusregisseur may close it: a vastgesteld plan whose
    actions are done (casusregie.selectors.afsluitvoorwaarden). Returns the casus, reloaded."""
    from bzt.models import User
    from casusregie import services as cs

    demo = demo or {"procesmanager": User.objects.get(username="procesmanager")}
    plan = c.plannen.filter(status="vastgesteld").first() or vastgesteld_plan(demo, c)
    for actie in plan.acties.all():
        cs.actie_status_wijzigen(door=c.casusregisseur, actie=actie, status="gereed")
    c.refresh_from_db()
    return c


def mdo_melding(demo, *, huishouden=None, codes=("verslaving", "schulden", "dakloos"), **overrides):
    """A melding triaged 'mdo' and put on the MDO agenda by the meldpunt."""
    m = melding(demo["meldpunt"], huishouden=huishouden, **overrides)
    triage(demo["meldpunt"], m, codes=codes)
    services.melding_op_mdo_agenda_zetten(door=demo["meldpunt"], melding=m)
    return m


def overleg(demo, *, dagen=7, **kwargs):
    """An MDO planned by the procesmanager `dagen` days from today (its agenda fills itself)."""
    from mdo.services import overleg_plannen

    return overleg_plannen(door=demo["procesmanager"], datum=timezone.localdate() + timedelta(days=dagen), **kwargs)


def ingediend_plan(demo, c):
    """Draft and submit the first plan of casus `c` (it goes to the next planned MDO); returns the plan."""
    from bzt.models import Organisatie
    from casusregie import services as cs

    regisseur = c.casusregisseur
    plan = c.plannen.get()
    cs.doel_toevoegen(
        door=regisseur,
        plan=plan,
        lock_version=plan.lock_version,
        leefgebied="dakloos",
        omschrijving="Een vaste woonplek binnen drie maanden.",
    )
    plan.refresh_from_db()
    cs.actie_toevoegen(
        door=regisseur,
        plan=plan,
        lock_version=plan.lock_version,
        omschrijving="Urgentieaanvraag bij de woningcorporatie",
        eigenaar=Organisatie.objects.get(naam="Woonbedrijf Ieder1"),
        deadline=timezone.localdate() + timedelta(days=21),
    )
    plan.refresh_from_db()
    cs.plan_indienen(door=regisseur, plan=plan, lock_version=plan.lock_version)
    plan.refresh_from_db()
    return plan
