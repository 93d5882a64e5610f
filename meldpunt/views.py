"""Meldpunt screens. Thin: parse the form, fetch through a selector, call one service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bzt.access import access_object
from bzt.forms import apply_errors, parse_int, zoektekst
from bzt.inzage import Actie, ObjectType, grond_meldpunt, log_inzage
from bzt.pagination import GeteldePaginator

from . import hooks, rechten, selectors, services
from .codes import Aanmeldroute, Urgentie, alle_wijken
from .forms import (
    HuishoudenFormSet,
    KoppelForm,
    MeldingForm,
    OntkoppelForm,
    TerugkoppelingForm,
    TriageForm,
    WvggzForm,
)
from .models import Melding, PersoonKoppeling

PAGE_SIZE = 25

meldpunt_required = rechten.recht_vereist("inzien")
triage_required = rechten.recht_vereist("trieren")


WACHTRIJ_KOLOMMEN = {"melding": "Melding", "route": "Aanmeldroute", "urgentie": "Urgentie", "ontvangen": "Ontvangen"}


def _sorteerkeuzes(stand):
    """The "Sorteren" choices of the queue's filter form. A sort chosen from a column header that is none of them
    becomes an extra, selected choice: the form then carries it, and changing a filter keeps the table's order."""
    keuzes = [("ontvangen", "Oudste eerst"), ("-ontvangen", "Nieuwste eerst"), ("urgentie", "Urgentie")]
    if stand.waarde not in dict(keuzes):
        richting = "aflopend" if stand.aflopend else "oplopend"
        keuzes.append((stand.waarde, f"{WACHTRIJ_KOLOMMEN[stand.sleutel]}, {richting} (gekozen in de tabel)"))
    return keuzes


@login_required
@meldpunt_required
def wachtrij(request):
    sortering = selectors.WACHTRIJ_SORTERING.uit(request.GET)
    filters = {
        "wachtrij": request.GET.get("wachtrij", "triage"),
        "urgentie": request.GET.get("urgentie", ""),
        "aanmeldroute": request.GET.get("aanmeldroute", ""),
        "wijk": request.GET.get("wijk", ""),
        "sort": sortering.waarde,
    }
    if filters["wachtrij"] not in selectors.WACHTRIJEN:
        filters["wachtrij"] = "triage"
    meldingen = selectors.wachtrij_queryset(request.user, **filters)
    tellingen = selectors.wachtrij_tellingen(request.user)
    gefilterd = any(filters[key] for key in ("urgentie", "aanmeldroute", "wijk"))
    paginator = (
        Paginator(meldingen, PAGE_SIZE)
        if gefilterd
        else GeteldePaginator(meldingen, PAGE_SIZE, tellingen[filters["wachtrij"]])
    )
    page = paginator.get_page(request.GET.get("pagina"))
    context = {
        "page": page,
        "regels": selectors.wachtrij_regels(page.object_list),
        "filters": filters,
        "wachtrijen": selectors.WACHTRIJEN,
        "tellingen": tellingen,
        "urgenties": Urgentie.choices,
        "aanmeldroutes": Aanmeldroute.choices,
        "wijken": alle_wijken(),
        "sorteringen": _sorteerkeuzes(sortering),
        "sortering": sortering,
    }
    template = (
        "meldpunt/_wachtrij_tabel.html"
        if request.htmx and request.htmx.target == "wachtrij-resultaat"
        else "meldpunt/wachtrij.html"
    )
    return render(request, template, context)


@login_required
@rechten.recht_vereist("registreren")
def melding_nieuw(request):
    if request.method != "POST":
        form, huishouden = MeldingForm(), HuishoudenFormSet(prefix="persoon")
        return render(request, "meldpunt/melding_nieuw.html", {"form": form, "huishouden": huishouden})

    form = MeldingForm(request.POST)
    huishouden = HuishoudenFormSet(request.POST, prefix="persoon")
    if request.POST.get("actie") == "persoon_toevoegen":
        form = MeldingForm(initial=request.POST.dict())
        huishouden = _formset_with_extra_row(request.POST)
        return render(request, "meldpunt/melding_nieuw.html", {"form": form, "huishouden": huishouden})

    if not (form.is_valid() and huishouden.is_valid()):
        return render(request, "meldpunt/melding_nieuw.html", {"form": form, "huishouden": huishouden})

    betrokkenen, te_bevestigen = [], False
    for persoon_form in huishouden.forms:
        data = persoon_form.cleaned_data
        herkenning = selectors.persoon_herkennen(
            request.user,
            data,
            gekozen_persoon_id=persoon_form.gekozen_persoon_id,
            nieuw_bevestigd=persoon_form.nieuw_bevestigd,
        )
        if herkenning.fout:
            persoon_form.add_error(None, herkenning.fout)
        elif herkenning.kandidaten:
            persoon_form.kandidaten = herkenning.kandidaten
            persoon_form.alleen_bestaand = herkenning.alleen_bestaand
            persoon_form.signalen = herkenning.signalen
        else:
            betrokkenen.append(
                services.NieuweBetrokkene(rol=data["rol"], persoon=herkenning.persoon, gegevens=herkenning.gegevens)
            )
            continue
        te_bevestigen = True

    if te_bevestigen:
        _log_kandidaten(request, huishouden.forms)
        messages.warning(request, "Een of meer personen zijn mogelijk al bekend. Kies per persoon en sla opnieuw op.")
        return render(
            request, "meldpunt/melding_nieuw.html", {"form": form, "huishouden": huishouden, "bevestigen": True}
        )
    try:
        melding = services.melding_registreren(door=request.user, gegevens=form.cleaned_data, betrokkenen=betrokkenen)
    except ValidationError as error:
        apply_errors(form, error)
        return render(request, "meldpunt/melding_nieuw.html", {"form": form, "huishouden": huishouden})
    messages.success(request, f"Melding {melding.nummer} is geregistreerd.")
    return redirect("meldpunt:melding", pk=melding.pk)


