"""Reads of the MDO, for its chair (the procesmanager)."""

import heapq
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from bzt import instellingen
from bzt.access import access_object
from bzt.forms import parse_int
from bzt.models import User
from casusregie import rechten as casus_rechten
from casusregie import search
from casusregie.models import Casus, CasusUserObjectPermission, PlanActie
from casusregie.selectors import (
    caseload_per_regisseur_sql,
    caseload_vol,
    casusregisseurs,
    casussen_for,
    geldige_rechten,
    met_regisseursrol,
    open_casussen_per_regisseur,
    permission_id,
)
from casusregie.timeline import Gebeurtenis, op_dag
from meldpunt.codes import Leefgebied
from meldpunt.models import Betrokkene, Persoon
from meldpunt.selectors import hoofdpersoon

from . import rechten
from .forms import ToewijzenForm, besluit_form_class, overleg_label, zoek_opties
from .models import AgendaPunt, Overleg


def besluiten_in_tijdlijn(casus, limit=None, voor=None):
    """The MDO's decisions on a casus and on its melding, and the regisseur's questions to the MDO (once: a
    postponed item is carried over with its question), for the casus timeline (casusregie.timeline.BRONNEN):
    the items of the newest `limit` meetings before `voor` (a question is asked before its meeting)."""
    melding = casus.melding
    events, gevraagd = [], set()
    # decided items, and the items a regisseur put on the agenda with a question (one query)
    punten = AgendaPunt.objects.filter(Q(casus=casus) | Q(melding=melding)).filter(
        ~Q(besluit="") | Q(aangemeld_op__isnull=False)
    )
    if voor is not None:
        punten = punten.filter(Q(aangemeld_op__lt=voor) | Q(overleg__datum__lte=voor.date()))
    punten = punten.select_related("overleg", "besloten_door", "aangemeld_door").distinct()
    punten = list(punten.order_by("-overleg__datum", "-id")[:limit] if limit is not None else punten)
    # when each besluit was recorded (its first history row with a besluit): the moment it happened that day
    besloten = dict(
        AgendaPunt.history.filter(id__in=[p.pk for p in punten if not p.open])
        .exclude(besluit="")
        .values("id")
        .annotate(op=Min("history_date"))
        .values_list("id", "op")
    )
    for punt in punten:
        if punt.aangemeld_op is not None and punt.aangemeld_op not in gevraagd:
            gevraagd.add(punt.aangemeld_op)
            events.append(
                Gebeurtenis(
                    punt.aangemeld_op,
                    "mdo",
                    f"Op de agenda van het MDO van {punt.overleg.datum:%d-%m-%Y} gezet met de vraag: {punt.vraag}",
                    punt.aangemeld_door,
                )
            )
        if punt.open:
            continue
        events.append(
            op_dag(
                punt.overleg.datum,
                besloten.get(punt.pk),
                soort="mdo",
                tekst=f"MDO {punt.overleg.datum:%d-%m-%Y}: {punt.get_besluit_display()}"
                + (f" — {punt.notulen}" if punt.notulen else ""),
                door=punt.besloten_door,
            )
        )
    return events


# --- the casusregisseur's own items: nothing else of the agenda -------------------------------------------------


def eigen_casussen(user):
    """The casussen the user holds the change right on now (their own: the casusregisseur, or a betrokkene who
    may change it): the only ones whose agenda items and besluiten they see, and may put on the agenda. A list,
    newest first: Mijn MDO-punten reads it once for its items and its form."""
    if not user.is_authenticated:
        return []
    rechten = geldige_rechten(user, "casusregie.change_casus")
    # The ids of the user's grants first (an index-only read): PostgreSQL guesses thousands of grants for a user
    # with many of another permission (it multiplies the user's and the permission's share) and then scans every
    # casus to check their reasons; with the ids it checks the few there are (issue 20).
    verleend = list(
        CasusUserObjectPermission.objects.filter(
            user=user, permission_id=permission_id("casusregie.change_casus")
        ).values_list("content_object_id", flat=True)
    )
    casussen = casussen_for(user).filter(pk__in=verleend).filter(pk__in=rechten.values("content_object_id"))
    return list(casussen.order_by("-toegewezen_op", "-id"))


