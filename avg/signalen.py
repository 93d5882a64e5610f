"""Deadlines of AVG requests that are near (7 days) or passed: a notification to every privacy officer, once
per request and stage (the key). The start page shows the same with a badge."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from bzt.audit import acting_as
from bzt.notifications import notificeren

from .models import AvgExport, AvgVerzoek
from .workflow import OPEN, PERMISSION

BIJNA = 7


def termijnen_signaleren(vandaag=None) -> int:
    vandaag = vandaag or timezone.localdate()
    app, codename = PERMISSION.split(".")
    ontvangers = list(
        get_user_model()
        .objects.filter(
            is_active=True, groups__permissions__codename=codename, groups__permissions__content_type__app_label=app
        )
        .distinct()
    )
    aantal = 0
    for verzoek in AvgVerzoek.objects.filter(status__in=OPEN, termijn__lte=vandaag + timedelta(days=BIJNA)):
        te_laat = verzoek.termijn < vandaag
        tekst = (
            f"AVG-verzoek {verzoek.nummer} is te laat: de termijn verliep op {verzoek.termijn:%d-%m-%Y}."
            if te_laat
            else f"De termijn van AVG-verzoek {verzoek.nummer} verloopt op {verzoek.termijn:%d-%m-%Y}."
        )
        aantal += len(
            notificeren(
                ontvangers,
                soort="avg_termijn",
                tekst=tekst,
                link=reverse("avg:verzoek", args=[verzoek.pk]),
                sleutel=f"avg-{verzoek.pk}-{verzoek.termijn}-{'te_laat' if te_laat else 'bijna'}",
            )
        )
    return aantal


# --- the export's copy of the client's data is not kept longer than needed ------------------------------------

EXPORT_BEWAREN_DAGEN = 90  # after the request was handled: time for the client's questions about the answer
OPGERUIMD = {"opgeruimd": True}


def exports_opruimen(*, door, vandaag=None, persoon_ids=None) -> int:
    """Empty the stored content of exports whose request was handled more than EXPORT_BEWAREN_DAGEN ago or whose
    client has been anonymised (by the bewaartermijn or a granted verwijdering); with `persoon_ids`, every export
    about those persons. The export row, its state and history stay (what was released, when, by whom)."""
    vandaag = vandaag or timezone.localdate()
    exports = AvgExport.objects.exclude(inhoud=OPGERUIMD)
    if persoon_ids is not None:
        exports = exports.filter(verzoek__persoon_id__in=persoon_ids)
    else:
        exports = exports.filter(
            Q(verzoek__afgehandeld_op__lt=vandaag - timedelta(days=EXPORT_BEWAREN_DAGEN))
            | Q(verzoek__persoon__geanonimiseerd_op__isnull=False)
        )
    aantal = 0
    with acting_as(door, reason="AVG-export opgeruimd"):
        for export in exports:
            export.inhoud = OPGERUIMD
            export.save(update_fields=["inhoud"])
            aantal += 1
    return aantal
