"""The procesmanager's dashboard: "vinger aan de pols" over every casus.

Open escalations by level and age, stagnation signals (casusregie.signals), caseload per casusregisseur and
organisation against BZT_MAX_CASELOAD, open waiting lists at partners, lead times and the next MDO.
Every section is one aggregate query on top of the permission-filtered selectors, so the page costs the
same number of queries for 2 casussen as for 2,000. Reference: docs/procesmanager.md.
"""

import statistics
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bzt.access import access_object
from bzt.tasks import start_task

from . import selectors, services, tasks
from .forms import NoodtoegangOordeelForm
from .models import Casus, Escalatie, EscalatieNiveau, Signaal, Wachtlijst
from .signals import ESCALATIE_LANG_OPEN_DAGEN

ZIEN_ALLES = "casusregie.zien_alle_casussen"
OPEN_ESCALATIE = [Escalatie.Status.OPEN, Escalatie.Status.BEANTWOORD]


def _open(casussen):
    return casussen.exclude(status=Casus.Status.AFGESLOTEN)


# --- escalations ----------------------------------------------------------------------------------------------


@dataclass
class NiveauGroep:
    niveau: EscalatieNiveau
    escalaties: list = field(default_factory=list)


def open_escalaties(user, today: date) -> list[NiveauGroep]:
    """Open (and answered, not yet closed) escalations per level of the ladder, oldest first."""
    escalaties = (
        selectors.escalaties_for(user)
        .filter(status__in=OPEN_ESCALATIE)
        .select_related("niveau", "casus__organisatie", "casus__casusregisseur")
        .order_by("niveau__volgorde", "niveau_sinds", "pk")
    )
    groepen = {
        niveau.pk: NiveauGroep(niveau)
        for niveau in EscalatieNiveau.objects.filter(Q(actief=True) | Q(escalaties__status__in=OPEN_ESCALATIE))
        .distinct()
        .order_by("volgorde")
    }
    for escalatie in escalaties:
        escalatie.dagen = (today - escalatie.niveau_sinds).days
        escalatie.lang_open = escalatie.dagen > ESCALATIE_LANG_OPEN_DAGEN
        groepen.setdefault(escalatie.niveau_id, NiveauGroep(escalatie.niveau)).escalaties.append(escalatie)
    return sorted(groepen.values(), key=lambda g: g.niveau.volgorde)


# --- stagnation signals ---------------------------------------------------------------------------------------


@dataclass
class SignaalGroep:
    soort: str
    label: str
    signalen: list = field(default_factory=list)


def _signalen(user):
    # A casus closed since the last computation keeps its rows until the next run: leave those out.
    return Signaal.objects.filter(casus__in=_open(selectors.casussen_for(user)))


def stagnatiesignalen(user):
    """The signals of the last computation per soort, and when that computation ran (None: no rows)."""
    rows = _signalen(user).select_related("casus__organisatie", "casus__casusregisseur").order_by("sinds", "pk")
    groepen = {soort: SignaalGroep(soort, label) for soort, label in Signaal.Soort.choices}
    berekend_op = None
    for signaal in rows:
        groepen[signaal.soort].signalen.append(signaal)
        berekend_op = max(berekend_op or signaal.berekend_op, signaal.berekend_op)
    return list(groepen.values()), berekend_op


# --- caseload -------------------------------------------------------------------------------------------------


def caseload_per_regisseur(user):
    """Every active casusregisseur, and anyone else who still directs an open casus, with their open
    casussen against BZT_MAX_CASELOAD. Most loaded first."""
    User = get_user_model()
    maximum = settings.BZT_MAX_CASELOAD
    casussen = _open(selectors.casussen_for(user))
    open_count = (
        casussen.filter(casusregisseur=OuterRef("pk"))
        .order_by()
        .values("casusregisseur")
        .annotate(n=Count("pk"))
        .values("n")
    )
    perm = Permission.objects.filter(content_type__app_label="casusregie", codename="werken_als_regisseur")
    is_regisseur = Exists(
        User.groups.through.objects.filter(user=OuterRef("pk"), group__permissions__in=perm)
    ) | Exists(User.user_permissions.through.objects.filter(user=OuterRef("pk"), permission__in=perm))
    regisseurs = (
        User.objects.filter((Q(is_active=True) & is_regisseur) | Exists(casussen.filter(casusregisseur=OuterRef("pk"))))
        .select_related("organisatie")
        .annotate(open_casussen=Coalesce(Subquery(open_count, output_field=IntegerField()), Value(0)))
        .order_by("-open_casussen", "last_name", "first_name", "username")
    )
    result = list(regisseurs)
    for regisseur in result:
        regisseur.maximum = maximum
        regisseur.vol = regisseur.open_casussen >= maximum
        regisseur.vrij = max(maximum - regisseur.open_casussen, 0)
        regisseur.boven_maximum = regisseur.open_casussen > maximum
    return result


@dataclass
class OrganisatieCaseload:
    naam: str
    regisseurs: int = 0
    open_casussen: int = 0
    zonder_regisseur: int = 0

    @property
    def capaciteit(self):
        return self.regisseurs * settings.BZT_MAX_CASELOAD

    @property
    def vol(self):
        return self.open_casussen > 0 and self.open_casussen >= self.capaciteit

    @property
    def vrij(self):
        return max(self.capaciteit - self.open_casussen, 0)


