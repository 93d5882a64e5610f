"""The privacy officer's screens for AVG requests (docs/avg.md). Thin: form → selector → one service → render.
Every screen that shows a client's name or data writes the access log (grond avg_verzoek)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bzt import bestandstaak_views
from bzt.access import access_object
from bzt.forms import apply_errors
from bzt.inzage import Actie, ObjectType
from meldpunt.models import Persoon

from . import bestanden, services
from .forms import AfhandelenForm, AfwijzenForm, HuisgenotenForm, OpzoekForm, OverdragenForm, VerlengenForm, VerzoekForm
from .models import AvgExport, AvgVerzoek
from .rechten import RECHTEN, mag, recht_vereist, vereist
from .selectors import exports_for, persoon_opzoeken, verzoeken_for


@login_required
@recht_vereist("inzien")
def verzoeken(request):
    vandaag = timezone.localdate()
    lijst = list(verzoeken_for(request.user).order_by("-ontvangen_op", "-pk")[:200])
    return render(
        request,
        "avg/verzoeken.html",
        {"verzoeken": [(v, v.te_laat(vandaag)) for v in lijst], "mag_registreren": mag(request.user, "registreren")},
    )


@login_required
@recht_vereist("registreren")
def nieuw(request):
    """Step 1: find the person (narrow lookup, logged); step 2: the request itself."""
    zoek = OpzoekForm(request.GET or None)
    gevonden = []
    if zoek.is_bound and zoek.is_valid():
        gevonden = persoon_opzoeken(**zoek.cleaned_data)
        if gevonden:
            services.log_opzoeken(request, gevonden)
    persoon = None
    if request.method == "POST":
        persoon = access_object(Persoon.objects.filter(geanonimiseerd_op__isnull=True), request.POST.get("persoon"))
        form = VerzoekForm(request.POST)
        if form.is_valid():
            try:
                verzoek = services.verzoek_registreren(door=request.user, persoon=persoon, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"AVG-verzoek {verzoek.nummer} is geregistreerd.")
                return redirect("avg:verzoek", verzoek.pk)
    else:
        form = VerzoekForm(initial={"ontvangen_op": timezone.localdate()})
    return render(request, "avg/nieuw.html", {"zoek": zoek, "gevonden": gevonden, "form": form, "persoon": persoon})


def _verzoek(request, pk):
    return access_object(verzoeken_for(request.user), pk)


@login_required
@recht_vereist("inzien")
def verzoek(request, pk):
    v = _verzoek(request, pk)
    huisgenoten = services.huisgenoten(v) if v.soort == AvgVerzoek.Soort.INZAGE else []
    services.loggen(
        request.user,
        v,
        actie=Actie.BEKIJKEN,
        personen=[v.persoon_id, *[p.pk for p in huisgenoten]],
        toelichting=f"{v.nummer} bekeken",
    )
    context = {
        "verzoek": v,
        "te_laat": v.te_laat(),
        "huisgenoten": huisgenoten,
        "huisgenoten_form": HuisgenotenForm(huisgenoten=huisgenoten, initial={"personen": v.gerechtigd_voor}),
        "exports": list(v.exports.all()),
        "verlengen_form": VerlengenForm(),
        "afhandelen_form": AfhandelenForm(),
        "afwijzen_form": AfwijzenForm(),
        "overdragen_form": OverdragenForm(),
        **{
            f"mag_{a}": mag(request.user, a, v)
            for a in ("in_behandeling_nemen", "verlengen", "afhandelen", "afwijzen", "wijzigen", "exporteren")
        },
    }
    return render(request, "avg/verzoek.html", context)


ACTIES = {
    "in_behandeling": (
        None,
        lambda r, v, d: services.in_behandeling_nemen(door=r.user, verzoek=v),
        "Het verzoek is in behandeling.",
    ),
    "verlengen": (
        VerlengenForm,
        lambda r, v, d: services.termijn_verlengen(door=r.user, verzoek=v, **d),
        "De termijn is verlengd.",
    ),
    "afhandelen": (
        AfhandelenForm,
        lambda r, v, d: services.verzoek_afhandelen(door=r.user, verzoek=v, **d),
        "Het verzoek is afgehandeld.",
    ),
    "afwijzen": (
        AfwijzenForm,
        lambda r, v, d: services.verzoek_afwijzen(door=r.user, verzoek=v, **d),
        "Het verzoek is afgewezen.",
    ),
    "overdragen": (
        OverdragenForm,
        lambda r, v, d: services.rectificatie_overdragen(door=r.user, verzoek=v, **d),
        "De correctie is overgedragen.",
    ),
    "exporteren": (
        None,
        lambda r, v, d: services.export_maken(door=r.user, verzoek=v),
        "Er is een nieuwe concept-export gemaakt.",
    ),
}


@login_required
@require_POST
def actie(request, pk, actie):
    vereist(request.user, "inzien")
    v = _verzoek(request, pk)
    if actie == "huisgenoten":
        huisgenoten = services.huisgenoten(v)
        form = HuisgenotenForm(request.POST, huisgenoten=huisgenoten)
        handeling = lambda: services.huisgenoten_bepalen(  # noqa: E731
            door=request.user, verzoek=v, persoon_ids=[int(i) for i in form.cleaned_data["personen"]]
        )
        tekst = "Vastgelegd welke huisgenoten de cliënt mag zien."
    elif actie in ACTIES:
        form_class, functie, tekst = ACTIES[actie]
        form = form_class(request.POST) if form_class else None
        handeling = lambda: functie(request, v, form.cleaned_data if form else {})  # noqa: E731
    else:
        raise Http404("Onbekende handeling.")
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(" ".join(e) for e in form.errors.values()))
        return redirect("avg:verzoek", v.pk)
    try:
        resultaat = handeling()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("avg:verzoek", v.pk)
    messages.success(request, tekst)
    if isinstance(resultaat, AvgExport):
        return redirect("avg:export", resultaat.pk)
    return redirect("avg:verzoek", v.pk)


def _export(request, pk):
    return access_object(exports_for(request.user), pk)


@login_required
@recht_vereist("inzien")
def export(request, pk):
    e = _export(request, pk)
    services.loggen(
        request.user,
        e.verzoek,
        actie=Actie.BEKIJKEN,
        personen=services.getoonde_personen(e.verzoek),
        toelichting=f"{e.verzoek.nummer}: export bekeken",
        object_type=ObjectType.AVG_EXPORT,
        obj_id=e.pk,
    )
    return render(
        request,
        "avg/export.html",
        {"export": e, "inhoud": e.inhoud, "mag_vrijgeven": mag(request.user, "vrijgeven", e) and e.verzoek.open},
    )


@login_required
@recht_vereist("inzien")
def export_download(request, pk, formaat):
    """JSON at once; the PDF is made in the background (bzt.bestandstaken, avg.bestanden) and logged when it is
    downloaded, as the JSON is here."""
    if formaat == "pdf":
        return bestandstaak_views.aanvraag(request, bestanden.INZAGE, pk)
    if formaat != "json":
        raise Http404("Deze export bestaat niet (meer).")
    e = bestanden.export_ophalen(request.user, pk)
    bestanden.download_loggen(request, e, formaat=formaat)
    response = HttpResponse(json.dumps(e.inhoud, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{bestanden.bestandsnaam(e, formaat)}"'
    return response


@login_required
@require_POST
def export_vrijgeven(request, pk):
    RECHTEN.vereist(request.user, "vrijgeven")
    e = _export(request, pk)
    try:
        services.export_vrijgeven(door=request.user, export=e)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("avg:export", e.pk)
    messages.success(request, "De export is vrijgegeven en vastgelegd in het inzagelog.")
    return redirect("avg:verzoek", e.verzoek_id)
