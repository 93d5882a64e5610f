"""Jaarmonitor screens for the beleidsambtenaar (permission monitor.zien_jaarmonitor; everyone else 403).

Only figures: every page and file shows SUPPRESSED figures (monitor.suppression); nothing links to a
melding, person or dossier. Thin: parse the form, call one service, render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from bzt.achtergrond import media_pad
from bzt.forms import apply_errors

from . import exports, services
from .forms import JaarForm
from .models import Rapport
from .suppression import suppress

jaarmonitor_required = permission_required(services.PERMISSION, raise_exception=True)
PAGE_SIZE = 20
NIET_BEREIKBAAR = (
    "De jaarmonitor {jaar} staat in de wachtrij, maar de verwerking is op dit moment niet bereikbaar. "
    "Het rapport wordt gemaakt zodra die weer werkt; u hoeft het niet opnieuw aan te vragen."
)


def _jaar(jaar):
    try:
        return services.jaar_controleren(jaar)
    except ValidationError:
        raise Http404("Geen geldig jaar.") from None


def _rapporten(request):
    rapporten = services.rapporten_for(request.user).select_related("aangevraagd_door")
    return Paginator(rapporten, PAGE_SIZE).get_page(request.GET.get("pagina"))


@login_required
@jaarmonitor_required
def index(request):
    form = JaarForm(request.POST or None, initial={"jaar": services.laatste_jaar() - 1})
    if request.method == "POST" and form.is_valid():
        try:
            rapport = services.rapport_aanvragen(door=request.user, jaar=form.cleaned_data["jaar"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            al_aangevraagd = rapport.al_aangevraagd
            verzending = getattr(rapport, "verzending", None)
            rapport.refresh_from_db()  # with eager tasks (no broker) the job has run already
            if verzending is not None and verzending.gelukt is False:
                messages.warning(request, NIET_BEREIKBAAR.format(jaar=rapport.jaar))
            elif al_aangevraagd:
                messages.info(request, f"Er wordt al een jaarmonitor {rapport.jaar} gemaakt; zie de lijst hieronder.")
            elif rapport.status == Rapport.Status.KLAAR:
                messages.success(request, f"De jaarmonitor {rapport.jaar} is klaar.")
            else:
                messages.success(request, f"De jaarmonitor {rapport.jaar} wordt gemaakt.")
            return redirect("monitor:index")
    return render(request, "monitor/index.html", {"form": form, "page": _rapporten(request)})


@login_required
@jaarmonitor_required
def rapport_status(request, pk):
    """The row of one report: polled by htmx (every second while waiting or running)."""
    rapport = get_object_or_404(services.rapporten_for(request.user).select_related("aangevraagd_door"), pk=pk)
    if not request.htmx:
        return redirect("monitor:index")
    return render(request, "monitor/_rapport.html", {"rapport": rapport})


@login_required
@jaarmonitor_required
@require_POST
def rapport_opnieuw(request, pk):
    rapport = get_object_or_404(services.rapporten_for(request.user), pk=pk)
    try:
        rapport = services.rapport_opnieuw(door=request.user, rapport=rapport)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if rapport.verzending.gelukt is False:
            messages.warning(request, NIET_BEREIKBAAR.format(jaar=rapport.jaar))
        else:
            messages.success(
                request, f"De jaarmonitor {rapport.jaar} wordt opnieuw gemaakt (poging {rapport.pogingen})."
            )
    return redirect("monitor:index")


@login_required
@jaarmonitor_required
def rapport_download(request, pk):
    rapport = get_object_or_404(services.rapporten_for(request.user), pk=pk, status=Rapport.Status.KLAAR)
    if not rapport.aanbieden:
        raise Http404("Dit rapport telde de lopende maand mee en wordt niet meer aangeboden; maak een nieuw rapport.")
    if not rapport.bestand:
        raise Http404("Het rapport heeft geen bestand.")
    path = media_pad(rapport.bestand.name)
    if path is None:
        raise Http404("Het bestand van dit rapport is niet gevonden.")
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=exports.filename(rapport.jaar, "pdf"),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@jaarmonitor_required
def voorbeeld(request, jaar):
    """The figures of a year as a web page: the same suppressed tables and charts as the PDF."""
    jaar = _jaar(jaar)
    jaren = list(range(services.laatste_jaar(), services.laatste_jaar() - 6, -1))
    figures = services.cijfers(door=request.user, jaar=jaar)
    if figures is None:
        context = {"jaar": jaar, "jaren": jaren, "geen_cijfers": services.GEEN_VOLLEDIGE_MAAND.format(jaar=jaar)}
        return render(request, "monitor/voorbeeld.html", context)
    context = exports.report_context(suppress(figures))
    context["jaren"] = jaren
    return render(request, "monitor/voorbeeld.html", context)


def _download(request, jaar, format):
    figures = services.cijfers(door=request.user, jaar=jaar)
    if figures is None:
        raise Http404(services.GEEN_VOLLEDIGE_MAAND.format(jaar=jaar))
    data = exports.render(figures, format)
    response = HttpResponse(data, content_type=exports.CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(jaar, format)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@jaarmonitor_required
def download_csv(request, jaar):
    return _download(request, _jaar(jaar), "csv")


@login_required
@jaarmonitor_required
def download_xlsx(request, jaar):
    return _download(request, _jaar(jaar), "xlsx")


# --- budget ----------------------------------------------------------------------------------------------------


@login_required
@jaarmonitor_required
@require_GET
def budget(request, jaar):
    """The budget lines of a year, read-only: functioneel beheer keeps them (beheer:budget)."""
    jaar = _jaar(jaar)
    regels = services.budgetregels(jaar, services.monitor_gemeente(request.user))
    return render(
        request,
        "monitor/budget.html",
        {
            "jaar": jaar,
            "regels": regels,
            "totaal": sum((r.bedrag for r in regels), start=0),
            "eerste_jaar": services.EERSTE_JAAR,
            "laatste_jaar": services.laatste_jaar(),
        },
    )
