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
