"""Forms of the MDO screens. Rules that need the database stay in mdo.services; these parse and label."""

from django import forms
from django.utils import timezone

from .selectors import hoofdpersoon

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
TIME_WIDGET = forms.TimeInput(format="%H:%M", attrs={"type": "time"})


def textarea(rows=3):
    # hx-preserve: what was typed survives when the agenda is redrawn in place after moving an item.
    return forms.Textarea(attrs={"rows": rows, "hx-preserve": "true"})


class OverlegForm(forms.Form):
    datum = forms.DateField(label="Datum", widget=DATE_WIDGET)
    aanvang = forms.TimeField(label="Aanvang", required=False, widget=TIME_WIDGET)
    locatie = forms.CharField(label="Locatie", required=False, max_length=120)

    def clean_datum(self):
        datum = self.cleaned_data["datum"]
        if datum < timezone.localdate():
            raise forms.ValidationError("Een MDO plant u vandaag of later.")
        return datum


def kandidaat_label(k):
    """'Naam — Organisatie · 7 van 15 casussen · passend: Verslaving, Dakloos'."""
    parts = [f"{k.regisseur} — {k.regisseur.organisatie or 'geen organisatie'}"]
    parts.append(f"{k.caseload} van {k.maximum} casussen")
    if k.boven_maximum:
        parts.append("op of boven het maximum: reden verplicht")
    parts.append("passend: " + ", ".join(k.passend_labels) if k.passend_labels else "geen passend leefgebied")
    return " · ".join(parts)


class ToewijzenForm(forms.Form):
    use_required_attribute = False  # one form per agenda item: no browser-red boxes on an untouched agenda
    casusregisseur = forms.TypedChoiceField(
        label="Casusregisseur",
        coerce=int,
        widget=forms.RadioSelect(attrs={"hx-preserve": "true"}),
        help_text="Beste match eerst: passende leefgebieden, dan vrije capaciteit.",
        error_messages={"required": "Kies een casusregisseur."},
    )
    reden_boven_maximum = forms.CharField(
        label="Reden boven het maximum",
        required=False,
        max_length=500,
        widget=textarea(2),
        help_text="Verplicht als de gekozen casusregisseur het maximale aantal casussen al heeft.",
    )
    notulen = forms.CharField(label="Notulen", required=False, max_length=5000, widget=textarea())

    def __init__(self, *args, kandidaten=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kandidaten = {k.regisseur.pk: k for k in kandidaten}
        self.fields["casusregisseur"].choices = [(k.regisseur.pk, kandidaat_label(k)) for k in kandidaten]

    def regisseur(self):
        return self.kandidaten[self.cleaned_data["casusregisseur"]].regisseur

    def opties(self):
        """[(radio, kandidaat)], best first: the template shows caseload and matching leefgebieden per option."""
        return [(radio, self.kandidaten[int(radio.data["value"])]) for radio in self["casusregisseur"]]


class NotulenForm(forms.Form):
    """Verwijzen, aanhouden, besproken: the notulen say why or what."""

    use_required_attribute = False

    notulen = forms.CharField(
        label="Notulen",
        max_length=5000,
        widget=textarea(),
        error_messages={"required": "Noteer het besluit en de reden in de notulen."},
    )


class PlanBesluitForm(forms.Form):
    notulen = forms.CharField(
        label="Notulen",
        required=False,
        max_length=5000,
        widget=textarea(),
        help_text="Bij terugsturen verplicht: wat moet er aan het plan veranderen?",
    )


class CasusbesprekingForm(forms.Form):
    casus = forms.TypedChoiceField(
        label="Casus", coerce=int, error_messages={"required": "Kies een casus."}, help_text="Alleen open casussen."
    )

    def __init__(self, *args, casussen=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.casussen = {c.pk: c for c in casussen}
        self.fields["casus"].choices = [("", "— kies een casus —")] + [
            (c.pk, f"{c.nummer} — {_naam(c)} — {c.casusregisseur or 'geen regisseur'} ({c.organisatie})")
            for c in casussen
        ]

    def gekozen_casus(self):
        return self.casussen[self.cleaned_data["casus"]]


def _naam(casus):
    persoon = hoofdpersoon(casus.melding)
    return persoon.naam if persoon else "onbekend"


class VerplaatsenForm(forms.Form):
    naar = forms.TypedChoiceField(label="Naar MDO", coerce=int, error_messages={"required": "Kies een MDO."})

    def __init__(self, *args, overleggen=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.overleggen = {o.pk: o for o in overleggen}
        self.fields["naar"].choices = [
            (o.pk, f"{o.datum:%d-%m-%Y}{f' {o.locatie}' if o.locatie else ''}") for o in overleggen
        ]


class AfrondenForm(forms.Form):
    aanwezigen = forms.TypedMultipleChoiceField(
        label="Aanwezigen",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Per organisatie.",
    )
    overige_aanwezigen = forms.CharField(
        label="Overige aanwezigen",
        required=False,
        max_length=2000,
        widget=textarea(3),
        help_text="Naam en organisatie, één per regel (gasten zonder account).",
    )

    def __init__(self, *args, gebruikers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.gebruikers = {u.pk: u for u in gebruikers}
        groepen = {}
        for u in gebruikers:
            groepen.setdefault(str(u.organisatie), []).append((u.pk, str(u)))
        self.fields["aanwezigen"].choices = list(groepen.items())

    def gekozen(self):
        return [self.gebruikers[pk] for pk in self.cleaned_data["aanwezigen"]]

    def groepen(self):
        """[(organisation, [checkbox])]: one small fieldset per organisation in the template."""
        groepen = {}
        for checkbox in self["aanwezigen"]:
            gebruiker = self.gebruikers[int(checkbox.data["value"])]
            groepen.setdefault(str(gebruiker.organisatie), []).append(checkbox)
        return list(groepen.items())
