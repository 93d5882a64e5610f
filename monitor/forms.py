from django import forms
from django.utils import timezone

from bzt.forms import BedragField
from bzt.gemeenten import actieve_gemeenten, is_regio
from bzt.models import Organisatie
from meldpunt.codes import Aanmeldroute

from .models import BudgetRegel
from .services import EERSTE_JAAR


def jaren():
    """The years one can choose, newest first."""
    return list(range(timezone.localdate().year, EERSTE_JAAR - 1, -1))


class JaarForm(forms.Form):
    prefix = "rapport"
    jaar = forms.TypedChoiceField(label="Jaar", coerce=int, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jaar"].choices = [(jaar, str(jaar)) for jaar in jaren()]
        self.fields["jaar"].error_messages["invalid_choice"] = "Kies een jaar uit de lijst."
        self.fields["jaar"].error_messages["required"] = "Kies een jaar."


class BudgetRegelForm(forms.Form):
    prefix = "budget"
    categorie = forms.ChoiceField(
        label="Categorie", choices=[("", "Kies een categorie")] + BudgetRegel.Categorie.choices
    )
    omschrijving = forms.CharField(label="Omschrijving", max_length=200)
    bedrag = BedragField(label="Bedrag (€)", help_text="Bijvoorbeeld 12.345,67")
    subsidie = forms.CharField(
        label="Subsidie",
        max_length=120,
        required=False,
        help_text="De subsidie of regeling waaruit de regel komt, bijvoorbeeld ‘OGGZ’ (leeg als dat niet speelt).",
    )
    aanmeldroute = forms.ChoiceField(
        label="Aanmeldroute (doelgroep)",
        choices=[("", "Geen: geldt voor alle aanmeldroutes")] + Aanmeldroute.choices,
        required=False,
    )
    organisatie = forms.ModelChoiceField(
        label="Organisatie die het budget ontvangt",
        queryset=Organisatie.objects.filter(actief=True),
        required=False,
        empty_label="Geen organisatie",
        error_messages={"invalid_choice": "Kies een actieve organisatie uit de lijst."},
    )
    reden = forms.CharField(
        label="Reden van de wijziging",
        max_length=100,
        help_text="Komt in de geschiedenis van de budgetregel.",
        error_messages={"required": "Geef een reden (komt in de geschiedenis)."},
    )

    def __init__(self, *args, regel=None, **kwargs):
        super().__init__(*args, **kwargs)
        if is_regio():  # who pays the line: its gemeente's monitor divides it (docs/regio.md)
            self.fields["gemeente"] = forms.ModelChoiceField(
                label="Gemeente die de regel betaalt",
                queryset=actieve_gemeenten(),
                empty_label="De eigen gemeente van de installatie",
                required=False,
                error_messages={"invalid_choice": "Kies een actieve gemeente uit de lijst."},
            )
        if regel is None:
            del self.fields["reden"]  # a new line: "budgetregel toegevoegd"
        elif regel.organisatie_id:
            self.fields["organisatie"].queryset = Organisatie.objects.filter(actief=True) | Organisatie.objects.filter(
                pk=regel.organisatie_id
            )
        self.fields["categorie"].error_messages["required"] = "Kies een categorie."
        self.fields["omschrijving"].error_messages["required"] = "Vul een omschrijving in."
        self.fields["omschrijving"].error_messages["max_length"] = "Ten hoogste 200 tekens."
        self.fields["bedrag"].error_messages["required"] = "Vul een bedrag in."
