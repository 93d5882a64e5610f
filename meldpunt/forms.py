from django import forms
from django.utils import timezone

from bzt.forms import DATE_WIDGET, DatumField, IdField, parse_int
from bzt.gemeenten import actieve_gemeenten, is_regio
from bzt.models import Organisatie

from .codes import Besluit, Kanaal, Leefgebied, Rol, TerugkoppelingWijze, WvggzUitkomst, wijk_keuzes
from .models import Melding, Persoon
from .validators import BSN_INVOER_MAX, BSN_SCHEIDING, is_valid_bsn, normalise_bsn

PARTNER_KANALEN = (Kanaal.PARTNER_WEB, Kanaal.API)


class MeldingForm(forms.ModelForm):
    class Meta:
        model = Melding
        fields = [
            "ontvangen_op",
            "kanaal",
            "aanmeldroute",
            "urgentie",
            "overlast",
            "wvggz",
            "aanleiding",
            "melder_type",
            "melder_naam",
            "melder_organisatie",
            "melder_telefoon",
            "melder_email",
            "eerdere_hulp",
            "eerdere_hulp_door",
        ]
        field_classes = {"ontvangen_op": DatumField}
        widgets = {"ontvangen_op": DATE_WIDGET, "aanleiding": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "wvggz": "Mogelijk verplichte ggz nodig: de gemeente heeft 14 dagen voor het verkennend onderzoek.",
            "melder_type": "De identiteit van de melder is alleen zichtbaar voor meldpunt en procesmanager.",
            "kanaal": "Hoe kwam de melding binnen?",
            "eerdere_hulp": "Is er vóór deze melding al hulp gegeven aan het huishouden?",
            "eerdere_hulp_door": "Organisatie of functie, bijvoorbeeld 'wijkteam' of 'huisarts'.",
        }
        labels = {"eerdere_hulp": "Al hulp gegeven?"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ontvangen_op"].initial = timezone.localdate()
        self.fields["kanaal"].required = True  # every new melding records its channel; older ones may lack it
        # what partners file themselves (partners app) comes in by its own channel, never typed by the meldpunt
        self.fields["kanaal"].choices = [
            (code, label) for code, label in self.fields["kanaal"].choices if code not in PARTNER_KANALEN
        ]
        if is_regio():  # a single-gemeente installation shows no gemeente (docs/regio.md)
            self.fields["gemeente"] = forms.ModelChoiceField(
                label="Gemeente",
                queryset=actieve_gemeenten(),
                required=False,
                empty_label="— volgt uit de wijk van de hoofdpersoon —",
                help_text="De gemeente waar het huishouden woont. Leeg: de gemeente van de gekozen wijk.",
            )

    def clean(self):
        data = super().clean()
        if data.get("melder_type") == "professional" and not data.get("melder_organisatie"):
            self.add_error("melder_organisatie", "Vul de organisatie van de professionele melder in.")
        if data.get("melder_type") == "anoniem":
            for veld in ("melder_naam", "melder_telefoon", "melder_email"):
                if data.get(veld):
                    self.add_error(veld, "Een anonieme melder heeft geen naam of contactgegevens.")
        return data


class BetrokkeneForm(forms.ModelForm):
    """One member of the household: a new person's data, or the choice of an existing person."""

    rol = forms.ChoiceField(label="Rol in het huishouden", choices=Rol.choices)
    keuze = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Persoon
        fields = [
            "voornaam",
            "tussenvoegsel",
            "achternaam",
            "geboortedatum",
            "verwacht",
            "geslacht",
            "bsn",
            "adres",
            "postcode",
            "woonplaats",
            "wijk",
            "inkomen",
        ]
        field_classes = {"geboortedatum": DatumField}
        widgets = {"geboortedatum": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wijk"] = forms.ChoiceField(
            label="Wijk", required=False, choices=[("", "— onbekend —")] + wijk_keuzes()
        )
        # A date ahead is allowed for an expected child only: Persoon.clean applies the one rule
        # (meldpunt.validators.geboortedatum_probleem).
        self.fields["geboortedatum"] = DatumField(label="Geboortedatum", required=False, toekomst=True)
        # A BSN is pasted as "1234.56.782" or "628 194 821": the browser must keep every character so that
        # clean_bsn can take the digits (maxlength=9 of the model field cut the pasted text short).
        self.fields["bsn"].max_length = BSN_INVOER_MAX
        self.fields["bsn"].validators = []  # checked in clean_bsn after normalising
        self.fields["bsn"].widget.attrs.update(
            {"maxlength": str(BSN_INVOER_MAX), "inputmode": "numeric", "autocomplete": "off"}
        )
        self.fields["bsn"].help_text = "Optioneel. 9 cijfers; wordt gecontroleerd met de elfproef."
        self.kandidaten = []

    def clean_bsn(self):
        getypt = self.cleaned_data.get("bsn") or ""
        bsn = normalise_bsn(getypt)
        if (bsn and not is_valid_bsn(bsn)) or any(ch not in "0123456789" + BSN_SCHEIDING for ch in getypt):
            raise forms.ValidationError(
                "Dit is geen geldig BSN: het moet uit 9 cijfers bestaan en de elfproef doorstaan."
            )
        return bsn

    def clean_postcode(self):
        return (self.cleaned_data.get("postcode") or "").replace(" ", "").upper()

    def _get_validation_exclusions(self):
        # A known BSN is no error here: the view offers the existing person instead (elfproef: clean_bsn).
        return super()._get_validation_exclusions() | {"bsn"}

    def clean_keuze(self):
        keuze = self.cleaned_data.get("keuze", "")
        if keuze not in ("", "nieuw") and _bestaand_id(keuze) is None:
            raise forms.ValidationError("Kies een bestaande persoon of een nieuwe persoon.")
        return keuze

    @property
    def gekozen_persoon_id(self):
        return _bestaand_id((self.cleaned_data or {}).get("keuze", ""))

    @property
    def nieuw_bevestigd(self):
        return (self.cleaned_data or {}).get("keuze") == "nieuw"


def _bestaand_id(keuze):
    """The person id of the choice "bestaand:<id>", else None."""
    soort, _, pk = keuze.partition(":")
    return parse_int(pk) if soort == "bestaand" else None


class BaseHuishoudenFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not filled:
            raise forms.ValidationError("Voeg ten minste één persoon toe: een melding gaat over een huishouden.")
        hoofd = [f for f in filled if f.cleaned_data["rol"] == Rol.HOOFDPERSOON]
        if len(hoofd) != 1:
            raise forms.ValidationError("Geef precies één persoon de rol hoofdpersoon.")
        bsns = [f.cleaned_data["bsn"] for f in filled if f.cleaned_data.get("bsn")]
        if len(bsns) != len(set(bsns)):
            raise forms.ValidationError("Hetzelfde BSN staat twee keer in het huishouden.")


HuishoudenFormSet = forms.formset_factory(
    BetrokkeneForm, formset=BaseHuishoudenFormSet, extra=0, min_num=1, max_num=15, validate_max=True
)


class TriageForm(forms.Form):
    datum = DatumField(label="Triagedatum")
    besluit = forms.ChoiceField(label="Besluit", choices=Besluit.choices, widget=forms.RadioSelect)
    regulier_organisatie = forms.ModelChoiceField(
        label="Verwijzen naar (bij reguliere zorg)", queryset=Organisatie.objects.filter(actief=True), required=False
    )
    motivatie = forms.CharField(
        label="Motivatie",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Verplicht als het besluit afwijkt van de 3-uit-8-regel.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["datum"].initial = timezone.localdate()
        for code, label in Leefgebied.choices:
            self.fields[code] = forms.BooleanField(label=label, required=False)
            self.fields[f"{code}_toelichting"] = forms.CharField(
                label=f"Toelichting {label.lower()}", required=False, max_length=500
            )

    def leefgebied_velden(self):
        return [(self[code], self[f"{code}_toelichting"]) for code in Leefgebied.values]

    def leefgebieden(self):
        return {code: (self.cleaned_data[code], self.cleaned_data[f"{code}_toelichting"]) for code in Leefgebied.values}


class WvggzForm(forms.Form):
    uitkomst = forms.ChoiceField(label="Uitkomst", choices=WvggzUitkomst.choices, widget=forms.RadioSelect)
    datum = DatumField(label="Datum besluit")


class TerugkoppelingForm(forms.Form):
    wijze = forms.ChoiceField(label="Wijze", choices=TerugkoppelingWijze.choices)
    datum = DatumField(label="Datum")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["datum"].initial = timezone.localdate()


class KoppelForm(forms.Form):
    gekoppeld_aan = IdField(label="Persoonsnummer van het andere record")
    reden = forms.CharField(
        label="Waarom is dit dezelfde persoon?", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class OntkoppelForm(forms.Form):
    reden = forms.CharField(label="Waarom wordt de koppeling opgeheven?", max_length=1000)
