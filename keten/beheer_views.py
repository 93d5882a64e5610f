"""Functioneel beheer of the casusregie reference lists (services: casusregie.referentie; docs/beheer.md
§ Afsluitredenen). Served in the `beheer:` namespace through keten/beheer_urls.py (included by bzt/beheer_urls.py
by name, not imported). Thin views: parse, check the permission, call one service, render. No case content."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from bzt.beheer_forms import STATUS_KEUZES
from bzt.beheer_views import _bevestigen, beheer_vereist
from bzt.forms import apply_errors, parse_int
from bzt.gemeenten import is_regio
from bzt.models import Gemeente
from bzt.roles import ROLES_BY_GROUP
from casusregie import referentie
from casusregie.models import AfsluitReden, EscalatieNiveau, EscalatieSoort, ExpertTeam
from monitor.formatting import bedrag_invoer
from monitor.forms import BudgetRegelForm
from monitor.models import BudgetRegel
from monitor.services import EERSTE_JAAR, budgetregel_opslaan, budgetregel_verwijderen, budgetregels, laatste_jaar


class AfsluitRedenForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=referentie.CODE_MAX,
        help_text="Kleine letters, cijfers, - en _; zo kennen de import en de jaarmonitor de reden.",
    )
    naam = forms.CharField(label="Naam", max_length=referentie.NAAM_MAX, help_text="Wat de casusregisseur kiest.")
    vraagt_organisatie = forms.BooleanField(
        label="Bij deze reden wordt vastgelegd welke organisatie de zorg overneemt", required=False
    )
    casus_kan_niet_verder = forms.BooleanField(
        label="De casus kan niet verder (dan mag ook de procesmanager met deze reden afsluiten)", required=False
    )
    volgorde = forms.IntegerField(
        label="Volgorde",
        min_value=0,
        max_value=999,
        initial=0,
        help_text="Lager staat hoger in de keuzelijst.",
        error_messages={
            "invalid": "Vul een heel getal in.",
            "min_value": "Kies een volgorde van 0 tot en met 999.",
            "max_value": "Kies een volgorde van 0 tot en met 999.",
        },
    )
    reden = forms.CharField(
        label="Reden van de wijziging",
        max_length=100,
        help_text="Komt in de geschiedenis van de afsluitreden.",
        error_messages={"required": "Geef een reden (komt in de geschiedenis)."},
    )

    def __init__(self, *args, afsluitreden=None, **kwargs):
        super().__init__(*args, **kwargs)
        if afsluitreden is None:
            del self.fields["reden"]
        else:
            vast = referentie.code_vast(afsluitreden)
            if vast:
                self.fields["code"].disabled = True
                self.fields["code"].help_text = vast


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=STATUS_KEUZES, required=False)


def _afsluitreden(pk):
    return get_object_or_404(AfsluitReden, pk=parse_int(pk) or 0)


@beheer_vereist
def afsluitredenen(request):
    status = request.GET.get("status", "")
    status = status if status in dict(STATUS_KEUZES) else ""
    return render(
        request,
        "beheer/afsluitredenen.html",
        {"redenen": referentie.afsluitredenen(status), "statusform": StatusForm(request.GET or None)},
    )


@beheer_vereist
def afsluitreden_nieuw(request):
    form = AfsluitRedenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reden = referentie.afsluitreden_aanmaken(door=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Afsluitreden ‘{reden.naam}’ is aangemaakt.")
            return redirect("beheer:afsluitredenen")
    return render(request, "beheer/afsluitreden.html", {"form": form, "afsluitreden": None})


@beheer_vereist
def afsluitreden(request, pk):
    afsluitreden = _afsluitreden(pk)
    initial = {
        "code": afsluitreden.code,
        "naam": afsluitreden.naam,
        "vraagt_organisatie": afsluitreden.vraagt_organisatie,
        "casus_kan_niet_verder": afsluitreden.casus_kan_niet_verder,
        "volgorde": afsluitreden.volgorde,
    }
    form = AfsluitRedenForm(request.POST or None, initial=initial, afsluitreden=afsluitreden)
    if request.method == "POST" and form.is_valid():
        try:
            referentie.afsluitreden_wijzigen(door=request.user, afsluitreden=afsluitreden, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"De wijziging van ‘{afsluitreden.naam}’ is opgeslagen.")
            return redirect("beheer:afsluitreden", pk=afsluitreden.pk)
    return render(
        request,
        "beheer/afsluitreden.html",
        {
            "form": form,
            "afsluitreden": afsluitreden,
            "gebruikt": referentie.afsluitredenen().get(pk=afsluitreden.pk).gebruikt,
            "geschiedenis": afsluitreden.history.select_related("history_user").order_by("-history_date")[:20],
        },
    )


ACTIES = {
    "deactiveren": (
        referentie.afsluitreden_deactiveren,
        "Afsluitreden deactiveren?",
        "De reden kan niet meer worden gekozen bij het afsluiten van een casus. Casussen die er al mee zijn "
        "afgesloten houden haar, ook in de jaarmonitor. De reden wordt nooit verwijderd.",
        "Ja, deactiveren",
        "De afsluitreden is gedeactiveerd.",
    ),
    "heractiveren": (
        referentie.afsluitreden_heractiveren,
        "Afsluitreden heractiveren?",
        "De reden kan weer worden gekozen bij het afsluiten van een casus.",
        "Ja, heractiveren",
        "De afsluitreden is weer actief.",
    ),
}


def _actie(naam):
    @beheer_vereist
    def view(request, pk):
        afsluitreden = _afsluitreden(pk)
        return _bevestigen(
            request,
            actie=ACTIES[naam],
            onderwerp=f"{afsluitreden.naam} ({afsluitreden.code})",
            uitvoeren=lambda service, reden: service(door=request.user, afsluitreden=afsluitreden, reden=reden),
            terug=reverse("beheer:afsluitreden", args=[afsluitreden.pk]),
        )

    view.__name__ = f"afsluitreden_{naam}"
    return view


afsluitreden_deactiveren = _actie("deactiveren")
afsluitreden_heractiveren = _actie("heractiveren")


# --- budget lines of the jaarmonitor (services: monitor.services; docs/jaarmonitor.md § Budget) ----------------


def _jaar_param(request):
    jaar = parse_int(request.GET.get("jaar")) or laatste_jaar()
    return min(max(jaar, EERSTE_JAAR), laatste_jaar() + 1)


def _budget_pagina(request, jaar, form, regel=None, status=200):
    regels = budgetregels(jaar)
    context = {
        "jaar": jaar,
        "regels": regels,
        "totaal": sum((r.bedrag for r in regels), start=0),
        "form": form,
        "regel": regel,
        "vorig_jaar": jaar - 1 if jaar > EERSTE_JAAR else None,
        "volgend_jaar": jaar + 1 if jaar <= laatste_jaar() else None,
        "geschiedenis": regel.history.select_related("history_user").order_by("-history_date")[:20] if regel else None,
    }
    return render(request, "beheer/budget.html", context, status=status)


@beheer_vereist
def budget(request):
    jaar = _jaar_param(request)
    form = BudgetRegelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            budgetregel_opslaan(door=request.user, jaar=jaar, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "De budgetregel is toegevoegd.")
            return redirect(f"{reverse('beheer:budget')}?jaar={jaar}")
    return _budget_pagina(request, jaar, form, status=400 if form.errors else 200)


def _budgetregel(pk):
    return get_object_or_404(BudgetRegel.objects.select_related("organisatie"), pk=parse_int(pk) or 0)


@beheer_vereist
def budgetregel(request, pk):
    regel = _budgetregel(pk)
    initial = {
        "categorie": regel.categorie,
        "omschrijving": regel.omschrijving,
        "bedrag": bedrag_invoer(regel.bedrag),
        "subsidie": regel.subsidie,
        "aanmeldroute": regel.aanmeldroute,
        "organisatie": regel.organisatie_id,
        "gemeente": regel.gemeente_id,
    }
    form = BudgetRegelForm(request.POST or None, initial=initial, regel=regel)
    if request.method == "POST" and form.is_valid():
        try:
            budgetregel_opslaan(door=request.user, jaar=regel.jaar, regel=regel, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "De wijziging van de budgetregel is opgeslagen.")
            return redirect(f"{reverse('beheer:budget')}?jaar={regel.jaar}")
    return _budget_pagina(request, regel.jaar, form, regel=regel, status=400 if form.errors else 200)


@beheer_vereist
def budgetregel_verwijderen_view(request, pk):
    regel = _budgetregel(pk)
    return _bevestigen(
        request,
        actie=(
            budgetregel_verwijderen,
            "Budgetregel verwijderen?",
            "Alleen voor een regel die per vergissing is ingevoerd: de jaarmonitor telt hem dan niet meer mee. "
            "De geschiedenis bewaart de regel met de reden.",
            "Ja, verwijderen",
            "De budgetregel is verwijderd.",
        ),
        onderwerp=f"{regel.jaar}: {regel.omschrijving}",
        uitvoeren=lambda service, reden: service(door=request.user, regel=regel, reden=reden),
        terug=f"{reverse('beheer:budget')}?jaar={regel.jaar}",
    )


# --- the escalation ladder and the kinds of escalation (services: casusregie.referentie; docs/beheer.md
# § Escalatieladder, § Soorten escalatie) ------------------------------------------------------------------------

VOLGORDE_FOUTEN = {
    "invalid": "Vul een heel getal in.",
    "min_value": "Kies een volgorde van %(limit_value)s tot en met 999.",
    "max_value": "Kies een volgorde tot en met 999.",
}
REDEN_VELD = {
    "label": "Reden van de wijziging",
    "max_length": 100,
    "error_messages": {"required": "Geef een reden (komt in de geschiedenis)."},
}


class GroepKeuze(forms.ModelChoiceField):
    def label_from_instance(self, group):
        role = ROLES_BY_GROUP.get(group.name)
        return role.label if role else group.name


class EscalatieNiveauForm(forms.Form):
    naam = forms.CharField(label="Naam", max_length=referentie.NIVEAU_NAAM_MAX)
    code = forms.CharField(
        label="Code",
        max_length=referentie.NIVEAU_CODE_MAX,
        help_text="Kleine letters, cijfers, - en _; zo kent de import het niveau. Ligt vast na het aanmaken.",
    )
    volgorde = forms.IntegerField(
        label="Plaats op de ladder",
        min_value=1,
        max_value=999,
        help_text="Lager is eerder op de ladder; elke plaats is uniek.",
        error_messages=VOLGORDE_FOUTEN,
    )
    behandelaars = GroepKeuze(
        label="Beantwoord door (rol)",
        queryset=referentie.escalatie_rollen(),
        help_text="Alleen rollen die escalaties mogen behandelen.",
        empty_label="— kies een rol —",
        error_messages={
            "required": "Kies de rol die escalaties op dit niveau beantwoordt.",
            "invalid_choice": "Deze rol kan geen escalaties behandelen; kies een rol met dat recht.",
        },
    )
    geldt_voor = forms.ChoiceField(
        label="Geldt voor",
        choices=EscalatieNiveau.GeldtVoor.choices,
        initial=EscalatieNiveau.GeldtVoor.ALLE,
        widget=forms.RadioSelect,
        help_text="Elke gemeente heeft haar eigen ladder: een escalatie klimt alleen langs de niveaus van haar "
        "gemeente.",
        error_messages={"required": "Kies voor welke gemeenten dit niveau geldt."},
    )
    gemeenten = forms.ModelMultipleChoiceField(
        label="Gekozen gemeenten",
        queryset=Gemeente.objects.none(),
        required=False,
        help_text="Bij ‘Alleen de gekozen gemeenten’ de gemeenten waarvoor het niveau geldt, bij ‘Alle gemeenten "
        "behalve de gekozen’ die waarvoor het niet geldt. Bij ‘Alle gemeenten’ telt deze keuze niet.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Kies gemeenten uit de lijst.",
            "invalid_pk_value": "Kies gemeenten uit de lijst.",
        },
    )
    reden = forms.CharField(help_text="Komt in de geschiedenis van het niveau.", **REDEN_VELD)

    def __init__(self, *args, niveau=None, **kwargs):
        super().__init__(*args, **kwargs)
        if niveau is None:
            del self.fields["reden"]
        else:
            del self.fields["code"]
        if is_regio():
            # the active gemeenten, and an inactive one still on the list (so it can be taken off)
            gekozen = niveau.gemeenten.values("pk") if niveau is not None else []
            self.fields["gemeenten"].queryset = Gemeente.objects.filter(Q(actief=True) | Q(pk__in=gekozen))
        else:  # one gemeente: the form shows no gemeente, and the service keeps what is stored
            del self.fields["geldt_voor"], self.fields["gemeenten"]


def _niveau(pk):
    return get_object_or_404(EscalatieNiveau, pk=parse_int(pk) or 0)


@beheer_vereist
def escalatieniveaus(request):
    niveaus = list(referentie.escalatieniveaus().prefetch_related("gemeenten"))
    for niveau in niveaus:
        niveau.rol_label = GroepKeuze.label_from_instance(None, niveau.behandelaars)
        niveau.geldt_voor_tekst = referentie.gemeenten_tekst(niveau.geldt_voor, niveau.gemeenten.all())
    return render(request, "beheer/escalatieniveaus.html", {"niveaus": niveaus, "in_regio": is_regio()})


@beheer_vereist
def escalatieniveau_nieuw(request):
    form = EscalatieNiveauForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            niveau = referentie.escalatieniveau_aanmaken(door=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Niveau ‘{niveau.naam}’ is aan de ladder toegevoegd.")
            return redirect("beheer:escalatieniveaus")
    return render(request, "beheer/escalatieniveau.html", {"form": form, "niveau": None})


@beheer_vereist
def escalatieniveau(request, pk):
    niveau = _niveau(pk)
    initial = {
        "naam": niveau.naam,
        "volgorde": niveau.volgorde,
        "behandelaars": niveau.behandelaars_id,
        "geldt_voor": niveau.geldt_voor,
        "gemeenten": [g.pk for g in niveau.gemeenten.all()],
    }
    form = EscalatieNiveauForm(request.POST or None, initial=initial, niveau=niveau)
    if request.method == "POST" and form.is_valid():
        try:
            referentie.escalatieniveau_wijzigen(door=request.user, niveau=niveau, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"De wijziging van ‘{niveau.naam}’ is opgeslagen.")
            return redirect("beheer:escalatieniveau", pk=niveau.pk)
    return render(
        request,
        "beheer/escalatieniveau.html",
        {
            "form": form,
            "niveau": niveau,
            "open_escalaties": referentie.escalatieniveaus().get(pk=niveau.pk).open_escalaties,
            "in_regio": is_regio(),
            "geldt_voor_tekst": referentie.gemeenten_tekst(niveau.geldt_voor, niveau.gemeenten.all()),
            "geschiedenis": niveau.history.select_related("history_user").order_by("-history_date")[:20],
        },
    )


NIVEAU_ACTIES = {
    "deactiveren": (
        referentie.escalatieniveau_deactiveren,
        "Escalatieniveau deactiveren?",
        "Er kan niet meer naar dit niveau worden geëscaleerd; de ladder slaat het over. Een soort escalatie die "
        "hier begint, begint dan op het eerstvolgende actieve niveau erboven. Dat kan alleen als hier geen open "
        "escalaties meer wachten, en niet voor het laatste actieve niveau. Het niveau wordt nooit verwijderd: "
        "afgeronde escalaties houden het.",
        "Ja, deactiveren",
        "Het escalatieniveau is gedeactiveerd.",
    ),
    "heractiveren": (
        referentie.escalatieniveau_heractiveren,
        "Escalatieniveau heractiveren?",
        "Het niveau komt weer op zijn plaats in de ladder; escalaties kunnen er weer naartoe.",
        "Ja, heractiveren",
        "Het escalatieniveau is weer actief.",
    ),
}


def _niveau_actie(naam):
    @beheer_vereist
    def view(request, pk):
        niveau = _niveau(pk)
        return _bevestigen(
            request,
            actie=NIVEAU_ACTIES[naam],
            onderwerp=f"{niveau.naam} ({niveau.code})",
            uitvoeren=lambda service, reden: service(door=request.user, niveau=niveau, reden=reden),
            terug=reverse("beheer:escalatieniveau", args=[niveau.pk]),
        )

    view.__name__ = f"escalatieniveau_{naam}"
    return view


escalatieniveau_deactiveren = _niveau_actie("deactiveren")
escalatieniveau_heractiveren = _niveau_actie("heractiveren")


class EscalatieSoortForm(forms.Form):
    naam = forms.CharField(label="Naam", max_length=referentie.SOORT_NAAM_MAX, help_text="Wat de casusregisseur kiest.")
    code = forms.CharField(
        label="Code",
        max_length=referentie.SOORT_CODE_MAX,
        help_text="Kleine letters, cijfers, - en _; zo kennen de import en de jaarmonitor de soort. Ligt vast na "
        "het aanmaken.",
    )
    start_niveau = forms.ModelChoiceField(
        label="Begint bij niveau",
        queryset=EscalatieNiveau.objects.filter(actief=True).order_by("volgorde"),
        empty_label="— kies een niveau —",
        help_text="Alleen actieve niveaus van de ladder.",
        error_messages={
            "required": "Kies het niveau waar een escalatie van deze soort begint.",
            "invalid_choice": "Kies een actief niveau van de ladder.",
        },
    )
    volgorde = forms.IntegerField(
        label="Volgorde",
        min_value=0,
        max_value=999,
        initial=0,
        help_text="Lager staat hoger in de keuzelijst.",
        error_messages=VOLGORDE_FOUTEN,
    )
    reden = forms.CharField(help_text="Komt in de geschiedenis van de soort.", **REDEN_VELD)

    def __init__(self, *args, soort=None, **kwargs):
        super().__init__(*args, **kwargs)
        if soort is None:
            del self.fields["reden"]
        else:
            del self.fields["code"]


def _soort(pk):
    return get_object_or_404(EscalatieSoort, pk=parse_int(pk) or 0)


@beheer_vereist
def escalatiesoorten(request):
    status = request.GET.get("status", "")
    status = status if status in dict(STATUS_KEUZES) else ""
    return render(
        request,
        "beheer/escalatiesoorten.html",
        {"soorten": referentie.escalatiesoorten(status), "statusform": StatusForm(request.GET or None)},
    )


@beheer_vereist
def escalatiesoort_nieuw(request):
    form = EscalatieSoortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            soort = referentie.escalatiesoort_aanmaken(door=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Soort escalatie ‘{soort.naam}’ is aangemaakt.")
            return redirect("beheer:escalatiesoorten")
    return render(request, "beheer/escalatiesoort.html", {"form": form, "soort": None})


@beheer_vereist
def escalatiesoort(request, pk):
    soort = _soort(pk)
    initial = {"naam": soort.naam, "start_niveau": soort.start_niveau_id, "volgorde": soort.volgorde}
    form = EscalatieSoortForm(request.POST or None, initial=initial, soort=soort)
    if request.method == "POST" and form.is_valid():
        try:
            referentie.escalatiesoort_wijzigen(door=request.user, soort=soort, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"De wijziging van ‘{soort.naam}’ is opgeslagen.")
            return redirect("beheer:escalatiesoort", pk=soort.pk)
    return render(
        request,
        "beheer/escalatiesoort.html",
        {
            "form": form,
            "soort": soort,
            "gebruikt": referentie.escalatiesoorten().get(pk=soort.pk).gebruikt,
            "geschiedenis": soort.history.select_related("history_user").order_by("-history_date")[:20],
        },
    )


SOORT_ACTIES = {
    "deactiveren": (
        referentie.escalatiesoort_deactiveren,
        "Soort escalatie deactiveren?",
        "De soort kan niet meer worden gekozen bij een nieuwe escalatie. Escalaties van deze soort houden haar, "
        "ook lopende. De soort wordt nooit verwijderd.",
        "Ja, deactiveren",
        "De soort escalatie is gedeactiveerd.",
    ),
    "heractiveren": (
        referentie.escalatiesoort_heractiveren,
        "Soort escalatie heractiveren?",
        "De soort kan weer worden gekozen bij een nieuwe escalatie.",
        "Ja, heractiveren",
        "De soort escalatie is weer actief.",
    ),
}


def _soort_actie(naam):
    @beheer_vereist
    def view(request, pk):
        soort = _soort(pk)
        return _bevestigen(
            request,
            actie=SOORT_ACTIES[naam],
            onderwerp=f"{soort.naam} ({soort.code})",
            uitvoeren=lambda service, reden: service(door=request.user, soort=soort, reden=reden),
            terug=reverse("beheer:escalatiesoort", args=[soort.pk]),
        )

    view.__name__ = f"escalatiesoort_{naam}"
    return view


escalatiesoort_deactiveren = _soort_actie("deactiveren")
escalatiesoort_heractiveren = _soort_actie("heractiveren")


# --- the expert teams (services: casusregie.referentie over casusregie.services.expertteam_opslaan;
# docs/beheer.md § Expertteams) ------------------------------------------------------------------------------------


class ExpertTeamForm(forms.Form):
    naam = forms.CharField(label="Naam", max_length=referentie.TEAM_NAAM_MAX)
    leden = forms.ModelMultipleChoiceField(
        label="Leden",
        queryset=referentie.mogelijke_teamleden(),
        required=False,
        error_messages={"invalid_choice": "Alleen actieve medewerkers van een organisatie kunnen lid zijn."},
    )
    reden = forms.CharField(help_text="Komt in de geschiedenis van het team.", **REDEN_VELD)

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        if team is None:
            del self.fields["reden"]


def _team(pk):
    return get_object_or_404(ExpertTeam, pk=parse_int(pk) or 0)


def _kandidaten(request, gekozen):
    """The current (or posted) members, then the accounts found by the search (?lid_zoek=), as checkboxes."""
    zoek = request.GET.get("lid_zoek", "").strip()[:100]
    gekozen_pks = {lid.pk for lid in gekozen}
    gevonden = list(referentie.mogelijke_teamleden(zoek).exclude(pk__in=gekozen_pks)[:25]) if zoek else []
    return zoek, [(lid, True) for lid in gekozen] + [(lid, False) for lid in gevonden]


def _gekozen(form, team):
    if form.is_bound:
        pks = [parse_int(pk) for pk in form.data.getlist("leden")]
        return list(referentie.mogelijke_teamleden().filter(pk__in=[pk for pk in pks if pk]))
    if team is None:
        return []
    return list(team.leden.select_related("organisatie").order_by("last_name", "first_name", "username"))


@beheer_vereist
def expertteams(request):
    status = request.GET.get("status", "")
    status = status if status in dict(STATUS_KEUZES) else ""
    return render(
        request,
        "beheer/expertteams.html",
        {"teams": referentie.expertteams(status), "statusform": StatusForm(request.GET or None)},
    )


@beheer_vereist
def expertteam_nieuw(request):
    form = ExpertTeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = referentie.expertteam_aanmaken(door=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Expertteam ‘{team.naam}’ is aangemaakt.")
            return redirect("beheer:expertteam", pk=team.pk)
    zoek, kandidaten = _kandidaten(request, _gekozen(form, None))
    return render(
        request,
        "beheer/expertteam.html",
        {"form": form, "team": None, "zoek": zoek, "kandidaten": kandidaten},
    )


@beheer_vereist
def expertteam(request, pk):
    team = _team(pk)
    form = ExpertTeamForm(request.POST or None, initial={"naam": team.naam}, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            referentie.expertteam_wijzigen(door=request.user, team=team, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"De wijziging van ‘{team.naam}’ is opgeslagen.")
            return redirect("beheer:expertteam", pk=team.pk)
    zoek, kandidaten = _kandidaten(request, _gekozen(form, team))
    return render(
        request,
        "beheer/expertteam.html",
        {
            "form": form,
            "team": team,
            "zoek": zoek,
            "kandidaten": kandidaten,
            "open_vragen": referentie.expertteams().get(pk=team.pk).open_vragen,
            "geschiedenis": team.history.select_related("history_user").order_by("-history_date")[:20],
        },
    )


TEAM_ACTIES = {
    "deactiveren": (
        referentie.expertteam_deactiveren,
        "Expertteam deactiveren?",
        "Het team kan geen nieuwe vragen meer krijgen. De leden verliezen direct hun leestoegang tot de casussen "
        "van de open vragen aan dit team: zij kunnen die vragen niet meer inzien of beantwoorden. De vragen blijven "
        "open staan; bij heractiveren krijgen de leden de toegang terug. Het team wordt nooit verwijderd.",
        "Ja, deactiveren",
        "Het expertteam is gedeactiveerd.",
    ),
    "heractiveren": (
        referentie.expertteam_heractiveren,
        "Expertteam heractiveren?",
        "Het team kan weer vragen krijgen. De actieve leden krijgen weer leestoegang tot de casussen van de open "
        "vragen aan dit team, zolang die vragen open staan.",
        "Ja, heractiveren",
        "Het expertteam is weer actief.",
    ),
}


def _team_actie(naam):
    @beheer_vereist
    def view(request, pk):
        team = _team(pk)
        open_vragen = referentie.expertteams().get(pk=team.pk).open_vragen
        return _bevestigen(
            request,
            actie=TEAM_ACTIES[naam],
            onderwerp=f"{team.naam} ({open_vragen} open vra{'ag' if open_vragen == 1 else 'gen'})",
            uitvoeren=lambda service, reden: service(door=request.user, team=team, reden=reden),
            terug=reverse("beheer:expertteam", args=[team.pk]),
        )

    view.__name__ = f"expertteam_{naam}"
    return view


expertteam_deactiveren = _team_actie("deactiveren")
expertteam_heractiveren = _team_actie("heractiveren")
