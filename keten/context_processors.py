"""The search field in the header, for the roles that may search (asked of the rights tables, not of groups):
who may search persons and meldingen (meldpunt.rechten: inzien and personen — the meldpunt and the
procesmanager) gets that search; a casusregisseur searches their own casussen."""

from django.urls import reverse

from casusregie.permissions import CASUSWERK
from meldpunt import rechten as meldpunt_rechten


def zoekveld(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if meldpunt_rechten.mag(user, "inzien") and meldpunt_rechten.mag(user, "personen"):
        zoek = {
            "url": reverse("meldpunt:zoeken"),
            "label": "Zoek persoon of melding",
            "hint": "naam, BSN, geboortedatum of meldingnummer",
        }
    elif user.has_perm(CASUSWERK):
        zoek = {
            "url": reverse("casusregie:mijn_casussen"),
            "label": "Zoek in mijn casussen",
            "hint": "casusnummer of naam",
        }
    else:
        return {}
    return {"HEADER_ZOEKEN": zoek}
