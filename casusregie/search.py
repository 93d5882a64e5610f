"""Search fields instead of option lists: pick a user or a casus by typing part of a name or number.

Pages with a choice out of hundreds of users or thousands of casussen show a search field (htmx, with a
plain GET reload as fallback) and only the few matches. The callers pass an already permission-filtered
queryset; these functions only narrow it down.
"""

import re

from django.db.models import Exists, OuterRef, Q

from meldpunt.codes import Rol
from meldpunt.models import Betrokkene

MAX_RESULTATEN = 10
MIN_LENGTE = 2

# "C2025-00042", "2025-42", "C-42" or "42": the number of a casus is its year and primary key.
CASUSNUMMER = re.compile(r"^c?(?:\d{4})?-?0*(\d{1,9})$", re.IGNORECASE)


def termen(q):
    """The words of a search text; empty when it is too short to search on."""
    q = (q or "").strip()
    return q.split()[:5] if len(q) >= MIN_LENGTE else []


def gebruikers(qs, q, limit=MAX_RESULTATEN):
    """Users of `qs` whose name, username or organisation contains every word of `q`."""
    woorden = termen(q)
    if not woorden:
        return []
    for woord in woorden:
        qs = qs.filter(
            Q(first_name__icontains=woord)
            | Q(last_name__icontains=woord)
            | Q(username__icontains=woord)
            | Q(organisatie__naam__icontains=woord)
        )
    return list(qs.select_related("organisatie").order_by("last_name", "first_name", "username")[:limit])


def casussen(qs, q, limit=MAX_RESULTATEN):
    """Casussen of `qs` with this number, or whose hoofdpersoon's name contains every word of `q`."""
    nummer = CASUSNUMMER.match((q or "").strip())
    woorden = termen(q)
    if nummer:
        qs = qs.filter(pk=int(nummer.group(1)))
    elif not woorden:
        return []
    else:
        hoofdpersonen = Betrokkene.objects.filter(melding=OuterRef("melding_id"), rol=Rol.HOOFDPERSOON)
        for woord in woorden:
            hoofdpersonen = hoofdpersonen.filter(
                Q(persoon__voornaam__icontains=woord)
                | Q(persoon__tussenvoegsel__icontains=woord)
                | Q(persoon__achternaam__icontains=woord)
            )
        qs = qs.filter(Exists(hoofdpersonen))
    return list(qs.order_by("-toegewezen_op", "-id")[:limit])