def mijn_mdo_punten(user, eigen=None):
    """The agenda items (coming and decided) about the user's own casussen and their meldingen, newest MDO first.
    Only the item itself: not the rest of the agenda, not the attendees, not other households.
    `eigen`: eigen_casussen(user) when already read."""
    eigen = eigen_casussen(user) if eigen is None else eigen
    # The items by two IN lists on the item's own columns (one index each). An OR of a subquery on the casus and
    # one through the melding's casus read every item of every MDO (issue 20).
    if not eigen:
        return []
    per_casus = {c.pk: c for c in eigen}
    per_melding = {c.melding_id: c for c in eigen}
    punten = list(
        AgendaPunt.objects.filter(Q(casus_id__in=per_casus) | Q(melding_id__in=per_melding))
        .select_related("overleg", "besloten_door", "aangemeld_door")
        .order_by("-overleg__datum", "-overleg_id", "volgorde", "id")
    )
    for punt in punten:
        # a decided melding item has its casus too: the melding's own, or the open casus it was added to
        punt.eigen_casus = per_casus.get(punt.casus_id) or per_melding[punt.melding_id]
    return punten


def huishoudens_van(punten):
    """Person ids of the households the items of mijn_mdo_punten are about (for the access log)."""
    casus_ids = {p.eigen_casus.pk for p in punten}
    return list(Betrokkene.objects.filter(melding__casus__in=casus_ids).values_list("persoon_id", flat=True))


def te_agenderen_casussen(user, eigen=None):
    """The user's own open casussen they may put on an MDO agenda (casusregie.rechten "mdo_agenderen"), newest
    first. `eigen`: eigen_casussen(user) when already read."""
    eigen = eigen_casussen(user) if eigen is None else eigen
    # eigen_casussen already holds the right's grant with its reason (in SQL, the rule holds_on asks per casus),
    # so of mag() only the casus's state is left: asked in memory, not one grant query per casus (issue 20).
    recht = casus_rechten.RECHTEN["mdo_agenderen"]  # the change right (tests/mdo/test_agenderen.py pins it)
    return [c for c in eigen if c.status != Casus.Status.AFGESLOTEN and user.is_active and recht.is_open(c)]


def komende_overleggen():
    """The planned MDO's from today on, for the regisseur's choice (dates and places only)."""
    gepland = Overleg.objects.filter(status=Overleg.Status.GEPLAND, datum__gte=timezone.localdate())
    return gepland.order_by("datum", "id")


def overleggen_for(user):
    if user.is_authenticated and rechten.mag(user, "voorzitten"):
        return Overleg.objects.all()
    return Overleg.objects.none()


def _aantal_punten(**filters):
    """The number of items of the outer meeting, as a subquery per meeting: a COUNT(DISTINCT) over the join
    with every item grouped all meetings before the page was cut (issue 20); this counts the page's only."""
    punten = AgendaPunt.objects.filter(overleg=OuterRef("pk"), **filters).order_by().values("overleg")
    return Coalesce(Subquery(punten.annotate(n=Count("pk")).values("n")), 0)


