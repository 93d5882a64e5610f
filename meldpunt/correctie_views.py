"""The correction screens (meldpunt.correcties). Thin: parse, fetch through a selector, one service, render.

The screen helpers (`melding_scherm`, `persoon_scherm`, `lid_scherm`, `vertrek_scherm`) serve both doors: the
meldpunt's views below and the casusregisseur's (casusregie.correctie_views), each with its own guard and service.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from bzt.access import access_object
from bzt.forms import apply_errors
from bzt.inzage import Actie, ObjectType, grond_meldpunt, log_inzage
from bzt.workflow import TransitionNotAllowed

from . import correcties, rechten, selectors
from .correctie_forms import (
    HertriageForm,
    HuishoudlidForm,
    MeldingCorrectieForm,
    PersoonCorrectieForm,
    VertrekForm,
    melding_kopie,
)
from .models import Betrokkene, Persoon
from .workflow import CORRIGEREN

TEMPLATE = "meldpunt/correctie.html"
corrigeren_required = rechten.recht_vereist("corrigeren")


def uitkomst_melden(request, uitkomst, *, meldpunt: bool):
    messages.success(request, "De correctie is opgeslagen; de oude gegevens staan in de geschiedenis.")
    if uitkomst.ggsr_signaal:
        messages.warning(request, uitkomst.ggsr_signaal)
    if uitkomst.mogelijk_dezelfde:
        if meldpunt:
            namen = ", ".join(p.naam for p in uitkomst.mogelijk_dezelfde)
            messages.warning(
                request,
                f"Mogelijk dezelfde persoon als {namen}. Beoordeel op de persoonspagina of u de records koppelt; "
                "er is niets samengevoegd.",
            )
        else:
            messages.warning(
                request, "Deze persoon is mogelijk al bekend onder een ander record; het meldpunt beoordeelt dit."
            )


def _scherm(request, form, *, titel, intro, knop, terug_url, terug_label, status=200):
    context = {
        "form": form,
        "titel": titel,
        "intro": intro,
        "knop": knop,
        "terug_url": terug_url,
        "terug_label": terug_label,
    }
    return render(request, TEMPLATE, context, status=status)


def _uitvoeren(request, form, actie, terug_url, *, meldpunt):
    """Call the service; (response or None). A refused state goes back with the message on top."""
    try:
        uitkomst = actie(form.cleaned_data)
    except TransitionNotAllowed as error:
        messages.error(request, " ".join(error.messages))
        return redirect(terug_url)
    except ValidationError as error:
        apply_errors(form, error)
        return None
    uitkomst_melden(request, uitkomst, meldpunt=meldpunt)
    return redirect(terug_url)


def melding_scherm(request, melding, actie, *, terug_url, terug_label, meldpunt=True):
    melder = rechten.mag(request.user, "melder_zien")
    kopie = melding_kopie(melding)
    form = MeldingCorrectieForm(
        request.POST or None, instance=kopie, melder=melder, initial={"versie": correcties.versie(kopie)}
    )
    if request.method == "POST" and form.is_valid():
        response = _uitvoeren(
            request, form, lambda d: actie(form.wijzigingen(), d["reden"], d["versie"]), terug_url, meldpunt=meldpunt
        )
        if response is not None:
            return response
    return _scherm(
        request,
        form,
        titel=f"Melding {melding.nummer} corrigeren",
        intro="Corrigeer wat verkeerd is ingevoerd. De triage en besluiten blijven zoals ze zijn genomen.",
        knop="Correctie opslaan",
        terug_url=terug_url,
        terug_label=terug_label,
    )


def persoon_scherm(request, persoon, actie, *, terug_url, terug_label, meldpunt=True):
    kopie = Persoon.objects.get(pk=persoon.pk)
    form = PersoonCorrectieForm(request.POST or None, instance=kopie, initial={"versie": correcties.versie(kopie)})
    if request.method == "POST" and form.is_valid():
        response = _uitvoeren(
            request, form, lambda d: actie(form.wijzigingen(), d["reden"], d["versie"]), terug_url, meldpunt=meldpunt
        )
        if response is not None:
            return response
    return _scherm(
        request,
        form,
        titel=f"Gegevens van {persoon.naam} corrigeren",
        intro="Een typefout, een verhuizing, een BSN dat later bekend werd. Een nieuw BSN wordt met de elfproef "
        "gecontroleerd; lijkt de persoon op een bekende persoon, dan beoordeelt het meldpunt of ze worden gekoppeld.",
        knop="Correctie opslaan",
        terug_url=terug_url,
        terug_label=terug_label,
    )


def lid_scherm(request, actie, *, terug_url, terug_label, meldpunt=True):
    """Add a person to the household: a known person is offered first (persoon_herkennen), never merged."""
    form = HuishoudlidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        herkenning = selectors.persoon_herkennen(
            request.user,
            form.cleaned_data,
            gekozen_persoon_id=form.gekozen_persoon_id,
            nieuw_bevestigd=form.nieuw_bevestigd,
        )
        if herkenning.fout:
            form.add_error(None, herkenning.fout)
        elif herkenning.kandidaten:
            form.kandidaten, form.alleen_bestaand = herkenning.kandidaten, herkenning.alleen_bestaand
            log_inzage(
                request,
                object_type=ObjectType.PERSOON,
                actie=Actie.ZOEKEN,
                personen=herkenning.kandidaten,
                grond=grond_meldpunt(request.user),
            )
            messages.warning(request, "Deze persoon is mogelijk al bekend. Kies en sla opnieuw op.")
        else:
            response = _uitvoeren(
                request,
                form,
                lambda d: actie(d["rol"], d["reden"], herkenning.persoon, herkenning.gegevens),
                terug_url,
                meldpunt=meldpunt,
            )
            if response is not None:
                return response
    return _scherm(
        request,
        form,
        titel="Persoon aan het huishouden toevoegen",
        intro="Een geboren of verwacht kind, een nieuwe partner of een ander lid van het huishouden. Bij een verwacht "
        "kind is de geboortedatum de uitgerekende datum en mag de voornaam nog ontbreken.",
        knop="Toevoegen",
        terug_url=terug_url,
        terug_label=terug_label,
    )


def vertrek_scherm(request, betrokkene, actie, *, terug_url, terug_label, meldpunt=True):
    """Someone left the household: a confirmation page with the reason (a destructive action)."""
    form = VertrekForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = _uitvoeren(request, form, lambda d: actie(d["reden"]), terug_url, meldpunt=meldpunt)
        if response is not None:
            return response
    return _scherm(
        request,
        form,
        titel=f"{betrokkene.persoon.naam} hoort niet meer bij het huishouden",
        intro="Bevestig dat deze persoon niet meer bij het huishouden hoort. De persoon en de geschiedenis blijven "
        "bewaard; de triage blijft zoals die is genomen.",
        knop="Bevestigen: uit het huishouden",
        terug_url=terug_url,
        terug_label=terug_label,
    )


# --- the meldpunt's door ------------------------------------------------------------------------------------------


def _open_melding(view):
    """Back to the melding page, with the reason, when it is no longer the meldpunt's to correct."""

    @wraps(view)
    def wrapped(request, pk, *args, **kwargs):
        try:
            return view(request, pk, *args, **kwargs)
        except _Dicht:
            return redirect("meldpunt:melding", pk=pk)

    return wrapped


