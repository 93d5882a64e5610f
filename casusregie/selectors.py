"""Every read of casusregie data, filtered by what the user may see.

A casus is visible to the procesmanager (zien_alle_casussen), to whoever holds `view_casus` on it in
the direct foreign-key permission table (one join, never guardian's global-permission shortcut) while the
reason for that grant holds (casusrecht_geldig), and, read
only, to a user with an active noodtoegang on it. Coördinerend ambtenaar and wethouder see no casus: only
escalations at their level (escalaties_for).
"""

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from bzt import instellingen
from bzt.access import access_object
from bzt.inzage import Grond
from bzt.sortering import Sortering
from meldpunt.codes import MelderType
from meldpunt.models import Betrokkene, Persoon
from meldpunt.selectors import meldingen_for

from . import permissions
from .models import (
    AFGERONDE_ACTIES,
    ANTWOORD_SOORTEN,
    Casus,
    CasusBetrokkene,
    CasusMelding,
    CasusUserObjectPermission,
    Escalatie,
    EscalatieStap,
    ExpertVraag,
    Nazorg,
    Noodtoegang,
    Plan,
    PlanActie,
    PlanDoel,
    Signaal,
)
from .workflow import behandeld_door


@cache
def permission_id(perm):
    """The id of a permission ("app_label.codename"), looked up once per process (cleared on post_migrate,
    see apps.py). Filtering the permission rows on this constant instead of joining auth_permission by
    codename lets PostgreSQL use its statistics for the (user, permission) pair."""
    app_label, codename = perm.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename).pk


@cache
def _holds_on_sql():
    table = CasusUserObjectPermission._meta
    column = {f.name: f.column for f in table.concrete_fields}
    return (
        f"SELECT 1 FROM {table.db_table} WHERE {column['user']} = %s AND {column['permission']} = %s "  # noqa: S608
        f"AND {column['content_object']} = %s LIMIT 1"
    )


def holds_on(user, perm, casus):
    """Whether the user holds `perm` on this casus in the direct foreign-key permission table (one query).
    Group object permissions are never granted on casussen. Every audited write checks this first: a plain
    statement on the unique (user, permission, casus) index is much cheaper than the same `.exists()` built
    by the ORM (bench/README.md, workload 9). The grant counts only while its reason holds
    (casusrecht_geldig: no further query for the casusregisseur)."""
    if not user.is_active:
        return False
    gevonden = getattr(casus, "_bij_vergrendeling", {}).pop(_grant_naam(user, perm), None)
    if gevonden is None:
        with connection.cursor() as cursor:
            cursor.execute(_holds_on_sql(), [user.pk, permission_id(perm), casus.pk])
            gevonden = cursor.fetchone() is not None
    return gevonden and casusrecht_geldig(user, casus)


def grants_bij_vergrendeling(user, perms):
    """The grant rows holds_on reads, as annotations for the casus row lock (bzt.workflow.lock_row): a service
    that locks the casus and then checks the right gets the answer from the lock's statement. Each answer is
    used once (holds_on pops it), so a later check on the same object asks the database again."""
    sql = _grant_bij_vergrendeling_sql()
    return {_grant_naam(user, perm): (sql, [user.pk, permission_id(perm)]) for perm in perms}


@cache
def _grant_bij_vergrendeling_sql():
    """holds_on's statement as a condition on the locked casus row (plain SQL: the ORM's Exists and the ORM's
    lock query cost more Python than the round trip they save)."""
    table = CasusUserObjectPermission._meta
    column = {f.name: f.column for f in table.concrete_fields}
    return (
        f"EXISTS (SELECT 1 FROM {table.db_table} WHERE {column['user']} = %s AND {column['permission']} = %s "  # noqa: S608
        f"AND {column['content_object']} = {Casus._meta.db_table}.id)"
    )


def _grant_naam(user, perm):
    return f"_grant_{user.pk}_{permission_id(perm)}"


def _holds(user, perm):
    return Exists(
        CasusUserObjectPermission.objects.filter(
            content_object=OuterRef("pk"), user=user, permission_id=permission_id(perm)
        )
    )


# --- a per-casus grant counts only while its reason holds --------------------------------------------------
#
# A grant is given for a reason: the user directs the casus (while it is open, and read-only until
# leesrecht_regisseur_tot after closing), is a betrokken professional (until the betrokkenheid is ended or
# its einddatum has passed), or is a member of an expert team with an open question about the open casus
# (read only, until the question is answered). Every access check compares those dates and states at request
# time; the nightly verlopen_toegang_intrekken only removes the rows that no longer count. One rule in two
# forms: for one casus in memory (casusrecht_geldig) and as a query condition (_reden_geldig).


def casusrecht_geldig(user, casus, today=None):
    """Whether the reason for `user`'s grant on `casus` holds now (no query for the casusregisseur)."""
    today = today or timezone.localdate()
    if casus.casusregisseur_id == user.pk and (
        casus.open or (casus.leesrecht_regisseur_tot is not None and casus.leesrecht_regisseur_tot >= today)
    ):
        return True
    return _geldige_betrokkenheden(user, today).filter(casus=casus).exists() or permissions.expertvraag_open(
        user, casus
    )


def _geldige_betrokkenheden(user, today):
    return CasusBetrokkene.objects.filter(professional=user, beeindigd_op__isnull=True).filter(
        Q(einddatum__isnull=True) | Q(einddatum__gte=today)
    )


