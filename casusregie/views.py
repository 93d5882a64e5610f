"""Casus screens: mijn casussen, the dossier, the plan van aanpak, betrokkenen, escalations, closing.

Thin: fetch through a selector (404 for missing and not yours), call one service, render. A form with bad
input is shown again with its errors and everything typed (status 200), never silently dropped.
"""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bzt import bestandstaak_views
from bzt.access import access_object
from bzt.forms import apply_errors, parse_int, zoektekst
from bzt.gemeenten import is_regio
from bzt.inzage import log_inzage
from bzt.pagination import GeteldePaginator
from bzt.workflow import TransitionNotAllowed
from meldpunt import selectors as meldpunt_selectors

from . import permissions, search, selectors, services
from .forms import (
    ActieForm,
    ActieOverdragenForm,
    ActieStatusForm,
    ActieWijzigenForm,
    AfsluitenForm,
    AfsluitenProcesmanagerForm,
    AntwoordForm,
    BetrokkeneForm,
    DeescalerenForm,
    DoelForm,
    DoelResultaatForm,
    DoorbraakForm,
    EscalerenForm,
    ExpertAntwoordForm,
    ExpertVraagForm,
    JournaalForm,
    NazorgForm,
    NoodtoegangForm,
    OpschalenForm,
    OverdragenForm,
    PlanForm,
    RedenForm,
    VerhuizenForm,
    VerwijderForm,
    WachtlijstForm,
    professionals,
)
from .models import Plan
from .plan_pdf import PLAN
from .rechten import GEEN_RECHT, RECHTEN, heeft, mag
from .timeline import gepland_en_gebeurd, tijdlijn

# --- lists ----------------------------------------------------------------------------------------------------


@login_required
def mijn_casussen(request):
    user = request.user
    filters = {"status": request.GET.get("status", ""), "q": zoektekst(request.GET, "q")}
    if filters["status"] not in selectors.CASUS_FILTERS:
        filters["status"] = ""
    gefilterd = any(filters.values())
    if user.has_perm("casusregie.zien_alle_casussen"):
        casussen, aantal, titel = selectors.alle_casussen(user), None, "Alle casussen"
    elif user.has_perm("casusregie.werken_als_regisseur"):
        (casussen, aantal), titel = selectors.mijn_casussen(user), "Mijn casussen"
    else:
        raise PermissionDenied
    sortering = selectors.CASUS_SORTERING.uit(request.GET)
    casussen = selectors.CASUS_SORTERING.toepassen(selectors.casussen_filteren(casussen, **filters), sortering)
    # "Mijn casussen" is counted up to TELLEN_TOT, filtered or not; beyond it the pages reach the first 500 and the
    # page says "meer dan 500" (as the name search). Counting every one of a busy user's grants cost 100-1,000 ms.
    if aantal is None:
        paginator, meer = Paginator(casussen, 25), False
    else:
        if gefilterd:
            aantal = selectors.tellen_begrensd(casussen)
        paginator = GeteldePaginator(casussen, 25, min(aantal, selectors.TELLEN_TOT))
        meer = aantal > selectors.TELLEN_TOT
    page = paginator.get_page(request.GET.get("pagina"))
    context = {
        "page": page,
        "meer": meer,
        "max": selectors.TELLEN_TOT,
        "titel": titel,
        "filters": filters,
        "gefilterd": gefilterd,
        "statusfilters": selectors.CASUS_FILTERS,
        "sortering": sortering,
    }
    return render(request, "casusregie/mijn_casussen.html", context)


@login_required
def mijn_acties(request):
    """The open actions across the casusregisseur's own casussen (selectors.mijn_open_acties), due first."""
    if not request.user.has_perm("casusregie.werken_als_regisseur"):
        raise PermissionDenied
    sortering = selectors.ACTIE_SORTERING.uit(request.GET)
    acties = selectors.ACTIE_SORTERING.toepassen(selectors.mijn_open_acties(request.user), sortering)
    page = Paginator(acties, 25).get_page(request.GET.get("pagina"))
    context = {"page": page, "sortering": sortering, "vandaag": timezone.localdate()}
    return render(request, "casusregie/mijn_acties.html", context)


# --- the dossier ----------------------------------------------------------------------------------------------


TIJDLIJN_KORT = 50  # events shown at first; "?tijdlijn=alles" pages through the whole history
TIJDLIJN_PAGINA = 100  # events per page of the whole timeline ("?tijdlijn=alles&voor=<moment>": older ones)


DOSSIER_ACTIES = (
    "wijzigen",
    "betrokkenen",
    "escaleren",
    "afsluiten",
    "afsluiten_procesmanager",
    "overdragen",
    "expertvraag_stellen",
    "mdo_agenderen",
    "huishouden_corrigeren",
    "verhuizen",
)  # a mag_<actie> flag each


