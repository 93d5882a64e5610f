"""MDO screens, for its chair (the procesmanager). Thin: parse the form, fetch through a selector, call one
service, render. Everyone else gets 403 on the list and 404 on a meeting (mdo.selectors.overleg_detail)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from bzt import bestandstaak_views
from bzt.access import access_object
from bzt.forms import apply_errors, zoektekst
from bzt.inzage import Actie, Grond, ObjectType, log_inzage
from bzt.pdf import PDF_BASE_URL, static_path  # noqa: F401 - re-exported (tests/mdo/test_print.py)
from bzt.pdf import static_fetcher as _static_fetcher  # noqa: F401 - re-exported (tests/mdo/test_print.py)
from bzt.workflow import TransitionNotAllowed
from meldpunt import selectors as meldpunt_selectors

from . import bestanden, rechten, selectors, services
from .forms import (
    AfrondenForm,
    AgenderenForm,
    CasusbesprekingForm,
    OverlegForm,
    ToewijzenForm,
    VerplaatsenForm,
    besluit_form_class,
    zoek_opties,
)
from .models import AgendaPunt, Overleg
from .workflow import ACTIES

PAGE_SIZE = 20
AGENDA_PAGINA = 25  # items per page of a past MDO's agenda (as many as a planned one holds: ~100 ms at 1M)

mdo_required = rechten.recht_vereist("voorzitten")
regisseur_required = rechten.recht_vereist("eigen_punten")


# --- list and planning ----------------------------------------------------------------------------------------


@login_required
@mdo_required
def overleggen(request):
    form = OverlegForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            overleg = services.overleg_plannen(
                door=request.user,
                datum=form.cleaned_data["datum"],
                aanvang=form.cleaned_data["aanvang"],
                locatie=form.cleaned_data["locatie"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            aantal = overleg.agendapunten.count()
            messages.success(
                request, f"Het MDO van {_datum(overleg)} is gepland; er staan {aantal} punten op de agenda."
            )
            return redirect("mdo:overleg", pk=overleg.pk)
    page = Paginator(selectors.overleggen_lijst(request.user), PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "mdo/overleggen.html", {"page": page, "form": form})


def _datum(overleg):
    return date_format(overleg.datum, "j F Y")


# --- the agenda ---------------------------------------------------------------------------------------------------


def _zoektekst(request, name):
    return zoektekst(request.GET, name)


def _regels(request, overleg, bound=None, pagina=None):
    return selectors.agenda_regels(
        request.user,
        overleg,
        zoek_punt=request.GET.get("punt", ""),
        zoek=_zoektekst(request, "regisseur_zoek"),
        bound=bound,
        start=pagina.start_index() if pagina else 1,
    )


def _agenda_basis(request, overleg, bound=None, pagina=None):
    regels = _regels(request, overleg, bound, pagina)
    return {
        "overleg": overleg,
        "regels": regels,
        "overzicht": selectors.agenda_overzicht(regels),
        "gepland": _gepland(overleg),
        "pagina": pagina,
    }


def _agenda_context(request, overleg, *, bound=None, casus_form=None, afronden_form=None, pagina=None):
    context = _agenda_basis(request, overleg, bound, pagina)
    if not context["gepland"]:
        context["aanwezigen"] = selectors.aanwezigen_per_organisatie(overleg)
        return context
    casus_zoek, aanwezige_zoek = _zoektekst(request, "casus_zoek"), _zoektekst(request, "aanwezige_zoek")
    if casus_form is None:
        gevonden = selectors.open_casussen_zoeken(request.user, casus_zoek) if casus_zoek else []
        _log_gevonden(request, gevonden)
        casus_form = CasusbesprekingForm(casussen=gevonden)
    if afronden_form is None:
        gebruikers = selectors.aanwezigen_met_gezochten(request.user, overleg, aanwezige_zoek)
        afronden_form = AfrondenForm(gebruikers=gebruikers, initial={"aanwezigen": [overleg.voorzitter_id]})
    context.update(
        casus_form=casus_form, casus_zoek=casus_zoek, afronden_form=afronden_form, aanwezige_zoek=aanwezige_zoek
    )
    return context


def _log_gevonden(request, casussen):
    """Casussen found by search show the hoofdpersoon's name: logged like the meldpunt's person search."""
    if casussen:
        personen = [b.persoon_id for c in casussen for b in c.melding.betrokkenen.all()]
        log_inzage(
            request, object_type=ObjectType.CASUS, actie=Actie.ZOEKEN, personen=personen, grond=Grond.PROCESMANAGER
        )


def _gepland(overleg):
    return overleg.status == Overleg.Status.GEPLAND


def _al_afgerond(request, overleg):
    messages.error(request, "Dit MDO is al afgerond.")
    return _naar_agenda(overleg)


def _log_agenda(request, overleg, actie=Actie.BEKIJKEN, object_type=ObjectType.AGENDA, personen=None):
    """Every household on the agenda is logged (the items show names, leefgebieden and plans); a made file names
    the persons it was made with (`personen`)."""
    if personen is None:
        personen = selectors.personen_op_agenda(overleg)
    log_inzage(
        request, object=overleg, object_type=object_type, actie=actie, personen=personen, grond=Grond.PROCESMANAGER
    )


def _render_agenda(request, overleg, status=200, **kwargs):
    _log_agenda(request, overleg)
    return render(request, "mdo/overleg.html", _agenda_context(request, overleg, **kwargs), status=status)


@login_required
def overleg(request, pk):
    """The agenda. A planned MDO is the working agenda: every item on one page. A past one is the record of the
    meeting and can hold hundreds of items in a region: AGENDA_PAGINA per page (the access log names the
    households of the page shown)."""
    kop = selectors.overleg_kop(request.user, pk)
    if _gepland(kop) or kop.aantal_punten <= AGENDA_PAGINA:
        return _render_agenda(request, selectors.overleg_detail(request.user, pk))
    pagina = Paginator(range(kop.aantal_punten), AGENDA_PAGINA).get_page(request.GET.get("pagina"))
    punten = slice(pagina.start_index() - 1, pagina.end_index())
    return _render_agenda(request, selectors.overleg_detail(request.user, pk, punten=punten), pagina=pagina)


def _naar_agenda(punt_or_overleg):
    if isinstance(punt_or_overleg, AgendaPunt):
        return redirect(reverse("mdo:overleg", args=[punt_or_overleg.overleg_id]) + f"#punt-{punt_or_overleg.pk}")
    return redirect("mdo:overleg", pk=punt_or_overleg.pk)


@login_required
@require_POST
def agenda_bijwerken(request, pk):
    overleg = selectors.overleg_detail(request.user, pk)
    try:
        aantal = services.agenda_vullen(door=request.user, overleg=overleg)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _tekst(error))
    else:
        if aantal:
            messages.success(request, f"{aantal} nieuwe punten op de agenda gezet.")
        else:
            messages.info(request, "Er waren geen nieuwe punten voor de agenda.")
    return _naar_agenda(overleg)


def _tekst(error):
    if isinstance(error, PermissionDenied):
        return str(error) or "U heeft geen recht op deze handeling."
    return " ".join(error.messages)


@login_required
@require_POST
def verplaatsen(request, pk, punt_pk):
    """Move an item up, down or to another planned MDO. With htmx the agenda is updated in place."""
    punt = selectors.agendapunt_detail(request.user, pk, punt_pk)
    richting = request.POST.get("richting")
    naar = None
    fout = bericht = ""
    if richting not in ("omhoog", "omlaag"):
        richting = None
        form = VerplaatsenForm(
            request.POST,
            prefix=f"v{punt.pk}",
            overleggen=selectors.geplande_overleggen(request.user, behalve=punt.overleg),
        )
        if form.is_valid():
            naar = form.overleggen[form.cleaned_data["naar"]]
        else:
            fout = "Kies het MDO waarnaar het punt moet."
    if not fout:
        try:
            services.agendapunt_verplaatsen(door=request.user, punt=punt, richting=richting, naar=naar)
        except (ValidationError, PermissionDenied) as error:
            fout = _tekst(error)
        else:
            bericht = (
                f"Het agendapunt is verplaatst naar het MDO van {_datum(naar)}."
                if naar
                else f"Het agendapunt is {'omhoog' if richting == 'omhoog' else 'omlaag'} verplaatst."
            )
    if request.htmx:
        overleg = selectors.overleg_detail(request.user, pk)
        _log_agenda(request, overleg)
        context = _agenda_basis(request, overleg)
        return render(request, "mdo/_agenda.html", {**context, "fout": fout, "bericht": bericht})
    if fout:
        messages.error(request, fout)
    else:
        messages.success(request, bericht)
    return _naar_agenda(punt.overleg) if naar else _naar_agenda(punt)


@login_required
@require_POST
def besluit(request, pk, punt_pk):
    """Take the besluit on one item. On an error the agenda is shown again with what was typed."""
    overleg = selectors.overleg_detail(request.user, pk)
    punt = next((p for p in overleg.agendapunten.all() if p.pk == int(punt_pk)), None)
    if punt is None:
        raise Http404("Niet gevonden.")
    actie = request.POST.get("actie", "")
    if not punt.open or not _gepland(overleg):
        messages.error(request, "Over dit agendapunt is al besloten.")
        return _naar_agenda(punt)
    if actie not in ACTIES[punt.soort]:
        messages.error(request, "Kies een besluit.")
        return _naar_agenda(punt)

    if actie == "toewijzen":
        naam = "toewijzen"
        gekozen = [request.POST.get(f"t{punt.pk}-casusregisseur", "")]
        kandidaten = selectors.kandidaten_voor(punt.melding, selectors.kandidaten_pool(), gekozen)
        form = ToewijzenForm(request.POST, prefix=f"t{punt.pk}", kandidaten=kandidaten)
    else:
        naam = "besluit"
        form = besluit_form_class(punt)(request.POST, prefix=f"b{punt.pk}")
    if form.is_valid():
        gegevens = dict(form.cleaned_data)
        if actie == "toewijzen":
            gegevens["casusregisseur"] = form.regisseur()
        try:
            services.besluit_nemen(door=request.user, punt=punt, actie=actie, gegevens=gegevens)
        except TransitionNotAllowed as error:  # decided or closed meanwhile: the item shows no form any more
            messages.error(request, _tekst(error))
            return _naar_agenda(punt)
        except ValidationError as error:
            apply_errors(form, error, aliases={"reden": "notulen"})
        except PermissionDenied as error:
            messages.error(request, _tekst(error))
            return _naar_agenda(punt)
        else:
            messages.success(request, _bericht(actie, punt, gegevens))
            return _naar_agenda(punt)
    overleg = selectors.overleg_detail(request.user, pk)  # fresh: the failed service changed nothing
    return _render_agenda(request, overleg, bound=(punt.pk, naam, form))


def _bericht(actie, punt, gegevens):
    """The success message of a besluit taken by services.besluit_nemen."""
    if actie == "toewijzen":
        regisseur = gegevens["casusregisseur"]
        return f"{regisseur} ({regisseur.organisatie}) is casusregisseur van casus {punt.casus.nummer}."
    if actie == "regulier":
        return f"Melding {punt.melding.nummer} is verwezen naar reguliere zorg."
    if actie == "bij_casus":
        return f"Melding {punt.melding.nummer} is bij de open casus {punt.casus.nummer} gevoegd."
    if actie == "aanhouden":
        return "Het agendapunt is aangehouden en gaat naar het volgende MDO."
    if actie in ("vaststellen", "terugsturen"):
        wat = "vastgesteld" if actie == "vaststellen" else "teruggestuurd naar de casusregisseur"
        return f"Plan van aanpak versie {punt.plan.versie} van casus {punt.casus.nummer} is {wat}."
    return "Het agendapunt is besproken."


@login_required
@require_POST
def casusbespreking(request, pk):
    overleg = selectors.overleg_detail(request.user, pk)
    if not _gepland(overleg):
        return _al_afgerond(request, overleg)
    gekozen = selectors.open_casus(request.user, request.POST.get("casus"))
    form = CasusbesprekingForm(request.POST, casussen=[gekozen] if gekozen else [])
    if form.is_valid():
        try:
            punt = services.casusbespreking_toevoegen(door=request.user, overleg=overleg, casus=form.gekozen_casus())
        except ValidationError as error:
            apply_errors(form, error)
        except PermissionDenied as error:
            messages.error(request, _tekst(error))
            return _naar_agenda(overleg)
        else:
            messages.success(request, f"Casus {punt.casus.nummer} staat op de agenda voor een casusbespreking.")
            return _naar_agenda(punt)
    return _render_agenda(request, overleg, casus_form=form)


@login_required
@require_POST
def afronden(request, pk):
    overleg = selectors.overleg_detail(request.user, pk)
    if not _gepland(overleg):
        return _al_afgerond(request, overleg)
    gebruikers = selectors.aanwezigen_keuze(overleg, extra=request.POST.getlist("aanwezigen"))
    form = AfrondenForm(request.POST, gebruikers=list(gebruikers))
    if form.is_valid():
        try:
            open_punten = sum(1 for p in overleg.agendapunten.all() if p.open)
            services.overleg_afronden(
                door=request.user,
                overleg=overleg,
                aanwezigen=form.gekozen(),
                overige_aanwezigen=form.cleaned_data["overige_aanwezigen"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        except PermissionDenied as error:
            messages.error(request, _tekst(error))
            return _naar_agenda(overleg)
        else:
            bericht = f"Het MDO van {_datum(overleg)} is afgerond."
            if open_punten:
                bericht += f" {open_punten} niet behandelde punten zijn doorgeschoven naar het volgende MDO."
            messages.success(request, bericht)
            return _naar_agenda(overleg)
    return _render_agenda(request, overleg, afronden_form=form)


@login_required
@mdo_required
@require_POST
def heroverwegen(request, pk):
    """A referral that was a mistake: back on the agenda for a new, motivated besluit (from the melding page)."""
    melding = meldpunt_selectors.melding_detail(request.user, pk)
    try:
        punt = services.besluit_heroverwegen(
            door=request.user, melding=melding, motivering=request.POST.get("motivering", "")
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _tekst(error))
    else:
        waar = f"het MDO van {_datum(punt.overleg)}" if punt else "het volgende MDO dat gepland wordt"
        messages.success(request, f"Melding {melding.nummer} staat weer op de agenda voor een nieuw besluit: {waar}.")
    return redirect("meldpunt:melding", pk=melding.pk)


# --- search fields (htmx fragments; without JS the agenda itself takes the same GET parameters) ---------------


@login_required
@mdo_required
def regisseurs_zoeken(request, pk, punt_pk):
    punt = selectors.agendapunt_detail(request.user, pk, punt_pk)
    q = _zoektekst(request, "regisseur_zoek")
    kandidaten = selectors.regisseurs_zoeken(request.user, q, punt.melding)
    context = {"gevonden": zoek_opties(kandidaten, f"t{punt.pk}"), "zoek": q}
    return render(request, "mdo/_regisseurs_gevonden.html", context)


@login_required
@mdo_required
def casussen_zoeken(request, pk):
    access_object(selectors.overleggen_for(request.user), pk)
    q = _zoektekst(request, "casus_zoek")
    gevonden = selectors.open_casussen_zoeken(request.user, q)
    _log_gevonden(request, gevonden)
    form = CasusbesprekingForm(casussen=gevonden)
    return render(request, "mdo/_casussen_gevonden.html", {"casus_form": form, "casus_zoek": q})


@login_required
@mdo_required
def aanwezigen_zoeken(request, pk):
    access_object(selectors.overleggen_for(request.user), pk)
    q = _zoektekst(request, "aanwezige_zoek")
    gevonden = selectors.aanwezigen_zoeken(request.user, q)
    return render(request, "mdo/_aanwezigen_gevonden.html", {"gevonden": gevonden, "aanwezige_zoek": q})


# --- printable agenda and besluitenlijst ----------------------------------------------------------------------------


def _print_context(request, pk):
    overleg = selectors.overleg_detail(request.user, pk)
    aanwezigen = selectors.aanwezigen_per_organisatie(overleg)
    return {"overleg": overleg, "regels": selectors.print_regels(overleg), "aanwezigen": aanwezigen}


@login_required
def agenda_print(request, pk):
    context = _print_context(request, pk)
    _log_agenda(request, context["overleg"], Actie.PRINTEN)
    return render(request, "mdo/print_agenda.html", context)


@login_required
def besluiten_print(request, pk):
    context = _print_context(request, pk)
    _log_agenda(request, context["overleg"], Actie.PRINTEN, ObjectType.BESLUITENLIJST)
    return render(request, "mdo/print_besluiten.html", context)


@login_required
def agenda_pdf(request, pk):
    """The agenda as PDF, made in the background (bzt.bestandstaken; the download is logged as an export)."""
    return bestandstaak_views.aanvraag(request, bestanden.AGENDA, pk)


@login_required
def besluiten_pdf(request, pk):
    return bestandstaak_views.aanvraag(request, bestanden.BESLUITEN, pk)


# --- the casusregisseur's own items ------------------------------------------------------------------------------


def _mijn_punten(request, form=None):
    eigen = selectors.eigen_casussen(request.user)
    punten = selectors.mijn_mdo_punten(request.user, eigen)
    if punten:
        log_inzage(
            request,
            object_type=ObjectType.AGENDA,
            personen=selectors.huishoudens_van(punten),
            grond=Grond.REGISSEUR,
            toelichting="mijn MDO-punten",
        )
    if form is None:
        overleggen = list(selectors.komende_overleggen())
        form = AgenderenForm(
            casussen=selectors.te_agenderen_casussen(request.user, eigen),
            overleggen=overleggen,
            initial={"casus": request.GET.get("casus", ""), "overleg": overleggen[0].pk if overleggen else None},
        )
    return render(request, "mdo/mijn_punten.html", {"punten": punten, "form": form})


@login_required
@regisseur_required
def mijn_punten(request):
    """Mijn MDO-punten: the agenda items and besluiten about the user's own casussen, and the form to put one of
    them on a coming MDO with a question. Nothing else of any agenda."""
    return _mijn_punten(request)


@login_required
@regisseur_required
@require_POST
def casus_agenderen(request):
    form = AgenderenForm(
        request.POST,
        casussen=selectors.te_agenderen_casussen(request.user),
        overleggen=list(selectors.komende_overleggen()),
    )
    if form.is_valid():
        try:
            punt = services.casus_agenderen(
                door=request.user,
                casus=form.casussen[form.cleaned_data["casus"]],
                overleg=form.overleggen[form.cleaned_data["overleg"]],
                vraag=form.cleaned_data["vraag"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"Casus {punt.casus.nummer} staat op de agenda van het MDO van {_datum(punt.overleg)}."
            )
            return redirect("mdo:mijn_punten")
    messages.error(request, "Niet op de agenda gezet: verbeter de gemarkeerde velden. Wat u invulde staat er nog.")
    return _mijn_punten(request, form)
