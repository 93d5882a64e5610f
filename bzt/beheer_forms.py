"""Forms of the functioneel beheer screens (bzt.beheer_views). The rules live in the services (bzt.beheer)."""

from django import forms

from . import beheer
from .forms import DatumField, zoektekst
from .gemeenten import actieve_gemeenten, is_regio
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
        if is_regio():  # one gemeente: no field, the gemeente-bound roles get the own gemeente (docs/regio.md)
            self.fields["gemeente"] = forms.ModelChoiceField(
                label="Gemeente",
                queryset=actieve_gemeenten(),
                required=False,
                empty_label="— geen: de rol werkt voor de hele regio —",
                help_text="Verplicht voor coördinerend ambtenaar, wethouder, burgemeester en beleidsambtenaar: "
                "die zien alleen de escalaties en cijfers van deze gemeente.",
                error_messages={"invalid_choice": "Kies een actieve gemeente uit de lijst."},
            )
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


class GemeenteForm(forms.Form):
    code = forms.CharField(label="CBS-code", max_length=6, help_text="‘GM’ en vier cijfers, bijvoorbeeld GM0301.")
    naam = forms.CharField(label="Naam", max_length=80)
    wijken = forms.CharField(
        label="Wijken",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Eén wijk per regel: de keuzelijst bij de intake en in de import, en de wijken van de jaarmonitor.",
    )
    documentnaam = forms.CharField(
        label="Naam op documenten", max_length=120, required=False, help_text="Leeg: ‘Gemeente’ en de naam."
    )
    kleur = forms.CharField(label="Huisstijlkleur", max_length=7, required=False, help_text="Bijvoorbeeld #a4001d.")
    actief = forms.BooleanField(label="Actief (meldingen en accounts kunnen deze gemeente kiezen)", required=False)
    reden = forms.CharField(
        label="Reden van de wijziging", max_length=200, help_text="Komt in de geschiedenis van de gemeente."
    )

    def __init__(self, *args, nieuw=False, **kwargs):
        super().__init__(*args, **kwargs)
        if nieuw:
            del self.fields["reden"]
        else:
            del self.fields["code"]  # fixed once made: meldingen, the import and the jaarmonitor name it