class _Dicht(Exception):
    """The melding is past the MDO: the form is not shown (the casusregisseur corrects in the dossier)."""


def _melding(request, pk):
    melding = selectors.melding_detail(request.user, pk)
    if not rechten.mag(request.user, "corrigeren", melding):
        messages.info(request, CORRIGEREN.rules[None][1])
        raise _Dicht(melding.pk)
    log_inzage(
        request,
        object=melding,
        personen=[b.persoon_id for b in melding.betrokkenen.all()],
        grond=grond_meldpunt(request.user),
    )
    return melding, reverse("meldpunt:melding", args=[melding.pk]), f"Melding {melding.nummer}"


@login_required
@corrigeren_required
@_open_melding
def melding_corrigeren(request, pk):
    melding, terug, label = _melding(request, pk)
    return melding_scherm(
        request,
        melding,
        lambda w, reden, versie: correcties.melding_corrigeren(
            door=request.user, melding=melding, wijzigingen=w, reden=reden, versie=versie
        ),
        terug_url=terug,
        terug_label=label,
    )


@login_required
@corrigeren_required
@_open_melding
def persoon_corrigeren(request, pk, persoon_pk):
    melding, terug, label = _melding(request, pk)
    persoon = access_object(Persoon.objects.filter(betrokkenheden__melding=melding), persoon_pk)
    return persoon_scherm(
        request,
        persoon,
        lambda w, reden, versie: correcties.persoon_corrigeren(
            door=request.user, melding=melding, persoon=persoon, wijzigingen=w, reden=reden, versie=versie
        ),
        terug_url=terug,
        terug_label=label,
    )


@login_required
@corrigeren_required
@_open_melding
def huishoudlid_toevoegen(request, pk):
    melding, terug, label = _melding(request, pk)
    return lid_scherm(
        request,
        lambda rol, reden, persoon, gegevens: correcties.huishoudlid_toevoegen(
            door=request.user, melding=melding, rol=rol, reden=reden, persoon=persoon, gegevens=gegevens
        ),
        terug_url=terug,
        terug_label=label,
    )


@login_required
@corrigeren_required
@_open_melding
def huishoudlid_verwijderen(request, pk, betrokkene_pk):
    melding, terug, label = _melding(request, pk)
    betrokkene = access_object(Betrokkene.objects.filter(melding=melding).select_related("persoon"), betrokkene_pk)
    return vertrek_scherm(
        request,
        betrokkene,
        lambda reden: correcties.huishoudlid_verwijderen(door=request.user, betrokkene=betrokkene, reden=reden),
        terug_url=terug,
        terug_label=label,
    )


@login_required
@rechten.recht_vereist("trieren")
def hertriage(request, pk):
    melding = selectors.melding_detail(request.user, pk)
    if not rechten.mag(request.user, "hertriageren", melding):
        messages.info(request, "Een hertriage kan alleen na de triage en voordat de melding op de MDO-agenda staat.")
        return redirect("meldpunt:melding", pk=melding.pk)
    form = HertriageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            correcties.hertriageren(
                door=request.user,
                melding=melding,
                datum=form.cleaned_data["datum"],
                leefgebieden=form.leefgebieden(),
                besluit=form.cleaned_data["besluit"],
                regulier_organisatie=form.cleaned_data["regulier_organisatie"],
                motivatie=form.cleaned_data["motivatie"],
            )
        except TransitionNotAllowed as error:
            messages.error(request, " ".join(error.messages))
            return redirect("meldpunt:melding", pk=melding.pk)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "De hertriage is vastgelegd; de eerste triage staat in de geschiedenis.")
            return redirect("meldpunt:melding", pk=melding.pk)
    return render(request, "meldpunt/triage.html", {"melding": melding, "form": form, "hertriage": True})
