"""Reads of the MDO, for its chair (the procesmanager)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Value, When
from django.utils import timezone

from bzt.access import access_object
from bzt.models import User
from casusregie.models import Casus, PlanActie
from casusregie.selectors import casussen_for
from meldpunt.codes import Leefgebied, Rol
from meldpunt.models import Betrokkene

from .models import AgendaPunt, Overleg


def overleggen_for(user):
    if user.is_authenticated and user.has_perm("mdo.voorzitten_mdo"):
        return Overleg.objects.all()
    return Overleg.objects.none()


def overleggen_lijst(user, today=None):
    """Upcoming meetings first (soonest first), then past ones (latest first), with their item counts."""
    today = today or timezone.localdate()
    return (
        overleggen_for(user)
        .select_related("voorzitter")
        .annotate(
            punten=Count("agendapunten", distinct=True),
            open_punten=Count("agendapunten", filter=Q(agendapunten__besluit=""), distinct=True),
            voorbij=Case(When(datum__gte=today, then=Value(0)), default=Value(1), output_field=IntegerField()),
            komend_op=Case(When(datum__gte=today, then=F("datum"))),
        )
        .order_by("voorbij", F("komend_op").asc(nulls_last=True), "-datum", "-id")
    )


def geplande_overleggen(user, behalve=None):
    """Planned meetings an item can be moved to."""
    qs = overleggen_for(user).filter(status=Overleg.Status.GEPLAND).order_by("datum", "id")
    return qs.exclude(pk=behalve.pk) if behalve is not None else qs


def _betrokkenen(prefix):
    return Prefetch(f"{prefix}__betrokkenen", queryset=Betrokkene.objects.select_related("persoon"))


def overleg_detail(user, pk):
    """The meeting with its agenda, in a fixed number of queries whatever the number of items."""
    punten = Prefetch(
        "agendapunten",
        queryset=AgendaPunt.objects.select_related(
            "melding__triage",
            "casus__casusregisseur",
            "casus__organisatie",
            "casus__melding__triage",
            "plan__opgesteld_door",
            "besloten_door",
        )
        .prefetch_related(
            _betrokkenen("melding"),
            _betrokkenen("casus__melding"),
            "plan__doelen",
            Prefetch("plan__acties", queryset=PlanActie.objects.select_related("eigenaar", "doel")),
        )
        .order_by("volgorde", "id"),
    )
    aanwezigen = Prefetch("aanwezigen", queryset=User.objects.select_related("organisatie"))
    return access_object(overleggen_for(user).select_related("voorzitter").prefetch_related(punten, aanwezigen), pk)


def agendapunt_detail(user, overleg_pk, pk):
    """One item of a meeting the user chairs (404 for missing and not allowed alike)."""
    qs = AgendaPunt.objects.filter(overleg__in=overleggen_for(user), overleg_id=overleg_pk).select_related(
        "overleg", "melding__triage", "casus", "plan__casus"
    )
    return access_object(qs, pk)


def hoofdpersoon(melding):
    """The hoofdpersoon of a melding, from its prefetched betrokkenen (no query)."""
    if melding is None:
        return None
    for betrokkene in melding.betrokkenen.all():
        if betrokkene.rol == Rol.HOOFDPERSOON:
            return betrokkene.persoon
    return None


def open_casussen(user):
    """Open casussen that can be put on the agenda for a casusbespreking."""
    return (
        casussen_for(user)
        .exclude(status=Casus.Status.AFGESLOTEN)
        .select_related("casusregisseur", "organisatie", "melding")
        .prefetch_related(_betrokkenen("melding"))
        .order_by("toegewezen_op", "id")
    )


def aanwezigen_keuze():
    """Active users who can attend, ordered by organisation (for the list of attendees)."""
    return (
        User.objects.filter(is_active=True, organisatie__isnull=False)
        .select_related("organisatie")
        .order_by("organisatie__naam", "last_name", "first_name", "username")
    )


@dataclass
class Kandidaat:
    regisseur: User
    caseload: int
    maximum: int
    passend: list  # leefgebieden of the case the regisseur's organisation specialises in
    passend_labels: list = field(default_factory=list)

    @property
    def vrij(self):
        return self.maximum - self.caseload

    @property
    def boven_maximum(self):
        return self.caseload >= self.maximum


def regisseurs_met_caseload():
    """Every active casusregisseur with the number of open casussen (one query)."""
    open_casussen = Count("regie_casussen", filter=~Q(regie_casussen__status=Casus.Status.AFGESLOTEN), distinct=True)
    return list(
        User.objects.filter(is_active=True, groups__permissions__codename="werken_als_regisseur")
        .select_related("organisatie")
        .annotate(caseload=open_casussen)
        .distinct()
    )


def kandidaat_regisseurs(melding=None, regisseurs=None):
    """Every active casusregisseur with their caseload; best fit first (leefgebieden, then free capacity).

    Pass `regisseurs` (from regisseurs_met_caseload) to rank for several meldingen with one query."""
    triage = getattr(melding, "triage", None) if melding is not None else None
    scored = {code for code in Leefgebied.values if triage is not None and getattr(triage, code)}
    regisseurs = regisseurs_met_caseload() if regisseurs is None else regisseurs
    maximum = settings.BZT_MAX_CASELOAD
    labels = dict(Leefgebied.choices)
    kandidaten = []
    for r in regisseurs:
        expertise = set(r.organisatie.expertise or []) if r.organisatie else set()
        passend = [code for code in Leefgebied.values if code in scored and code in expertise]
        kandidaten.append(Kandidaat(r, r.caseload, maximum, passend, [labels[c] for c in passend]))
    kandidaten.sort(key=lambda k: (-len(k.passend), k.boven_maximum, k.caseload, k.regisseur.username))
    return kandidaten
