"""The procesmanager's dashboard: "vinger aan de pols" over every casus.

Open escalations by level and age, stagnation signals (casusregie.signals), caseload per casusregisseur and
organisation against BZT_MAX_CASELOAD, open waiting lists at partners, lead times and the next MDO.
Every section is an aggregate (counts, medians in SQL) plus the oldest or most loaded few rows, on top of
the permission-filtered selectors: the page costs the same queries and about the same HTML for 2 casussen as
for 200,000. The counts are stored by the periodic signals run (casusregie.dashboardcijfers, issue 20: they read
every open casus), the page reads them and adds the bounded lists. The full lists (escalations, signals,
caseload) are paginated pages of their own, live.
Reference: docs/procesmanager.md.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bzt import instellingen
from bzt.access import access_object
from bzt.pagination import pagina_per_id
from bzt.sortering import Sortering
from bzt.tasks import NIET_GESTART, start_task
from casusregie import dashboardcijfers, selectors, services, tasks
from casusregie.doorlooptijden import laatste_stand, opgeslagen_doorlooptijden
from casusregie.forms import NoodtoegangOordeelForm
from casusregie.models import EscalatieNiveau, Signaal
from casusregie.signals import ESCALATIE_LANG_OPEN_DAGEN, laatst_berekend
from mdo.models import Overleg
from mdo.selectors import overleggen_for

ZIEN_ALLES = "casusregie.zien_alle_casussen"
OPEN_ESCALATIE = dashboardcijfers.OPEN_ESCALATIE
OUDSTE = 5  # rows per group shown on the dashboard itself
MEEST_BELAST = dashboardcijfers.MEEST_BELAST
PAGE_SIZE = 25


def _open(casussen):
    return selectors.open_casussen(casussen)


# --- escalations ----------------------------------------------------------------------------------------------


def _oudste(qs, groep, volgorde, related):
    """Per value of `groep`, the first OUDSTE rows in `volgorde` with `related` (one query: the window function
    ranks the bare rows in a subquery; only the rows kept are joined to their casus, organisation and user)."""
    rang = Window(RowNumber(), partition_by=F(groep), order_by=[F(v) for v in volgorde])
    eerste = qs.order_by().annotate(rang=rang).filter(rang__lte=OUDSTE).values("pk")
    return qs.model.objects.filter(pk__in=eerste).select_related(*related).order_by(groep, *volgorde)


@dataclass
class NiveauGroep:
    niveau: EscalatieNiveau
    aantal: int = 0
    lang_open: int = 0
    oudste: list = field(default_factory=list)


def _open_escalaties(user):
    return selectors.escalaties_for(user).filter(status__in=OPEN_ESCALATIE)


def _met_leeftijd(escalatie, today):
    escalatie.dagen = (today - escalatie.niveau_sinds).days
    escalatie.lang_open = escalatie.dagen > ESCALATIE_LANG_OPEN_DAGEN
    return escalatie


def open_escalaties(user, today: date, tellingen: dict) -> list[NiveauGroep]:
    """Open (and answered, not yet closed) escalations per level of the ladder: how many, how many longer than
    ESCALATIE_LANG_OPEN_DAGEN at that level (stored counts, `tellingen`), and the oldest few (live)."""
    escalaties = _open_escalaties(user)
    groepen = {
        niveau.pk: NiveauGroep(niveau)
        for niveau in EscalatieNiveau.objects.filter(Q(actief=True) | Q(escalaties__status__in=OPEN_ESCALATIE))
        .distinct()
        .order_by("volgorde")
    }
    for niveau_id, (aantal, lang) in tellingen["escalaties"].items():
        groep = groepen.get(int(niveau_id))
        if groep is not None:
            groep.aantal, groep.lang_open = aantal, lang
    oudste = _oudste(
        escalaties,
        "niveau_id",
        ["niveau_sinds", "pk"],
        ["niveau", "reden", "casus__organisatie", "casus__casusregisseur"],
    )
    for escalatie in oudste:
        groep = groepen.setdefault(escalatie.niveau_id, NiveauGroep(escalatie.niveau))
        groep.oudste.append(_met_leeftijd(escalatie, today))
    return sorted(groepen.values(), key=lambda g: g.niveau.volgorde)


# --- stagnation signals ---------------------------------------------------------------------------------------


@dataclass
class SignaalGroep:
    soort: str
    label: str
    aantal: int = 0
    oudste: list = field(default_factory=list)


def signalen_berekend_op(user):
    """When the signals were last computed (None: not yet). With a worker, celery beat computes them every two hours
    (or the button) and a page only reads: the computation takes seconds at scale (issue 20: 8 s at 1M inside the
    first view of a day). Without one (the embedded setup: tasks run in this process and there is no beat) nothing
    else would ever compute them, so there the first view of a day starts the job (issue 17), on a demo's data."""
    berekend_op = laatst_berekend()
    zonder_worker = tasks.signalen_berekenen.app.conf.task_always_eager
    if zonder_worker and (berekend_op is None or timezone.localtime(berekend_op).date() < timezone.localdate()):
        start_task(tasks.signalen_berekenen, door=user)
        berekend_op = laatst_berekend()
    return berekend_op


