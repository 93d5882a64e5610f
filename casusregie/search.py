"""Search fields instead of option lists: pick a user or a casus by typing part of a name or number.

Pages with a choice out of hundreds of users or thousands of casussen show a search field (htmx, with a
plain GET reload as fallback) and only the few matches. The callers pass an already permission-filtered
queryset; these functions only narrow it down.
"""

import re

from django.db.models import Q

from meldpunt.codes import Rol
from meldpunt.models import Betrokkene, Persoon
from meldpunt.selectors import naam_conditie, zoekwoorden

MAX_RESULTATEN = 10
MIN_LENGTE = 2
# A name shared by more persons than this finds the casussen of the first ones only: type more of the name.
PERSONEN_MAX = 2000

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
    """Casussen of `qs` with this number, or whose hoofdpersoon's name contains every word of `q`.

    By name: the matching persons first (index lookups, at most PERSONEN_MAX), then the newest casussen of
    those as hoofdpersoon. Walking the casussen newest first and testing each one's hoofdpersoon read every
    casus for a rare name."""
    nummer = CASUSNUMMER.match((q or "").strip())
    woorden = zoekwoorden(q) if termen(q) else []
    if nummer:
        qs = qs.filter(pk=int(nummer.group(1)))
    elif not woorden:
        return []
    else:
        personen = Persoon.objects.all()
        for woord in woorden:
            personen = personen.filter(naam_conditie(woord))
        ids = list(personen.order_by().values_list("pk", flat=True)[:PERSONEN_MAX])
        meldingen = Betrokkene.objects.filter(rol=Rol.HOOFDPERSOON, persoon_id__in=ids).values("melding_id")
        qs = qs.filter(melding_id__in=meldingen)
    return list(qs.order_by("-toegewezen_op", "-id")[:limit])
