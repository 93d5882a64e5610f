"""The partner's intake: the meldpunt's own forms (meldpunt.forms), so the validation is the same on the web and in
the API; what the partner does not choose (date, channel, melder type, organisation) is fixed."""

from django import forms
from django.utils import timezone

from meldpunt.codes import Kanaal, MelderType, Urgentie
from meldpunt.forms import HuishoudenFormSet, MeldingForm

from .models import Terugmeldadres

# Fixed by the chain, not by the partner: the meldpunt judges urgency and Wvggz at triage.
VAST = ("ontvangen_op", "kanaal", "melder_type", "melder_organisatie", "urgentie", "wvggz")


class PartnerMeldingForm(MeldingForm):
    def __init__(self, *args, organisatie, kanaal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kanaal"].choices = Kanaal.choices
        vast = {
            "ontvangen_op": timezone.localdate(),
            "kanaal": kanaal,
            "melder_type": MelderType.PROFESSIONAL,
            "melder_organisatie": organisatie.naam,
            "urgentie": Urgentie.NORMAAL,
            "wvggz": False,
        }
        for name, value in vast.items():
            self.fields[name].disabled = True  # the value below, whatever is posted
            self.fields[name].initial = value
        self.fields["melder_naam"].required = True
        self.fields["melder_naam"].label = "Uw naam (en functie)"

    def zichtbare_velden(self):
        return [self[name] for name in self.fields if name not in VAST]


def invoer_binden(*, organisatie, kanaal, melding: dict, personen: list[dict]):
    """The meldpunt's forms bound to a partner's input (a web POST's values or the API's body): melding fields by
    name, persons as the rows of the household formset."""
    data = {f"persoon-{i}-{key}": value for i, rij in enumerate(personen) for key, value in rij.items()}
    data.update(
        {
            "persoon-TOTAL_FORMS": str(len(personen)),
            "persoon-INITIAL_FORMS": "0",
            "persoon-MIN_NUM_FORMS": "1",
            "persoon-MAX_NUM_FORMS": "15",
        }
    )
    return PartnerMeldingForm(melding, organisatie=organisatie, kanaal=kanaal), HuishoudenFormSet(
        data, prefix="persoon"
    )


def fouten(form, huishouden) -> dict[str, list[str]]:
    """Every error of the bound forms by the path of the field in the API body (melder.naam, personen[0].bsn)."""
    namen = {
        "melder_naam": "melder.naam",
        "melder_telefoon": "melder.telefoon",
        "melder_email": "melder.email",
        "__all__": "melding",
    }
    persoon_namen = {"adres": "adres.straat", "postcode": "adres.postcode", "woonplaats": "adres.woonplaats"}
    resultaat = {}
    for veld, lijst in form.errors.items():
        resultaat[namen.get(veld, veld)] = list(lijst)
    for i, persoon_form in enumerate(huishouden.forms):
        for veld, lijst in persoon_form.errors.items():
            naam = f"personen[{i}]" if veld == "__all__" else f"personen[{i}].{persoon_namen.get(veld, veld)}"
            resultaat[naam] = list(lijst)
    if huishouden.non_form_errors():
        resultaat["personen"] = list(huishouden.non_form_errors())
    return resultaat


class TerugmeldadresForm(forms.ModelForm):
    url = forms.URLField(label="Callback-URL", max_length=500, assume_scheme="https")

    class Meta:
        model = Terugmeldadres
        fields = ["url", "auth_header", "hmac_geheim", "actief"]
        widgets = {"auth_header": forms.PasswordInput(render_value=False), "hmac_geheim": forms.PasswordInput()}
        help_texts = {
            "auth_header": "Leeg laten: de bestaande waarde blijft. Wordt niet getoond.",
            "hmac_geheim": "Leeg laten: het bestaande geheim blijft. Wordt niet getoond.",
        }


class SleutelForm(forms.Form):
    naam = forms.CharField(label="Omschrijving", max_length=120, help_text="Bijvoorbeeld het systeem dat hem gebruikt.")


KANALEN = Kanaal  # the partners' channels: Kanaal.PARTNER_WEB and Kanaal.API