def _reden_geldig(user, today=None):
    """casusrecht_geldig as a condition on a Casus queryset."""
    today = today or timezone.localdate()
    regisseur = Q(casusregisseur=user) & (~Q(status=Casus.Status.AFGESLOTEN) | Q(leesrecht_regisseur_tot__gte=today))
    betrokken = Exists(_geldige_betrokkenheden(user, today).filter(casus=OuterRef("pk")))
    expert = Exists(permissions.open_expertvragen(user).filter(casus=OuterRef("pk")))
    return regisseur | betrokken | expert


def geldige_rechten(user, perm="casusregie.view_casus"):
    """The user's permission rows for `perm` whose reason still holds. The reason is an EXISTS over the grant's
    casus rather than a join to it: PostgreSQL then checks it per grant (a primary-key read, and an index probe
    for the betrokkenheid), so a query that needs a few hundred grants stops after those, where the join read
    all 200,000 casussen or all 70,000 betrokkenheden of a busy user into a hash first (bench/README.md, issue 20)."""
    return _geldige_rechten(user, permission_id(perm))


def _geldige_rechten(user, perm_id, today=None):
    reden = Casus.objects.filter(pk=OuterRef("content_object_id")).filter(_reden_geldig(user, today))
    return CasusUserObjectPermission.objects.filter(user=user, permission_id=perm_id).filter(Exists(reden))


# Stand-ins for the user, the permission and the date while _geldige_ids_sql builds its statement once.
_IEMAND, _RECHT, _OOIT = -987_654_321, -987_654_322, date(1901, 1, 1)