def overleggen_lijst(user, today=None):
    """Upcoming meetings first (soonest first), then past ones (latest first), with their item counts."""
    today = today or timezone.localdate()
    return (
        overleggen_for(user)
        .select_related("voorzitter")
        .annotate(
            punten=_aantal_punten(),
            open_punten=_aantal_punten(besluit=""),
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


def overleg_kop(user, pk):
    """The meeting without its agenda, with the number of items (aantal_punten): one query."""
    return access_object(overleggen_for(user).annotate(aantal_punten=Count("agendapunten")), pk)


def overleg_detail(user, pk, *, punten=None):
    """The meeting with its agenda, in a fixed number of queries whatever the number of items; `punten`: a slice
    of the agenda (a page of a past MDO's agenda)."""
    agenda = (
        AgendaPunt.objects.select_related(
            "melding__triage",
            "casus__casusregisseur",
            "casus__organisatie",
            "casus__melding",
            "plan",
            "besloten_door",
            "aangemeld_door",
        )
        .prefetch_related(
            _betrokkenen("melding"),
            _betrokkenen("casus__melding"),
            "plan__doelen",
            Prefetch("plan__acties", queryset=PlanActie.objects.select_related("eigenaar", "doel")),
        )
        .order_by("volgorde", "id")
    )
    if punten is not None:  # the page's items by their place on the agenda (a sliced Prefetch cannot be filtered)
        agenda = agenda.filter(
            pk__in=AgendaPunt.objects.filter(overleg_id=pk).order_by("volgorde", "id").values("pk")[punten]
        )
    punten = Prefetch("agendapunten", queryset=agenda)
    aanwezigen = Prefetch("aanwezigen", queryset=User.objects.select_related("organisatie"))
    return access_object(overleggen_for(user).select_related("voorzitter").prefetch_related(punten, aanwezigen), pk)


def agendapunt_detail(user, overleg_pk, pk):
    """One item of a meeting the user chairs (404 for missing and not allowed alike)."""
    qs = AgendaPunt.objects.filter(overleg__in=overleggen_for(user), overleg_id=overleg_pk).select_related(
        "overleg", "melding__triage", "casus", "plan__casus"
    )
    return access_object(qs, pk)


def open_casussen(user):
    """Open casussen that can be put on the agenda for a casusbespreking."""
    return (
        casussen_for(user)
        .exclude(status=Casus.Status.AFGESLOTEN)
        .select_related("casusregisseur", "organisatie", "melding")
        .prefetch_related(_betrokkenen("melding"))
    )


def open_casussen_zoeken(user, q):
    """At most ten open casussen by number or hoofdpersoon's name; nothing for a non-chair."""
    if not rechten.mag(user, "voorzitten"):
        return []
    return search.casussen(open_casussen(user), q)


def open_casus(user, pk):
    """The open casus `pk` if the chair may put it on the agenda, else None (a form error, not a 404)."""
    if not rechten.mag(user, "voorzitten"):
        return None
    pk = parse_int(pk)
    return open_casussen(user).filter(pk=pk).first() if pk else None


def _kan_aanwezig_zijn():
    """Who may be recorded as present: any active user of an organisation."""
    return User.objects.filter(is_active=True, organisatie__isnull=False)


RECENTE_OVERLEGGEN = 3


def aanwezigen_keuze(overleg, extra=()):
    """The users listed to tick as present: the chair, users with an MDO role, the casusregisseurs of the
    casussen on this agenda, those present at the last few meetings, and `extra` (pks picked by search).
    A handful of people instead of every account; anyone else is found with the search field."""
    mdo_rollen = User.groups.through.objects.filter(group__permissions__content_type__app_label="mdo")
    recent = Overleg.objects.filter(status=Overleg.Status.AFGEROND).order_by("-datum", "-id")[:RECENTE_OVERLEGGEN]
    recent_aanwezig = Overleg.aanwezigen.through.objects.filter(overleg__in=recent.values("pk"))
    op_agenda = AgendaPunt.objects.filter(overleg=overleg, casus__casusregisseur__isnull=False)
    extra = [pk for pk in map(parse_int, extra) if pk]
    return (
        _kan_aanwezig_zijn()
        .filter(
            Q(pk=overleg.voorzitter_id)
            | Q(pk__in=mdo_rollen.values("user_id"))
            | Q(pk__in=op_agenda.values("casus__casusregisseur_id"))
            | Q(pk__in=recent_aanwezig.values("user_id"))
            | Q(pk__in=extra)
        )
        .select_related("organisatie")
        .order_by("organisatie__naam", "last_name", "first_name", "username")
    )


def aanwezigen_met_gezochten(user, overleg, q):
    """The choice of attendees on the closing form: the usual ones, plus those found by `q` (the chair only)."""
    gebruikers = list(aanwezigen_keuze(overleg))
    if q:
        getoond = {u.pk for u in gebruikers}
        gebruikers += [u for u in aanwezigen_zoeken(user, q) if u.pk not in getoond]
    return gebruikers


def aanwezigen_per_organisatie(overleg):
    """{organisation: [users]} of those present, from the prefetched attendees (the printed besluitenlijst)."""
    groepen = {}
    for u in sorted(overleg.aanwezigen.all(), key=lambda u: (str(u.organisatie or ""), str(u))):
        groepen.setdefault(str(u.organisatie or "Zonder organisatie"), []).append(u)
    return groepen


def aanwezigen_zoeken(user, q):
    """At most ten users who can be recorded as present; nothing for a non-chair."""
    if not rechten.mag(user, "voorzitten"):
        return []
    return search.gebruikers(_kan_aanwezig_zijn(), q)


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
        return caseload_vol(self.caseload)


KANDIDATEN_TONEN = 10  # ranked kandidaten listed per melding item; any other is found by search


def regisseurs_met_caseload(pks):
    """The active casusregisseurs of `pks` with their number of open casussen (one query)."""
    pks = [pk for pk in map(parse_int, pks) if pk]
    return list(casusregisseurs().filter(pk__in=pks).annotate(caseload=open_casussen_per_regisseur()))


def kandidaten_pool():
    """The casusregisseurs that can be among the best KANDIDATEN_TONEN of any melding, with their caseload.

    The rank (kandidaat_regisseurs) depends on the organisation (its expertise), then only on caseload and
    username, so the best of any melding are among the first KANDIDATEN_TONEN of each organisation in that
    order: about 10 per organisation instead of every regisseur. The open casussen are counted with one
    GROUP BY over casus_open_per_regisseur instead of a count per regisseur."""
    user = connection.ops.quote_name(User._meta.db_table)
    organisatie = connection.ops.quote_name(User._meta.get_field("organisatie").column)
    caseload_sql, caseload_params = caseload_per_regisseur_sql()  # the one caseload definition
    rol_sql, rol_params = met_regisseursrol().query.sql_with_params()  # casusregisseurs(), one subquery less
    # usernames in code point order, like Python's sort in kandidaat_regisseurs (not the database's locale)
    binair = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    sql = f"""
        SELECT * FROM (
            SELECT u.*, COALESCE(c.n, 0) AS caseload,
                   ROW_NUMBER() OVER (
                       PARTITION BY u.{organisatie} ORDER BY COALESCE(c.n, 0), u.username{binair}
                   ) AS plaats
            FROM {user} u
            LEFT JOIN ({caseload_sql}) c ON c.casusregisseur = u.id
            WHERE u.is_active AND u.id IN ({rol_sql})
        ) gerangschikt WHERE plaats <= %s"""  # noqa: S608 - table and column names; values are parameters
    params = (*caseload_params, *rol_params, KANDIDATEN_TONEN)
    regisseurs = list(User.objects.raw(sql, params))
    prefetch_related_objects(regisseurs, "organisatie")
    return regisseurs


def regisseurs_zoeken(user, q, melding=None):
    """At most ten casusregisseurs by name or organisation, as ranked kandidaten; nothing for a non-chair."""
    if not rechten.mag(user, "voorzitten"):
        return []
    gevonden = search.gebruikers(casusregisseurs(), q)
    return kandidaat_regisseurs(melding, regisseurs_met_caseload([u.pk for u in gevonden])) if gevonden else []


def _expertise(regisseur):
    """The leefgebieden of the regisseur's organisation, kept on the object (it is ranked for every item)."""
    if not hasattr(regisseur, "_expertise"):
        organisatie = regisseur.organisatie
        regisseur._expertise = frozenset(organisatie.expertise or []) if organisatie else frozenset()
    return regisseur._expertise


_LEEFGEBIEDEN = tuple(Leefgebied.values)  # the enum builds a new list on every access; ranked ~20 times a page
_LABELS = dict(Leefgebied.choices)


def kandidaat_regisseurs(melding, regisseurs, aantal=None):
    """Active casusregisseurs with their caseload; best fit first (leefgebieden, then free capacity): all of
    them, or the best `aantal`.

    Pass `regisseurs` (from kandidaten_pool or regisseurs_met_caseload) to rank for several meldingen at once."""
    triage = getattr(melding, "triage", None) if melding is not None else None
    scored = frozenset(code for code in _LEEFGEBIEDEN if triage is not None and getattr(triage, code))
    maximum = instellingen.waarde("BZT_MAX_CASELOAD")

    def rang(r):
        return (-len(scored & _expertise(r)), r.caseload >= maximum, r.caseload, r.username)

    besten = sorted(regisseurs, key=rang) if aantal is None else heapq.nsmallest(aantal, regisseurs, key=rang)
    kandidaten = []
    for r in besten:
        passend = [code for code in _LEEFGEBIEDEN if code in scored and code in _expertise(r)]
        kandidaten.append(Kandidaat(r, r.caseload, maximum, passend, [_LABELS[c] for c in passend]))
    return kandidaten


def kandidaten_voor(melding, regisseurs, gekozen=()):
    """The best KANDIDATEN_TONEN kandidaten of `regisseurs` (kandidaten_pool), plus any other regisseur in
    `gekozen` (found by search; read with its caseload)."""
    top = kandidaat_regisseurs(melding, regisseurs, aantal=KANDIDATEN_TONEN)
    getoond = {k.regisseur.pk for k in top}
    gekozen = [pk for pk in map(parse_int, gekozen) if pk and pk not in getoond]
    extra = regisseurs_met_caseload(gekozen) if gekozen else []
    return top + (kandidaat_regisseurs(melding, extra) if extra else [])


# --- the agenda as shown (the view model of mdo/overleg.html, mdo/_agenda.html and the printed agenda) ----------


@dataclass
class Regel:
    """One agenda item as shown: the item, whom it is about, and the forms the chair can use."""

    nummer: int
    punt: AgendaPunt
    persoon: Persoon | None
    forms: dict = field(default_factory=dict)
    zoek: str = ""  # the regisseur search of this item without JS (a GET reload of the agenda)
    gevonden: list | None = None
    urls: dict = field(default_factory=dict)
    naar: list = field(default_factory=list)  # (pk, label) of the planned MDO's the item can move to
    # The item's details (facts and forms) shown opened: the item under discussion (the first open one), or
    # the one a search or a form with errors is about. The others open on demand (<details>, no JS needed).
    uitgeklapt: bool = False

    @property
    def leefgebieden(self):
        """Labels of the leefgebieden scored in the triage of the melding (for a melding item)."""
        triage = getattr(self.punt.melding, "triage", None) if self.punt.melding_id else None
        return [label for _, label, ja, _ in triage.leefgebieden() if ja] if triage else []


_PLEK = 2_147_483_647  # stands in for a pk while reversing once


def _url_met_pk(naam, *args):
    """pk -> the URL `naam` with `args` before the pk. reverse() once, not per link: the agenda links
    every item several times."""
    voor, na = reverse(naam, args=[*args, _PLEK]).rsplit(str(_PLEK), 1)
    return lambda pk: f"{voor}{pk}{na}"


def _melding_van(punt):
    return punt.melding or (punt.casus.melding if punt.casus_id else None)


def agenda_regels(user, overleg, *, zoek_punt="", zoek="", bound=None, start=1):
    """The rows of the agenda of `overleg` (from overleg_detail) with their forms; `zoek_punt`/`zoek` = the
    regisseur search of one item without JS; `bound` = (punt pk, form name, bound form) after an error.

    A melding item offers the best KANDIDATEN_TONEN regisseurs; any other is found with the search field."""
    punten = list(overleg.agendapunten.all())
    gepland = overleg.status == Overleg.Status.GEPLAND
    regisseurs = []
    if gepland and any(p.open and p.soort == AgendaPunt.Soort.MELDING for p in punten):
        regisseurs = kandidaten_pool()
    andere = geplande_overleggen(user, behalve=overleg) if gepland else []
    naar = [(str(o.pk), overleg_label(o)) for o in andere]
    agenda_url = reverse("mdo:overleg", args=[overleg.pk])
    url = {
        "melding": _url_met_pk("meldpunt:melding"),
        "dossier": _url_met_pk("casusregie:dossier"),
        **{naam: _url_met_pk(f"mdo:{naam}", overleg.pk) for naam in ("verplaatsen", "besluit", "regisseurs_zoeken")},
    }
    regels = []
    for nummer, punt in enumerate(punten, start=start):
        regel = Regel(nummer, punt, hoofdpersoon(_melding_van(punt)))
        regel.urls["dossier" if punt.casus_id else "melding"] = (
            url["dossier"](punt.casus_id) if punt.casus_id else url["melding"](punt.melding_id)
        )
        if gepland and punt.open:
            regel.urls.update((naam, url[naam](punt.pk)) for naam in ("verplaatsen", "besluit", "regisseurs_zoeken"))
            regel.urls["agenda"] = agenda_url
            if punt.soort == AgendaPunt.Soort.MELDING:
                kandidaten = kandidaten_voor(punt.melding, regisseurs)
                regel.forms["toewijzen"] = ToewijzenForm(prefix=f"t{punt.pk}", kandidaten=kandidaten)
                if zoek and zoek_punt == str(punt.pk):
                    regel.zoek = zoek
                    regel.gevonden = zoek_opties(regisseurs_zoeken(user, zoek, punt.melding), f"t{punt.pk}")
            regel.forms["besluit"] = besluit_form_class(punt)(prefix=f"b{punt.pk}")
            regel.naar = naar
        if bound is not None and bound[0] == punt.pk:
            regel.forms[bound[1]] = bound[2]
        regel.uitgeklapt = (bound is not None and bound[0] == punt.pk) or bool(regel.zoek)
        regels.append(regel)
    if not any(r.uitgeklapt for r in regels):
        eerste_open = next((r for r in regels if r.forms), None)
        if eerste_open is not None:
            eerste_open.uitgeklapt = True
    return regels


@dataclass
class AgendaGroep:
    """One kind of item in the agenda's overview: its items (in agenda order) and how many are still open."""

    soort: str
    label: str
    regels: list

    @property
    def open(self):
        return sum(1 for r in self.regels if r.punt.open)


AGENDA_GROEP_LABELS = {
    AgendaPunt.Soort.MELDING: "Nieuwe meldingen",
    AgendaPunt.Soort.PLAN_VASTSTELLEN: "Plannen vaststellen",
    AgendaPunt.Soort.PLAN_EVALUEREN: "Plannen evalueren",
    AgendaPunt.Soort.CASUSBESPREKING: "Casusbesprekingen",
}


def agenda_overzicht(regels):
    """The agenda's overview: the rows of agenda_regels grouped by kind (in the order of AgendaPunt.Soort)."""
    groepen = []
    for soort, label in AGENDA_GROEP_LABELS.items():
        van_soort = [r for r in regels if r.punt.soort == soort]
        if van_soort:
            groepen.append(AgendaGroep(soort, label, van_soort))
    return groepen


def print_regels(overleg):
    """The rows of the printed agenda and besluitenlijst of `overleg` (from overleg_detail): no forms."""
    return [Regel(n, p, hoofdpersoon(_melding_van(p))) for n, p in enumerate(overleg.agendapunten.all(), start=1)]


def personen_op_agenda(overleg):
    """The ids of every person of every household on the agenda (what the agenda and its files show)."""
    personen = []
    for punt in overleg.agendapunten.all():
        melding = punt.melding or (punt.casus.melding if punt.casus_id else None)
        if melding is not None:
            personen.extend(b.persoon_id for b in melding.betrokkenen.all())
    return personen
