"""The casusregisseur's correction screens (casusregie.correcties): the melding, persons and household of their
own casus after the MDO, and a waiting list solved. The screens are the meldpunt's (meldpunt.correctie_views);
the guard (403 before a form is read) and the service are casusregie's."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from bzt.access import access_object
from bzt.forms import DatumField, apply_errors
from bzt.workflow import TransitionNotAllowed
from meldpunt import correctie_views as schermen
from meldpunt.models import Betrokkene, Persoon

from . import correcties, selectors
from .models import Wachtlijst
from .rechten import GEEN_RECHT, heeft
from .views import _log_casus


def _casus(request, pk, recht="huishouden_corrigeren"):
    casus = selectors.dossier(request.user, pk)
    if not heeft(request.user, recht, casus):
        raise PermissionDenied(GEEN_RECHT)
    _log_casus(request, casus)
    return casus, reverse("casusregie:dossier", args=[casus.pk]), f"Casus {casus.nummer}"


@login_required
def melding_corrigeren(request, pk):
    casus, terug, label = _casus(request, pk)
    return schermen.melding_scherm(
        request,
        casus.melding,
        lambda w, reden, versie: correcties.melding_corrigeren(
            door=request.user, casus=casus, wijzigingen=w, reden=reden, versie=versie
        ),
        terug_url=terug,
        terug_label=label,
        meldpunt=False,
    )


@login_required
def persoon_corrigeren(request, pk, persoon_pk):
    casus, terug, label = _casus(request, pk)
    persoon = access_object(Persoon.objects.filter(pk__in=selectors.huishouden_ids(casus)), persoon_pk)
    return schermen.persoon_scherm(
        request,
        persoon,
        lambda w, reden, versie: correcties.persoon_corrigeren(
            door=request.user, casus=casus, persoon=persoon, wijzigingen=w, reden=reden, versie=versie
        ),
        terug_url=terug,
        terug_label=label,
        meldpunt=False,
    )


@login_required
def huishoudlid_toevoegen(request, pk):
    casus, terug, label = _casus(request, pk)
    return schermen.lid_scherm(
        request,
        lambda rol, reden, persoon, gegevens: correcties.huishoudlid_toevoegen(
            door=request.user, casus=casus, rol=rol, reden=reden, persoon=persoon, gegevens=gegevens
        ),
        terug_url=terug,
        terug_label=label,
        meldpunt=False,
    )


@login_required
def huishoudlid_verwijderen(request, pk, betrokkene_pk):
    casus, terug, label = _casus(request, pk)
    leden = Betrokkene.objects.filter(persoon_id__in=selectors.huishouden_ids(casus)).select_related("persoon")
    leden = leden.filter(
        melding_id__in=[casus.melding_id, *casus.toegevoegde_meldingen.values_list("melding_id", flat=True)]
    )
    betrokkene = access_object(leden, betrokkene_pk)
    return schermen.vertrek_scherm(
        request,
        betrokkene,
        lambda reden: correcties.huishoudlid_verwijderen(
            door=request.user, casus=casus, betrokkene=betrokkene, reden=reden
        ),
        terug_url=terug,
        terug_label=label,
        meldpunt=False,
    )


class WachtlijstOpgelostForm(forms.Form):
    uitkomst = forms.ChoiceField(
        label="Uitkomst",
        choices=Wachtlijst.Uitkomst.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Kies de uitkomst: geplaatst, alternatief gevonden of niet meer nodig."},
    )
    datum = DatumField(label="Opgelost op")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["datum"].initial = timezone.localdate()


@login_required
def wachtlijst_opgelost(request, pk, wachtlijst_pk):
    casus, terug, label = _casus(request, pk, "wijzigen")
    wachtlijst = access_object(casus.wachtlijsten.select_related("organisatie"), wachtlijst_pk)
    if wachtlijst.opgelost_op:
        messages.info(request, "Deze wachtlijst is al opgelost.")
        return redirect(terug)
    form = WachtlijstOpgelostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            correcties.wachtlijst_afsluiten(door=request.user, wachtlijst=wachtlijst, **form.cleaned_data)
        except TransitionNotAllowed as error:
            messages.error(request, " ".join(error.messages))
            return redirect(terug)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "De wachtlijst is opgelost; hij telt niet meer mee in het dashboard.")
            return redirect(terug)
    context = {
        "form": form,
        "titel": f"Wachtlijst opgelost: {wachtlijst.organisatie}, {wachtlijst.voorziening}",
        "intro": f"Op de wachtlijst sinds {wachtlijst.sinds:%d-%m-%Y}. Leg vast wanneer en hoe dit is opgelost.",
        "knop": "Opgelost",
        "terug_url": terug,
        "terug_label": label,
    }
    return render(request, schermen.TEMPLATE, context)