def geldige_casus_ids(user, limit, perm="casusregie.view_casus"):
    """The casus ids of geldige_rechten(user, perm), at most `limit`, in grant order (the index's). The ORM
    takes longer to build this statement (three nested EXISTS) than PostgreSQL to run it, so it is built once per
    process with stand-ins and run with the values, as holds_on's."""
    sql, params = _geldige_ids_sql(limit)
    today = timezone.localdate()
    waarden = [(_IEMAND, user.pk), (_RECHT, permission_id(perm)), (_OOIT, today), (str(_OOIT), str(today))]
    params = [next((nu for stand_in, nu in waarden if p == stand_in), p) for p in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


@cache
def _geldige_ids_sql(limit):
    iemand = get_user_model()(pk=_IEMAND)
    rechten = _geldige_rechten(iemand, _RECHT, _OOIT).order_by("content_object_id")
    sql, params = rechten.values_list("content_object_id", flat=True)[:limit].query.sql_with_params()
    gevonden = {stand_in for stand_in in (_IEMAND, _RECHT, _OOIT, str(_OOIT)) if stand_in in params}
    if not ({_IEMAND, _RECHT} <= gevonden and gevonden & {_OOIT, str(_OOIT)}):
        raise RuntimeError("geldige_casus_ids: a stand-in is missing from the statement's parameters")
    return sql, params


def casussen_for(user):
    if not user.is_authenticated:
        return Casus.objects.none()
    if user.has_perm("casusregie.zien_alle_casussen"):
        return Casus.objects.all()
    return Casus.objects.filter(
        (_holds(user, "casusregie.view_casus") & _reden_geldig(user))
        | Exists(actieve_noodtoegangen(user, OuterRef("pk")))
    )


def actieve_noodtoegangen(user, casus=None):
    """The user's emergency accesses that have not expired (of one casus, when given)."""
    qs = Noodtoegang.objects.filter(gebruiker=user, verloopt_op__gt=timezone.now())
    return qs if casus is None else qs.filter(casus=casus)


# --- why a user may see a casus (for the access log) ------------------------------------------------------


def toegangsgrond(user, casus):
    """Why `user` may open `casus` (called after access was granted): regisseur, betrokkene, noodtoegang,
    procesmanager, or casusrecht (a per-casus grant not tied to a role)."""
    today = timezone.localdate()
    if casus.casusregisseur_id == user.pk and (
        casus.open or (casus.leesrecht_regisseur_tot is not None and casus.leesrecht_regisseur_tot >= today)
    ):
        return Grond.REGISSEUR
    if _geldige_betrokkenheden(user, today).filter(casus=casus).exists():
        return Grond.BETROKKENE
    if actieve_noodtoegangen(user, casus).exists():
        return Grond.NOODTOEGANG
    if user.has_perm("casusregie.zien_alle_casussen"):
        return Grond.PROCESMANAGER
    return Grond.CASUSRECHT


def escalatie_grond(user, escalatie):
    """Why `user` may open an escalation: through the level they handle (coördinator, wethouder), or
    through the casus (regisseur, betrokkene, procesmanager)."""
    if (
        not user.has_perm("casusregie.zien_alle_casussen")
        and not casussen_for(user).filter(pk=escalatie.casus_id).exists()
    ):
        return Grond.ESCALATIENIVEAU
    return toegangsgrond(user, escalatie.casus)


def huishouden_ids(casus):
    """Person ids of the household of a casus: its melding's and those of the meldingen added to it (from the
    prefetched rows when there are any)."""
    melding = casus.melding
    cache = getattr(melding, "_prefetched_objects_cache", {})
    if "betrokkenen" in cache:
        ids = [b.persoon_id for b in melding.betrokkenen.all()]
    else:
        ids = list(Betrokkene.objects.filter(melding_id=casus.melding_id).values_list("persoon_id", flat=True))
    # and the persons of the meldingen added to the casus (CasusMelding): the dossier shows them too
    if "toegevoegde_meldingen" in getattr(casus, "_prefetched_objects_cache", {}):
        ids += [b.persoon_id for t in casus.toegevoegde_meldingen.all() for b in t.melding.betrokkenen.all()]
    else:
        ids += Betrokkene.objects.filter(melding__bij_casus__casus=casus).values_list("persoon_id", flat=True)
    return list(dict.fromkeys(ids))


# --- noodtoegang ----------------------------------------------------------------------------------------------


def noodtoegang_casussen(user):
    """Casussen a user may ask emergency access to: those of meldingen they can open (meldpunt), and every
    casus for the procesmanager."""
    if not user.is_authenticated:
        return Casus.objects.none()
    if user.has_perm("casusregie.zien_alle_casussen"):
        return Casus.objects.all()
    if user.has_perm("meldpunt.view_melding"):
        return Casus.objects.filter(melding__in=meldingen_for(user))
    return Casus.objects.none()


def noodtoegang_voor_melding(user, melding):
    """For the melding page: the casus of an assigned melding the user may not open by right, and the
    user's active emergency access to it, if any. None when there is nothing to offer."""
    casus = Casus.objects.filter(melding=melding).first()
    if casus is None or not noodtoegang_casussen(user).filter(pk=casus.pk).exists():
        return None
    actief = actieve_noodtoegangen(user, casus).order_by("-verloopt_op").first()
    heeft_recht = user.has_perm("casusregie.zien_alle_casussen") or user.has_perm("casusregie.view_casus", casus)
    if heeft_recht and actief is None:
        return None
    return {"casus": casus, "actief": actief}


def noodtoegang_op_meldingpagina(user, melding):
    """The melding page's context (meldpunt.hooks.TOEGEWEZEN_MELDING_PAGINA)."""
    return {"noodtoegang": noodtoegang_voor_melding(user, melding)}


def noodtoegang_ter_beoordeling():
    """Emergency accesses not yet reviewed, oldest first (the procesmanager's dashboard)."""
    return (
        Noodtoegang.objects.filter(beoordeeld_op__isnull=True)
        .select_related("gebruiker__organisatie", "casus")
        .order_by("geopend_op", "id")
    )


def noodtoegangen_overzicht():
    """Every emergency access, newest first, for the access-log readers (privacy officer, procesmanager): who,
    organisation, casus number, when, until when, the reason and the review; nothing of the client."""
    return Noodtoegang.objects.select_related("gebruiker__organisatie", "beoordeeld_door", "casus").order_by(
        "-geopend_op", "-id"
    )


def met_regisseursrol():
    """Ids of the users whose role (a group, bzt/roles.py) makes them casusregisseur: casus work."""
    return permissions.met_casuswerkrol()


def casusregisseurs():
    """Active users with the casusregisseur role: the only ones who may hold a per-casus grant."""
    return permissions.casuswerkers().select_related("organisatie")


# --- caseload: the one definition (the toewijzen check, the MDO kandidaten, the dashboard) -------------------


def open_casussen(casussen=None):
    """The casussen that count towards a caseload: those not closed (of `casussen`, default all)."""
    casussen = Casus.objects.all() if casussen is None else casussen
    return casussen.exclude(status=Casus.Status.AFGESLOTEN)


def caseload(regisseur) -> int:
    """The caseload of a casusregisseur: the open casussen they direct."""
    return open_casussen().filter(casusregisseur=regisseur).count()


def caseload_vol(aantal: int) -> bool:
    """Whether a caseload has reached the maximum (BZT_MAX_CASELOAD): one more casus needs a reason."""
    return aantal >= instellingen.waarde("BZT_MAX_CASELOAD")


def caseload_vol_filter(annotatie: str) -> Q:
    """caseload_vol as a filter on an annotation holding the caseload (open_casussen_per_regisseur)."""
    return Q(**{f"{annotatie}__gte": instellingen.waarde("BZT_MAX_CASELOAD")})


def open_casussen_per_regisseur(casussen=None):
    """caseload as an annotation for users (of `casussen`, default all). A correlated COUNT(*) that the
    partial index casus_open_per_regisseur answers alone (COUNT(id) would read every casus row)."""
    aantal = (
        open_casussen(casussen)
        .filter(casusregisseur=OuterRef("pk"))
        .order_by()
        .values("casusregisseur")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(aantal, output_field=IntegerField()), Value(0))


def caseload_per_regisseur_sql():
    """(sql, params): caseload as one GROUP BY, rows (casusregisseur, n), for a raw query."""
    rows = open_casussen().order_by().values("casusregisseur").annotate(n=Count("*")).values("casusregisseur", "n")
    return rows.query.sql_with_params()


TELLEN_TOT = 500  # mijn casussen: the count is exact up to here, "meer dan 500" beyond (as the name search)


def mijn_casussen(user):
    """The casussen a casusregisseur directs or takes part in, open first, and how many there are; an
    aantal above TELLEN_TOT means "more than that" (as zoek_personen_begrensd).

    The services grant view_casus exactly to the casusregisseur (until the read term after closing) and to
    the active betrokkenen, and revoke it when that ends; a grant counts only while its reason holds
    (geldige_rechten). One query reads the ids of at most TELLEN_TOT + 1 valid grants: checking the reason of
    every grant of a user with 70,000 of them cost 100 ms (bench/README.md, issue 20). A short list is then the
    page query's `pk IN (ids)` (a few hundred primary-key reads, never a walk along the list order past
    other users' casussen); a long one stays an EXISTS over the grants walked along casus_lijst_volgorde,
    which meets 25 of them within a few hundred rows.
    A casus seen through noodtoegang is not "mine", except where the user is also its regisseur or an active
    betrokkene without holding view_casus (a closed casus past its read term): `_via_noodtoegang`."""
    ids = geldige_casus_ids(user, TELLEN_TOT + 1)
    extra = _via_noodtoegang(user)
    if len(ids) > TELLEN_TOT:
        mijn = Exists(geldige_rechten(user).filter(content_object=OuterRef("pk")))
        casussen = Casus.objects.filter(mijn | Q(pk__in=extra) if extra else mijn)
    else:
        casussen = Casus.objects.filter(pk__in=ids + extra)
    casussen = (
        casussen.select_related("organisatie", "casusregisseur", "melding")
        .prefetch_related(Prefetch("melding__betrokkenen", queryset=Betrokkene.objects.select_related("persoon")))
        .order_by(F("afgesloten_op").asc(nulls_first=True), "-toegewezen_op", "-id")  # casus_lijst_volgorde
    )
    return casussen, len(ids) + len(extra)


def tellen_begrensd(casussen):
    """How many of `casussen` there are, counted up to TELLEN_TOT + 1 (an aantal above TELLEN_TOT: "more")."""
    return casussen.order_by()[: TELLEN_TOT + 1].count()


def _via_noodtoegang(user):
    """Ids of casussen the user directs or takes part in and sees only through an active noodtoegang (not
    among geldige_rechten). Nearly always there is no active noodtoegang: then this is one small query."""
    casus_ids = list(actieve_noodtoegangen(user).values_list("casus_id", flat=True))
    if not casus_ids:
        return []
    betrokken = CasusBetrokkene.objects.filter(casus=OuterRef("pk"), professional=user, beeindigd_op__isnull=True)
    return list(
        Casus.objects.filter(Q(casusregisseur=user) | Exists(betrokken), pk__in=casus_ids)
        .exclude(pk__in=geldige_rechten(user).values("content_object_id"))
        .values_list("pk", flat=True)
    )


# --- the list of casussen: sort, filter, search ----------------------------------------------------------------

CASUS_SORTERING = Sortering(
    kolommen={
        "nummer": ("id",),  # the number is the year of assignment and the id: in id order
        "status": ("status",),
        "regisseur": ("casusregisseur__last_name", "casusregisseur__first_name"),
        "toegewezen": ("toegewezen_op",),
    },
    standaard="",  # casus_lijst_volgorde: open first, newest first
)

CASUS_FILTERS = {
    "": "Alle",
    "open": "Open",
    Casus.Status.OPGESCHAALD: "Opgeschaald",
    Casus.Status.PLAN_IN_OPSTELLING: "Plan in opstelling",
    Casus.Status.IN_UITVOERING: "In uitvoering",
    Casus.Status.AFGESLOTEN: "Afgesloten",
}

CASUS_NUMMER_RE = re.compile(r"^C?\d{4}-0*(\d+)$", re.IGNORECASE)


def casussen_filteren(casussen, *, status="", q=""):
    """Narrow a list of casussen the user may see (mijn_casussen, alle_casussen: never anything wider) by
    state (a key of CASUS_FILTERS) and by a search on the casus number or the name of someone in the household.
    Unknown filter values are ignored."""
    if status == "open":
        casussen = casussen.exclude(status=Casus.Status.AFGESLOTEN)
    elif status in CASUS_FILTERS and status:
        casussen = casussen.filter(status=status)
    q = (q or "").strip()
    if q:
        nummer = CASUS_NUMMER_RE.match(q)
        if nummer:
            return casussen.filter(pk=int(nummer.group(1)))
        for term in q.split():
            in_huishouden = Betrokkene.objects.filter(melding=OuterRef("melding_id")).filter(
                Q(persoon__voornaam__icontains=term) | Q(persoon__achternaam__icontains=term)
            )
            casussen = casussen.filter(Exists(in_huishouden))
    return casussen


ACTIE_SORTERING = Sortering(
    kolommen={
        "deadline": ("deadline",),
        "casus": ("plan__casus_id",),
        "uitvoerder": ("eigenaar__naam", "uitvoerder_naam"),
        "status": ("status",),
    },
    standaard="deadline",
)


def mijn_open_acties(user):
    """The open plan actions (open or loopt, of the plan in force or else the draft) in the user's own open
    casussen (mijn_casussen: directed or taken part in) that are theirs to watch: every action of a casus they
    direct, and in the others the actions of their own organisation.

    Issue 20: the two kinds are selected apart and united, so PostgreSQL drives each from its smaller side (the
    user's permission rows, or the organisation's open actions) instead of listing every casus of mijn_casussen
    first (70k for the broad user at 1M)."""
    # the grant on the action's casus, and its reason (geldige_rechten)
    rechten = CasusUserObjectPermission.objects.filter(user=user, permission_id=permission_id("casusregie.view_casus"))
    mijn = Exists(geldige_rechten(user).filter(content_object=OuterRef("plan__casus_id")))
    # the grant alone, probed per action of the organisation with the casus of its plan read by primary key: a
    # join with the plan table was planned as a hash over all its rows (239k at 1M, the broad user's page 216 ms)
    casus_van_plan = Subquery(Plan.objects.filter(pk=OuterRef("plan_id")).order_by().values("casus_id")[:1])
    met_recht = Exists(rechten.filter(content_object_id=OuterRef("casus_van_plan")))
    extra = _via_noodtoegang(user)
    if extra:
        mijn |= Q(plan__casus_id__in=extra)
        met_recht |= Q(casus_van_plan__in=extra)
    open_acties = PlanActie.objects.filter(status__in=[PlanActie.Status.OPEN, PlanActie.Status.LOOPT]).order_by()
    acties = open_acties.filter(plan__casus__casusregisseur=user).values("pk")
    if user.organisatie_id:
        van_organisatie = open_acties.filter(eigenaar_id=user.organisatie_id).annotate(casus_van_plan=casus_van_plan)
        acties = acties.union(van_organisatie.filter(met_recht).values("pk"))
    # the plan in force; before one is vastgesteld, the draft (also while it waits for the MDO)
    vastgesteld = Plan.objects.filter(casus=OuterRef("plan__casus"), status=Plan.Status.VASTGESTELD)
    geldend = Q(plan__status=Plan.Status.VASTGESTELD) | (
        Q(plan__status__in=[Plan.Status.CONCEPT, Plan.Status.INGEDIEND]) & ~Exists(vastgesteld)
    )
    return (
        PlanActie.objects.filter(geldend, mijn, pk__in=acties)
        .exclude(plan__casus__status=Casus.Status.AFGESLOTEN)
        .select_related("plan__casus", "eigenaar", "doel")
    )


def alle_casussen(user):
    return (
        casussen_for(user)
        .select_related("organisatie", "casusregisseur", "melding")
        .prefetch_related(Prefetch("melding__betrokkenen", queryset=Betrokkene.objects.select_related("persoon")))
        .order_by(F("afgesloten_op").asc(nulls_first=True), "-toegewezen_op", "-id")  # casus_lijst_volgorde
    )


def dossier(user, pk):
    qs = (
        casussen_for(user)
        .select_related(
            "melding__triage", "casusregisseur__organisatie", "organisatie", "afsluitreden", "overgedragen_aan"
        )
        .prefetch_related(
            Prefetch("melding__betrokkenen", queryset=Betrokkene.objects.select_related("persoon")),
            Prefetch("toegevoegde_meldingen", queryset=_toegevoegd_qs()),
        )
    )
    return access_object(qs, pk)


def plannen(casus):
    return casus.plannen.select_related("opgesteld_door").prefetch_related(
        "doelen",
        Prefetch("acties", queryset=PlanActie.objects.select_related("eigenaar", "doel").prefetch_related("personen")),
    )


def plan_for(user, pk):
    """A plan, through the casus it belongs to (same 404 for missing and not visible)."""
    return access_object(Plan.objects.filter(casus__in=casussen_for(user)).select_related("casus__melding"), pk)


def actie_for(user, pk):
    return access_object(PlanActie.objects.filter(plan__casus__in=casussen_for(user)).select_related("plan__casus"), pk)


def doel_for(user, pk):
    return access_object(PlanDoel.objects.filter(plan__casus__in=casussen_for(user)).select_related("plan__casus"), pk)


def plan_wijzigingen(plan):
    """Who changed what in this plan version: the history of the plan, its goals and its actions."""
    rows = []
    for model, label in ((Plan, "plan"), (PlanDoel, "doel"), (PlanActie, "actie")):
        qs = model.history.filter(**({"id": plan.pk} if model is Plan else {"plan_id": plan.pk}))
        for h in qs.select_related("history_user"):
            wat = {"+": "toegevoegd", "~": "gewijzigd", "-": "verwijderd"}[h.history_type]
            onderwerp = "plan" if model is Plan else f"{label} “{h.omschrijving[:50]}”"
            rows.append((h.history_date, h.history_user, f"{onderwerp} {wat}"))
    return sorted(rows, key=lambda r: r[0], reverse=True)


def wachtlijst_for(user, pk):
    """A waiting list, through the casus it belongs to (same 404 for missing and not visible)."""
    from .models import Wachtlijst

    return access_object(
        Wachtlijst.objects.filter(casus__in=casussen_for(user)).select_related("casus", "organisatie"), pk
    )


def betrokkenen(casus):
    return casus.betrokken_professionals.select_related("professional__organisatie", "toegevoegd_door").order_by(
        "beeindigd_op", "toegevoegd_op"
    )


def actieve_betrokkene(casus, pk):
    return access_object(CasusBetrokkene.objects.filter(casus=casus, beeindigd_op__isnull=True), pk)


# --- escalations --------------------------------------------------------------------------------------------


def signalen_for(user):
    """Stagnation signals of open casussen the user may see. A casus closed since the last computation keeps
    its rows until the next run: those are left out (a join on the casus, not an IN over every open casus)."""
    if not user.is_authenticated:
        return Signaal.objects.none()
    signalen = Signaal.objects.exclude(casus__status=Casus.Status.AFGESLOTEN)
    if user.has_perm("casusregie.zien_alle_casussen"):
        return signalen
    return signalen.filter(casus__in=casussen_for(user))


# A handler (coördinerend ambtenaar, wethouder, or any level of the ladder) sees an escalation only while it
# waits at their level: not after it went up a level, was de-escalated, or its casus was closed.
_ter_behandeling = ~Q(status=Escalatie.Status.GEDEESCALEERD) & ~Q(casus__status=Casus.Status.AFGESLOTEN)


def escalaties_for(user):
    """Escalations the user may open: those at a level they handle (coördinerend ambtenaar, wethouder),
    those of casussen they may see, and all of them for the procesmanager."""
    if not user.is_authenticated:
        return Escalatie.objects.none()
    if user.has_perm("casusregie.zien_alle_casussen"):
        return Escalatie.objects.all()
    handled = Q(pk__in=[])
    if user.has_perm("casusregie.behandelen_escalatie"):
        handled = behandeld_door(user) & _ter_behandeling
    # EXISTS per escalation, not `casus__in`: PostgreSQL would hash every casus the user may see (the whole table's
    # permission check, 0.5 s at 1M meldingen) to open one escalation (bench workload 15)
    zichtbaar = Exists(casussen_for(user).filter(pk=OuterRef("casus_id")))
    return Escalatie.objects.filter(handled | zichtbaar).distinct()


def escalatie_detail(user, pk):
    return access_object(
        escalaties_for(user)
        .select_related(
            "casus__casusregisseur__organisatie",
            "casus__organisatie",
            "casus__melding__triage",
            "niveau",
            "reden",
            "gestart_door",
        )
        .prefetch_related("stappen__door", "stappen__niveau"),
        pk,
    )


def escalatie_samenvatting(escalatie):
    """What an escalation needs and no more: no names, no plan details, no journaal."""
    casus = escalatie.casus
    leden = list(casus.melding.betrokkenen.values_list("rol", "persoon__wijk"))
    triage = getattr(casus.melding, "triage", None)
    return {
        "huishouden": {
            rol: sum(1 for r, _ in leden if r == rol) for rol in ("hoofdpersoon", "partner", "kind", "overig")
        },
        "wijk": next((w for r, w in leden if r == "hoofdpersoon"), ""),
        "leefgebieden": [label for code, label, ja, _ in triage.leefgebieden() if ja] if triage else [],
        "ggsr": bool(triage and triage.ggsr),
        "toegewezen_op": casus.toegewezen_op,
        "plan_vastgesteld_op": casus.plan_vastgesteld_op,
    }


def escalaties_op_mijn_niveau(user):
    """Open escalations waiting at a level the user handles (home page of coördinator and wethouder)."""
    if not user.has_perm("casusregie.behandelen_escalatie"):
        return Escalatie.objects.none()
    return (
        Escalatie.objects.filter(_ter_behandeling, behandeld_door(user))
        .select_related("casus__organisatie", "niveau", "reden")
        .order_by("niveau_sinds", "id")
    )


# --- new meldingen about the household of a casus ---------------------------------------------------------------

NIEUWE_MELDING_DAGEN = 30  # the home page shows the new meldingen about a client's household of this many days


def _toegevoegd_qs():
    return CasusMelding.objects.select_related("melding", "toegevoegd_door").prefetch_related(
        Prefetch("melding__betrokkenen", queryset=Betrokkene.objects.select_related("persoon"))
    )


def toegevoegde_meldingen(casus):
    """The later meldingen added to this casus (CasusMelding), oldest first, with their persons (prefetched by
    `dossier`: one query for the list, the timeline and the home page's "gezien")."""
    if "toegevoegde_meldingen" in getattr(casus, "_prefetched_objects_cache", {}):
        return casus.toegevoegde_meldingen.all()
    return _toegevoegd_qs().filter(casus=casus)


def melder_omschrijving(melder_type, melder_organisatie):
    """Who reported, never who exactly nor what: the organisation of a professional, else the kind of melder."""
    if melder_type == MelderType.PROFESSIONAL and melder_organisatie:
        return melder_organisatie
    return {MelderType.BURGER: "een burger", MelderType.ANONIEM: "een anonieme melder"}.get(
        melder_type, "een professional"
    )


@dataclass(frozen=True)
class NieuweMelding:
    """A melding about a client's household received after the casus was assigned, not part of the casus: the
    "already known" signal for the casusregisseur (seed: "wie vraagt er nog meer naar mijn cliënt?")."""

    casus: Casus
    ontvangen_op: date
    van: str

    @property
    def tekst(self):
        return f"Nieuwe melding over uw cliënt(huishouden) van {self.van} op {self.ontvangen_op:%d-%m-%Y}"


def _leden_uit_dossier(casussen):
    """The household rows of one casus from what `dossier` prefetched (no query), else None."""
    if len(casussen) != 1:
        return None
    (casus,) = casussen.values()
    if "toegevoegde_meldingen" not in getattr(casus, "_prefetched_objects_cache", {}) or "betrokkenen" not in getattr(
        casus.melding, "_prefetched_objects_cache", {}
    ):
        return None
    meldingen = [casus.melding] + [t.melding for t in casus.toegevoegde_meldingen.all()]
    return [
        (casus.pk, None, melding.pk, b.persoon_id, b.persoon.persoon_groep)
        for melding in meldingen
        for b in melding.betrokkenen.all()
    ]


def _leden(casussen):
    """The household rows of these casussen: one list of melding ids, read by betrokkene's melding index (an OR
    of the casus's melding and the added ones across two tables is planned as a walk over all betrokkenen:
    1.7 s for a regisseur's home page at 1M)."""
    meldingen = [casus.melding_id for casus in casussen.values()]
    meldingen += CasusMelding.objects.filter(casus__in=casussen).values_list("melding_id", flat=True)
    return Betrokkene.objects.filter(melding_id__in=meldingen).values_list(
        "melding__casus", "melding__bij_casus__casus", "melding_id", "persoon_id", "persoon__persoon_groep"
    )


def nieuwe_meldingen_over_huishouden(casussen, *, sinds=None) -> list[NieuweMelding]:
    """For these casussen: the meldingen about a member of the household (also through a linked record; the
    household is the persons of the casus's melding and of the meldingen added to it) received on or after the
    day the casus was assigned (and `sinds`), that are not part of the casus. Newest first; three queries, whatever
    the number of casussen. Shows who reported and when, never the content."""
    casussen = {c.pk: c for c in casussen}
    if not casussen:
        return []
    # the household: every person of the casus's own melding and of the meldingen added to it, as persons
    # (meldpunt.personen: the id of a person is COALESCE(persoon_groep, id))
    leden = _leden_uit_dossier(casussen) or _leden(casussen)
    casussen_van_persoon, eigen = {}, set()
    for eigen_casus, toegevoegd_bij, melding_id, persoon, groep in leden:
        casus_id = eigen_casus or toegevoegd_bij
        if casus_id not in casussen:
            continue
        eigen.add(melding_id)
        casussen_van_persoon.setdefault(groep or persoon, set()).add(casus_id)
    if not casussen_van_persoon:
        return []
    vanaf = min(c.toegewezen_op for c in casussen.values())
    if sinds is not None:
        vanaf = max(vanaf, sinds)
    groepen = set(casussen_van_persoon)
    # a record is of person g when its persoon_groep is g, or it is record g itself (g is the smallest id of its set).
    # Both conditions on the person table (one bitmap OR of two index scans), not one of them on betrokkene: an OR
    # across two tables cannot use an index and walked every melding since the casus began (1.1 s for a casus
    # of 2016 at 1M).
    records = Persoon.objects.filter(Q(persoon_groep__in=groepen) | Q(pk__in=groepen)).values("pk")
    rijen = (
        Betrokkene.objects.filter(persoon_id__in=records)
        .filter(melding__ontvangen_op__gte=vanaf)
        .exclude(melding_id__in=eigen)
        .values_list(
            "persoon_id",
            "persoon__persoon_groep",
            "melding_id",
            "melding__ontvangen_op",
            "melding__melder_type",
            "melding__melder_organisatie",
        )
    )
    gezien, signalen = set(), []
    for persoon, groep, melding_id, ontvangen_op, melder_type, organisatie in rijen:
        for casus_id in casussen_van_persoon.get(groep or persoon, ()):
            casus = casussen[casus_id]
            if (casus_id, melding_id) in gezien or ontvangen_op < casus.toegewezen_op:
                continue
            gezien.add((casus_id, melding_id))
            signalen.append(NieuweMelding(casus, ontvangen_op, melder_omschrijving(melder_type, organisatie)))
    return sorted(signalen, key=lambda s: (s.ontvangen_op, s.casus.pk), reverse=True)


def regisseur_vandaag(user, today=None):
    """What a casusregisseur has to do: open casussen, actions due this week, plans to write, answers."""
    from datetime import timedelta

    from django.utils import timezone

    today = today or timezone.localdate()
    casussen = casussen_for(user).filter(casusregisseur=user).exclude(status=Casus.Status.AFGESLOTEN)
    return {
        "today": today,
        "casussen": casussen.select_related("melding").order_by("toegewezen_op")[:20],
        "aantal_casussen": casussen.count(),
        "acties": PlanActie.objects.filter(
            plan__casus__in=casussen,
            plan__status__in=[Plan.Status.VASTGESTELD, Plan.Status.CONCEPT],
            status__in=[PlanActie.Status.OPEN, PlanActie.Status.LOOPT],
            deadline__lte=today + timedelta(days=7),
        )
        .select_related("plan__casus", "eigenaar")
        .order_by("deadline")[:20],
        "plannen": Plan.objects.filter(casus__in=casussen, status=Plan.Status.CONCEPT).select_related("casus"),
        "antwoorden": ongelezen_antwoorden(user, casussen),
        # meldingen added to a casus, until the regisseur opens its dossier (services.toegevoegde_meldingen_gezien)
        "toegevoegd": CasusMelding.objects.filter(casus__in=casussen, gezien_op__isnull=True)
        .select_related("casus", "melding")
        .order_by("toegevoegd_op"),
        "nieuwe_meldingen": nieuwe_meldingen_over_huishouden(
            casussen, sinds=today - timedelta(days=NIEUWE_MELDING_DAGEN)
        )[:20],
    }


def ongelezen_antwoorden(user, casussen=None):
    """Answers on the escalations of the user's own open casussen that they have not read yet (opening the
    escalation or the dossier reads them: casusregie.services.antwoorden_gelezen), newest first."""
    if casussen is None:
        casussen = casussen_for(user).filter(casusregisseur=user).exclude(status=Casus.Status.AFGESLOTEN)
    return (
        EscalatieStap.objects.filter(
            escalatie__casus__in=casussen, escalatie__casus__casusregisseur=user, soort__in=ANTWOORD_SOORTEN
        )
        .exclude(gelezen__gebruiker=user)
        .select_related("escalatie__casus", "escalatie__reden", "niveau")
        .order_by("-datum", "-id")
    )


def escalaties_met_ongelezen_antwoord(user, casus):
    """Ids of the escalations of `casus` with an answer its casusregisseur `user` has not read (the dossier marks
    them "nieuw antwoord"); for anyone else nothing, without a query."""
    if casus.casusregisseur_id is None or user.pk != casus.casusregisseur_id:
        return set()
    return set(
        EscalatieStap.objects.filter(escalatie__casus=casus, soort__in=ANTWOORD_SOORTEN)
        .exclude(gelezen__gebruiker=user)
        .values_list("escalatie_id", flat=True)
    )


def escalatie_verloop(escalatie):
    """The escalation page's order: on top the question put to the level it waits at now (the step that brought
    it there) with what this level answered since, then every earlier step newest first. Each level thus reads its
    own question first, then the history (issue 14). Uses the prefetched steps of escalatie_detail."""
    stappen = sorted(escalatie.stappen.all(), key=lambda s: (s.datum, s.pk))
    index = next(
        (
            i
            for i in range(len(stappen) - 1, -1, -1)
            if stappen[i].soort == EscalatieStap.Soort.OPGESCHAALD and stappen[i].niveau_id == escalatie.niveau_id
        ),
        None,
    )
    if index is None:
        return {"vraag": None, "sindsdien": [], "eerder": stappen[::-1]}
    return {"vraag": stappen[index], "sindsdien": stappen[index + 1 :][::-1], "eerder": stappen[:index][::-1]}


# --- expert-team consultation ----------------------------------------------------------------------------------


def expertvragen(casus):
    """The questions to expert teams about a casus the user may see (its dossier), newest first."""
    return casus.expertvragen.select_related("team", "gesteld_door", "beantwoord_door").order_by("-gesteld_op", "-id")


def expertvraag_for(user, pk):
    """A question, through the casus it is about (same 404 for missing and not visible)."""
    return access_object(
        ExpertVraag.objects.filter(casus__in=casussen_for(user)).select_related("casus__melding", "team"), pk
    )


def open_vragen_aan_mijn_team(user):
    """The open questions to the active expert teams `user` is a member of: the casussen they may read now."""
    return (
        permissions.open_expertvragen(user)
        .select_related("casus", "team", "gesteld_door__organisatie")
        .order_by("gesteld_op", "id")
    )


# --- closing and nazorg ---------------------------------------------------------------------------------------


def afsluitvoorwaarden(casus, *, plannen=None, wachtlijsten=None, escalaties=None) -> list[str]:
    """What is not arranged yet before the casusregisseur may close `casus`, in Dutch, one line per condition
    ("we laten een casus pas los als alles geregeld is"); empty when everything is arranged. The organisation
    that takes over (AfsluitReden.vraagt_organisatie) depends on the reason chosen: the service checks it.
    Read after the casus is locked in casusregie.services.casus_afsluiten; the dossier shows it beforehand, from
    what it loaded already (`plannen` with their actions, `wachtlijsten`, `escalaties`: no further queries)."""
    if plannen is None:
        plannen = casus.plannen.filter(status=Plan.Status.VASTGESTELD).prefetch_related(
            Prefetch("acties", queryset=PlanActie.objects.select_related("eigenaar"))
        )
    if wachtlijsten is None:
        wachtlijsten = casus.wachtlijsten.filter(opgelost_op__isnull=True).select_related("organisatie")
    if escalaties is None:
        escalaties = casus.escalaties.filter(status__in=OPEN_ESCALATIE).select_related("niveau")
    ontbreekt = []
    plan = next((p for p in plannen if p.status == Plan.Status.VASTGESTELD), None)
    if plan is None:
        ontbreekt.append("Er is geen vastgesteld plan van aanpak: het MDO stelt eerst een plan vast.")
    else:
        for actie in plan.acties.all():
            if actie.status not in AFGERONDE_ACTIES:
                ontbreekt.append(
                    f"Actie ‘{actie.omschrijving[:80]}’ ({actie.eigenaar}) is nog {actie.get_status_display().lower()}"
                    ": zet haar op gereed of draag haar over aan een organisatie."
                )
    for wachtlijst in wachtlijsten:
        if wachtlijst.opgelost_op is None:
            ontbreekt.append(
                f"De wachtlijst bij {wachtlijst.organisatie} voor {wachtlijst.voorziening} is nog niet opgelost."
            )
    for escalatie in escalaties:
        if escalatie.status in OPEN_ESCALATIE:
            ontbreekt.append(f"Er loopt nog een open escalatie (niveau {escalatie.niveau}): de-escaleer eerst.")
    return ontbreekt


OPEN_ESCALATIE = (Escalatie.Status.OPEN, Escalatie.Status.BEANTWOORD)


def nazorg_voor(user, today=None):
    """The nazorg tasks due for `user` (from their date on): as the former casusregisseur, or as procesmanager
    for casussen without an active former regisseur (casusregie.workflow.is_nazorger). Casus number and
    household are shown only here, to the person the task is for."""
    today = today or timezone.localdate()
    due = Nazorg.objects.filter(status=Nazorg.Status.OPEN, op__lte=today)
    eigen = Q(regisseur=user) if permissions.mag_casusrecht_houden(user) else Q(pk__in=[])
    if user.has_perm("casusregie.zien_alle_casussen"):  # casussen without an active former casusregisseur
        eigen |= Q(regisseur__isnull=True) | ~Q(regisseur__in=permissions.casuswerkers())
    taken = (
        due.filter(eigen)
        .select_related("casus__melding")
        .prefetch_related(
            Prefetch("casus__melding__betrokkenen", queryset=Betrokkene.objects.select_related("persoon"))
        )
    )
    return list(taken[:50])


def nazorg_taak(user, pk):
    """One nazorg task, only for the person it is for (404 otherwise, like a casus one may not see)."""
    from django.http import Http404

    from .workflow import is_nazorger

    nazorg = Nazorg.objects.filter(pk=pk).select_related("casus", "regisseur").first()
    if nazorg is None or not is_nazorger(user, nazorg):
        raise Http404
    return nazorg


def opnieuw_te_melden(user):
    """Nazorg that ended in "opnieuw melden" and waits for the meldpunt to register the new melding."""
    if not user.has_perm("meldpunt.add_melding"):
        return Nazorg.objects.none()
    return (
        Nazorg.objects.filter(status=Nazorg.Status.UITGEVOERD, uitkomst=Nazorg.Uitkomst.OPNIEUW_MELDEN)
        .select_related("casus__melding", "uitgevoerd_door")
        .prefetch_related(
            Prefetch("casus__melding__betrokkenen", queryset=Betrokkene.objects.select_related("persoon"))
        )
        .order_by("uitgevoerd_op", "id")
    )
