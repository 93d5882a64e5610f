from django import forms

from bzt.forms import DatumField
from meldpunt.validators import normalise_bsn, validate_bsn

from .models import AvgVerzoek


class OpzoekForm(forms.Form):
    """The narrow lookup of the person a request is about: a BSN, or surname and birth date together."""

    bsn = forms.CharField(label="BSN", required=False, max_length=11)
    achternaam = forms.CharField(label="Achternaam", required=False, max_length=120)
    geboortedatum = DatumField(label="Geboortedatum", required=False)

    def clean(self):
        data = super().clean()
        bsn = normalise_bsn(data.get("bsn") or "")
        if bsn:
            validate_bsn(bsn)
            data["bsn"] = bsn
        elif not (data.get("achternaam") or "").strip() or not data.get("geboortedatum"):
            raise forms.ValidationError(
                "Vul het BSN in, of de achternaam én de geboortedatum: zo vindt u alleen de persoon van het verzoek."
            )
        return data


class VerzoekForm(forms.Form):
    soort = forms.ChoiceField(label="Soort verzoek", choices=AvgVerzoek.Soort.choices)
    ontvangen_op = DatumField(label="Ontvangen op")
    omschrijving = forms.CharField(
        label="Wat vraagt de cliënt (zonder zorginhoud)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VerlengenForm(forms.Form):
    reden = forms.CharField(label="Reden van verlenging", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class AfhandelenForm(forms.Form):
    uitkomst = forms.CharField(
        label="Uitkomst: wat is er gedaan", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AfwijzenForm(forms.Form):
    grond = forms.ChoiceField(label="Wettelijke grond", choices=[("", "Kies…")] + AvgVerzoek.Grond.choices)
    uitkomst = forms.CharField(label="Motivering", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class OverdragenForm(forms.Form):
    aan = forms.ChoiceField(
        label="Overdragen aan",
        choices=[
            ("", "Kies…"),
            ("het meldpunt (melding corrigeren)", "Het meldpunt (melding corrigeren)"),
            (
                "de casusregisseur (gegevens in de casus corrigeren)",
                "De casusregisseur (gegevens in de casus corrigeren)",
            ),
        ],
    )


class HuisgenotenForm(forms.Form):
    def __init__(self, *args, huisgenoten=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["personen"] = forms.MultipleChoiceField(
            label="Huisgenoten die de cliënt mag zien",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=[
                (p.pk, f"{p.naam}" + (f", geboren {p.geboortedatum:%d-%m-%Y}" if p.geboortedatum else ""))
                for p in huisgenoten
            ],
        )
