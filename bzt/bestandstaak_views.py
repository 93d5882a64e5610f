"""Files made in the background (bzt.bestandstaken): asking for one, its progress page, the download.

Only the person who asked sees the job and gets the file; for anyone else every URL answers 404, so a job id
tells nothing. The app's own view (e.g. mdo:agenda_pdf) calls `aanvraag` with its kind and object.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import bestandstaken

NIET_BEREIKBAAR = (
    "Het bestand staat in de wachtrij, maar de verwerking is op dit moment niet bereikbaar. Het wordt gemaakt "
    "zodra die weer werkt; u hoeft het niet opnieuw aan te vragen."
)


def aanvraag(request, soort, object_id):
    """GET: a page with the button that asks for the file; POST: ask for it (or get the job already open) and go
    to its progress page. Http404 when the user may not see the object (the app's selector)."""
    soort = bestandstaken.soort_van(soort)
    obj = bestandstaken.ophalen(soort, request.user, object_id)
    if request.method != "POST":
        return render(
            request, "bzt/bestandstaak_aanvragen.html", {"titel": soort.titel(obj), "terug": soort.terug(obj)}
        )
    taak = bestandstaken.aanvragen(door=request.user, soort=soort.naam, object_id=object_id)
    verzending = getattr(taak, "verzending", None)
    if verzending is not None and verzending.gelukt is False:
        messages.warning(request, NIET_BEREIKBAAR)
    elif taak.al_aangevraagd:
        messages.info(request, "Dit bestand wordt al gemaakt; hieronder ziet u hoe ver het is.")
    return redirect("bestandstaak", pk=taak.pk)


@login_required
def taak(request, pk):
    """The progress page; htmx polls its status block every second while the job waits or runs."""
    taak = get_object_or_404(bestandstaken.taken_for(request.user), pk=pk)
    template = "bzt/_bestandstaak.html" if request.htmx else "bzt/bestandstaak.html"
    return render(request, template, {"taak": taak})


@login_required
@require_POST
def taak_opnieuw(request, pk):
    taak = get_object_or_404(bestandstaken.taken_for(request.user), pk=pk)
    try:
        taak = bestandstaken.opnieuw(door=request.user, taak=taak)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if taak.verzending.gelukt is False:
            messages.warning(request, NIET_BEREIKBAAR)
    return redirect("bestandstaak", pk=taak.pk)


@login_required
def taak_download(request, pk):
    path, naam = bestandstaken.downloaden(request, pk)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=naam, content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    return response