def stagnatiesignalen(user):
    """Per soort the number of signals of the last computation and the oldest few, and when that computation
    ran (None: not yet)."""
    berekend_op = signalen_berekend_op(user)
    groepen = {soort: SignaalGroep(soort, label) for soort, label in Signaal.Soort.choices}
    for row in selectors.signalen_for(user).order_by().values("soort").annotate(n=Count("pk")):
        groepen[row["soort"]].aantal = row["n"]
    rows = selectors.signalen_for(user).select_related("casus__organisatie", "casus__casusregisseur")
    for soort, groep in groepen.items():
        # one short index read per soort (signaal_per_soort); a window over all signals read 57k rows at 1M
        groep.oudste = list(rows.filter(soort=soort).order_by("sinds", "pk")[:OUDSTE])
    return list(groepen.values()), berekend_op


# --- caseload -------------------------------------------------------------------------------------------------


def caseload_per_regisseur(user):
    """Caseload per regisseur over the casussen `user` sees (dashboardcijfers.caseload_per_regisseur)."""
    return dashboardcijfers.caseload_per_regisseur(selectors.casussen_for(user))


def meest_belast(tellingen: dict):
    """The most loaded regisseurs of the stored counts, with their caseload then (one query for ≤ 10 users)."""
    aantallen = dict(tellingen["regisseurs"]["meest_belast"])
    users = get_user_model().objects.filter(pk__in=aantallen).select_related("organisatie")
    for user in users:
        user.open_casussen = aantallen[user.pk]
    return sorted(users, key=lambda u: (-u.open_casussen, u.last_name, u.first_name, u.username, u.pk))


def met_maximum(regisseurs):
    maximum = instellingen.waarde("BZT_MAX_CASELOAD")
    regisseurs = list(regisseurs)
    for regisseur in regisseurs:
        regisseur.maximum = maximum
        regisseur.vol = selectors.caseload_vol(regisseur.open_casussen)
        regisseur.vrij = max(maximum - regisseur.open_casussen, 0)
        regisseur.boven_maximum = regisseur.open_casussen > maximum
    return regisseurs


@dataclass
class OrganisatieCaseload:
    naam: str
    regisseurs: int = 0
    open_casussen: int = 0
    zonder_regisseur: int = 0

    @property
    def capaciteit(self):
        return self.regisseurs * instellingen.waarde("BZT_MAX_CASELOAD")

    @property
    def vol(self):
        return self.open_casussen > 0 and self.open_casussen >= self.capaciteit

    @property
    def vrij(self):
        return max(self.capaciteit - self.open_casussen, 0)


def caseload_per_organisatie(tellingen: dict):
    """Open casussen per organisation against its capacity (active casusregisseurs × maximum), stored."""
    rows = [
        OrganisatieCaseload(naam, regisseurs, aantal, zonder)
        for naam, regisseurs, aantal, zonder in tellingen["organisaties"]
    ]
    return sorted(rows, key=lambda o: (-o.open_casussen, o.naam))


# --- waiting lists, lead times, MDO -----------------------------------------------------------------------------


def wachtlijsten_per_organisatie(user, today: date):
    """Unresolved waiting lists of open casussen, per partner, longest waiting first (live: few rows)."""
    rows = []
    for naam, aantal, casussen, oudste in dashboardcijfers.open_wachtlijsten(selectors.casussen_for(user)):
        oudste = date.fromisoformat(oudste)
        rows.append(
            {
                "organisatie__naam": naam,
                "aantal": aantal,
                "casussen": casussen,
                "oudste": oudste,
                "dagen": (today - oudste).days,
            }
        )
    return rows


