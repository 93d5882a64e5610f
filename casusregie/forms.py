from django import forms
from django.utils import timezone

from bzt.forms import BedragField, DatumField
from bzt.gemeenten import actieve_gemeenten
from bzt.models import Organisatie, User
from meldpunt.codes import Leefgebied
from meldpunt.models import Persoon

from . import permissions, selectors, validators
from .models import (
    AfsluitReden,
    AkkoordClient,
    CasusBetrokkene,
    DoelResultaat,
    EscalatieNiveau,
    EscalatieSoort,
    ExpertTeam,
    Nazorg,
    PlanActie,
)


class PlanForm(forms.Form):
    prefix = "plan"
    lock_version = forms.IntegerField(widget=forms.HiddenInput)
    samenvatting = forms.CharField(
        label="Samenvatting en doel van de aanpak",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    afspraken = forms.CharField(
        label="Afspraken met de partners", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    evaluatie_op = DatumField(label="Evalueren in het MDO op", required=False, toekomst=True)
    eigen_mogelijkheden = forms.CharField(
        label="Eigen mogelijkheden van het huishouden",
        help_text="Wat het huishouden zelf doet en kan.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    sociaal_netwerk = forms.CharField(
        label="Sociaal netwerk",
        help_text="Wie uit de omgeving (familie, buren, vrienden) helpt mee.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    akkoord_client = forms.ChoiceField(
        label="Is de cliënt akkoord met het plan?",
        choices=[("", "Nog niet vastgelegd"), *AkkoordClient.choices],
        required=False,
    )
    akkoord_op = DatumField(label="Datum van het antwoord", required=False)

    def clean(self):
        data = super().clean()
        if data.get("akkoord_client") in (AkkoordClient.JA, AkkoordClient.NEE) and not data.get("akkoord_op"):
            self.add_error("akkoord_op", "Vul in wanneer de cliënt dit antwoord gaf.")
        return data


class DoelForm(forms.Form):
    prefix = "doel"
    lock_version = forms.IntegerField(widget=forms.HiddenInput)
    leefgebied = forms.ChoiceField(label="Leefgebied", choices=Leefgebied.choices)
    omschrijving = forms.CharField(label="Doel", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ActieForm(forms.Form):
    prefix = "actie"
    lock_version = forms.IntegerField(widget=forms.HiddenInput)
    omschrijving = forms.CharField(label="Actie", max_length=1000)
    eigenaar = forms.ModelChoiceField(label="Uitvoerende organisatie", queryset=Organisatie.objects.filter(actief=True))
    uitvoerder_naam = forms.CharField(
        label="Uitvoerder (naam of functie)",
        help_text="Wie bij die organisatie de actie uitvoert.",
        required=False,
        max_length=120,
    )
    deadline = DatumField(label="Uiterlijk", toekomst=True)
    doel = forms.ModelChoiceField(label="Hoort bij doel", queryset=None, required=False)
    personen = forms.ModelMultipleChoiceField(
        label="Voor wie", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doel"].queryset = plan.doelen.all()
        self.fields["doel"].label_from_instance = lambda d: f"{d.get_leefgebied_display()}: {d.omschrijving[:60]}"
        self.fields["personen"].queryset = Persoon.objects.filter(betrokkenheden__melding=plan.casus.melding)

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError("De uiterste datum ligt in het verleden.")
        return deadline


class ActieWijzigenForm(ActieForm):
    """Editing an action of the draft: a deadline already in the past may stay as it is."""

    def __init__(self, *args, actie=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actie = actie

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if self.actie is not None and deadline == self.actie.deadline:
            return deadline
        return super().clean_deadline()


class VerwijderForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput)
    bevestigd = forms.BooleanField(
        label="Ja, verwijder dit definitief uit het concept",
        error_messages={"required": "Bevestig dat u dit wilt verwijderen."},
    )


class DoelResultaatForm(forms.Form):
    resultaat = forms.ChoiceField(
        label="Resultaat", choices=[("", "Loopt nog (geen resultaat)"), *DoelResultaat.choices], required=False
    )
    datum = DatumField(label="Geëvalueerd op", required=False)


class ActieStatusForm(forms.Form):
    # handing over goes with the organisation that takes the action over (ActieOverdragenForm)
    status = forms.ChoiceField(
        label="Status", choices=[c for c in PlanActie.Status.choices if c[0] != PlanActie.Status.OVERGEDRAGEN]
    )


class JournaalForm(forms.Form):
    prefix = "journaal"
    tekst = forms.CharField(label="Nieuwe journaalregel", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


def professionals():
    """Who can be made betrokken: active users of an organisation whose role is casus work (the only accounts
    that may hold a per-casus grant, casusregie.permissions)."""
    return permissions.casuswerkers().filter(organisatie__isnull=False).select_related("organisatie")


# The user fields below are picked with a search field (casusregie.search, template _gebruiker_keuze.html)
# instead of an option list of every user: the queryset only validates the submitted id (one query).


class BetrokkeneForm(forms.Form):
    prefix = "betrokkene"
    professional = forms.ModelChoiceField(
        label="Professional",
        queryset=User.objects.none(),
        error_messages={
            "required": "Kies een professional.",
            "invalid_choice": "Kies een actieve professional van een organisatie.",
        },
    )
    rol = forms.CharField(label="Rol in de casus", max_length=120)
    grondslag = forms.ChoiceField(
        label="Grondslag voor het delen van gegevens",
        choices=CasusBetrokkene.Grondslag.choices,
        widget=forms.RadioSelect,
    )
    einddatum = DatumField(label="Betrokken tot", required=False, toekomst=True)
    mag_wijzigen = forms.BooleanField(label="Mag ook wijzigen (plan, journaal)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["professional"].queryset = professionals()


class RedenForm(forms.Form):
    reden = forms.CharField(label="Reden", max_length=1000)


class OverdragenForm(forms.Form):
    prefix = "overdragen"
    nieuwe_regisseur = forms.ModelChoiceField(
        label="Nieuwe casusregisseur",
        queryset=User.objects.none(),
        error_messages={
            "required": "Kies de nieuwe casusregisseur.",
            "invalid_choice": "Kies een actieve casusregisseur.",
        },
    )
    reden = forms.CharField(label="Reden van de overdracht", max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nieuwe_regisseur"].queryset = selectors.casusregisseurs()


class EscalerenForm(forms.Form):
    prefix = "escaleren"
    reden = forms.ChoiceField(label="Soort escalatie")
    vraag = forms.CharField(
        label="Vraag aan het niveau waar deze soort escalatie begint",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, casus, **kwargs):
        super().__init__(*args, **kwargs)
        # The kinds and their start level are data (casusregie.reference, functioneel beheer): read them now, on the
        # ladder of the casus's gemeente (a kind whose start level is not on it starts at the next level that is).
        ladder = list(EscalatieNiveau.objects.ladder_van(casus.gemeente_id))
        self.fields["reden"].choices = [("", "Kies de soort escalatie")] + [
            (soort.code, f"{soort.naam} (begint bij: {soort.start_op(ladder)})")
            for soort in EscalatieSoort.objects.filter(actief=True).select_related("start_niveau")
        ]


class OpschalenForm(forms.Form):
    prefix = "opschalen"
    naar = forms.ModelChoiceField(
        label="Opschalen naar",
        queryset=EscalatieNiveau.objects.none(),
        error_messages={
            "required": "Kies het niveau waarnaar u opschaalt.",
            "invalid_choice": "Kies een hoger niveau van de escalatieladder van deze gemeente.",
        },
    )
    toelichting = forms.CharField(
        label="Wat moet dit niveau besluiten?", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, escalatie, **kwargs):
        super().__init__(*args, **kwargs)
        # only the higher levels of the ladder of the escalation's gemeente: none at its top (no button then)
        self.escalatie = escalatie
        self.fields["naar"].queryset = EscalatieNiveau.objects.ladder_van(escalatie.gemeente_id).filter(
            volgorde__gt=escalatie.niveau.volgorde
        )

    def clean(self):
        top = self.escalatie.niveau.top_fout(self.escalatie.gemeente)
        if top:  # a POST at the top of the ladder (the page shows no button): say why, as the service would
            raise forms.ValidationError(top)
        return super().clean()


class AntwoordForm(forms.Form):
    prefix = "antwoord"
    antwoord = forms.CharField(label="Antwoord", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    besluit = forms.CharField(label="Besluit", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DoorbraakForm(forms.Form):
    prefix = "doorbraak"
    maatwerkbudget = BedragField(label="Maatwerkbudget (€)", min_value=0, help_text="Bijvoorbeeld 4.800 of 4.800,50")
    legitimiteit = forms.CharField(
        label="Legitimiteit",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Past de oplossing binnen wet en beleid, of is afwijken te verantwoorden?",
    )
    betrokkenheid = forms.CharField(
        label="Betrokkenheid",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Zijn huishouden en partners betrokken en eens?",
    )
    rendement = forms.CharField(
        label="Rendement",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Wat levert het op tegenover de kosten van niets doen?",
    )


class DeescalerenForm(forms.Form):
    prefix = "deescaleren"
    toelichting = forms.CharField(label="Toelichting bij de-escaleren", max_length=2000, required=False)


class AfsluitenForm(forms.Form):
    prefix = "afsluiten"
    reden = forms.ModelChoiceField(label="Reden van afsluiten", queryset=AfsluitReden.objects.filter(actief=True))
    overgedragen_aan = forms.ModelChoiceField(
        label="Overgedragen aan (reguliere zorg)", queryset=Organisatie.objects.filter(actief=True), required=False
    )
    datum = DatumField(label="Datum")
    toelichting = forms.CharField(
        label="Toelichting: waar loopt de zorg verder?",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["datum"].initial = timezone.localdate()


class AfsluitenProcesmanagerForm(forms.Form):
    """The procesmanager closes a casus that cannot go on: only those reasons, always with a written reason."""

    prefix = "pm_afsluiten"
    reden = forms.ModelChoiceField(
        label="Reden: de casus kan niet verder",
        queryset=AfsluitReden.objects.filter(actief=True, casus_kan_niet_verder=True),
    )
    motivering = forms.CharField(
        label="Waarom sluit u af terwijl niet alles geregeld is?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    datum = DatumField(label="Datum")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["datum"].initial = timezone.localdate()


class VerhuizenForm(forms.Form):
    """The household moved within the region (services.verhuizen); shown only when there are several gemeenten."""

    prefix = "verhuizen"
    naar_gemeente = forms.ModelChoiceField(
        label="Verhuisd naar", queryset=actieve_gemeenten(), empty_label="Kies de gemeente"
    )
    datum = DatumField(label="Verhuisd op")
    reden = forms.CharField(label="Toelichting", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["naar_gemeente"].queryset = actieve_gemeenten()
        self.fields["datum"].initial = timezone.localdate()


class ActieOverdragenForm(forms.Form):
    organisatie = forms.ModelChoiceField(
        label="Overdragen aan", queryset=Organisatie.objects.filter(actief=True), empty_label="Kies een organisatie"
    )


class NazorgForm(forms.Form):
    uitkomst = forms.ChoiceField(label="Hoe gaat het?", choices=Nazorg.Uitkomst.choices, widget=forms.RadioSelect)
    notitie = forms.CharField(
        label="Korte notitie", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WachtlijstForm(forms.Form):
    prefix = "wachtlijst"
    organisatie = forms.ModelChoiceField(label="Organisatie", queryset=Organisatie.objects.filter(actief=True))
    voorziening = forms.CharField(label="Voorziening", max_length=200)
    sinds = DatumField(label="Op de wachtlijst sinds")


class NoodtoegangForm(forms.Form):
    prefix = "noodtoegang"
    reden = forms.CharField(
        label="Waarom heeft u nu toegang tot deze casus nodig?",
        help_text="Beschrijf de situatie van de cliënt in een paar woorden. Deze reden wordt vastgelegd en door de "
        "procesmanager en de privacy officer beoordeeld.",
        max_length=2000,
        validators=[validators.noodtoegang_reden],
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Zonder schriftelijke reden geen noodtoegang."},
    )


class NoodtoegangOordeelForm(forms.Form):
    gerechtvaardigd = forms.TypedChoiceField(
        label="Was de noodtoegang gerechtvaardigd?",
        choices=[("ja", "Ja, gerechtvaardigd"), ("nee", "Nee, niet gerechtvaardigd")],
        coerce=lambda value: value == "ja",
        widget=forms.RadioSelect,
    )
    oordeel = forms.CharField(label="Toelichting", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, noodtoegang, **kwargs):
        super().__init__(*args, prefix=f"nt{noodtoegang.pk}", **kwargs)


class ExpertVraagForm(forms.Form):
    prefix = "expertvraag"
    team = forms.ModelChoiceField(
        label="Expertteam",
        queryset=ExpertTeam.objects.filter(actief=True),
        empty_label="Kies een expertteam",
        error_messages={"required": "Kies het expertteam dat u de vraag stelt."},
    )
    vraag = forms.CharField(
        label="Uw vraag aan het expertteam",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Schrijf de vraag aan het expertteam."},
        help_text="De leden van het team kunnen deze casus lezen tot de vraag beantwoord is.",
    )


class ExpertAntwoordForm(forms.Form):
    prefix = "expertantwoord"
    antwoord = forms.CharField(
        label="Antwoord van het expertteam",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Schrijf het antwoord op de vraag."},
        help_text="Na het antwoord vervalt uw leestoegang tot deze casus.",
    )
