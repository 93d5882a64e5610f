"""The jaarmonitor figures (CONTRACT.md § Jaarmonitor), computed in the database.

Every count is an aggregation query that returns one row per group; medians are percentile_cont on
PostgreSQL (the same value as Python's statistics.median). No names, BSNs, addresses or free text are
ever read here: only codes, dates and counts.
"""

import statistics
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from casusregie.models import Casus, Escalatie, Wachtlijst
from meldpunt.codes import Leefgebied
from meldpunt.models import Betrokkene, Melding, Persoon, Triage

from .models import BudgetRegel

LEEFTIJDSBANDEN = [
    ("0-17", 0, 17),
    ("18-22", 18, 22),
    ("23-29", 23, 29),
    ("30-44", 30, 44),
    ("45-64", 45, 64),
    ("65+", 65, 200),
]


class DaysBetween(Func):
    """Whole days from `start` to `end` (two date expressions)."""

    output_field = IntegerField()

    def __init__(self, end, start):
        super().__init__(end, start)

    def as_sql(self, compiler, conn, **extra):
        return super().as_sql(compiler, conn, template="(%(expressions)s)", arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, conn, **extra):
        return super().as_sql(
            compiler, conn, template="CAST(julianday(%(expressions)s) AS INTEGER)", arg_joiner=") - julianday(", **extra
        )