def caseload_per_organisatie(user, regisseurs):
    """Open casussen per organisation against its capacity (active casusregisseurs × maximum)."""
    rows = (
        _open(selectors.casussen_for(user))
        .order_by()
        .values("organisatie_id", "organisatie__naam")
        .annotate(aantal=Count("pk"), zonder=Count("pk", filter=Q(casusregisseur__isnull=True)))
    )
    per_org = {}
    for row in rows:
        per_org[row["organisatie_id"]] = OrganisatieCaseload(
            row["organisatie__naam"], open_casussen=row["aantal"], zonder_regisseur=row["zonder"]
        )
    for regisseur in regisseurs:
        if regisseur.is_active and regisseur.organisatie_id is not None:
            org = per_org.setdefault(regisseur.organisatie_id, OrganisatieCaseload(regisseur.organisatie.naam))
            org.regisseurs += 1
    return sorted(per_org.values(), key=lambda o: (-o.open_casussen, o.naam))


# --- waiting lists, lead times, MDO -----------------------------------------------------------------------------


def wachtlijsten_per_organisatie(user, today: date):
    """Unresolved waiting lists of open casussen, per partner, longest waiting first."""
    rows = list(
        Wachtlijst.objects.filter(opgelost_op__isnull=True, casus__in=_open(selectors.casussen_for(user)))
        .order_by()
        .values("organisatie__naam")
        .annotate(aantal=Count("pk"), casussen=Count("casus", distinct=True), oudste=Min("sinds"))
        .order_by("oudste", "organisatie__naam")
    )
    for row in rows:
        row["dagen"] = (today - row["oudste"]).days
    return rows


@dataclass
class Doorlooptijd:
    label: str
    dagen: list

    @property
    def aantal(self):
        return len(self.dagen)

    @property
    def mediaan(self):
        return statistics.median(self.dagen) if self.dagen else None


def een_jaar_eerder(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def doorlooptijden(user, today: date):
    """Median days per step for casussen assigned in the last 12 months; a step not taken yet is left out."""
    vanaf = een_jaar_eerder(today)
    rows = (
        selectors.casussen_for(user)
        .filter(toegewezen_op__gt=vanaf, toegewezen_op__lte=today)
        .order_by()
        .values_list("melding__ontvangen_op", "melding__triage__datum", "toegewezen_op", "plan_vastgesteld_op")
    )
    melding_triage = Doorlooptijd("Melding ontvangen → triage", [])
    triage_toewijzing = Doorlooptijd("Triage → toewijzing in het MDO", [])
    toewijzing_plan = Doorlooptijd("Toewijzing → eerste plan vastgesteld", [])
    aantal = 0
    for ontvangen, triage, toegewezen, plan in rows:
        aantal += 1
        if ontvangen and triage:
            melding_triage.dagen.append((triage - ontvangen).days)
        if triage:
            triage_toewijzing.dagen.append((toegewezen - triage).days)
        if plan:
            toewijzing_plan.dagen.append((plan - toegewezen).days)
    return {"vanaf": vanaf, "casussen": aantal, "stappen": [melding_triage, triage_toewijzing, toewijzing_plan]}


def volgend_mdo(user, today: date):
    """The next planned MDO (today or later) with its number of open agenda items."""
    from mdo.models import Overleg
    from mdo.selectors import overleggen_for

    return (
        overleggen_for(user)
        .filter(status=Overleg.Status.GEPLAND, datum__gte=today)
        .annotate(open_punten=Count("agendapunten", filter=Q(agendapunten__besluit="")))
        .order_by("datum", "aanvang", "pk")
        .first()
    )


def kerncijfers(user, today: date | None = None):
    """Headline figures for the procesmanager's home page (three queries)."""
    today = today or timezone.localdate()
    return {
        "open_escalaties": selectors.escalaties_for(user).filter(status__in=OPEN_ESCALATIE).count(),
        "signalen": _signalen(user).count(),
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
    escalaties = open_escalaties(user, today)
    signaalgroepen, berekend_op = stagnatiesignalen(user)
    regisseurs = caseload_per_regisseur(user)
    context = {
        "today": today,
        "escalatiegroepen": escalaties,
        "open_escalaties": sum(len(g.escalaties) for g in escalaties),
        "lang_open_dagen": ESCALATIE_LANG_OPEN_DAGEN,
        "signaalgroepen": signaalgroepen,
        "signalen_totaal": sum(len(g.signalen) for g in signaalgroepen),
        "signalen_berekend_op": berekend_op,
        "regisseurs": regisseurs,
        "regisseurs_vol": sum(1 for r in regisseurs if r.vol),
        "organisaties": caseload_per_organisatie(user, regisseurs),
        "max_caseload": settings.BZT_MAX_CASELOAD,
        "wachtlijsten": wachtlijsten_per_organisatie(user, today),
        "doorlooptijden": doorlooptijden(user, today),
        "volgend_mdo": volgend_mdo(user, today),
        "instellingen": {
            "geen_plan_weken": settings.BZT_SIGNAAL_GEEN_PLAN_WEKEN,
            "geen_journaal_weken": settings.BZT_SIGNAAL_GEEN_JOURNAAL_WEKEN,
        },
        "noodtoegangen": noodtoegang_ter_beoordeling(user, bound),
    }
    return context


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
    start_task(tasks.compute_signals, door=request.user)
    messages.success(
        request, "Het berekenen van de stagnatiesignalen is gestart. Ververs de pagina voor het resultaat."
    )
    return redirect("casusregie:dashboard")
