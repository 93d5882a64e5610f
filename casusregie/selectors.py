"""Every read of casusregie data, filtered by what the user may see.

A casus is visible to the procesmanager (zien_alle_casussen) and to whoever holds `view_casus` on it in
the direct foreign-key permission table: one join, never guardian's global-permission shortcut.
Coördinerend ambtenaar and wethouder see no casus: only escalations at their level (escalaties_for).
"""

from django.db.models import Exists, OuterRef, Prefetch, Q

from bzt.access import access_object
from meldpunt.models import Betrokkene

from .models import Casus, CasusBetrokkene, CasusUserObjectPermission, Escalatie, Plan, PlanActie


def _holds(user, codename):
    return Exists(
        CasusUserObjectPermission.objects.filter(
            content_object=OuterRef("pk"), user=user, permission__codename=codename
        )
    )


def casussen_for(user):
    if not user.is_authenticated:
        return Casus.objects.none()
    if user.has_perm("casusregie.zien_alle_casussen"):
        return Casus.objects.all()
    return Casus.objects.filter(_holds(user, "view_casus"))


def mijn_casussen(user):
    """The casussen a casusregisseur directs or takes part in, open first."""
    return (
        casussen_for(user)
        .filter(
            Q(casusregisseur=user)
            | Q(betrokken_professionals__professional=user, betrokken_professionals__beeindigd_op__isnull=True)
        )
        .distinct()
        .select_related("organisatie", "casusregisseur", "melding")
        .prefetch_related(Prefetch("melding__betrokkenen", queryset=Betrokkene.objects.select_related("persoon")))
        .order_by("afgesloten_op", "-toegewezen_op", "-id")
    )


def dossier(user, pk):
    qs = (
        casussen_for(user)
        .select_related(
            "melding__triage", "casusregisseur__organisatie", "organisatie", "afsluitreden", "overgedragen_aan"
        )
        .prefetch_related(Prefetch("melding__betrokkenen", queryset=Betrokkene.objects.select_related("persoon")))
    )
    return access_object(qs, pk)


def may_change(user, casus):
    return casus.open and user.has_perm("casusregie.change_casus", casus)


def plannen(casus):
    return casus.plannen.select_related("opgesteld_door").prefetch_related(
        "doelen",
        Prefetch("acties", queryset=PlanActie.objects.select_related("eigenaar", "doel").prefetch_related("personen")),
    )


def plan_for(user, pk):
    """A plan, through the casus it belongs to (same 404 for missing and not visible)."""
    return access_object(Plan.objects.filter(casus__in=casussen_for(user)).select_related("casus__melding"), pk)


def betrokkenen(casus):
    return casus.betrokken_professionals.select_related("professional__organisatie", "toegevoegd_door").order_by(
        "beeindigd_op", "toegevoegd_op"
    )


def actieve_betrokkene(casus, pk):
    return access_object(CasusBetrokkene.objects.filter(casus=casus, beeindigd_op__isnull=True), pk)


# --- escalations --------------------------------------------------------------------------------------------


def escalaties_for(user):
    """Escalations the user may open: those at a level they handle (coördinerend ambtenaar, wethouder),
    those of casussen they may see, and all of them for the procesmanager."""
    if not user.is_authenticated:
        return Escalatie.objects.none()
    if user.has_perm("casusregie.zien_alle_casussen"):
        return Escalatie.objects.all()
    handled = Q(niveau__behandelaars__user=user) if user.has_perm("casusregie.behandelen_escalatie") else Q(pk__in=[])
    return Escalatie.objects.filter(handled | Q(casus__in=casussen_for(user))).distinct()


def escalatie_detail(user, pk):
    return access_object(
        escalaties_for(user)
        .select_related(
            "casus__casusregisseur__organisatie",
            "casus__organisatie",
            "casus__melding__triage",
            "niveau",
            "gestart_door",
        )
        .prefetch_related("stappen__door", "stappen__niveau"),
        pk,
    )


def escalaties_op_mijn_niveau(user):
    """Open escalations waiting at a level the user handles (home page of coördinator and wethouder)."""
    if not user.has_perm("casusregie.behandelen_escalatie"):
        return Escalatie.objects.none()
    return (
        Escalatie.objects.filter(niveau__behandelaars__user=user)
        .exclude(status=Escalatie.Status.GEDEESCALEERD)
        .select_related("casus__organisatie", "niveau")
        .order_by("niveau_sinds", "id")
    )