def _log_kandidaten(request, persoon_forms):
    """The known persons offered to choose from show name, birth date, BSN and address: a search result."""
    getoond = [k for f in persoon_forms for k in f.kandidaten]
    getoond += [s.via for f in persoon_forms for s in getattr(f, "signalen", ())]
    if getoond:
        log_inzage(
            request,
            object_type=ObjectType.PERSOON,
            actie=Actie.ZOEKEN,
            personen=getoond,
            grond=grond_meldpunt(request.user),
        )


def _formset_with_extra_row(post):
    """The household as typed, plus one empty row; unbound, so no errors are shown yet."""
    total = min(parse_int(post.get("persoon-TOTAL_FORMS")) or 1, 14)
    rows = []
    for i in range(total):
        prefix = f"persoon-{i}-"
        rows.append({key[len(prefix) :]: value for key, value in post.items() if key.startswith(prefix)})
    return HuishoudenFormSet(initial=rows + [{}], prefix="persoon")


@login_required
def melding(request, pk):
    melding = selectors.melding_detail(request.user, pk)
    log_inzage(
        request,
        object=melding,
        personen=[b.persoon_id for b in melding.betrokkenen.all()],
        grond=grond_meldpunt(request.user),
    )
    context = {
        "melding": melding,
        "triage": getattr(melding, "triage", None),
        "signalen": selectors.bekend_signalen([b.persoon for b in melding.betrokkenen.all()], behalve_melding=melding),
        "mogelijk_bekend": selectors.mogelijk_bekend_signalen(request.user, melding),
        "wvggz_form": WvggzForm(),
        "terugkoppeling_form": TerugkoppelingForm(),
        "geschiedenis": melding.history.select_related("history_user").order_by("-history_date")[:50],
        "mag_melder_zien": rechten.mag(request.user, "melder_zien"),
        "mag_trieren": rechten.mag(request.user, "trieren"),
        # corrections after saving (meldpunt.correcties): the buttons, and what was corrected
        "mag_corrigeren": rechten.mag(request.user, "corrigeren", melding),
        "mag_hertriageren": rechten.mag(request.user, "hertriageren", melding),
        "mag_mdo_heroverwegen": rechten.mag(request.user, "mdo_heroverwegen", melding),
        "correcties": melding.correcties.select_related("door", "persoon"),
    }
    if melding.status == Melding.Status.TOEGEWEZEN:
        for extra in hooks.TOEGEWEZEN_MELDING_PAGINA:
            context.update(extra(request.user, melding))
    elif melding.status in Melding.OPEN_STATUSES:
        for extra in hooks.OPEN_MELDING_PAGINA:
            context.update(extra(request.user, melding))
    return render(request, "meldpunt/melding.html", context)


def _melding_action(request, pk, action, success):
    melding = selectors.melding_detail(request.user, pk)
    try:
        action(melding)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("meldpunt:melding", pk=melding.pk)


@login_required
@triage_required
@require_POST
def melding_in_triage(request, pk):
    return _melding_action(
        request,
        pk,
        lambda m: services.melding_in_triage_nemen(door=request.user, melding=m),
        "De melding is in triage.",
    )


@login_required
@triage_required
@require_POST
def melding_op_agenda(request, pk):
    return _melding_action(
        request,
        pk,
        lambda m: services.melding_op_mdo_agenda_zetten(door=request.user, melding=m),
        "De melding staat op de MDO-agenda.",
    )


