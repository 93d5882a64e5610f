"""Casus screens: mijn casussen, the dossier, the plan van aanpak, betrokkenen, escalations, closing.

Thin: fetch through a selector (404 for missing and not yours), call one service, render. A form with bad
input is shown again with its errors and everything typed (status 200), never silently dropped.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import (
    ActieForm,
    ActieStatusForm,
    AfsluitenForm,
    AntwoordForm,
    BetrokkeneForm,
    DeescalerenForm,
    DoelForm,
    DoorbraakForm,
    EscalerenForm,
    JournaalForm,
    OpschalenForm,
    OverdragenForm,
    PlanForm,
    RedenForm,
    WachtlijstForm,
)
from .models import Plan, PlanActie
from .timeline import tijdlijn


def _apply_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- lists ----------------------------------------------------------------------------------------------------


@login_required
def mijn_casussen(request):
    user = request.user
    if user.has_perm("casusregie.zien_alle_casussen"):
        qs, titel = selectors.alle_casussen(user), "Alle casussen"
    elif user.has_perm("casusregie.werken_als_regisseur"):
        qs, titel = selectors.mijn_casussen(user), "Mijn casussen"
    else:
        raise PermissionDenied
    page = Paginator(qs, 25).get_page(request.GET.get("pagina"))
    return render(request, "casusregie/mijn_casussen.html", {"page": page, "titel": titel})


# --- the dossier ----------------------------------------------------------------------------------------------


def _dossier_context(request, casus, **forms):
    user = request.user
    plannen = list(selectors.plannen(casus))
    context = {
        "casus": casus,
        "plan": next((p for p in plannen if p.status == Plan.Status.VASTGESTELD), None),
        "concept": next((p for p in plannen if p.status in (Plan.Status.CONCEPT, Plan.Status.INGEDIEND)), None),
        "plannen": plannen,
        "betrokkenen": selectors.betrokkenen(casus),
        "escalaties": casus.escalaties.select_related("niveau").order_by("-gestart_op", "-id"),
        "wachtlijsten": casus.wachtlijsten.select_related("organisatie"),
        "tijdlijn": tijdlijn(casus),
        "mag_wijzigen": selectors.may_change(user, casus),
        "mag_betrokkenen": casus.open
        and (user.has_perm("casusregie.beheren_betrokkenen", casus) or user.has_perm("mdo.voorzitten_mdo")),
        "mag_escaleren": casus.open
        and casus.status != casus.Status.OPGESCHAALD
        and user.has_perm("casusregie.escaleren_casus", casus),
        "mag_afsluiten": casus.open
        and (user.has_perm("casusregie.change_casus", casus) or user.has_perm("mdo.voorzitten_mdo")),
        "mag_overdragen": casus.open and user.has_perm("mdo.voorzitten_mdo"),
        "journaal_form": JournaalForm(),
        "betrokkene_form": BetrokkeneForm(),
        "escaleren_form": EscalerenForm(),
        "afsluiten_form": AfsluitenForm(),
        "overdragen_form": OverdragenForm(),
        "wachtlijst_form": WachtlijstForm(),
    }
    context.update(forms)
    return context


@login_required
def dossier(request, pk):
    casus = selectors.dossier(request.user, pk)
    return render(request, "casusregie/dossier.html", _dossier_context(request, casus))


def _dossier_form(request, pk, form_class, form_key, action, success):
    """Handle one form of the dossier page: call the service, or show the page again with the errors."""
    casus = selectors.dossier(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(casus, form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("casusregie:dossier", pk=casus.pk)
    messages.error(request, "Niet opgeslagen: verbeter de gemarkeerde velden. Wat u invulde staat er nog.")
    return render(request, "casusregie/dossier.html", _dossier_context(request, casus, **{form_key: form}))


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
    )


@login_required
@require_POST
def betrokkene_verwijderen(request, pk, betrokkene_pk):
    casus = selectors.dossier(request.user, pk)
    betrokkene = selectors.actieve_betrokkene(casus, betrokkene_pk)
    form = RedenForm(request.POST)
    reden = form.cleaned_data["reden"] if form.is_valid() else "verwijderd"
    services.betrokkene_verwijderen(door=request.user, betrokkene=betrokkene, reden=reden)
    messages.success(request, f"{betrokkene.professional} is niet meer betrokken; de toegang is ingetrokken.")
    return redirect("casusregie:dossier", pk=casus.pk)


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
        "De casus is opgeschaald naar de procesmanager.",
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
    )


@login_required
@require_POST
def nieuwe_planversie(request, pk):
    casus = selectors.dossier(request.user, pk)
    try:
        plan = services.nieuwe_planversie(door=request.user, casus=casus)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("casusregie:dossier", pk=casus.pk)
    messages.success(request, f"Versie {plan.versie} van het plan is als concept aangemaakt.")
    return redirect("casusregie:plan", pk=plan.pk)


# --- the plan van aanpak ----------------------------------------------------------------------------------------


def _plan_context(request, plan, **forms):
    bewerkbaar = plan.bewerkbaar and selectors.may_change(request.user, plan.casus)
    context = {
        "plan": plan,
        "casus": plan.casus,
        "bewerkbaar": bewerkbaar,
        "doelen": plan.doelen.all(),
        "acties": plan.acties.select_related("eigenaar", "doel").prefetch_related("personen"),
        "versies": plan.casus.plannen.order_by("-versie"),
        "wijzigingen": selectors.plan_wijzigingen(plan),
        "mag_status": selectors.may_change(request.user, plan.casus),
        "status_keuzes": PlanActie.Status.choices,
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
    return render(request, "casusregie/plan.html", _plan_context(request, plan))


def _plan_post(request, plan, form_class, form_key, action, success, form_kwargs=None):
    form = form_class(request.POST, **(form_kwargs or {}))
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:  # StalePlan too: the message says to reload, the input stays
            _apply_errors(form, error)
        else:
            messages.success(request, success)
            if request.htmx:
                plan.refresh_from_db()
                return render(request, "casusregie/_plan_inhoud.html", _plan_context(request, plan))
            return redirect("casusregie:plan", pk=plan.pk)
    plan.refresh_from_db()
    template = "casusregie/_plan_inhoud.html" if request.htmx else "casusregie/plan.html"
    return render(request, template, _plan_context(request, plan, **{form_key: form}))


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


@login_required
@require_POST
def plan_indienen(request, pk):
    plan = selectors.plan_for(request.user, pk)
    try:
        services.plan_indienen(door=request.user, plan=plan, lock_version=int(request.POST.get("lock_version", -1)))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("casusregie:plan", pk=plan.pk)
    messages.success(request, "Het plan is ingediend en staat op de agenda van het MDO.")
    return redirect("casusregie:dossier", pk=plan.casus_id)


@login_required
@require_POST
def actie_status(request, pk):
    actie = selectors.actie_for(request.user, pk)
    form = ActieStatusForm(request.POST)
    if form.is_valid():
        services.actie_status_wijzigen(door=request.user, actie=actie, status=form.cleaned_data["status"])
        messages.success(request, f"Status van de actie: {actie.get_status_display().lower()}.")
    return redirect("casusregie:plan", pk=actie.plan_id)


# --- escalations ------------------------------------------------------------------------------------------------


@login_required
def escalaties(request):
    if not request.user.has_perm("casusregie.behandelen_escalatie"):
        raise PermissionDenied
    return render(
        request, "casusregie/escalaties.html", {"escalaties": selectors.escalaties_op_mijn_niveau(request.user)}
    )


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
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, success)
                if selectors.escalaties_for(request.user).filter(pk=escalatie.pk).exists():
                    return redirect("casusregie:escalatie", pk=pk)
                return redirect("home")
        forms[f"{actie}_form"] = form
    return render(request, "casusregie/escalatie.html", _escalatie_context(request, escalatie, **forms))


def _escalatie_context(request, escalatie, **forms):
    handles = services.handles(request.user, escalatie)
    open_ = escalatie.status != escalatie.Status.GEDEESCALEERD
    context = {
        "escalatie": escalatie,
        "casus": escalatie.casus,
        "samenvatting": selectors.escalatie_samenvatting(escalatie),
        "behandelt": handles and open_,
        "mag_deescaleren": open_ and (handles or request.user.has_perm("mdo.voorzitten_mdo")),
        "mag_dossier": selectors.casussen_for(request.user).filter(pk=escalatie.casus_id).exists(),
        "opschalen_form": OpschalenForm(escalatie=escalatie),
        "antwoord_form": AntwoordForm(),
        "doorbraak_form": DoorbraakForm(),
        "deescaleren_form": DeescalerenForm(),
    }
    context.update(forms)
    return context
