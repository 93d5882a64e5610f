"""The AVG inzage export as PDF, made in the background (bzt.bestandstaken; registered in AvgConfig.ready()).

The export is fetched through avg.selectors.exports_for for the person who asked (when asked, in the job and at
the download); the download is logged as it always was: an export of the client and the household members
shown, on the ground avg_verzoek."""

from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse

from bzt.access import access_object
from bzt.bestandstaken import Soort
from bzt.inzage import Actie, ObjectType

from . import services
from .models import AvgExport
from .selectors import exports_for

INZAGE = "avg.inzage"


def export_ophalen(user, pk):
    export = access_object(exports_for(user), pk)
    if export.inhoud.get("opgeruimd"):
        raise Http404("Deze export bestaat niet (meer).")
    return export


def bestandsnaam(export, formaat="pdf"):
    concept = "-concept" if export.status == AvgExport.Status.CONCEPT else ""
    return f"avg-inzage-{export.verzoek.nummer}-{export.pk}{concept}.{formaat}"


def download_loggen(request, export, personen=None, formaat="pdf"):
    """The download of the export; `personen`: those the PDF was made with (None: those shown now, the JSON)."""
    services.loggen(
        request.user,
        export.verzoek,
        actie=Actie.EXPORTEREN,
        personen=services.getoonde_personen(export.verzoek) if personen is None else personen,
        toelichting=f"{export.verzoek.nummer}: export als {formaat.upper()} ({export.get_status_display().lower()})",
        object_type=ObjectType.AVG_EXPORT,
        obj_id=export.pk,
    )


SOORT = Soort(
    naam=INZAGE,
    ophalen=export_ophalen,
    titel=lambda export: f"Inzage-export bij AVG-verzoek {export.verzoek.nummer}",
    html=lambda user, export: render_to_string("avg/export_pdf.html", {"export": export, "inhoud": export.inhoud}),
    bestandsnaam=bestandsnaam,
    loggen=download_loggen,
    terug=lambda export: reverse("avg:export", args=[export.pk]),
    personen=lambda export: services.getoonde_personen(export.verzoek),
)