def volgend_mdo(user, today: date):
    """The next planned MDO (today or later) with its number of open agenda items."""
    return (
        overleggen_for(user)
        .filter(status=Overleg.Status.GEPLAND, datum__gte=today)
        .annotate(open_punten=Count("agendapunten", filter=Q(agendapunten__besluit="")))
        .order_by("datum", "aanvang", "pk")
        .first()
    )


def kerncijfers(user, today: date | None = None):
    """Headline figures for the procesmanager's home page (four queries, reads only with a worker)."""
    today = today or timezone.localdate()
    return {
        "signalen_berekend_op": signalen_berekend_op(user),
        "open_escalaties": selectors.escalaties_for(user).filter(status__in=OPEN_ESCALATIE).count(),
        "signalen": selectors.signalen_for(user).count(),
        "volgend_mdo": volgend_mdo(user, today),
    }


# --- emergency access to review -------------------------------------------------------------------------------


def noodtoegang_ter_beoordeling(user, bound=None):
    """Unreviewed emergency accesses with a review form each (`bound`: the form that had errors)."""
    if not user.has_perm("casusregie.beoordelen_noodtoegang"):
        return []
    rows = []
    for noodtoegang in selectors.noodtoegang_ter_beoordeling():
        form = bound if bound is not None and bound.prefix == f"nt{noodtoegang.pk}" else None
        rows.append((noodtoegang, form or NoodtoegangOordeelForm(noodtoegang=noodtoegang)))
    return rows


# --- views ----------------------------------------------------------------------------------------------------


@login_required
@permission_required(ZIEN_ALLES, raise_exception=True)
def dashboard(request):
    return render(request, "casusregie/dashboard.html", _dashboard_context(request))


def _dashboard_context(request, bound=None):
    today = timezone.localdate()
    user = request.user
    signaalgroepen, berekend_op = stagnatiesignalen(user)
    stand = laatste_stand()
    tellingen = stand.tellingen if stand is not None and stand.tellingen else None
    if tellingen is None:  # before the first signals run
        tellingen = dashboardcijfers.bereken(selectors.casussen_for(user), selectors.escalaties_for(user), today)
    escalaties = open_escalaties(user, today, tellingen)
    context = {
        "today": today,
        "escalatiegroepen": escalaties,
        "open_escalaties": sum(g.aantal for g in escalaties),
        "lang_open_dagen": ESCALATIE_LANG_OPEN_DAGEN,
        "signaalgroepen": signaalgroepen,
        "signalen_totaal": sum(g.aantal for g in signaalgroepen),
        "signalen_berekend_op": berekend_op,
        "regisseurs": met_maximum(meest_belast(tellingen)),
        "regisseurs_aantal": tellingen["regisseurs"]["aantal"],
        "regisseurs_vol": tellingen["regisseurs"]["vol"],
        "organisaties": caseload_per_organisatie(tellingen),
        "max_caseload": instellingen.waarde("BZT_MAX_CASELOAD"),
        "wachtlijsten": wachtlijsten_per_organisatie(user, today),
        "doorlooptijden": opgeslagen_doorlooptijden(user, today, stand),
        "tellingen_berekend_op": stand.berekend_op if stand is not None and stand.tellingen else None,
        "volgend_mdo": volgend_mdo(user, today),
        "instellingen": {
            "geen_plan_weken": instellingen.waarde("BZT_SIGNAAL_GEEN_PLAN_WEKEN"),
            "geen_journaal_weken": instellingen.waarde("BZT_SIGNAAL_GEEN_JOURNAAL_WEKEN"),
        },
        "noodtoegangen": noodtoegang_ter_beoordeling(user, bound),
    }
    return context


# --- the full lists, paginated ---------------------------------------------------------------------------------


ESCALATIE_SORTERING = Sortering(
    kolommen={
        "niveau": ("niveau__volgorde", "niveau_sinds"),
        "sinds": ("niveau_sinds",),
        "casus": ("casus_id",),
        "reden": ("reden__naam", "niveau_sinds"),
        "status": ("status", "niveau_sinds"),
    },
    standaard="niveau",
)
SIGNAAL_SORTERING = Sortering(
    kolommen={"soort": ("soort", "sinds"), "sinds": ("sinds",), "casus": ("casus_id", "soort")},
    standaard="soort",
)


