"""Stagnation signals (stagnatiesignalen) for the procesmanager: "vinger aan de pols".

Not Django signals: this computes the `Signaal` rows that the dashboard shows. A periodic Celery task
(casusregie.tasks.signalen_berekenen) recomputes them as a whole; they are derived data without history, so
the run deletes the rows that ended or changed and writes the new and changed ones, in one transaction. Every
kind is one aggregate query over all open casussen, never a query per casus. Pages only read the result
(`laatst_berekend`). The exact definitions are in docs/procesmanager.md.
"""

from collections import defaultdict, namedtuple
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.utils import timezone

from bzt import instellingen

from .doorlooptijden import doorlooptijden_opslaan
from .models import Casus, DoorlooptijdenStand, Escalatie, Plan, PlanActie, Signaal, Wachtlijst

# An escalation waiting longer than this at the same level of the ladder is a signal.
ESCALATIE_LANG_OPEN_DAGEN = 14
S = Signaal.Soort
BATCH = 2000  # rows per DELETE or INSERT statement
# One computed signal; a Signaal instance is made only for the rows a run writes (57k model instances took
# half of the run's time at 1M).
Rij = namedtuple("Rij", ["casus_id", "soort", "sinds", "toelichting"])


def _open_casussen():
    return Casus.objects.exclude(status=Casus.Status.AFGESLOTEN)


def _d(day: date) -> str:
    return f"{day:%d-%m-%Y}"


def _geen_plan(today):
    """No plan vastgesteld more than BZT_SIGNAAL_GEEN_PLAN_WEKEN weeks after assignment."""
    weken = instellingen.waarde("BZT_SIGNAAL_GEEN_PLAN_WEKEN")
    grens = today - timedelta(weeks=weken)
    rows = _open_casussen().filter(plan_vastgesteld_op__isnull=True, toegewezen_op__lt=grens)
    for casus_id, toegewezen_op in rows.values_list("pk", "toegewezen_op"):
        yield Rij(
            casus_id=casus_id,
            soort=S.GEEN_PLAN,
            sinds=toegewezen_op + timedelta(weeks=weken),
            toelichting=f"Toegewezen op {_d(toegewezen_op)}; na {weken} weken is nog geen plan van aanpak vastgesteld.",
        )


def _acties_verlopen(today):
    """Actions (open or loopt) past their deadline in the current plan: the plan in force, or the draft
    (concept or ingediend) while no plan has been vastgesteld yet."""
    vastgesteld = Plan.objects.filter(casus=OuterRef("plan__casus"), status=Plan.Status.VASTGESTELD)
    huidig = Q(plan__status=Plan.Status.VASTGESTELD) | (
        Q(plan__status__in=[Plan.Status.CONCEPT, Plan.Status.INGEDIEND]) & ~Exists(vastgesteld)
    )
    rows = (
        PlanActie.objects.filter(
            huidig,
            status__in=[PlanActie.Status.OPEN, PlanActie.Status.LOOPT],
            deadline__lt=today,
            plan__casus__in=_open_casussen(),
        )
        .order_by()
        .values("plan__casus_id")
        .annotate(aantal=Count("pk"), oudste=Min("deadline"))
    )
    for row in rows:
        aantal = row["aantal"]
        wat = "1 actie" if aantal == 1 else f"{aantal} acties"
        yield Rij(
            casus_id=row["plan__casus_id"],
            soort=S.ACTIES_VERLOPEN,
            sinds=row["oudste"],
            toelichting=f"{wat} van het plan over de uiterste datum (oudste: {_d(row['oudste'])}).",
        )


def _geen_journaal(today):
    """No journaalregel for BZT_SIGNAAL_GEEN_JOURNAAL_WEKEN weeks, counted from the last one, or from the
    assignment when there is none."""
    weken = instellingen.waarde("BZT_SIGNAAL_GEEN_JOURNAAL_WEKEN")
    grens = today - timedelta(weeks=weken)
    # A journaalregel written on a (local) day before `grens` is too old: compare with that day's start.
    grens_moment = timezone.make_aware(datetime.combine(grens, time.min))
    rows = (
        _open_casussen()
        .annotate(laatste=Max("journaal__op"))
        .filter(Q(laatste__isnull=True, toegewezen_op__lt=grens) | Q(laatste__lt=grens_moment))
    )
    for casus_id, toegewezen_op, laatste in rows.values_list("pk", "toegewezen_op", "laatste"):
        if laatste is None:
            vanaf, tekst = toegewezen_op, f"Geen journaalregel sinds de toewijzing op {_d(toegewezen_op)}."
        else:
            vanaf = timezone.localdate(laatste)
            tekst = f"Laatste journaalregel op {_d(vanaf)}."
        yield Rij(casus_id=casus_id, soort=S.GEEN_JOURNAAL, sinds=vanaf + timedelta(weeks=weken), toelichting=tekst)


