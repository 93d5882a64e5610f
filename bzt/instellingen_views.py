"""The settings screens of functioneel beheer (bzt.instellingen, docs/beheer.md § Instellingen). Thin views:
parse, check the permission, call the one service, render. No case content is read here."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from . import instellingen
from .beheer_views import beheer_vereist
from .forms import apply_errors


class InstellingForm(forms.Form):
    waarde = forms.IntegerField(
        label="Nieuwe waarde",
        required=False,
        error_messages={"invalid": "Vul een heel getal in."},
    )
    standaard_gebruiken = forms.BooleanField(label="Terug naar de standaardwaarde uit de omgeving", required=False)
    korter_bevestigd = forms.BooleanField(
        label="Ik weet dat een kortere bewaartermijn gegevens onomkeerbaar laat anonimiseren",
        required=False,
    )
    reden = forms.CharField(
        label="Reden van de wijziging",
        max_length=100,
        help_text="Komt in de geschiedenis, bijvoorbeeld een besluit of ticketnummer.",
        error_messages={"required": "Geef een reden (komt in de geschiedenis)."},
    )

    def __init__(self, *args, definitie, **kwargs):
        super().__init__(*args, **kwargs)
        if definitie.sleutel not in instellingen.BEWAARTERMIJNEN:
            del self.fields["korter_bevestigd"]
        self.fields[
            "waarde"
        ].help_text = f"In {definitie.eenheid}, van {definitie.minimum} tot en met {definitie.maximum}."

    def clean(self):
        data = super().clean()
        if not data.get("standaard_gebruiken") and data.get("waarde") is None and "waarde" not in self.errors:
            self.add_error("waarde", "Vul een waarde in, of kies voor de standaardwaarde.")
        return data


@beheer_vereist
def instellingen_lijst(request):
    return render(request, "beheer/instellingen.html", {"regels": instellingen.overzicht()})


@beheer_vereist
def instelling(request, sleutel):
    if sleutel not in instellingen.DEFINITIES:
        raise Http404
    regel = instellingen.regel(sleutel)
    form = InstellingForm(request.POST or None, definitie=regel.definitie, initial={"waarde": regel.waarde})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            instellingen.instelling_wijzigen(
                door=request.user,
                sleutel=sleutel,
                waarde=None if data["standaard_gebruiken"] else data["waarde"],
                reden=data["reden"],
                korter_bevestigd=data.get("korter_bevestigd", False),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{regel.definitie.label} is opgeslagen.")
            return redirect("beheer:instellingen")
    geschiedenis = (
        regel.instelling.history.select_related("history_user").order_by("-history_date")[:20]
        if (regel.instelling)
        else []
    )
    return render(request, "beheer/instelling.html", {"regel": regel, "form": form, "geschiedenis": geschiedenis})