def _pagina(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("pagina"))


def _keuze(request, name, choices):
    """The filter value of the list (?niveau=, ?soort=); an unknown value is a 404 like a wrong page address."""
    value = request.GET.get(name, "")
    if value and value not in choices:
        raise Http404("Niet gevonden.")
    return value


@login_required
@permission_required(ZIEN_ALLES, raise_exception=True)
def escalaties_lijst(request):
    today = timezone.localdate()
    niveaus = list(EscalatieNiveau.objects.order_by("volgorde"))
    code = _keuze(request, "niveau", {n.code for n in niveaus})
    qs = _open_escalaties(request.user)
    if code:
        qs = qs.filter(niveau__code=code)
    sortering = ESCALATIE_SORTERING.uit(request.GET)
    page = pagina_per_id(
        ESCALATIE_SORTERING.toepassen(qs, sortering),
        request.GET.get("pagina"),
        PAGE_SIZE,
        *("niveau", "reden", "casus__organisatie", "casus__casusregisseur"),
    )
    page.object_list = [_met_leeftijd(e, today) for e in page.object_list]
    context = {
        "page": page,
        "niveaus": niveaus,
        "niveau": code,
        "lang_open_dagen": ESCALATIE_LANG_OPEN_DAGEN,
        "sortering": sortering,
    }
    return render(request, "casusregie/dashboard_escalaties.html", context)


@login_required
@permission_required(ZIEN_ALLES, raise_exception=True)
def signalen_lijst(request):
    soort = _keuze(request, "soort", set(Signaal.Soort.values))
    qs = selectors.signalen_for(request.user).select_related("casus__organisatie", "casus__casusregisseur")
    if soort:
        qs = qs.filter(soort=soort)
    sortering = SIGNAAL_SORTERING.uit(request.GET)
    page = _pagina(request, SIGNAAL_SORTERING.toepassen(qs, sortering))
    context = {"page": page, "soorten": Signaal.Soort.choices, "soort": soort, "sortering": sortering}
    return render(request, "casusregie/dashboard_signalen.html", context)


@login_required
@permission_required(ZIEN_ALLES, raise_exception=True)
def caseload_lijst(request):
    page = _pagina(request, caseload_per_regisseur(request.user))
    page.object_list = met_maximum(page.object_list)
    return render(
        request,
        "casusregie/dashboard_caseload.html",
        {"page": page, "max_caseload": instellingen.waarde("BZT_MAX_CASELOAD")},
    )


@login_required
@permission_required("casusregie.beoordelen_noodtoegang", raise_exception=True)
@require_POST
def noodtoegang_beoordelen(request, pk):
    """Record the procesmanager's judgement of one emergency access; errors show the dashboard again."""
    noodtoegang = access_object(selectors.noodtoegang_ter_beoordeling(), pk)
    form = NoodtoegangOordeelForm(request.POST, noodtoegang=noodtoegang)
    if form.is_valid():
        try:
            services.noodtoegang_beoordelen(door=request.user, noodtoegang=noodtoegang, **form.cleaned_data)
        except ValidationError as error:
            for field_name, errors in getattr(error, "message_dict", {None: error.messages}).items():
                form.add_error(field_name if field_name in form.fields else None, errors)
        else:
            messages.success(request, f"Het oordeel over de noodtoegang tot {noodtoegang.casus} is vastgelegd.")
            return redirect(reverse("casusregie:dashboard") + "#noodtoegang")
    messages.error(request, "Niet opgeslagen: verbeter de gemarkeerde velden.")
    return render(request, "casusregie/dashboard.html", _dashboard_context(request, bound=form))


@login_required
@permission_required(ZIEN_ALLES, raise_exception=True)
@require_POST
def signalen_berekenen(request):
    """Recompute the stagnation signals now instead of waiting for the next scheduled run."""
    if start_task(tasks.signalen_berekenen, door=request.user).gelukt is False:
        messages.error(request, NIET_GESTART)
    else:
        messages.success(
            request, "Het berekenen van de stagnatiesignalen is gestart. Ververs de pagina voor het resultaat."
        )
    return redirect("casusregie:dashboard")
