"""Reads of the MDO, for its chair (the procesmanager)."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch, Q

from bzt.access import access_object
from bzt.models import User
from casusregie.models import Casus
from meldpunt.codes import Leefgebied
from meldpunt.models import Betrokkene

from .models import AgendaPunt, Overleg


def overleggen_for(user):
    if user.is_authenticated and user.has_perm("mdo.voorzitten_mdo"):
        return Overleg.objects.all()
    return Overleg.objects.none()


def overleg_detail(user, pk):
    betrokkenen = Prefetch("melding__betrokkenen", queryset=Betrokkene.objects.select_related("persoon"))
    punten = Prefetch(
        "agendapunten",
        queryset=AgendaPunt.objects.select_related(
            "melding__triage", "casus__casusregisseur", "casus__organisatie", "casus__melding", "plan", "besloten_door"
        )
        .prefetch_related(betrokkenen)
        .order_by("volgorde", "id"),
    )
    return access_object(
        overleggen_for(user).select_related("voorzitter").prefetch_related(punten, "aanwezigen__organisatie"), pk
    )


@dataclass
class Kandidaat:
    regisseur: User
    caseload: int
    maximum: int
    passend: list  # leefgebieden of the case the regisseur's organisation specialises in

    @property
    def vrij(self):
        return self.maximum - self.caseload

    @property
    def boven_maximum(self):
        return self.caseload >= self.maximum


def kandidaat_regisseurs(melding=None):
    """Every active casusregisseur with their caseload; best fit first (leefgebieden, then free capacity)."""
    triage = getattr(melding, "triage", None) if melding is not None else None
    scored = {code for code in Leefgebied.values if triage is not None and getattr(triage, code)}
    open_casussen = Count("regie_casussen", filter=~Q(regie_casussen__status=Casus.Status.AFGESLOTEN))
    regisseurs = (
        User.objects.filter(is_active=True, groups__permissions__codename="werken_als_regisseur")
        .select_related("organisatie")
        .annotate(caseload=open_casussen)
        .distinct()
    )
    maximum = settings.BZT_MAX_CASELOAD
    kandidaten = [
        Kandidaat(r, r.caseload, maximum, sorted(scored & set(r.organisatie.expertise if r.organisatie else [])))
        for r in regisseurs
    ]
    kandidaten.sort(key=lambda k: (-len(k.passend), k.boven_maximum, k.caseload, k.regisseur.username))
    return kandidaten