def _dossier_context(request, casus, **forms):
    user = request.user
    regio = is_regio()  # one query: the gemeente section and the move appear only in a region (docs/regio.md)
    plannen = list(selectors.plannen(casus))
    heel = request.GET.get("tijdlijn") == "alles"
    voor = _moment(request.GET.get("voor")) if heel else None
    aantal = TIJDLIJN_PAGINA if heel else TIJDLIJN_KORT
    gebeurtenissen = tijdlijn(casus, limit=aantal + 1, voor=voor)  # one more: is there an older page?
    meer = len(gebeurtenissen) > aantal
    getoond = gebeurtenissen[:aantal]
    gepland, gebeurtenissen = gepland_en_gebeurd(getoond)
    context = {
        "casus": casus,
        "plan": next((p for p in plannen if p.status == Plan.Status.VASTGESTELD), None),
        "concept": next((p for p in plannen if p.status in (Plan.Status.CONCEPT, Plan.Status.INGEDIEND)), None),
        "plannen": plannen,
        "betrokkenen": selectors.betrokkenen(casus),
        "escalaties": list(casus.escalaties.select_related("niveau", "reden").order_by("-gestart_op", "-id")),
        "ongelezen_escalaties": selectors.escalaties_met_ongelezen_antwoord(user, casus),
        "wachtlijsten": list(casus.wachtlijsten.select_related("organisatie")),
        "tijdlijn": gebeurtenissen,
        "tijdlijn_heel": heel,
        "tijdlijn_meer": meer,
        "tijdlijn_voor": getoond[-1].moment.isoformat() if meer else "",
        "tijdlijn_vervolg": voor is not None,
        "gepland": gepland,
        "toegevoegde_meldingen": selectors.toegevoegde_meldingen(casus),
        "nieuwe_meldingen": selectors.nieuwe_meldingen_over_huishouden([casus]),
        **_mag_flags(user, casus, regio),
        "in_regio": regio,
        "journaal_form": JournaalForm(),
        "betrokkene_form": BetrokkeneForm(),
        "escaleren_form": EscalerenForm(casus=casus),
        "afsluiten_form": AfsluitenForm(),
        "pm_afsluiten_form": AfsluitenProcesmanagerForm(),
        "overdragen_form": OverdragenForm(),
        "wachtlijst_form": WachtlijstForm(),
        "expertvraag_form": ExpertVraagForm(),
        "verhuizen_form": VerhuizenForm(),
        "verhuizingen": casus.verhuizingen.select_related("van", "naar", "door"),  # lazy: read only in a region
        "expertvragen": _expertvragen(user, casus, forms.pop("antwoord", None)),
    }
    if casus.open and (context["mag_afsluiten"] or context["mag_afsluiten_procesmanager"]):
        context["nog_niet_geregeld"] = selectors.afsluitvoorwaarden(  # the checklist, before submitting
            casus, plannen=plannen, wachtlijsten=context["wachtlijsten"], escalaties=context["escalaties"]
        )
    context.update(forms)
    context.update(_zoekresultaten(request, casus, context))
    return context


def _moment(text):
    """A timeline page's `voor` (an ISO moment from our own link); anything else is the first page."""
    try:
        moment = datetime.fromisoformat(text or "")
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _mag_flags(user, casus, regio=True):
    """A mag_<actie> flag per DOSSIER_ACTIES; actions with the same right (RECHTEN) are asked once. A move exists
    only in a region (more than one gemeente): outside one it is not asked."""
    acties = [a for a in DOSSIER_ACTIES if regio or a != "verhuizen"]
    antwoorden = {}
    for actie in acties:
        recht = RECHTEN[actie]
        if recht not in antwoorden:
            antwoorden[recht] = mag(user, actie, casus)
    return {"mag_verhuizen": False} | {f"mag_{actie}": antwoorden[RECHTEN[actie]] for actie in acties}


def _expertvragen(user, casus, antwoord=None):
    """The questions to expert teams, each with the answer form for a member of the team while it is open;
    `antwoord` = (vraag pk, bound form) after an error."""
    regels = []
    for vraag in selectors.expertvragen(casus):
        form = None
        if mag(user, "expertvraag_beantwoorden", vraag):
            form = antwoord[1] if antwoord and antwoord[0] == vraag.pk else ExpertAntwoordForm()
        regels.append((vraag, form))
    return regels


# The user fields of the dossier forms are picked by search: {field: (GET parameter, guard, queryset)}.
GEBRUIKER_ZOEKEN = {
    "professional": ("professional_zoek", "betrokkenen", professionals),
    "nieuwe_regisseur": ("regisseur_zoek", "overdragen", selectors.casusregisseurs),
}


def _gevonden(request, casus, veld):
    """(search text, users found) for one user field; without the right to use its form: nothing."""
    parameter, recht, queryset = GEBRUIKER_ZOEKEN[veld]
    q = zoektekst(request.GET, parameter)
    if not q or not heeft(request.user, recht, casus):
        return q, []
    return q, search.gebruikers(queryset(), q)


