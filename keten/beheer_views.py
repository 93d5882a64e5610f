"""Functioneel beheer of the casusregie reference lists (services: casusregie.referentie; docs/beheer.md
§ Afsluitredenen). Served in the `beheer:` namespace through keten/beheer_urls.py (included by bzt/beheer_urls.py
by name, not imported). Thin views: parse, check the permission, call one service, render. No case content."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from bzt.beheer_forms import STATUS_KEUZES
from bzt.beheer_views import _bevestigen, beheer_vereist
from bzt.forms import apply_errors, parse_int
from casusregie import referentie
from casusregie.models import AfsluitReden
from monitor.formatting import bedrag_invoer
from monitor.forms import BudgetRegelForm
from monitor.models import BudgetRegel
from monitor.services import EERSTE_JAAR, budgetregel_opslaan, budgetregel_verwijderen, budgetregels, laatste_jaar


class AfsluitRedenForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=referentie.CODE_MAX,
        help_text="Kleine letters, cijfers, - en _; zo kennen de import en de jaarmonitor de reden.",
    )
    naam = forms.CharField(label="Naam", max_length=referentie.NAAM_MAX, help_text="Wat de casusregisseur kiest.")
    vraagt_organisatie = forms.BooleanField(
        label="Bij deze reden wordt vastgelegd welke organisatie de zorg overneemt", required=False
    )
    casus_kan_niet_verder = forms.BooleanField(
        label="De casus kan niet verder (dan mag ook de procesmanager met deze reden afsluiten)", required=False
    )
    volgorde = forms.IntegerField(
        label="Volgorde",
        min_value=0,
        max_value=999,
        initial=0,
        help_text="Lager staat hoger in de keuzelijst.",
        error_messages={
            "invalid": "Vul een heel getal in.",
            "min_value": "Kies een volgorde van 0 tot en met 999.",
            "max_value": "Kies een volgorde van 0 tot en met 999.",
        },
    )
    reden = forms.CharField(
        label="Reden van de wijziging",
        max_length=100,
        help_text="Komt in de geschiedenis van de afsluitreden.",
        error_messages={"required": "Geef een reden (komt in de geschiedenis)."},
    )

    def __init__(self, *args, afsluitreden=None, **kwargs):
        super().__init__(*args, **kwargs)
        if afsluitreden is None:
            del self.fields["reden"]
        else:
            vast = referentie.code_vast(afsluitreden)
            if vast:
                self.fields["code"].disabled = True
                self.fields["code"].help_text = vast


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=STATUS_KEUZES, required=False)


def _afsluitreden(pk):
    return get_object_or_404(AfsluitReden, pk=parse_int(pk) or 0)


@beheer_vereist
def afsluitredenen(request):
    status = request.GET.get("status", "")
    status = status if status in dict(STATUS_KEUZES) else ""
    return render(
        request,
        "beheer/afsluitredenen.html",
        {"redenen": referentie.afsluitredenen(status), "statusform": StatusForm(request.GET or None)},
    )


@beheer_vereist
def afsluitreden_nieuw(request):
    form = AfsluitRedenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reden = referentie.afsluitreden_aanmaken(door=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Afsluitreden ‘{reden.naam}’ is aangemaakt.")
            return redirect("beheer:afsluitredenen")
    return render(request, "beheer/afsluitreden.html", {"form": form, "afsluitreden": None})


@beheer_vereist
def afsluitreden(request, pk):
    afsluitreden = _afsluitreden(pk)
    initial = {
        "code": afsluitreden.code,
        "naam": afsluitreden.naam,
        "vraagt_organisatie": afsluitreden.vraagt_organisatie,
        "casus_kan_niet_verder": afsluitreden.casus_kan_niet_verder,
        "volgorde": afsluitreden.volgorde,
    }
    form = AfsluitRedenForm(request.POST or None, initial=initial, afsluitreden=afsluitreden)
    if request.method == "POST" and form.is_valid():
        try:
            referentie.afsluitreden_wijzigen(door=request.user, afsluitreden=afsluitreden, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"De wijziging van ‘{afsluitreden.naam}’ is opgeslagen.")
            return redirect("beheer:afsluitreden", pk=afsluitreden.pk)
    return render(
        request,
        "beheer/afsluitreden.html",
        {
            "form": form,
            "afsluitreden": afsluitreden,
            "gebruikt": referentie.afsluitredenen().get(pk=afsluitreden.pk).gebruikt,
            "geschiedenis": afsluitreden.history.select_related("history_user").order_by("-history_date")[:20],
        },
    )


ACTIES = {
    "deactiveren": (
        referentie.afsluitreden_deactiveren,
        "Afsluitreden deactiveren?",
        "De reden kan niet meer worden gekozen bij het afsluiten van een casus. Casussen die er al mee zijn "
        "afgesloten houden haar, ook in de jaarmonitor. De reden wordt nooit verwijderd.",
        "Ja, deactiveren",
        "De afsluitreden is gedeactiveerd.",
    ),
    "heractiveren": (
        referentie.afsluitreden_heractiveren,
        "Afsluitreden heractiveren?",
        "De reden kan weer worden gekozen bij het afsluiten van een casus.",
        "Ja, heractiveren",
        "De afsluitreden is weer actief.",
    ),
}


def _actie(naam):
    @beheer_vereist
    def view(request, pk):
        afsluitreden = _afsluitreden(pk)
        return _bevestigen(
            request,
            actie=ACTIES[naam],
            onderwerp=f"{afsluitreden.naam} ({afsluitreden.code})",
            uitvoeren=lambda service, reden: service(door=request.user, afsluitreden=afsluitreden, reden=reden),
            terug=reverse("beheer:afsluitreden", args=[afsluitreden.pk]),
        )

    view.__name__ = f"afsluitreden_{naam}"
    return view


afsluitreden_deactiveren = _actie("deactiveren")
afsluitreden_heractiveren = _actie("heractiveren")


# --- budget lines of the jaarmonitor (services: monitor.services; docs/jaarmonitor.md § Budget) ----------------


def _jaar_param(request):
    jaar = parse_int(request.GET.get("jaar")) or laatste_jaar()
    return min(max(jaar, EERSTE_JAAR), laatste_jaar() + 1)


def _budget_pagina(request, jaar, form, regel=None, status=200):
    regels = budgetregels(jaar)
    context = {
        "jaar": jaar,
        "regels": regels,
        "totaal": sum((r.bedrag for r in regels), start=0),
        "form": form,
        "regel": regel,
        "vorig_jaar": jaar - 1 if jaar > EERSTE_JAAR else None,
        "volgend_jaar": jaar + 1 if jaar <= laatste_jaar() else None,
        "geschiedenis": regel.history.select_related("history_user").order_by("-history_date")[:20] if regel else None,
    }
    return render(request, "beheer/budget.html", context, status=status)


@beheer_vereist
def budget(request):
    jaar = _jaar_param(request)
    form = BudgetRegelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            budgetregel_opslaan(door=request.user, jaar=jaar, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "De budgetregel is toegevoegd.")
            return redirect(f"{reverse('beheer:budget')}?jaar={jaar}")
    return _budget_pagina(request, jaar, form, status=400 if form.errors else 200)


def _budgetregel(pk):
    return get_object_or_404(BudgetRegel.objects.select_related("organisatie"), pk=parse_int(pk) or 0)


@beheer_vereist
def budgetregel(request, pk):
    regel = _budgetregel(pk)
    initial = {
        "categorie": regel.categorie,
        "omschrijving": regel.omschrijving,
        "bedrag": bedrag_invoer(regel.bedrag),
        "subsidie": regel.subsidie,
        "aanmeldroute": regel.aanmeldroute,
        "organisatie": regel.organisatie_id,
    }
    form = BudgetRegelForm(request.POST or None, initial=initial, regel=regel)
    if request.method == "POST" and form.is_valid():
        try:
            budgetregel_opslaan(door=request.user, jaar=regel.jaar, regel=regel, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "De wijziging van de budgetregel is opgeslagen.")
            return redirect(f"{reverse('beheer:budget')}?jaar={regel.jaar}")
    return _budget_pagina(request, regel.jaar, form, regel=regel, status=400 if form.errors else 200)


@beheer_vereist
def budgetregel_verwijderen_view(request, pk):
    regel = _budgetregel(pk)
    return _bevestigen(
        request,
        actie=(
            budgetregel_verwijderen,
            "Budgetregel verwijderen?",
            "Alleen voor een regel die per vergissing is ingevoerd: de jaarmonitor telt hem dan niet meer mee. "
            "De geschiedenis bewaart de regel met de reden.",
            "Ja, verwijderen",
            "De budgetregel is verwijderd.",
        ),
        onderwerp=f"{regel.jaar}: {regel.omschrijving}",
        uitvoeren=lambda service, reden: service(door=request.user, regel=regel, reden=reden),
        terug=f"{reverse('beheer:budget')}?jaar={regel.jaar}",
    )
