"""Forms of the corrections (meldpunt.correcties): each asks for the reason."""

from django import forms

from .codes import Rol
from .correcties import MELDER_VELDEN
from .forms import BetrokkeneForm, MeldingForm, TriageForm
from .models import Melding


def _reden_veld():
    return forms.CharField(
        label="Reden van de correctie",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        help_text="Verplicht. Bijvoorbeeld: typefout, kind geboren, verhuisd. Wordt bewaard in de geschiedenis.",
        error_messages={"required": "Geef de reden van de correctie."},
    )


def _versie_veld():
    # the version the form showed (meldpunt.correcties.versie): a correction on an older page is refused
    return forms.IntegerField(required=False, widget=forms.HiddenInput)


class MeldingCorrectieForm(MeldingForm):
    """The fields of the intake; the instance is a copy, the service writes."""

    reden = _reden_veld()
    versie = _versie_veld()

    def __init__(self, *args, melder=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kanaal"].required = False  # older meldingen may lack it
        if not melder:  # the melder's identity is for meldpunt and procesmanager only (meldpunt.zien_melder)
            for naam in MELDER_VELDEN:
                del self.fields[naam]

    def wijzigingen(self):
        return {naam: self.cleaned_data[naam] for naam in self._meta.fields if naam in self.fields}

    def _post_clean(self):
        pass  # the service validates the melding (meldpunt.correcties.melding_wijzigen)


class PersoonCorrectieForm(BetrokkeneForm):
    reden = _reden_veld()
    versie = _versie_veld()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["rol"], self.fields["keuze"]

    def wijzigingen(self):
        return {naam: self.cleaned_data[naam] for naam in self._meta.fields}

    def _post_clean(self):
        pass  # the service validates the person (meldpunt.correcties.persoon_wijzigen)


class HuishoudlidForm(BetrokkeneForm):
    """A new member of the household: a baby, an expected child, a partner."""

    reden = _reden_veld()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rol"].choices = [(c, label) for c, label in Rol.choices if c != Rol.HOOFDPERSOON]
        self.fields["rol"].initial = Rol.KIND


class VertrekForm(forms.Form):
    reden = forms.CharField(
        label="Reden",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        help_text="Bijvoorbeeld: is verhuisd naar een eigen woning.",
        error_messages={"required": "Geef de reden van de correctie."},
    )


class HertriageForm(TriageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motivatie"].required = True
        self.fields["motivatie"].help_text = "Verplicht: wat was er mis met de eerste triage? Die blijft zichtbaar."
        self.fields["motivatie"].error_messages["required"] = "Motiveer de hertriage."


def melding_kopie(melding: Melding) -> Melding:
    """A fresh copy for a form's instance: a form never changes the object the service locks and writes."""
    return Melding.objects.get(pk=melding.pk)