class Median(Func):
    """percentile_cont(0.5): the median, averaging the two middle values like statistics.median."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    contains_aggregate = True
    output_field = IntegerField()


def _grouped(qs, field):
    """{value: count} for one GROUP BY query."""
    return {row[field]: row["n"] for row in qs.values(field).annotate(n=Count("pk", distinct=True)).order_by(field)}


def _number(value):
    if value is None:
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def count_days(qs, end, start):
    """How many rows `median_days(qs, end, start)` takes the median of (for the small-n rule of the display)."""
    return qs.filter(**{f"{end}__isnull": False, f"{start}__isnull": False}).count()


def median_days(qs, end, start):
    """Median of whole days between two date fields over the rows of `qs` that have both."""
    qs = qs.filter(**{f"{end}__isnull": False, f"{start}__isnull": False})
    if connection.vendor == "postgresql":
        return _number(qs.aggregate(m=Median(DaysBetween(F(end), F(start))))["m"])
    days = list(qs.annotate(d=DaysBetween(F(end), F(start))).values_list("d", flat=True))
    return _number(statistics.median(days)) if days else None


def _age_band_expression(birth, on):
    age = (
        ExtractYear(on)
        - ExtractYear(birth)
        - Case(
            When(Q(**{f"{on}_month__lt": F(f"{birth}_month")}), then=Value(1)),
            When(Q(**{f"{on}_month": F(f"{birth}_month"), f"{on}_day__lt": F(f"{birth}_day")}), then=Value(1)),
            default=Value(0),
        )
    )
    whens = [When(**{"age__gte": low, "age__lte": high}, then=Value(label)) for label, low, high in LEEFTIJDSBANDEN]
    return age, Case(*whens, default=Value("onbekend"))


# The date pairs of the doorlooptijden (end, start), reached from Melding: to count what each median is over.
DOORLOOPTIJDEN = {
    "melding_tot_triage": ("triage__datum", "ontvangen_op"),
    "triage_tot_mdo": ("casus__toegewezen_op", "triage__datum"),
    "mdo_tot_plan": ("casus__plan_vastgesteld_op", "casus__toegewezen_op"),
    "melding_tot_afsluiting": ("casus__afgesloten_op", "ontvangen_op"),
}


def meldingen_van(jaar):
    return Melding.objects.filter(ontvangen_op__year=jaar)


def compute(jaar: int) -> dict:
    meldingen = meldingen_van(jaar)
    triaged = Triage.objects.filter(melding__ontvangen_op__year=jaar)
    personen = Persoon.objects.filter(betrokkenheden__melding__ontvangen_op__year=jaar).distinct()
    eind = date(jaar, 12, 31)

    melding_counts = meldingen.aggregate(
        totaal=Count("pk"),
        overlast=Count("pk", filter=Q(overlast=True)),
        gezinnen=Count("pk", filter=Q(pk__in=Betrokkene.objects.filter(rol="kind").values("melding_id"))),
    )
    per_maand = {
        f"{row['maand']:02d}": row["n"]
        for row in meldingen.annotate(maand=ExtractMonth("ontvangen_op")).values("maand").annotate(n=Count("pk"))
    }
    triage_counts = triaged.aggregate(
        totaal=Count("pk"),
        doelgroep=Count("pk", filter=Q(score__gte=3)),
        ggsr=Count("pk", filter=Q(ggsr=True)),
        **{code: Count("pk", filter=Q(**{code: True})) for code in Leefgebied.values},
    )

    first_melding = (
        Betrokkene.objects.filter(persoon=OuterRef("pk"), melding__ontvangen_op__year=jaar)
        .order_by("melding__ontvangen_op")
        .values("melding__ontvangen_op")[:1]
    )
    ages = Persoon.objects.filter(pk__in=personen.values("pk")).annotate(
        eerste=Subquery(first_melding, output_field=DateField()),
        eerste_month=ExtractMonth("eerste"),
        eerste_day=ExtractDay("eerste"),
        geboortedatum_month=ExtractMonth("geboortedatum"),
        geboortedatum_day=ExtractDay("geboortedatum"),
    )
    age, band = _age_band_expression("geboortedatum", "eerste")
    per_leeftijd = {
        row["band"]: row["n"]
        for row in ages.annotate(age=age)
        .annotate(band=Case(When(geboortedatum__isnull=True, then=Value("onbekend")), default=band))
        .values("band")
        .annotate(n=Count("pk"))
        .order_by("band")
    }

    nieuw = Casus.objects.filter(toegewezen_op__year=jaar)
    afgesloten = Casus.objects.filter(afgesloten_op__year=jaar)
    open_einde = Casus.objects.filter(toegewezen_op__lte=eind).filter(
        Q(afgesloten_op__isnull=True) | Q(afgesloten_op__gt=eind)
    )
    escalaties = Escalatie.objects.filter(gestart_op__year=jaar)

    return {
        "jaar": jaar,
        "meldingen": {
            "totaal": melding_counts["totaal"],
            "per_aanmeldroute": _grouped(meldingen, "aanmeldroute"),
            "per_melder_type": _grouped(meldingen, "melder_type"),
            "per_maand": per_maand,
            "overlast": melding_counts["overlast"],
            "gezinnen": melding_counts["gezinnen"],
        },
        "triage": {
            "totaal": triage_counts["totaal"],
            "per_besluit": _grouped(triaged, "besluit"),
            "doelgroep_3_uit_8": triage_counts["doelgroep"],
            "per_leefgebied": {code: triage_counts[code] for code in Leefgebied.values if triage_counts[code]},
            "ggsr": triage_counts["ggsr"],
        },
        "personen": {
            "uniek": personen.count(),
            "per_geslacht": _grouped(Persoon.objects.filter(pk__in=personen.values("pk")), "geslacht"),
            "per_leeftijd": per_leeftijd,
            "per_inkomen": _grouped(Persoon.objects.filter(pk__in=personen.values("pk")), "inkomen"),
            "per_wijk": {
                (wijk or "onbekend"): n
                for wijk, n in _grouped(Persoon.objects.filter(pk__in=personen.values("pk")), "wijk").items()
            },
        },
        "casussen": {
            "nieuw": nieuw.count(),
            "per_organisatie": _grouped(nieuw, "organisatie__naam"),
            "afgesloten": afgesloten.count(),
            "afsluitredenen": _grouped(afgesloten, "afsluitreden__code"),
            "open_einde_jaar": open_einde.count(),
            "caseload_einde_jaar": _grouped(open_einde, "organisatie__naam"),
        },
        "escalaties": {
            "totaal": escalaties.count(),
            "per_niveau": _grouped(escalaties, "niveau__code"),
            **_doorbraken(escalaties),
        },
        "doorlooptijden": {
            "melding_tot_triage": median_days(meldingen, "triage__datum", "ontvangen_op"),
            "triage_tot_mdo": median_days(meldingen, "casus__toegewezen_op", "triage__datum"),
            "mdo_tot_plan": median_days(meldingen, "casus__plan_vastgesteld_op", "casus__toegewezen_op"),
            "melding_tot_afsluiting": median_days(meldingen, "casus__afgesloten_op", "ontvangen_op"),
        },
        # How many meldingen each median is taken over: medians of fewer than 5 are not shown (suppression).
        "doorlooptijden_aantal": {
            key: count_days(meldingen, end, start) for key, (end, start) in DOORLOOPTIJDEN.items()
        },
        "wachtlijsten": {
            "totaal": Wachtlijst.objects.filter(sinds__year=jaar).count(),
            "per_organisatie": _grouped(Wachtlijst.objects.filter(sinds__year=jaar), "organisatie__naam"),
        },
        "budget": _budget(
            jaar,
            casussen=nieuw.count() + open_einde.exclude(toegewezen_op__year=jaar).count(),
            personen=personen.count(),
        ),
    }


def _doorbraken(escalaties):
    result = escalaties.filter(maatwerkbudget__isnull=False).aggregate(n=Count("pk"), totaal=Sum("maatwerkbudget"))
    return {"doorbraken": result["n"], "maatwerkbudget_totaal": _money(result["totaal"] or Decimal(0))}


def _money(value):
    return float(Decimal(value).quantize(Decimal("0.01")))


def _budget(jaar, *, casussen, personen):
    regels = BudgetRegel.objects.filter(jaar=jaar)
    per_categorie = {row["categorie"]: _money(row["s"]) for row in regels.values("categorie").annotate(s=Sum("bedrag"))}
    totaal = sum(per_categorie.values())
    return {
        "totaal": _money(totaal),
        "per_categorie": per_categorie,
        "casussen_in_behandeling": casussen,
        "per_casus": _money(totaal / casussen) if casussen and totaal else None,
        "per_persoon": _money(totaal / personen) if personen and totaal else None,
    }


def compute_with_comparison(jaar: int) -> dict:
    """The figures of `jaar` plus, under "vorig_jaar", the headline figures of the year before."""
    figures = compute(jaar)
    previous = compute(jaar - 1)
    figures["vorig_jaar"] = {
        "jaar": jaar - 1,
        "meldingen_totaal": previous["meldingen"]["totaal"],
        "triage_totaal": previous["triage"]["totaal"],
        "doelgroep_3_uit_8": previous["triage"]["doelgroep_3_uit_8"],
        "personen_uniek": previous["personen"]["uniek"],
        "casussen_nieuw": previous["casussen"]["nieuw"],
        "casussen_afgesloten": previous["casussen"]["afgesloten"],
        "escalaties": sum(previous["escalaties"]["per_niveau"].values()),
    }
    return figures
