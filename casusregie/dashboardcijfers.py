"""The counts of the procesmanager's dashboard, stored with the stagnation signals (issue 20).

Counting open escalations per level, caseload per regisseur and organisation, and open waiting lists per
partner reads every open casus: it grew 1.5× from 10k to 100k meldingen. The periodic signals run (every two
hours, or the dashboard's "Signalen nu berekenen") computes them once over every casus and keeps them in the
DoorlooptijdenStand row next to the lead times; the dashboard reads that row and adds only bounded lists (the
oldest few per group, the ten most loaded regisseurs by id). The dashboard is for those who see every casus
(`zien_alle_casussen`), so counts over every casus are exactly what the page showed live.
Before the first run the page computes them live (`bereken` on the user's casussen).
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Min, OuterRef, Q

from . import selectors
from .models import Casus, DoorlooptijdenStand, Escalatie, Wachtlijst
from .signals import ESCALATIE_LANG_OPEN_DAGEN

OPEN_ESCALATIE = [Escalatie.Status.OPEN, Escalatie.Status.BEANTWOORD]
MEEST_BELAST = 10  # regisseurs shown on the dashboard itself


def caseload_per_regisseur(casussen):
    """Every active casusregisseur, and anyone else who still directs an open casus of `casussen`, with their
    open casussen against BZT_MAX_CASELOAD. Most loaded first. A queryset: page or slice it."""
    User = get_user_model()
    return (
        User.objects.filter(
            Q(is_active=True, pk__in=selectors.met_regisseursrol())
            | Exists(selectors.open_casussen(casussen).filter(casusregisseur=OuterRef("pk")))
        )
        .select_related("organisatie")
        .annotate(open_casussen=selectors.open_casussen_per_regisseur(casussen))
        .order_by("-open_casussen", "last_name", "first_name", "username", "pk")
    )


def bereken(casussen, escalaties, today: date) -> dict:
    """The dashboard's counts over `casussen` and `escalaties` on `today`, as JSON-ready values."""
    grens = date.fromordinal(today.toordinal() - ESCALATIE_LANG_OPEN_DAGEN)
    per_niveau = {
        str(row["niveau_id"]): [row["n"], row["lang"]]
        for row in escalaties.filter(status__in=OPEN_ESCALATIE)
        .order_by()
        .values("niveau_id")
        .annotate(n=Count("pk"), lang=Count("pk", filter=Q(niveau_sinds__lt=grens)))
    }
    regisseurs = caseload_per_regisseur(casussen)
    tellingen = regisseurs.aggregate(
        aantal=Count("pk"), vol=Count("pk", filter=selectors.caseload_vol_filter("open_casussen"))
    )
    organisaties = {}
    for row in (
        selectors.open_casussen(casussen)
        .order_by()
        .values("organisatie_id", "organisatie__naam")
        .annotate(aantal=Count("pk"), zonder=Count("pk", filter=Q(casusregisseur__isnull=True)))
    ):
        organisaties[row["organisatie_id"]] = [row["organisatie__naam"], 0, row["aantal"], row["zonder"]]
    for row in (
        get_user_model()
        .objects.filter(pk__in=selectors.met_regisseursrol(), is_active=True, organisatie__isnull=False)
        .order_by()
        .values("organisatie_id", "organisatie__naam")
        .annotate(n=Count("pk"))
    ):
        organisaties.setdefault(row["organisatie_id"], [row["organisatie__naam"], 0, 0, 0])[1] = row["n"]
    wachtlijsten = open_wachtlijsten(casussen)
    return {
        "escalaties": per_niveau,
        "regisseurs": {
            "aantal": tellingen["aantal"],
            "vol": tellingen["vol"],
            "meest_belast": [[u.pk, u.open_casussen] for u in regisseurs[:MEEST_BELAST]],
        },
        "organisaties": list(organisaties.values()),
        "wachtlijsten": wachtlijsten,
    }


def open_wachtlijsten(casussen):
    """Unresolved waiting lists of the open casussen per partner, longest waiting first: [naam, aantal,
    casussen, oudste (ISO)]. Few rows (open waiting lists only), so the dashboard reads them live: a list solved
    in the dossier is gone from the dashboard at once, not at the next signals run."""
    return [
        [row["organisatie__naam"], row["aantal"], row["casussen"], row["oudste"].isoformat()]
        for row in Wachtlijst.objects.filter(opgelost_op__isnull=True, casus__in=selectors.open_casussen(casussen))
        .order_by()
        .values("organisatie__naam")
        .annotate(aantal=Count("pk"), casussen=Count("casus", distinct=True), oudste=Min("sinds"))
        .order_by("oudste", "organisatie__naam")
    ]


def opslaan(stand: DoorlooptijdenStand, today: date) -> DoorlooptijdenStand:
    """Compute the counts over every casus and keep them in `stand` (the row the signals run just wrote)."""
    stand.tellingen = bereken(Casus.objects.all(), Escalatie.objects.all(), today)
    stand.save(update_fields=["tellingen"])
    return stand
