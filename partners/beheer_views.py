"""Functioneel beheer: API keys and callback addresses of partner organisations, and failed callbacks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bzt.beheer_forms import RedenForm
from bzt.forms import apply_errors, parse_int
from bzt.models import Organisatie

from . import beheer, rechten, sleutels
from .forms import SleutelForm, TerugmeldadresForm
from .models import ApiSleutel, Terugmelding
from .selectors import terugmeldadres_van

NIEUWE_SLEUTEL = "bzt_nieuwe_api_sleutel"


def beheer_vereist(view):
    return login_required(rechten.recht_vereist("beheren")(view))


@beheer_vereist
def overzicht(request):
    return render(
        request,
        "partners/beheer_overzicht.html",
        {"organisaties": beheer.organisaties_overzicht(), "mislukt": beheer.mislukte_terugmeldingen()[:100]},
    )


@beheer_vereist
def organisatie(request, pk):
    org = get_object_or_404(Organisatie, pk=parse_int(pk) or 0)
    adres = terugmeldadres_van(org)
    adres_form = TerugmeldadresForm(instance=adres)
    if request.method == "POST":
        adres_form = TerugmeldadresForm(request.POST, instance=adres)
        if adres_form.is_valid():
            try:
                beheer.terugmeldadres_opslaan(door=request.user, organisatie=org, **adres_form.cleaned_data)
            except ValidationError as error:
                apply_errors(adres_form, error)
            else:
                messages.success(request, "Het terugmeldadres is opgeslagen.")
                return redirect("partnerbeheer:organisatie", pk=org.pk)
    return render(
        request,
        "partners/beheer_organisatie.html",
        {
            "organisatie": org,
            "sleutels": beheer.sleutels_van(org),
            "sleutel_form": SleutelForm(),
            "adres_form": adres_form,
            "adres": adres,
            "nieuwe_sleutel": request.session.pop(NIEUWE_SLEUTEL, None),  # shown once
            "reden_form": RedenForm(),
        },
    )


@beheer_vereist
@require_POST
def sleutel_nieuw(request, pk):
    org = get_object_or_404(Organisatie, pk=parse_int(pk) or 0)
    form = SleutelForm(request.POST)
    if form.is_valid():
        try:
            nieuw = sleutels.sleutel_uitgeven(door=request.user, organisatie=org, naam=form.cleaned_data["naam"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            request.session[NIEUWE_SLEUTEL] = nieuw.key
            messages.success(request, "De API-sleutel is aangemaakt. Kopieer hem nu: hij wordt maar één keer getoond.")
    else:
        messages.error(request, "Geef een omschrijving van de sleutel.")
    return redirect("partnerbeheer:organisatie", pk=org.pk)


@beheer_vereist
@require_POST
def sleutel_intrekken(request, pk):
    sleutel = get_object_or_404(ApiSleutel, pk=parse_int(pk) or 0)
    form = RedenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Geef een reden om de sleutel in te trekken.")
    else:
        try:
            sleutels.sleutel_intrekken(door=request.user, sleutel=sleutel, reden=form.cleaned_data["reden"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"API-sleutel {sleutel.prefix} is ingetrokken; hij werkt vanaf nu niet meer.")
    return redirect("partnerbeheer:organisatie", pk=sleutel.organisatie_id)


@beheer_vereist
@require_POST
def terugmelding_opnieuw(request, pk):
    terugmelding = get_object_or_404(Terugmelding, pk=parse_int(pk) or 0)
    beheer.terugmelding_opnieuw(door=request.user, terugmelding=terugmelding)
    messages.success(request, "De terugmelding wordt opnieuw verstuurd.")
    return redirect("partnerbeheer:overzicht")
