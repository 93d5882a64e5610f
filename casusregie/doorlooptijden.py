"""Lead times (doorlooptijden) of the procesmanager's dashboard: median days per step of the casussen assigned
in the last 12 months. The medians read a year of casussen, so the periodic signals run stores them
(DoorlooptijdenStand) and the dashboard shows that stand with its time; before the first run it computes them.
"""

import statistics
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Count, F, FloatField, Func, IntegerField, OuterRef, Q, Subquery

from meldpunt.models import Melding, Triage

from . import selectors
from .models import Casus, DoorlooptijdenStand


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
    """percentile_cont(0.5): the median, averaging the two middle values like statistics.median (a float:
    an integer output field would truncate 370.5 to 370)."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    contains_aggregate = True
    output_field = FloatField()


def median_days(qs, end, start):
    """Median of whole days between two date fields over the rows of `qs` that have both (in SQL on
    PostgreSQL; SQLite has no percentile_cont, there the day values are read)."""
    qs = qs.filter(**{f"{end}__isnull": False, f"{start}__isnull": False})
    if connection.vendor == "postgresql":
        return qs.aggregate(m=Median(DaysBetween(F(end), F(start))))["m"]
    days = list(qs.annotate(d=DaysBetween(F(end), F(start))).values_list("d", flat=True))
    return statistics.median(days) if days else None


@dataclass
class Doorlooptijd:
    label: str
    mediaan: float | None
    aantal: int


def een_jaar_eerder(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


# (label, end, start) of each step: Casus fields and the two dates annotated by _met_datums().
STAPPEN = [
    ("Melding ontvangen → triage", "triage_datum", "ontvangen_op"),
    ("Triage → toewijzing in het MDO", "toegewezen_op", "triage_datum"),
    ("Toewijzing → eerste plan vastgesteld", "plan_vastgesteld_op", "toegewezen_op"),
]


def _met_datums(casussen, *namen):
    """The melding's dates as annotations, by unique-key subqueries per casus (only those asked for): a join
    makes PostgreSQL hash the whole triage table (bench/README.md)."""
    datums = {
        "ontvangen_op": lambda: Melding.objects.filter(pk=OuterRef("melding_id")).order_by().values("ontvangen_op"),
        "triage_datum": lambda: Triage.objects.filter(melding_id=OuterRef("melding_id")).order_by().values("datum"),
    }
    return casussen.annotate(**{naam: Subquery(datums[naam]()) for naam in namen if naam in datums})


def doorlooptijden(user, today: date):
    """Median days per step for casussen assigned in the last 12 months; a step not taken yet is left out.
    Medians and counts are computed in the database (median_days)."""
    return _doorlooptijden(selectors.casussen_for(user), today)


def _doorlooptijden(casussen, today):
    vanaf = een_jaar_eerder(today)
    casussen = casussen.filter(toegewezen_op__gt=vanaf, toegewezen_op__lte=today).order_by()
    tellingen = {"casussen": Count("pk")}
    for i, (_, end, start) in enumerate(STAPPEN):
        tellingen[f"stap{i}"] = Count("pk", filter=Q(**{f"{end}__isnull": False, f"{start}__isnull": False}))
    aantallen = _met_datums(casussen, "ontvangen_op", "triage_datum").aggregate(**tellingen)
    stappen = []
    for i, (label, end, start) in enumerate(STAPPEN):
        aantal = aantallen[f"stap{i}"]
        mediaan = median_days(_met_datums(casussen, end, start), end, start) if aantal else None
        stappen.append(Doorlooptijd(label, mediaan, aantal))
    return {"vanaf": vanaf, "casussen": aantallen["casussen"], "stappen": stappen, "berekend_op": None}


def doorlooptijden_opslaan(today: date) -> DoorlooptijdenStand:
    """Compute the lead times over every casus and keep them for the dashboard (run with the signals; the
    dashboard is for those who see every casus)."""
    stand = _doorlooptijden(Casus.objects.all(), today)
    DoorlooptijdenStand.objects.all().delete()
    return DoorlooptijdenStand.objects.create(
        vanaf=stand["vanaf"], casussen=stand["casussen"], stappen=[[s.mediaan, s.aantal] for s in stand["stappen"]]
    )


def laatste_stand() -> DoorlooptijdenStand | None:
    return DoorlooptijdenStand.objects.order_by("-berekend_op").first()


_LEZEN = object()


def opgeslagen_doorlooptijden(user, today: date, stand=_LEZEN):
    """The lead times of the last run of the signals (`stand`, read when not given); computed now when there is
    none yet."""
    if stand is _LEZEN:
        stand = laatste_stand()
    if stand is None or len(stand.stappen) != len(STAPPEN):
        return doorlooptijden(user, today)
    stappen = [Doorlooptijd(label, m, n) for (label, _, _), (m, n) in zip(STAPPEN, stand.stappen, strict=True)]
    return {"vanaf": stand.vanaf, "casussen": stand.casussen, "stappen": stappen, "berekend_op": stand.berekend_op}
