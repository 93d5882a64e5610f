"""The MDO's files made in the background (bzt.bestandstaken): the agenda and the besluitenlijst as PDF.

Registered in MdoConfig.ready(). The meeting is fetched through mdo.selectors.overleg_detail for the person who
asked (when asked, in the job and at the download); the download is logged as the PDF views always logged it:
an export of every household on the agenda, on the procesmanager's ground."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format

from bzt.bestandstaken import Soort
from bzt.context_processors import branding
from bzt.inzage import Actie, ObjectType

from . import selectors

AGENDA, BESLUITEN = "mdo.agenda", "mdo.besluiten"


def _html(template):
    def html(user, overleg):
        context = {
            **branding(None),
            "overleg": overleg,
            "regels": selectors.print_regels(overleg),
            "aanwezigen": selectors.aanwezigen_per_organisatie(overleg),
            "pdf": True,
        }
        return render_to_string(template, context)

    return html


def _loggen(object_type):
    def loggen(request, overleg, personen):
        from .views import _log_agenda

        _log_agenda(request, overleg, Actie.EXPORTEREN, object_type, personen=personen)

    return loggen


def _soort(naam, titel, template, object_type, bestand):
    return Soort(
        naam=naam,
        ophalen=selectors.overleg_detail,
        titel=lambda overleg: f"{titel} MDO {date_format(overleg.datum, 'j F Y')}",
        html=_html(template),
        bestandsnaam=lambda overleg: f"mdo-{overleg.datum:%Y-%m-%d}-{bestand}.pdf",
        loggen=_loggen(object_type),
        terug=lambda overleg: reverse("mdo:overleg", args=[overleg.pk]),
        personen=selectors.personen_op_agenda,
    )


SOORTEN = (
    _soort(AGENDA, "Agenda", "mdo/print_agenda.html", ObjectType.AGENDA, "agenda"),
    _soort(BESLUITEN, "Besluitenlijst", "mdo/print_besluiten.html", ObjectType.BESLUITENLIJST, "besluitenlijst"),
)
