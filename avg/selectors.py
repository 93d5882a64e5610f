"""Every read of AVG requests, filtered by who may see them (the privacy officer)."""

from django.utils import timezone

from meldpunt.models import Persoon

from .models import AvgExport, AvgVerzoek
from .rechten import RECHTEN
from .workflow import OPEN


def verzoeken_for(user):
    if not RECHTEN.heeft(user, "inzien"):
        return AvgVerzoek.objects.none()
    return AvgVerzoek.objects.select_related("persoon")


def exports_for(user):
    if not RECHTEN.heeft(user, "inzien"):
        return AvgExport.objects.none()
    return AvgExport.objects.select_related("verzoek__persoon")


def open_verzoeken(user):
    return verzoeken_for(user).filter(status__in=OPEN).order_by("termijn", "pk")


def startpagina(user):
    """The privacy officer's start page: open requests by deadline, the overdue ones marked (keten.hooks)."""
    if not RECHTEN.heeft(user, "inzien"):
        return {}
    vandaag = timezone.localdate()
    verzoeken = list(open_verzoeken(user)[:50])
    return {
        "avg_verzoeken": [(v, v.termijn < vandaag) for v in verzoeken],
        "avg_te_laat": sum(1 for v in verzoeken if v.termijn < vandaag),
    }


def persoon_opzoeken(*, bsn="", achternaam="", geboortedatum=None):
    """The narrow lookup of the privacy officer: an exact BSN, or surname and birth date together; only the
    persons that match exactly (at most 5), never a list to browse. The caller logs what was found."""
    qs = Persoon.objects.filter(geanonimiseerd_op__isnull=True)
    if bsn:
        qs = qs.filter(bsn=bsn)
    else:
        qs = qs.filter(achternaam__iexact=achternaam.strip(), geboortedatum=geboortedatum)
    return list(qs.only("voornaam", "tussenvoegsel", "achternaam", "geboortedatum").order_by("pk")[:5])