def _zoekresultaten(request, casus, context):
    """Without JS the search fields reload the dossier with their matches (a GET with the search text)."""
    resultaten = {}
    if context["mag_betrokkenen"]:
        q, gevonden = _gevonden(request, casus, "professional")
        resultaten.update(professional_zoek=q, professionals_gevonden=gevonden)
    if context["mag_overdragen"]:
        q, gevonden = _gevonden(request, casus, "nieuwe_regisseur")
        resultaten.update(regisseur_zoek=q, regisseurs_gevonden=gevonden)
    return resultaten


def _log_casus(request, casus, obj=None):
    """Record the look at the casus (or its plan) in the access log, per household member; returns the grond."""
    grond = selectors.toegangsgrond(request.user, casus)
    log_inzage(request, object=obj or casus, personen=selectors.huishouden_ids(casus), grond=grond)
    return grond


def _render_dossier(request, casus, **forms):
    grond = _log_casus(request, casus)
    context = _dossier_context(request, casus, **forms)
    if grond == "noodtoegang":
        context["noodtoegang"] = selectors.actieve_noodtoegangen(request.user, casus).order_by("-verloopt_op").first()
    return render(request, "casusregie/dossier.html", context)


@login_required
def dossier(request, pk):
    casus = selectors.dossier(request.user, pk)
    services.toegevoegde_meldingen_gezien(door=request.user, casus=casus)  # the home page's signal ends here
    response = _render_dossier(request, casus)
    services.antwoorden_gelezen(door=request.user, casus=casus)  # the answers shown there leave the home page
    return response


def _guard(request, casus, recht):
    """Who may post which dossier form (casusregie/rechten.py), checked before the form is even read, so a user
    without the right gets 403; the state of the casus (closed, escalated) is the services' message."""
    if not heeft(request.user, recht, casus):
        raise PermissionDenied(GEEN_RECHT)


def _dossier_form(request, pk, form_class, form_key, action, success, *, recht):
    """Handle one form of the dossier page: call the service, or show the page again with the errors."""
    casus = selectors.dossier(request.user, pk)
    _guard(request, casus, recht)
    form = form_class(request.POST, casus=casus) if form_class is EscalerenForm else form_class(request.POST)
    if form.is_valid():
        try:
            result = action(casus, form.cleaned_data)
        except TransitionNotAllowed as error:  # closed meanwhile: its form is no longer shown, so say it on top
            messages.error(request, " ".join(error.messages))
            return redirect("casusregie:dossier", pk=casus.pk)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect("casusregie:dossier", pk=casus.pk)
    messages.error(request, "Niet opgeslagen: verbeter de gemarkeerde velden. Wat u invulde staat er nog.")
    return _render_dossier(request, casus, **{form_key: form})


@login_required
@require_POST
def journaal_toevoegen(request, pk):
    return _dossier_form(
        request,
        pk,
        JournaalForm,
        "journaal_form",
        lambda casus, data: services.journaal_toevoegen(door=request.user, casus=casus, tekst=data["tekst"]),
        "De journaalregel is toegevoegd.",
        recht="wijzigen",
    )


@login_required
@require_POST
def betrokkene_toevoegen(request, pk):
    return _dossier_form(
        request,
        pk,
        BetrokkeneForm,
        "betrokkene_form",
        lambda casus, data: services.betrokkene_toevoegen(door=request.user, casus=casus, **data),
        "De professional is betrokken en heeft nu toegang.",
        recht="betrokkenen",
    )


@login_required
@require_POST
def betrokkene_verwijderen(request, pk, betrokkene_pk):
    casus = selectors.dossier(request.user, pk)
    _guard(request, casus, "betrokkenen")
    betrokkene = selectors.actieve_betrokkene(casus, betrokkene_pk)
    form = RedenForm(request.POST)
    reden = form.cleaned_data["reden"] if form.is_valid() else "verwijderd"
    try:
        services.betrokkene_verwijderen(door=request.user, betrokkene=betrokkene, reden=reden)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{betrokkene.professional} is niet meer betrokken; de toegang is ingetrokken.")
    return redirect("casusregie:dossier", pk=casus.pk)


def _gebruikers_zoeken(request, pk, veld, prefix):
    """The htmx fragment of a user search field of the dossier (radio buttons for the form)."""
    casus = selectors.dossier(request.user, pk)
    _guard(request, casus, GEBRUIKER_ZOEKEN[veld][1])
    q, gevonden = _gevonden(request, casus, veld)
    context = {"name": f"{prefix}-{veld}", "gevonden": gevonden, "zoek": q}
    return render(request, "casusregie/_gebruikers_gevonden.html", context)