def _wachtlijst(today):
    """Waiting lists at a partner that are not resolved (opgelost_op empty); one signal per casus."""
    rows = (
        Wachtlijst.objects.filter(opgelost_op__isnull=True, sinds__lte=today, casus__in=_open_casussen())
        .order_by("casus_id", "sinds", "pk")
        .values_list("casus_id", "sinds", "organisatie__naam", "voorziening")
    )
    per_casus = defaultdict(list)
    for casus_id, sinds, organisatie, voorziening in rows:
        per_casus[casus_id].append((sinds, organisatie, voorziening))
    for casus_id, lijsten in per_casus.items():
        wat = "; ".join(f"{org} ({voorziening}) sinds {_d(sinds)}" for sinds, org, voorziening in lijsten)
        prefix = "Wachtlijst bij " if len(lijsten) == 1 else f"{len(lijsten)} wachtlijsten: "
        yield Rij(
            casus_id=casus_id,
            soort=S.WACHTLIJST,
            sinds=lijsten[0][0],
            toelichting=_kort(prefix + wat + "."),
        )


def _escalatie_lang_open(today):
    """An escalation (open or beantwoord) at the same level for more than ESCALATIE_LANG_OPEN_DAGEN days."""
    grens = today - timedelta(days=ESCALATIE_LANG_OPEN_DAGEN)
    rows = (
        Escalatie.objects.filter(
            status__in=[Escalatie.Status.OPEN, Escalatie.Status.BEANTWOORD],
            niveau_sinds__lt=grens,
            casus__in=_open_casussen(),
        )
        .order_by("casus_id", "niveau_sinds", "pk")
        .values_list("casus_id", "niveau_sinds", "niveau__naam", "status")
    )
    gezien = set()
    for casus_id, niveau_sinds, niveau, status in rows:
        if casus_id in gezien:  # at most one open escalation per casus; keep the oldest if ever more
            continue
        gezien.add(casus_id)
        dagen = (today - niveau_sinds).days
        stand = "beantwoord, niet gesloten" if status == Escalatie.Status.BEANTWOORD else "open"
        yield Rij(
            casus_id=casus_id,
            soort=S.ESCALATIE_LANG_OPEN,
            sinds=niveau_sinds + timedelta(days=ESCALATIE_LANG_OPEN_DAGEN),
            toelichting=f"Escalatie {stand} bij {niveau} sinds {_d(niveau_sinds)} ({dagen} dagen).",
        )


def _kort(text, limit=300):
    return text if len(text) <= limit else text[: limit - 1] + "…"


COMPUTE = {
    S.GEEN_PLAN: _geen_plan,
    S.ACTIES_VERLOPEN: _acties_verlopen,
    S.GEEN_JOURNAAL: _geen_journaal,
    S.WACHTLIJST: _wachtlijst,
    S.ESCALATIE_LANG_OPEN: _escalatie_lang_open,
}


@transaction.atomic
def signalen_berekenen(today: date | None = None) -> dict:
    """Make the stored stagnation signals those of `today`. Idempotent. Returns {soort: count}."""
    today = today or timezone.localdate()
    nieuw = {}
    for compute in COMPUTE.values():
        for rij in compute(today):
            nieuw[rij.casus_id, rij.soort] = rij
    # Two runs at once (beat and the dashboard button) would both insert the same (casus, soort): on
    # PostgreSQL the second waits here for the first; readers are not blocked. SQLite serialises writes.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Signaal._meta.db_table} IN EXCLUSIVE MODE")  # noqa: S608 - no input
    _bijwerken(nieuw, timezone.now())
    from .dashboardcijfers import opslaan  # imports this module's ESCALATIE_LANG_OPEN_DAGEN

    opslaan(doorlooptijden_opslaan(today), today)
    counts = dict.fromkeys(S.values, 0)
    for _, soort in nieuw:
        counts[soort] += 1
    return counts


def _bijwerken(nieuw: dict, berekend_op):
    """Derived data without history of its own, in one transaction: delete the signals that no longer hold or
    changed, insert the new and changed ones; an unchanged signal keeps its row (and the berekend_op of the run
    that wrote it). Between two runs few signals change, so a run at 1M writes hundreds of rows, not 57,000
    (issue 20: the full rewrite took 2.5 s plus 0.6 s of foreign-key checks at commit)."""
    schrijven = dict(nieuw)
    weg = []
    bestaand = Signaal.objects.order_by().values_list("pk", "casus_id", "soort", "sinds", "toelichting")
    for pk, casus_id, soort, sinds, toelichting in bestaand.iterator(chunk_size=BATCH):
        rij = schrijven.get((casus_id, soort))
        if rij is not None and (rij.sinds, rij.toelichting) == (sinds, toelichting):
            del schrijven[casus_id, soort]
        else:
            weg.append(pk)
    for i in range(0, len(weg), BATCH):
        Signaal.objects.filter(pk__in=weg[i : i + BATCH]).delete()
    signalen = (Signaal(**rij._asdict(), berekend_op=berekend_op) for rij in schrijven.values())
    Signaal.objects.bulk_create(signalen, batch_size=BATCH)


def laatst_berekend():
    """When the signals were last computed, or None before the first run. Only reads: the periodic task
    computes them (every two hours), or the dashboard's button; a page never does (issue 20: at 1M the run
    took 8 s inside the first page view of the day)."""
    return DoorlooptijdenStand.objects.order_by("-berekend_op").values_list("berekend_op", flat=True).first()
