"""Deadlines of AVG requests that are near (7 days) or passed: a notification to every privacy officer, once
per request and stage (the key). The start page shows the same with a badge."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from bzt.notifications import notificeren

from .models import AvgVerzoek
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