@login_required
def professionals_zoeken(request, pk):
    return _gebruikers_zoeken(request, pk, "professional", BetrokkeneForm.prefix)


@login_required
def regisseurs_zoeken(request, pk):
    return _gebruikers_zoeken(request, pk, "nieuwe_regisseur", OverdragenForm.prefix)


@login_required
@require_POST
def overdragen(request, pk):
    return _dossier_form(
        request,
        pk,
        OverdragenForm,
        "overdragen_form",
        lambda casus, data: services.casus_overdragen(door=request.user, casus=casus, **data),
        "De casus is overgedragen; de rechten zijn meeverhuisd.",
        recht="overdragen",
    )


@login_required
@require_POST
def escaleren(request, pk):
    return _dossier_form(
        request,
        pk,
        EscalerenForm,
        "escaleren_form",
        lambda casus, data: services.casus_escaleren(door=request.user, casus=casus, **data),
        lambda escalatie: f"De casus is opgeschaald naar: {escalatie.niveau}.",  # the kind's start level
        recht="escaleren",
    )


@login_required
@require_POST
def verhuizen(request, pk):
    return _dossier_form(
        request,
        pk,
        VerhuizenForm,
        "verhuizen_form",
        lambda casus, data: services.verhuizen(door=request.user, casus=casus, **data),
        lambda casus: f"De verhuizing is vastgelegd: de casus hoort nu bij {casus.gemeente}.",
        recht="verhuizen",
    )


@login_required
@require_POST
def afsluiten(request, pk):
    return _dossier_form(
        request,
        pk,
        AfsluitenForm,
        "afsluiten_form",
        lambda casus, data: services.casus_afsluiten(door=request.user, casus=casus, **data),
        "De casus is afgesloten.",
        recht="afsluiten",
    )


@login_required
@require_POST
def afsluiten_procesmanager(request, pk):
    return _dossier_form(
        request,
        pk,
        AfsluitenProcesmanagerForm,
        "pm_afsluiten_form",
        lambda casus, data: services.casus_afsluiten_door_procesmanager(door=request.user, casus=casus, **data),
        "De casus is afgesloten door de procesmanager; de reden staat in het dossier.",
        recht="afsluiten_procesmanager",
    )


@login_required
@require_POST
def wachtlijst_melden(request, pk):
    return _dossier_form(
        request,
        pk,
        WachtlijstForm,
        "wachtlijst_form",
        lambda casus, data: services.wachtlijst_melden(door=request.user, casus=casus, **data),
        "De wachtlijst is gemeld.",
        recht="wijzigen",
    )


@login_required
@require_POST
def nieuwe_planversie(request, pk):
    casus = selectors.dossier(request.user, pk)
    _guard(request, casus, "wijzigen")
    try:
        plan = services.nieuwe_planversie(door=request.user, casus=casus)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("casusregie:dossier", pk=casus.pk)
    messages.success(request, f"Versie {plan.versie} van het plan is als concept aangemaakt.")
    return redirect("casusregie:plan", pk=plan.pk)


# --- the plan van aanpak ----------------------------------------------------------------------------------------


def _plan_context(request, plan, **forms):
    bewerkbaar = mag(request.user, "plan_bewerken", plan)
    context = {
        "plan": plan,
        "casus": plan.casus,
        "bewerkbaar": bewerkbaar,
        "doelen": plan.doelen.all(),
        "acties": plan.acties.select_related("eigenaar", "doel").prefetch_related("personen"),
        "versies": plan.casus.plannen.order_by("-versie"),
        "wijzigingen": selectors.plan_wijzigingen(plan),
        "mag_status": mag(request.user, "actie_voortgang", plan),
        "status_keuzes": ActieStatusForm.base_fields["status"].choices,
        "mag_actie_overdragen": mag(request.user, "actie_voortgang", plan),
        "organisaties": ActieOverdragenForm.base_fields["organisatie"].queryset.all(),  # fresh per request
        "mag_resultaat": mag(request.user, "doel_resultaat", plan),
        "resultaat_form": DoelResultaatForm(initial={"datum": timezone.localdate()}),
    }
    if bewerkbaar:
        initial = {"lock_version": plan.lock_version}
        context.update(
            plan_form=PlanForm(
                initial={
                    **initial,
                    "samenvatting": plan.samenvatting,
                    "afspraken": plan.afspraken,
                    "evaluatie_op": plan.evaluatie_op,
                    "eigen_mogelijkheden": plan.eigen_mogelijkheden,
                    "sociaal_netwerk": plan.sociaal_netwerk,
                    "akkoord_client": plan.akkoord_client,
                    "akkoord_op": plan.akkoord_op,
                }
            ),
            doel_form=DoelForm(initial=initial),
            actie_form=ActieForm(initial=initial, plan=plan),
        )
    context.update(forms)
    return context