@login_required
@triage_required
def melding_triage(request, pk):
    melding = selectors.melding_detail(request.user, pk)
    if melding.status not in (Melding.Status.ONTVANGEN, Melding.Status.IN_TRIAGE):
        messages.info(request, "Deze melding is al getrieerd.")
        return redirect("meldpunt:melding", pk=melding.pk)
    form = TriageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.melding_triageren(
                door=request.user,
                melding=melding,
                datum=form.cleaned_data["datum"],
                leefgebieden=form.leefgebieden(),
                besluit=form.cleaned_data["besluit"],
                regulier_organisatie=form.cleaned_data["regulier_organisatie"],
                motivatie=form.cleaned_data["motivatie"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "De triage is vastgelegd.")
            return redirect("meldpunt:melding", pk=melding.pk)
    return render(request, "meldpunt/triage.html", {"melding": melding, "form": form})


@login_required
@triage_required
@require_POST
def melding_wvggz(request, pk):
    form = WvggzForm(request.POST)
    if not form.is_valid():
        melding = selectors.melding_detail(request.user, pk)
        messages.error(request, "Kies een uitkomst en een geldige datum (niet in de toekomst).")
        return redirect("meldpunt:melding", pk=melding.pk)
    return _melding_action(
        request,
        pk,
        lambda m: services.wvggz_uitkomst_vastleggen(
            door=request.user, melding=m, uitkomst=form.cleaned_data["uitkomst"], datum=form.cleaned_data["datum"]
        ),
        "De uitkomst van het verkennend onderzoek is vastgelegd.",
    )


@login_required
@rechten.recht_vereist("terugkoppelen")
@require_POST
def melding_terugkoppeling(request, pk):
    form = TerugkoppelingForm(request.POST)
    if not form.is_valid():
        melding = selectors.melding_detail(request.user, pk)
        messages.error(request, "Kies de wijze en een geldige datum (niet in de toekomst).")
        return redirect("meldpunt:melding", pk=melding.pk)
    return _melding_action(
        request,
        pk,
        lambda m: services.terugkoppeling_vastleggen(
            door=request.user, melding=m, wijze=form.cleaned_data["wijze"], datum=form.cleaned_data["datum"]
        ),
        "De terugkoppeling aan de melder is vastgelegd.",
    )


@login_required
@meldpunt_required
def zoeken(request):
    q = zoektekst(request.GET, "q")
    sortering = selectors.PERSOON_SORTERING.uit(request.GET)
    personen, aantal = selectors.zoek_personen_begrensd(request.user, q, sortering)
    paginator = GeteldePaginator(personen, PAGE_SIZE, min(aantal, selectors.ZOEK_MAX))
    page = paginator.get_page(request.GET.get("pagina"))
    melding = selectors.zoek_melding(request.user, q)
    if page.object_list:
        # The result list shows names, dates of birth and BSNs: every person shown is logged as found.
        log_inzage(
            request,
            object_type=ObjectType.PERSOON,
            actie=Actie.ZOEKEN,
            personen=page.object_list,
            grond=grond_meldpunt(request.user),
        )
    meer = aantal > selectors.ZOEK_MAX
    context = {"q": q, "page": page, "melding": melding, "meer": meer, "max": selectors.ZOEK_MAX}
    context["sortering"] = sortering
    return render(request, "meldpunt/zoeken.html", context)


@login_required
def persoon(request, pk):
    persoon = access_object(selectors.personen_for(request.user), pk)
    context = {
        "persoon": persoon,
        "betrokkenheden": persoon.betrokkenheden.select_related("melding").order_by("-melding__ontvangen_op"),
        "koppelingen": selectors.koppelingen_van(persoon),
        "koppel_form": KoppelForm(request.POST or None),
        "mag_koppelen": rechten.mag(request.user, "koppelen"),
    }
    if request.method == "POST" and context["mag_koppelen"] and context["koppel_form"].is_valid():
        form = context["koppel_form"]
        ander = selectors.personen_for(request.user).filter(pk=form.cleaned_data["gekoppeld_aan"]).first()
        if ander is None:
            form.add_error("gekoppeld_aan", "Er is geen persoon met dit nummer.")
        else:
            try:
                services.personen_koppelen(
                    door=request.user, persoon=persoon, gekoppeld_aan=ander, reden=form.cleaned_data["reden"]
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"{persoon.naam} is gekoppeld aan het record van {ander.naam}.")
                return redirect("meldpunt:persoon", pk=persoon.pk)
    # The page names the linked records too (name and number).
    gekoppeld = [k.gekoppeld_aan_id if k.persoon_id == persoon.pk else k.persoon_id for k in context["koppelingen"]]
    log_inzage(request, object=persoon, personen=[persoon, *gekoppeld], grond=grond_meldpunt(request.user))
    return render(request, "meldpunt/persoon.html", context)


@login_required
@require_POST
def koppeling_opheffen(request, pk, koppeling_pk):
    rechten.vereist(request.user, "koppelen")
    persoon = access_object(selectors.personen_for(request.user), pk)
    koppeling = access_object(
        PersoonKoppeling.objects.filter(pk__in=selectors.koppelingen_van(persoon).values("pk")), koppeling_pk
    )
    form = OntkoppelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Geef aan waarom de koppeling wordt opgeheven.")
    else:
        try:
            services.koppeling_opheffen(door=request.user, koppeling=koppeling, reden=form.cleaned_data["reden"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "De koppeling is opgeheven.")
    return redirect("meldpunt:persoon", pk=persoon.pk)
