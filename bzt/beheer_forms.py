"""Forms of the functioneel beheer screens (bzt.beheer_views). The rules live in the services (bzt.beheer)."""

from django import forms

from . import beheer
from .forms import DatumField, zoektekst
from .models import Organisatie

STATUS_KEUZES = [("", "Alle"), ("actief", "Actief"), ("inactief", "Gedeactiveerd")]


class ZoekForm(forms.Form):
    q = forms.CharField(
        label="Zoeken", required=False, max_length=100, help_text="Naam, gebruikersnaam, e-mail of organisatie"
    )
    status = forms.ChoiceField(label="Status", choices=STATUS_KEUZES, required=False)

    def zoek(self, params):
        status = params.get("status", "")
        return zoektekst(params, "q"), status if status in dict(STATUS_KEUZES) else ""


class AccountForm(forms.Form):
    username = forms.CharField(label="Gebruikersnaam", max_length=150)
    first_name = forms.CharField(label="Voornaam", max_length=150)
    last_name = forms.CharField(label="Achternaam", max_length=150)
    email = forms.EmailField(
        label="E-mailadres", max_length=254, error_messages={"invalid": "Dit is geen geldig e-mailadres."}
    )
    organisatie = forms.ModelChoiceField(
        label="Organisatie",
        queryset=Organisatie.objects.filter(actief=True),
        error_messages={"invalid_choice": "Kies een actieve organisatie uit de lijst."},
    )
    rollen = forms.MultipleChoiceField(
        label="Rol(len)",
        widget=forms.CheckboxSelectMultiple,
        choices=beheer.rol_keuzes,
        help_text="Functioneel beheer wordt niet gecombineerd met een andere rol.",
        error_messages={"required": "Kies minstens één rol."},
    )
    reden = forms.CharField(
        label="Reden van de wijziging",
        max_length=200,
        help_text="Komt in de geschiedenis van het account, bijvoorbeeld een ticketnummer.",
    )

    def __init__(self, *args, gebruiker=None, **kwargs):
        super().__init__(*args, **kwargs)
        if gebruiker is None:
            del self.fields["reden"]  # a new account: the reason is "account aangemaakt"
        else:
            del self.fields["username"]
            if gebruiker.organisatie_id:
                # An account may stay with its (now inactive) organisation; it is not offered to anyone else.
                self.fields["organisatie"].queryset = Organisatie.objects.filter(
                    actief=True
                ) | Organisatie.objects.filter(pk=gebruiker.organisatie_id)


class RedenForm(forms.Form):
    reden = forms.CharField(
        label="Reden",
        max_length=200,
        help_text="Komt in de geschiedenis, bijvoorbeeld een ticketnummer.",
        error_messages={"required": "Geef een reden (komt in de geschiedenis)."},
    )


class OrganisatieForm(forms.Form):
    naam = forms.CharField(label="Naam", max_length=120)
    soort = forms.ChoiceField(label="Soort", choices=Organisatie.Soort.choices)
    convenantpartner = forms.BooleanField(label="Heeft het convenant Bijzonder Zorgteam ondertekend", required=False)
    convenant_getekend_op = DatumField(label="Datum van ondertekening", required=False)
    reden = forms.CharField(
        label="Reden van de wijziging",
        max_length=200,
        help_text="Komt in de geschiedenis van de organisatie.",
    )

    def __init__(self, *args, nieuw=False, **kwargs):
        super().__init__(*args, **kwargs)
        if nieuw:
            del self.fields["reden"]