@login_required
def plan(request, pk):
    plan = selectors.plan_for(request.user, pk)
    if request.method == "POST":
        return _plan_post(
            request,
            plan,
            PlanForm,
            "plan_form",
            lambda d: services.plan_opslaan(door=request.user, plan=plan, **d),
            "Het plan is opgeslagen.",
        )
    return _render_plan(request, "casusregie/plan.html", plan)


@login_required
def plan_pdf(request, pk):
    """The plan as PDF for whoever may see the plan (selectors.plan_for), made in the background
    (bzt.bestandstaken); the download is logged as an export of the persons in it (casusregie.plan_pdf)."""
    return bestandstaak_views.aanvraag(request, PLAN, pk)


def _render_plan(request, template, plan, **forms):
    _log_casus(request, plan.casus, obj=plan)
    return render(request, template, _plan_context(request, plan, **forms))


def _plan_post(request, plan, form_class, form_key, action, success, form_kwargs=None):
    _guard(request, plan.casus, "wijzigen")
    form = form_class(request.POST, **(form_kwargs or {}))
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except TransitionNotAllowed as error:  # no longer a draft: its forms are no longer shown
            messages.error(request, " ".join(error.messages))
            if not request.htmx:
                return redirect("casusregie:plan", pk=plan.pk)
            plan.refresh_from_db()
            return _render_plan(request, "casusregie/_plan_inhoud.html", plan)
        except ValidationError as error:  # StalePlan too: the message says to reload, the input stays
            apply_errors(form, error)
        else:
            messages.success(request, success)
            if request.htmx:
                plan.refresh_from_db()
                return _render_plan(request, "casusregie/_plan_inhoud.html", plan)
            return redirect("casusregie:plan", pk=plan.pk)
    plan.refresh_from_db()
    template = "casusregie/_plan_inhoud.html" if request.htmx else "casusregie/plan.html"
    return _render_plan(request, template, plan, **{form_key: form})


@login_required
@require_POST
def doel_toevoegen(request, pk):
    plan = selectors.plan_for(request.user, pk)
    return _plan_post(
        request,
        plan,
        DoelForm,
        "doel_form",
        lambda d: services.doel_toevoegen(door=request.user, plan=plan, **d),
        "Het doel is toegevoegd.",
    )


@login_required
@require_POST
def actie_toevoegen(request, pk):
    plan = selectors.plan_for(request.user, pk)
    return _plan_post(
        request,
        plan,
        ActieForm,
        "actie_form",
        lambda d: services.actie_toevoegen(door=request.user, plan=plan, **d),
        "De actie is toegevoegd.",
        form_kwargs={"plan": plan},
    )


# --- editing and removing goals and actions of the draft ---------------------------------------------------


def _onderdeel(request, plan, soort, obj, form, verwijder_form=None):
    """The page to change or remove one goal or action of the draft."""
    _log_casus(request, plan.casus, obj=plan)
    context = {"plan": plan, "casus": plan.casus, "soort": soort, "obj": obj, "form": form}
    context["verwijder_form"] = verwijder_form or VerwijderForm(initial={"lock_version": plan.lock_version})
    return render(request, "casusregie/plan_onderdeel.html", context)


