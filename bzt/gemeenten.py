"""The gemeenten of the installation (CONTRACT.md § Region, docs/regio.md): which one is its own, whether it serves a
region, and how a code or an object becomes a Gemeente. One place for every app, so each asks the same question.

A single-gemeente installation has exactly one (active) gemeente, its own: then no form or page shows a gemeente.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError

CBS_PATROON = re.compile(r"GM\d{4}")


def eigen_naam():
    """The own gemeente's name from BZT_GEMEENTE ("Gemeente Deventer" → "Deventer")."""
    naam = settings.BZT_GEMEENTE.strip()
    return naam.removeprefix("Gemeente ").strip() or naam


def ensure_eigen_gemeente(sender=None, using="default", **kwargs):
    """Create the own gemeente when it is missing (migration bzt.0009, and after every migrate: a test flush
    removes it). bulk_create: like the system account it is there before anybody acts."""
    from .models import Gemeente

    code = settings.BZT_GEMEENTE_CODE
    if not Gemeente.objects.using(using).filter(code=code).exists():
        Gemeente.objects.using(using).bulk_create(
            [
                Gemeente(
                    code=code, naam=eigen_naam(), wijken=list(settings.BZT_WIJKEN), documentnaam=settings.BZT_GEMEENTE
                )
            ]
        )


def eigen_gemeente():
    from .models import Gemeente

    return Gemeente.objects.filter(code=settings.BZT_GEMEENTE_CODE).first()


def actieve_gemeenten():
    from .models import Gemeente

    return Gemeente.objects.filter(actief=True).order_by("naam")


def is_regio() -> bool:
    """Whether the installation serves more than one gemeente: only then does the UI show the gemeente."""
    return actieve_gemeenten().count() > 1


def gemeente_van(waarde, *, veld="gemeente"):
    """A Gemeente from a Gemeente, a CBS code ("GM0301") or None (the own gemeente). An unknown or inactive code
    is a ValidationError naming `veld` in Dutch (import, intake, partner API)."""
    from .models import Gemeente

    if waarde is None or waarde == "":
        return eigen_gemeente()
    if isinstance(waarde, Gemeente):
        return waarde
    code = str(waarde).strip().upper()
    if not CBS_PATROON.fullmatch(code):
        raise ValidationError(
            {veld: f"‘{waarde}’ is geen CBS-gemeentecode: gebruik ‘GM’ gevolgd door vier cijfers, bijvoorbeeld GM0150."}
        )
    gemeente = Gemeente.objects.filter(code=code, actief=True).first()
    if gemeente is None:
        raise ValidationError({veld: f"Gemeente {code} is onbekend: deze installatie bedient die gemeente niet."})
    return gemeente


def gemeente_van_wijk(wijk):
    """The gemeente whose wijken list holds `wijk`, when exactly one does; else None."""
    if not wijk:
        return None
    gevonden = [g for g in actieve_gemeenten() if wijk.casefold() in {w.casefold() for w in g.wijken}]
    return gevonden[0] if len(gevonden) == 1 else None
