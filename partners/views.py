"""The partner's screens: file a melding (the meldpunt's form, without the person search) and the list of what the
organisation filed, with only the status a melder may know and the terugkoppeling."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from bzt.forms import apply_errors
from meldpunt.codes import TerugkoppelingWijze

from . import rechten, selectors, services
from .forms import KANALEN
from .status import melder_status, terugkoppeling

indienen_vereist = rechten.recht_vereist("indienen")


def _organisatie(request):
    if request.user.organisatie is None or not request.user.organisatie.actief:
        raise PermissionDenied("Uw account hoort niet bij een actieve organisatie.")
    return request.user.organisatie


@login_required
@indienen_vereist
def melding_nieuw(request):
    organisatie = _organisatie(request)
    from meldpunt.forms import HuishoudenFormSet

    from .forms import PartnerMeldingForm

    if request.method != "POST":
        naam = request.user.get_full_name()
        form = PartnerMeldingForm(
            organisatie=organisatie,
            kanaal=KANALEN.PARTNER_WEB,
            initial={"melder_naam": naam, "melder_email": request.user.email, "melder_telefoon": request.user.telefoon},
        )
        return render(
            request, "partners/melding_nieuw.html", {"form": form, "huishouden": HuishoudenFormSet(prefix="persoon")}
        )
    form = PartnerMeldingForm(request.POST, organisatie=organisatie, kanaal=KANALEN.PARTNER_WEB)
    huishouden = HuishoudenFormSet(request.POST, prefix="persoon")
    if request.POST.get("actie") == "persoon_toevoegen":
        from meldpunt.views import _formset_with_extra_row

        form = PartnerMeldingForm(initial=request.POST.dict(), organisatie=organisatie, kanaal=KANALEN.PARTNER_WEB)
        huishouden = _formset_with_extra_row(request.POST)
        return render(request, "partners/melding_nieuw.html", {"form": form, "huishouden": huishouden})
    if not (form.is_valid() and huishouden.is_valid()):
        return render(request, "partners/melding_nieuw.html", {"form": form, "huishouden": huishouden})
    try:
        indiening = services.melding_indienen(
            door=request.user,
            organisatie=organisatie,
            gegevens=form.cleaned_data,
            personen=[f.cleaned_data for f in huishouden.forms],
        )
    except ValidationError as error:
        apply_errors(form, error)
        return render(request, "partners/melding_nieuw.html", {"form": form, "huishouden": huishouden})
    # The same message whether or not a person was known: the partner must not learn it.
    messages.success(request, f"Melding {indiening.melding.nummer} is ontvangen door het meldpunt.")
    return redirect("partners:meldingen")


def _met_label(gegeven):
    if gegeven is not None:
        gegeven["wijze_label"] = TerugkoppelingWijze(gegeven["wijze"]).label
    return gegeven


@login_required
@indienen_vereist
def meldingen(request):
    organisatie = _organisatie(request)
    page = Paginator(selectors.indieningen_van(organisatie), 25).get_page(request.GET.get("pagina"))
    regels = [
        {
            "nummer": i.melding.nummer,
            "ontvangen_op": i.melding.ontvangen_op,
            "kanaal": i.melding.get_kanaal_display(),
            "status": melder_status(i.melding),
            "terugkoppeling": _met_label(terugkoppeling(i.melding)),
        }
        for i in page.object_list
    ]
    return render(request, "partners/meldingen.html", {"page": page, "regels": regels, "organisatie": organisatie})