def _onderdeel_post(request, plan, form, action, success, render_again):
    """Call the service for a valid form: back to the plan, or the page again with the errors. A plan that is
    no longer a draft (submitted meanwhile) sends the user back to the plan with the reason."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except TransitionNotAllowed as error:
            messages.error(request, " ".join(error.messages))
            return redirect("casusregie:plan", pk=plan.pk)
        except ValidationError as error:  # StalePlan too: the message says to reload
            apply_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("casusregie:plan", pk=plan.pk)
    return render_again(form)


def _niet_bewerkbaar(request, plan):
    messages.error(request, "Dit plan is niet meer in concept en kan niet worden gewijzigd.")
    return redirect("casusregie:plan", pk=plan.pk)


@login_required
def doel_bewerken(request, pk):
    doel = selectors.doel_for(request.user, pk)
    plan = doel.plan
    _guard(request, plan.casus, "wijzigen")
    if request.method != "POST":
        if not mag(request.user, "plan_bewerken", plan):
            return _niet_bewerkbaar(request, plan)
        initial = {"lock_version": plan.lock_version, "leefgebied": doel.leefgebied, "omschrijving": doel.omschrijving}
        return _onderdeel(request, plan, "doel", doel, DoelForm(initial=initial))
    return _onderdeel_post(
        request,
        plan,
        DoelForm(request.POST),
        lambda d: services.doel_wijzigen(door=request.user, doel=doel, **d),
        "Het doel is gewijzigd.",
        lambda form: _onderdeel(request, plan, "doel", doel, form),
    )


@login_required
@require_POST
def doel_verwijderen(request, pk):
    doel = selectors.doel_for(request.user, pk)
    plan = doel.plan
    _guard(request, plan.casus, "wijzigen")
    return _onderdeel_post(
        request,
        plan,
        VerwijderForm(request.POST),
        lambda d: services.doel_verwijderen(door=request.user, doel=doel, lock_version=d["lock_version"]),
        "Het doel is verwijderd.",
        lambda form: _onderdeel(
            request,
            plan,
            "doel",
            doel,
            DoelForm(
                initial={
                    "lock_version": plan.lock_version,
                    "leefgebied": doel.leefgebied,
                    "omschrijving": doel.omschrijving,
                }
            ),
            form,
        ),
    )


def _actie_initial(actie):
    return {
        "lock_version": actie.plan.lock_version,
        "omschrijving": actie.omschrijving,
        "eigenaar": actie.eigenaar_id,
        "uitvoerder_naam": actie.uitvoerder_naam,
        "deadline": actie.deadline,
        "doel": actie.doel_id,
        "personen": [p.pk for p in actie.personen.all()],
    }


@login_required
def actie_bewerken(request, pk):
    actie = selectors.actie_for(request.user, pk)
    plan = actie.plan
    _guard(request, plan.casus, "wijzigen")
    if request.method != "POST":
        if not mag(request.user, "plan_bewerken", plan):
            return _niet_bewerkbaar(request, plan)
        form = ActieWijzigenForm(initial=_actie_initial(actie), plan=plan, actie=actie)
        return _onderdeel(request, plan, "actie", actie, form)
    return _onderdeel_post(
        request,
        plan,
        ActieWijzigenForm(request.POST, plan=plan, actie=actie),
        lambda d: services.actie_wijzigen(door=request.user, actie=actie, **d),
        "De actie is gewijzigd.",
        lambda form: _onderdeel(request, plan, "actie", actie, form),
    )


@login_required
@require_POST
def actie_verwijderen(request, pk):
    actie = selectors.actie_for(request.user, pk)
    plan = actie.plan
    _guard(request, plan.casus, "wijzigen")
    return _onderdeel_post(
        request,
        plan,
        VerwijderForm(request.POST),
        lambda d: services.actie_verwijderen(door=request.user, actie=actie, lock_version=d["lock_version"]),
        "De actie is verwijderd.",
        lambda form: _onderdeel(
            request,
            plan,
            "actie",
            actie,
            ActieWijzigenForm(initial=_actie_initial(actie), plan=plan, actie=actie),
            form,
        ),
    )


@login_required
@require_POST
def doel_resultaat(request, pk):
    doel = selectors.doel_for(request.user, pk)
    _guard(request, doel.plan.casus, "wijzigen")
    form = DoelResultaatForm(request.POST)
    if form.is_valid():
        try:
            doel = services.doel_resultaat_vastleggen(
                door=request.user,
                doel=doel,
                resultaat=form.cleaned_data["resultaat"],
                datum=form.cleaned_data["datum"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            wat = doel.get_resultaat_display().lower() if doel.resultaat else "loopt nog"
            messages.success(request, f"Resultaat van het doel vastgelegd: {wat}.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("casusregie:plan", pk=doel.plan_id)


def _lock_version(request):
    """The version of the plan the form was made from; a malformed one never matches (-1)."""
    version = parse_int(request.POST.get("lock_version"), minimum=0)
    return -1 if version is None else version


@login_required
@require_POST
def plan_indienen(request, pk):
    plan = selectors.plan_for(request.user, pk)
    _guard(request, plan.casus, "wijzigen")
    try:
        services.plan_indienen(door=request.user, plan=plan, lock_version=_lock_version(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("casusregie:plan", pk=plan.pk)
    messages.success(request, "Het plan is ingediend en staat op de agenda van het MDO.")
    return redirect("casusregie:dossier", pk=plan.casus_id)


@login_required
@require_POST
def actie_status(request, pk):
    actie = selectors.actie_for(request.user, pk)
    _guard(request, actie.plan.casus, "wijzigen")
    form = ActieStatusForm(request.POST)
    if form.is_valid():
        try:
            services.actie_status_wijzigen(door=request.user, actie=actie, status=form.cleaned_data["status"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Status van de actie: {actie.get_status_display()}.")
    return redirect("casusregie:plan", pk=actie.plan_id)


@login_required
@require_POST
def actie_overdragen(request, pk):
    actie = selectors.actie_for(request.user, pk)
    _guard(request, actie.plan.casus, "wijzigen")
    form = ActieOverdragenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Kies de organisatie die de actie overneemt.")
        return redirect("casusregie:plan", pk=actie.plan_id)
    try:
        services.actie_overdragen(door=request.user, actie=actie, organisatie=form.cleaned_data["organisatie"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"De actie is overgedragen aan {form.cleaned_data['organisatie']}.")
    return redirect("casusregie:plan", pk=actie.plan_id)


# --- nazorg ------------------------------------------------------------------------------------------------------


@login_required
@require_POST
def nazorg_vastleggen(request, pk):
    """The nazorg task on the home page: only for the person it is for (404 for anyone else)."""
    nazorg = selectors.nazorg_taak(request.user, pk)
    form = NazorgForm(request.POST)
    if form.is_valid():
        try:
            services.nazorg_vastleggen(door=request.user, nazorg=nazorg, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, "Niet vastgelegd: " + " ".join(error.messages))
        else:
            if nazorg.uitkomst == nazorg.Uitkomst.OPNIEUW_MELDEN:
                messages.success(request, "Vastgelegd: het meldpunt ziet dat een nieuwe melding nodig is.")
            else:
                messages.success(request, "De nazorg is vastgelegd.")
    else:
        messages.error(request, "Niet vastgelegd: kies hoe het gaat.")
    return redirect("home")


@login_required
@require_POST
def nazorg_gemeld(request, pk):
    """The meldpunt marks that the new melding asked for by the nazorg is registered."""
    if not request.user.has_perm("meldpunt.add_melding"):
        raise PermissionDenied
    nazorg = access_object(selectors.opnieuw_te_melden(request.user), pk)
    try:
        services.nazorg_gemeld(door=request.user, nazorg=nazorg)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Gemarkeerd: de nieuwe melding is geregistreerd.")
    return redirect("home")


# --- escalations ------------------------------------------------------------------------------------------------


@login_required
def escalaties(request):
    if not request.user.has_perm("casusregie.behandelen_escalatie"):
        raise PermissionDenied
    page = Paginator(selectors.escalaties_op_mijn_niveau(request.user), 25).get_page(request.GET.get("pagina"))
    return render(request, "casusregie/escalaties.html", {"page": page})


ESCALATIE_FORMS = {
    "opschalen": (
        OpschalenForm,
        "Opgeschaald.",
        lambda r, e, d: services.escalatie_opschalen(door=r.user, escalatie=e, **d),
    ),
    "antwoord": (
        AntwoordForm,
        "Het antwoord en besluit zijn vastgelegd.",
        lambda r, e, d: services.escalatie_beantwoorden(door=r.user, escalatie=e, **d),
    ),
    "doorbraak": (
        DoorbraakForm,
        "De doorbraak is vastgelegd.",
        lambda r, e, d: services.doorbraak_vastleggen(door=r.user, escalatie=e, **d),
    ),
    "deescaleren": (
        DeescalerenForm,
        "De escalatie is gesloten; de casus ligt weer bij de casusregisseur.",
        lambda r, e, d: services.escalatie_deescaleren(door=r.user, escalatie=e, **d),
    ),
}


@login_required
def escalatie(request, pk):
    escalatie = selectors.escalatie_detail(request.user, pk)
    forms = {}
    if request.method == "POST":
        actie = request.POST.get("actie")
        if actie not in ESCALATIE_FORMS:
            return redirect("casusregie:escalatie", pk=pk)
        form_class, success, call = ESCALATIE_FORMS[actie]
        form = (
            form_class(request.POST, escalatie=escalatie) if form_class is OpschalenForm else form_class(request.POST)
        )
        if form.is_valid():
            try:
                call(request, escalatie, form.cleaned_data)
            except TransitionNotAllowed as error:  # closed: its forms are no longer shown, so say it on top
                messages.error(request, " ".join(error.messages))
                return _na_escalatie(request, escalatie)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, success)
                return _na_escalatie(request, escalatie)
        forms[f"{actie}_form"] = form
    log_inzage(
        request,
        object=escalatie,
        personen=selectors.huishouden_ids(escalatie.casus),
        grond=selectors.escalatie_grond(request.user, escalatie),
    )
    response = render(request, "casusregie/escalatie.html", _escalatie_context(request, escalatie, **forms))
    services.antwoorden_gelezen(door=request.user, casus=escalatie.casus, escalatie=escalatie)
    return response


def _na_escalatie(request, escalatie):
    """Back to the escalation, or home when the user may no longer open it."""
    if selectors.escalaties_for(request.user).filter(pk=escalatie.pk).exists():
        return redirect("casusregie:escalatie", pk=escalatie.pk)
    return redirect("home")


def _escalatie_context(request, escalatie, **forms):
    context = {
        "escalatie": escalatie,
        "casus": escalatie.casus,
        "samenvatting": selectors.escalatie_samenvatting(escalatie),
        "verloop": selectors.escalatie_verloop(escalatie),
        "behandelt": mag(request.user, "behandelen", escalatie),
        "mag_deescaleren": mag(request.user, "deescaleren", escalatie),
        "mag_dossier": selectors.casussen_for(request.user).filter(pk=escalatie.casus_id).exists(),
        "opschalen_form": OpschalenForm(escalatie=escalatie),
        "antwoord_form": AntwoordForm(),
        "doorbraak_form": DoorbraakForm(),
        "deescaleren_form": DeescalerenForm(),
    }
    context.update(forms)
    return context


# --- noodtoegang (break the glass) ------------------------------------------------------------------------------


@login_required
def noodtoegang(request, pk):
    """Ask emergency access to a casus outside one's rights: a written reason, a clear warning, 4 hours."""
    casus = access_object(selectors.noodtoegang_casussen(request.user).select_related("melding"), pk)
    if selectors.actieve_noodtoegangen(request.user, casus).exists():
        return redirect("casusregie:dossier", pk=casus.pk)
    form = NoodtoegangForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            toegang = services.noodtoegang_openen(door=request.user, casus=casus, reden=form.cleaned_data["reden"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.warning(
                request,
                f"Noodtoegang tot casus {casus.nummer} tot {timezone.localtime(toegang.verloopt_op):%H:%M}. "
                "Elke inzage wordt vastgelegd; de procesmanager beoordeelt deze noodtoegang.",
            )
            return redirect("casusregie:dossier", pk=casus.pk)
    return render(
        request,
        "casusregie/noodtoegang.html",
        {"casus": casus, "form": form, "uren": int(services.NOODTOEGANG_DUUR.total_seconds() // 3600)},
    )


@login_required
@permission_required("bzt.zien_inzagelog", raise_exception=True)
def noodtoegangen(request):
    """Every emergency access for those who read the access log (the privacy officer): who opened which casus
    number, when, until when, why, and the review. It shows no client's name or case content, so it writes no
    access-log row of its own."""
    page = Paginator(selectors.noodtoegangen_overzicht(), 50).get_page(request.GET.get("pagina"))
    return render(request, "casusregie/noodtoegangen.html", {"page": page})


# --- a new melding joins the open casus of its household --------------------------------------------------------


def open_casus_op_meldingpagina(user, melding):
    """meldpunt.hooks.OPEN_MELDING_PAGINA: the open casus of the melding's household and, where the meldpunt may
    add the melding to it now, the button's URL."""
    casus = services.open_casus_van_huishouden(melding)
    if casus is None:
        return {}
    context = {"open_casus": casus}
    if user.has_perm("meldpunt.triageren_melding") and services.melding_bij_casus_mogelijk(melding):
        context["bij_casus_url"] = reverse("casusregie:melding_bij_casus", args=[melding.pk])
    return context


@login_required
@require_POST
def melding_bij_casus(request, pk):
    """The meldpunt adds a melding to the open casus of its household (at triage)."""
    if not request.user.has_perm("meldpunt.triageren_melding"):
        raise PermissionDenied(GEEN_RECHT)
    melding = meldpunt_selectors.melding_detail(request.user, pk)
    try:
        toegevoegd = services.melding_bij_casus_voegen(door=request.user, melding=melding)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Melding {melding.nummer} is bij casus {toegevoegd.casus.nummer} gevoegd. De casusregisseur ziet haar.",
        )
    return redirect("meldpunt:melding", pk=melding.pk)


# --- expert-team consultation ----------------------------------------------------------------------------------


@login_required
@require_POST
def expertvraag_stellen(request, pk):
    return _dossier_form(
        request,
        pk,
        ExpertVraagForm,
        "expertvraag_form",
        lambda casus, data: services.expertvraag_stellen(door=request.user, casus=casus, **data),
        "De vraag is gesteld; de leden van het expertteam kunnen de casus lezen tot zij hebben geantwoord.",
        recht="expertvraag_stellen",
    )


@login_required
@require_POST
def expertvraag_beantwoorden(request, pk):
    vraag = selectors.expertvraag_for(request.user, pk)
    if not heeft(request.user, "expertvraag_beantwoorden", vraag):
        raise PermissionDenied("Alleen een lid van het expertteam beantwoordt deze vraag.")
    form = ExpertAntwoordForm(request.POST)
    if form.is_valid():
        try:
            services.expertvraag_beantwoorden(door=request.user, vraag=vraag, antwoord=form.cleaned_data["antwoord"])
        except TransitionNotAllowed as error:
            messages.error(request, " ".join(error.messages))
            return redirect("casusregie:expertvragen")
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Uw antwoord staat in het dossier; uw leestoegang tot deze casus is beëindigd.")
            return redirect("casusregie:expertvragen")
    messages.error(request, "Niet opgeslagen: verbeter de gemarkeerde velden. Wat u invulde staat er nog.")
    return _render_dossier(request, vraag.casus, antwoord=(vraag.pk, form))


@login_required
def expertvragen(request):
    """The open questions to the expert teams the user is a member of (the casussen they may read now)."""
    if not permissions.is_expertteamlid(request.user):
        raise PermissionDenied("Deze pagina is voor leden van een expertteam.")
    vragen = list(selectors.open_vragen_aan_mijn_team(request.user))
    return render(request, "casusregie/expertvragen.html", {"vragen": vragen})
