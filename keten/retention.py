"""Bewaartermijnen (AVG): anonymise what is past its retention term, keep what the jaarmonitor counts.

Two terms (settings, docs/security.md § Bewaartermijnen):

- a closed casus, with its melding, `BZT_BEWAARTERMIJN_CASUS_JAREN` years after `Casus.afgesloten_op`;
- a melding that did not lead to a casus ("afgewezen": triage besluit geen_actie, advies or regulier, or
  referred to regular care by the MDO) `BZT_BEWAARTERMIJN_MELDING_MAANDEN` months after that decision.

The data is kept up to and including the last day of the term and anonymised from the day after.
Anonymising keeps every row the monitor counts (meldingen, betrokkenen, triages, casussen, escalations,
waiting lists) with its dates and codes, and removes the free text, the melder and — for a person without
any melding still inside its term — name, BSN, address and identifiers. The birth date is replaced by one
that gives the same age in whole years on every melding date of the person (`vervangende_geboortedatum`).

The live rows are saved acting as `door` (so the history shows an "anonymised" record naming the run);
the older history rows of the same objects get the same anonymised values through QuerySet.update().

Scale (issue 20): the selection is a few `values_list` queries (ids and dates, no model objects), so a dry
run costs seconds at 100k. A real run works in batches of BZT_BEWAARTERMIJN_BATCH objects, each batch one
transaction: the history of the batch scrubbed with UPDATE … WHERE id IN (batch), the live rows written with
one bulk UPDATE per table plus one bulk INSERT of their history rows, and the run's progress saved in the same
transaction. A run that is killed leaves its finished batches done and its progress recorded; the next call
(the nightly task, or the command) resumes it at the first unfinished batch, so every batch is done exactly
once. Before a run starts, `plannen` records how many objects it will anonymise and how long that will take
at the rate measured in the last complete run (or STANDAARD_TEMPO, measured in bench/README.md).
"""

import calendar
import logging
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection, transaction
from django.db.models import Case, CharField, DateField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from bzt import instellingen
from bzt.audit import acting_as, acting_reason, acting_user
from casusregie.models import (
    Casus,
    CasusBetrokkene,
    CasusToegang,
    Escalatie,
    EscalatieStap,
    ExpertVraag,
    JournaalRegel,
    Nazorg,
    Noodtoegang,
    Plan,
    PlanActie,
    PlanDoel,
    Wachtlijst,
)
from mdo.models import AgendaPunt
from meldpunt.codes import Besluit, Leefgebied
from meldpunt.models import Betrokkene, BewaartermijnRun, Correctie, Melding, Persoon, PersoonKoppeling, Triage

MARKER = "[geanonimiseerd]"
ANONIEME_VOORNAAM = "Geanonimiseerd"
AFGEWEZEN_BESLUITEN = (Besluit.GEEN_ACTIE, Besluit.ADVIES, Besluit.REGULIER)
TRIAGE_TEKSTVELDEN = (*(f"{code}_toelichting" for code in Leefgebied.values), "motivatie")
MELDER_VELDEN = ("melder_naam", "melder_organisatie", "melder_telefoon", "melder_email")
# Free text of a plan version, including the household's own part (issue 14).
PLAN_TEKSTVELDEN = ("samenvatting", "afspraken", "teruggestuurd_reden", "eigen_mogelijkheden", "sociaal_netwerk")


# --- terms ------------------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months; the 31st (or 29 February) becomes the last day of a short month."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def termijnen() -> tuple[int, int]:
    """(casus years, melding months) from the settings; a term below 1 is refused, never read as 'now'."""
    jaren = instellingen.waarde("BZT_BEWAARTERMIJN_CASUS_JAREN")
    maanden = instellingen.waarde("BZT_BEWAARTERMIJN_MELDING_MAANDEN")
    if jaren < 1 or maanden < 1:
        raise ImproperlyConfigured(
            "BZT_BEWAARTERMIJN_CASUS_JAREN en BZT_BEWAARTERMIJN_MELDING_MAANDEN moeten 1 of meer zijn."
        )
    return jaren, maanden


def casus_termijn_einde(afgesloten_op: date, jaren: int) -> date:
    """The last day a closed casus is kept."""
    return add_months(afgesloten_op, 12 * jaren)


def afwijzing_datum(melding: Melding) -> date | None:
    """The day a melding was finished without a casus, or None when it led to (or may still lead to) one."""
    if melding.status == Melding.Status.VERWEZEN:
        # Referred by the MDO: the referral is the last transition, so status_sinds is its moment.
        return timezone.localdate(melding.status_sinds)
    triage = getattr(melding, "triage", None)
    if triage is not None and triage.besluit in AFGEWEZEN_BESLUITEN and not hasattr(melding, "casus"):
        return triage.datum
    return None


def _afwijzing_datum(status, status_sinds, besluit, triage_datum) -> date | None:
    """afwijzing_datum on the columns of a melding without a casus (the selection reads no model objects)."""
    if status == Melding.Status.VERWEZEN:
        return timezone.localdate(status_sinds)
    if besluit in AFGEWEZEN_BESLUITEN:
        return triage_datum
    return None


def melding_termijn_einde(melding: Melding, maanden: int) -> date | None:
    """The last day a melding without a casus is kept (None: it follows a casus, or is still open)."""
    start = afwijzing_datum(melding)
    return add_months(start, maanden) if start else None


# --- the birth date -------------------------------------------------------------------------------------------


def age_on(born: date, day: date) -> int:
    """Age in whole years on `day`, as the jaarmonitor computes it."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def vervangende_geboortedatum(geboortedatum: date | None, melding_data) -> date | None:
    """A birth date that gives the same age in whole years on every date of `melding_data` as the real one.

    On a melding date m a person has age A exactly when the birth date b lies in
    ((m.year - A - 1, m.month, m.day), (m.year - A, m.month, m.day)] (compared as year/month/day tuples, so
    29 February needs no special case). The dates allowed by all meldingen together form one interval that
    holds the real date; we take its latest valid day. The result depends only on the melding dates and the
    ages on them, never on where in the interval the real date lies.
    """
    if geboortedatum is None:
        return None
    data = sorted(set(melding_data))
    if not data:
        return date(geboortedatum.year, 1, 1)
    upper = min((m.year - age_on(geboortedatum, m), m.month, m.day) for m in data)
    year, month, day = upper
    result = date(year, month, min(day, calendar.monthrange(year, month)[1]))  # (y, 2, 29) in a common year
    lower = max((m.year - age_on(geboortedatum, m) - 1, m.month, m.day) for m in data)
    if (result.year, result.month, result.day) <= lower:  # cannot happen: the real date lies in the interval
        raise ValueError("geen geboortedatum met dezelfde leeftijden")
    return result


# --- what has expired -----------------------------------------------------------------------------------------


@dataclass
class Selectie:
    """What one run anonymises: ids only (the selection loads no model objects)."""

    casus_ids: list = field(default_factory=list)
    melding_ids: list = field(default_factory=list)  # the rejected meldingen and those of the casussen
    persoon_ids: list = field(default_factory=list)  # persons without a melding inside its term

    @property
    def objecten(self) -> int:
        return len(self.casus_ids) + len(self.melding_ids) + len(self.persoon_ids)


def verlopen(vandaag: date) -> Selectie:
    """Everything past its term on `vandaag` that is not anonymised yet.

    The SQL filters are a superset (month ends); the exact test runs in Python on (id, date) tuples, so the
    rule stays the one of `casus_termijn_einde`/`melding_termijn_einde`.
    """
    jaren, maanden = termijnen()
    ruim = timedelta(days=7)
    casus_grens = add_months(vandaag, -12 * jaren) + ruim
    casus_rows = Casus.objects.filter(
        afgesloten_op__isnull=False, afgesloten_op__lt=casus_grens, melding__geanonimiseerd_op__isnull=True
    ).values_list("pk", "afgesloten_op", "melding_id", "melding__ontvangen_op")
    casussen = {}
    meldingen = {}  # id -> ontvangen_op (the order of the run)
    for pk, afgesloten_op, melding_id, ontvangen_op in casus_rows:
        if casus_termijn_einde(afgesloten_op, jaren) < vandaag:
            casussen[pk] = afgesloten_op
            meldingen[melding_id] = ontvangen_op
    # A melding added to a casus (CasusMelding) is part of that casus: it goes with it.
    for pk, ontvangen_op, casus_id in Melding.objects.filter(
        geanonimiseerd_op__isnull=True, bij_casus__casus__afgesloten_op__lt=casus_grens
    ).values_list("pk", "ontvangen_op", "bij_casus__casus_id"):
        if casus_id in casussen:
            meldingen[pk] = ontvangen_op
    grens = add_months(vandaag, -maanden) + ruim
    for pk, ontvangen_op, status, status_sinds, besluit, triage_datum in (
        Melding.objects.filter(geanonimiseerd_op__isnull=True, casus__isnull=True)
        .filter(
            Q(status=Melding.Status.VERWEZEN, status_sinds__date__lt=grens)
            | Q(triage__besluit__in=AFGEWEZEN_BESLUITEN, triage__datum__lt=grens)
        )
        .values_list("pk", "ontvangen_op", "status", "status_sinds", "triage__besluit", "triage__datum")
    ):
        start = _afwijzing_datum(status, status_sinds, besluit, triage_datum)
        if start is not None and add_months(start, maanden) < vandaag:
            meldingen[pk] = ontvangen_op
    # A person is anonymised once no melding about them is inside its term any more: read the (person,
    # melding) pairs of the persons not anonymised yet once, as tuples.
    geblokkeerd, kandidaat = set(), set()
    for persoon_id, melding_id, melding_anoniem in Betrokkene.objects.filter(
        persoon__geanonimiseerd_op__isnull=True
    ).values_list("persoon_id", "melding_id", "melding__geanonimiseerd_op"):
        if melding_anoniem is None and melding_id not in meldingen:
            geblokkeerd.add(persoon_id)
        else:
            kandidaat.add(persoon_id)
    return Selectie(
        casus_ids=sorted(casussen, key=lambda pk: (casussen[pk], pk)),
        melding_ids=sorted(meldingen, key=lambda pk: (meldingen[pk], pk)),
        persoon_ids=sorted(kandidaat - geblokkeerd),
    )


# --- the run --------------------------------------------------------------------------------------------------

# Objects (casussen, meldingen, personen) per second of a real run when no run has been measured yet: the
# rate of bench/README.md (§ Retention) on the 2-core machine, rounded down.
STANDAARD_TEMPO = 1000.0
STAPPEN = ("casussen", "meldingen", "personen")  # the order of a run: a person goes after their meldingen
logger = logging.getLogger(__name__)


def _batch_grootte() -> int:
    return max(1, settings.BZT_BEWAARTERMIJN_BATCH)


def _stappen(details) -> list[tuple[str, list]]:
    """The batches of a run, from the ids it recorded: the same list every time the run is resumed."""
    grootte = details["batch"]
    return [
        (soort, details[soort][i : i + grootte]) for soort in STAPPEN for i in range(0, len(details[soort]), grootte)
    ]


def gemeten_tempo() -> tuple[float, str]:
    """(objects per second, where that figure comes from): the last complete run that was timed."""
    for run in BewaartermijnRun.objects.filter(dry_run=False, afgerond_op__isnull=False).order_by("-gestart_op")[:20]:
        tempo = run.details.get("tempo")
        if tempo:
            return float(tempo), f"run {run.pk}"
    return STANDAARD_TEMPO, "bench"


def plannen(*, door, vandaag: date | None = None, dry_run: bool = False) -> BewaartermijnRun:
    """Select what is past its term and record the run (ids, counts and the expected duration) before any
    change: the command shows this estimate, the task logs it. A dry run ends here."""
    vandaag = vandaag or timezone.localdate()
    if vandaag > timezone.localdate() and not dry_run:
        raise ValidationError("Een peildatum in de toekomst kan alleen in een proefdraai.")
    jaren, maanden = termijnen()
    selectie = verlopen(vandaag)
    tempo, bron = gemeten_tempo()
    run = BewaartermijnRun.objects.create(
        door=door,
        peildatum=vandaag,
        dry_run=dry_run,
        aantal_meldingen=len(selectie.melding_ids),
        aantal_casussen=len(selectie.casus_ids),
        aantal_personen=len(selectie.persoon_ids),
        details={
            "termijnen": {"casus_jaren": jaren, "melding_maanden": maanden},
            "casussen": selectie.casus_ids,
            "meldingen": selectie.melding_ids,
            "personen": selectie.persoon_ids,
            "batch": _batch_grootte(),
            "schatting": {
                "objecten": selectie.objecten,
                "seconden": round(selectie.objecten / tempo, 1),
                "tempo": round(tempo, 1),
                "bron": bron,
            },
        },
    )
    if dry_run:
        run.afgerond_op = timezone.now()
        run.save(update_fields=["afgerond_op"])
    else:
        schatting = run.details["schatting"]
        logger.info(
            "Bewaartermijn run %s: %s objecten, geschatte duur %s s (%s objecten/s, %s)",
            run.pk, schatting["objecten"], schatting["seconden"], schatting["tempo"], bron,
        )  # fmt: skip
    return run


def onafgemaakte_runs():
    return BewaartermijnRun.objects.filter(dry_run=False, afgerond_op__isnull=True).order_by("gestart_op", "pk")


def uitvoeren(run: BewaartermijnRun, *, na_batch=None) -> BewaartermijnRun:
    """Do the batches of `run` that are not done yet, each in its own transaction with its progress.

    `na_batch(k)` is called after batch k committed (tests kill the run there). Safe to call twice at once:
    each batch locks the run row and skips a batch another process finished meanwhile.
    """
    stappen = _stappen(run.details)
    begin, begon_bij = time.monotonic(), run.batches_gedaan
    now = timezone.now()
    for k, (soort, ids) in enumerate(stappen):
        with transaction.atomic():
            gedaan = BewaartermijnRun.objects.select_for_update().values_list("batches_gedaan", flat=True)
            if gedaan.get(pk=run.pk) > k:
                continue
            with acting_as(run.door, reason=f"bewaartermijn run {run.pk}"):
                BATCHES[soort](ids, now)
            BewaartermijnRun.objects.filter(pk=run.pk).update(batches_gedaan=k + 1)
        if na_batch is not None:
            na_batch(k)
    duur = time.monotonic() - begin
    run.refresh_from_db()
    if run.afgerond_op is None:
        objecten = run.aantal_casussen + run.aantal_meldingen + run.aantal_personen
        run.details["duur_s"] = round(duur, 2)
        if begon_bij == 0 and objecten >= 100 and duur > 0:  # a rate only from a whole run of some size
            run.details["tempo"] = round(objecten / duur, 1)
        run.afgerond_op = timezone.now()
        run.save(update_fields=["details", "afgerond_op"])
    return run


def bewaartermijn_toepassen(*, door, vandaag: date | None = None, dry_run: bool = False, na_batch=None):
    """Anonymise everything past its term on `vandaag` (default today) and log the run.

    Idempotent: what is anonymised already is skipped. A run that was interrupted is finished first. A dry
    run changes nothing but records what would go (a BewaartermijnRun with dry_run=True). `vandaag` after
    today is only allowed for a dry run: a real run never anonymises before the term has passed.
    """
    vandaag = vandaag or timezone.localdate()
    if vandaag > timezone.localdate() and not dry_run:
        raise ValidationError("Een peildatum in de toekomst kan alleen in een proefdraai.")
    if not dry_run:
        for onaf in onafgemaakte_runs():
            logger.info("Bewaartermijn run %s wordt hervat na batch %s", onaf.pk, onaf.batches_gedaan)
            hervat = uitvoeren(onaf, na_batch=na_batch)
            if hervat.peildatum == vandaag:
                return hervat
    run = plannen(door=door, vandaag=vandaag, dry_run=dry_run)
    return run if dry_run else uitvoeren(run, na_batch=na_batch)


# --- one batch ------------------------------------------------------------------------------------------------


def _bijwerken(qs, *, tekstvelden=(), per_rij=None, **vast):
    """Anonymise the live rows of `qs` like `_scrub` does their history: `tekstvelden` → marker (empty stays
    empty), `vast` fields → that value, `per_rij` = SQL expressions for values that differ per row (only used
    next to a `vast` value that always changes, like geanonimiseerd_op). Set-based: the rows that change are
    found in SQL, written with one UPDATE and get their history row (acting user and reason of the run) with one
    INSERT … SELECT from the updated rows; no model object is loaded."""
    ids = list(qs.filter(_verandert(tekstvelden, (), {**vast, **(per_rij or {})})).values_list("pk", flat=True))
    if not ids:
        return
    updates = {name: Case(When(**{name: ""}, then=Value("")), default=Value(MARKER)) for name in tekstvelden}
    updates.update({name: Value(value) for name, value in vast.items()})
    updates.update(per_rij or {})
    qs.model._default_manager.filter(pk__in=ids).update(**updates)
    _historie_toevoegen(qs.model, ids)


def _historie_toevoegen(model, ids):
    """One history row ("~", now, the acting user and reason) per row in `ids`, copied from the live row."""
    history = model.history.model
    live = {f.column for f in model._meta.concrete_fields}
    kolommen = [f.column for f in history._meta.concrete_fields if f.column in live]
    qn = connection.ops.quote_name
    lijst = ", ".join(qn(c) for c in kolommen)
    user = acting_user()
    sql = (
        f"INSERT INTO {qn(history._meta.db_table)} ({lijst}, history_date, history_change_reason, history_type, "  # noqa: S608 (names from the models)
        f"history_user_id) SELECT {lijst}, %s, %s, '~', %s FROM {qn(model._meta.db_table)} "
        f"WHERE {qn(model._meta.pk.column)} IN ({', '.join(['%s'] * len(ids))})"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, acting_reason(), user.pk if user else None, *ids])


def _casussen_batch(casus_ids, now):
    plan_ids = list(_history(Plan).filter(casus_id__in=casus_ids).values_list("id", flat=True).distinct())
    escalatie_ids = list(_history(Escalatie).filter(casus_id__in=casus_ids).values_list("id", flat=True).distinct())
    # History first: then the rows the writes below add keep their reason ("bewaartermijn run N").
    _scrub(_history(ExpertVraag).filter(casus_id__in=casus_ids), tekst=("vraag", "antwoord"))
    _scrub(_history(Casus).filter(id__in=casus_ids), tekst=("afsluit_toelichting", "afsluit_motivering"))
    _scrub(_history(Nazorg).filter(casus_id__in=casus_ids), tekst=("notitie",))
    _scrub(_history(JournaalRegel).filter(casus_id__in=casus_ids), tekst=("tekst",))
    _scrub(_history(Plan).filter(id__in=plan_ids), tekst=PLAN_TEKSTVELDEN)
    _scrub(_history(PlanDoel).filter(plan_id__in=plan_ids), tekst=("omschrijving",))
    _scrub(_history(PlanActie).filter(plan_id__in=plan_ids), tekst=("omschrijving", "uitvoerder_naam"))
    _scrub(_history(Escalatie).filter(id__in=escalatie_ids), tekst=ESCALATIE_TEKSTVELDEN)
    _scrub(_history(EscalatieStap).filter(escalatie_id__in=escalatie_ids), tekst=("toelichting",))
    _scrub(_history(CasusBetrokkene).filter(casus_id__in=casus_ids), tekst=("rol",))
    _scrub(_history(Wachtlijst).filter(casus_id__in=casus_ids), tekst=("voorziening",))
    _scrub(_history(Noodtoegang).filter(casus_id__in=casus_ids), tekst=("reden", "oordeel"))
    _scrub(_history(AgendaPunt).filter(Q(casus_id__in=casus_ids) | Q(plan_id__in=plan_ids)), tekst=("notulen", "vraag"))

    _bijwerken(Casus.objects.filter(pk__in=casus_ids), tekstvelden=("afsluit_toelichting", "afsluit_motivering"))
    _bijwerken(Nazorg.objects.filter(casus_id__in=casus_ids), tekstvelden=("notitie",))
    _bijwerken(JournaalRegel.objects.filter(casus_id__in=casus_ids), tekst=MARKER)
    _bijwerken(
        Plan.objects.filter(casus_id__in=casus_ids),
        tekstvelden=PLAN_TEKSTVELDEN,
    )
    _bijwerken(PlanDoel.objects.filter(plan__casus_id__in=casus_ids), omschrijving=MARKER)
    _bijwerken(
        PlanActie.objects.filter(plan__casus_id__in=casus_ids),
        tekstvelden=("uitvoerder_naam",),
        omschrijving=MARKER,
    )
    _bijwerken(
        Escalatie.objects.filter(casus_id__in=casus_ids),
        tekstvelden=ESCALATIE_TEKSTVELDEN,
    )
    _bijwerken(
        EscalatieStap.objects.filter(escalatie__casus_id__in=casus_ids),
        tekstvelden=("toelichting",),
    )
    _bijwerken(CasusBetrokkene.objects.filter(casus_id__in=casus_ids), rol=MARKER)
    _bijwerken(Wachtlijst.objects.filter(casus_id__in=casus_ids), voorziening=MARKER)
    _bijwerken(
        AgendaPunt.objects.filter(Q(casus_id__in=casus_ids) | Q(plan__casus_id__in=casus_ids)),
        tekstvelden=("notulen", "vraag"),
    )
    _bijwerken(
        ExpertVraag.objects.filter(casus_id__in=casus_ids),
        tekstvelden=("vraag", "antwoord"),
    )
    _bijwerken(Noodtoegang.objects.filter(casus_id__in=casus_ids), tekstvelden=("oordeel",), reden=MARKER)
    # The access log keeps who had which access when; its free-text reason (e.g. of a transfer) goes.
    CasusToegang.objects.filter(casus_id__in=casus_ids).update(reden=MARKER)


def _meldingen_batch(melding_ids, now):
    _scrub(
        _history(Melding).filter(id__in=melding_ids),
        tekst=("eerdere_hulp_door",),
        leeg=MELDER_VELDEN,
        aanleiding=MARKER,
    )
    _scrub(_history(Triage).filter(melding_id__in=melding_ids), tekst=TRIAGE_TEKSTVELDEN)
    _scrub(_history(Betrokkene).filter(melding_id__in=melding_ids))
    _scrub(_history(Correctie).filter(melding_id__in=melding_ids), tekst=("reden",))
    _scrub(_history(AgendaPunt).filter(melding_id__in=melding_ids), tekst=("notulen", "vraag"))

    _bijwerken(
        Melding.objects.filter(pk__in=melding_ids),
        tekstvelden=("eerdere_hulp_door",),  # who helped before: free text
        aanleiding=MARKER,
        geanonimiseerd_op=now,
        **dict.fromkeys(MELDER_VELDEN, ""),
    )
    _bijwerken(
        Triage.objects.filter(melding_id__in=melding_ids),
        tekstvelden=TRIAGE_TEKSTVELDEN,
    )
    _bijwerken(AgendaPunt.objects.filter(melding_id__in=melding_ids), tekstvelden=("notulen",))
    # The reason of a correction is free text.
    _bijwerken(Correctie.objects.filter(melding_id__in=melding_ids), reden=MARKER)


def _persoon_velden(persoon_id, geboortedatum) -> dict:
    return {
        "voornaam": ANONIEME_VOORNAAM,
        "tussenvoegsel": "",
        "achternaam": f"#{persoon_id}",
        "bsn": "",
        "adres": "",
        "postcode": "",
        "woonplaats": "",
        "extern_id": None,
        "geboortedatum": geboortedatum,
    }


# A date parameter in raw SQL: PostgreSQL types a bare parameter in a CASE as text (SQLite keeps it as is).
_DATUM = "%s::date" if connection.vendor == "postgresql" else "%s"


def _personen_batch(persoon_ids, now):
    # geslacht, inkomen and wijk stay: coarse codes the jaarmonitor counts (a wijk is a neighbourhood).
    data = {}
    for persoon_id, ontvangen_op in Betrokkene.objects.filter(persoon_id__in=persoon_ids).values_list(
        "persoon_id", "melding__ontvangen_op"
    ):
        data.setdefault(persoon_id, []).append(ontvangen_op)
    geboren = dict(Persoon.objects.filter(pk__in=persoon_ids).values_list("pk", "geboortedatum"))
    nieuw = {pk: vervangende_geboortedatum(geboren[pk], data.get(pk, ())) for pk in geboren}

    # History: one UPDATE for the batch; the per-person values (name, birth date) as CASE on the id.
    per_persoon = {
        "achternaam": Concat(Value("#"), Cast("id", CharField())),
        # CASE id WHEN … as raw SQL: Django's When(id=…) costs ~0.1 ms of Python per person to build.
        "geboortedatum": RawSQL(  # noqa: S611 (ids and dates are parameters)
            f"CASE id {' '.join([f'WHEN %s THEN {_DATUM}'] * len(nieuw))} END" if nieuw else "NULL",
            [value for pk, d in nieuw.items() for value in (pk, connection.ops.adapt_datefield_value(d))],
            output_field=DateField(),
        ),
    }
    vast = {name: Value(value) for name, value in _persoon_velden(0, None).items() if name not in per_persoon}
    if nieuw:
        _scrub(_history(Persoon).filter(id__in=list(nieuw)), **vast, **per_persoon)
    _scrub(
        _history(PersoonKoppeling).filter(Q(persoon_id__in=persoon_ids) | Q(gekoppeld_aan_id__in=persoon_ids)),
        tekst=("reden", "ontkoppel_reden"),
    )

    _bijwerken(
        Persoon.objects.filter(pk__in=persoon_ids),
        per_rij=per_persoon,
        geanonimiseerd_op=now,
        **{name: value for name, value in _persoon_velden(0, None).items() if name not in per_persoon},
    )
    _bijwerken(
        PersoonKoppeling.objects.filter(Q(persoon_id__in=persoon_ids) | Q(gekoppeld_aan_id__in=persoon_ids)),
        tekstvelden=("reden", "ontkoppel_reden"),
    )


BATCHES = {"casussen": _casussen_batch, "meldingen": _meldingen_batch, "personen": _personen_batch}
ESCALATIE_TEKSTVELDEN = ("vraag", "antwoord", "besluit", "legitimiteit", "betrokkenheid", "rendement")


# --- history ----------------------------------------------------------------------------------------------


def _history(model):
    return model.history.model.objects


def _scrub(qs, *, tekst=(), leeg=(), **vast):
    """Update historical rows: `tekst` fields → marker (empty stays empty), `leeg` fields → "", plus `vast`.

    The change reason goes too: services record free text there (a transfer reason, a link reason).
    Rows are found by their parent's id, so the history of rows deleted earlier (a removed goal, a plan
    version) is scrubbed as well. Who did what when (history_user, history_date, history_type, status and
    date fields) stays: the audit trail keeps its shape and loses its content.
    """
    updates = {name: Case(When(**{name: ""}, then=Value("")), default=Value(MARKER)) for name in tekst}
    updates.update({name: Value("") for name in leeg})
    updates.update(vast)
    updates["history_change_reason"] = Case(
        When(history_change_reason__isnull=True, then=Value(None)), default=Value(MARKER)
    )
    reden = Q(history_change_reason__isnull=False) & ~Q(history_change_reason=MARKER)
    # Only the rows that change are written (most history rows of a betrokkene have nothing to scrub).
    return qs.filter(_verandert(tekst, leeg, vast) | reden).update(**updates)


def _verandert(tekst=(), leeg=(), vast=None) -> Q:
    """The rows that the anonymisation changes: a `tekst` field not empty and not the marker yet, a `leeg`
    field not empty, a `vast` field not at its value (an expression: every row)."""
    verandert = Q(pk__in=[])
    for name in tekst:
        verandert |= ~Q(**{name: ""}) & ~Q(**{name: MARKER})
    for name in leeg:
        verandert |= ~Q(**{name: ""})
    for name, value in (vast or {}).items():
        if hasattr(value, "resolve_expression"):
            return Q(pk__isnull=False)  # every row (not Q(): an empty Q vanishes in an OR)
        verandert |= Q(**{f"{name}__isnull": False}) if value is None else ~Q(**{name: value})
    return verandert


# --- an AVG request for erasure (art. 17), granted by the privacy officer (avg.services) --------------------


def _casus_van(melding):
    bij = getattr(melding, "bij_casus", None)
    return getattr(melding, "casus", None) or (bij.casus if bij is not None else None)


def op_verzoek_anonimiseren(*, persoon_ids, door, reden: str) -> BewaartermijnRun:
    """Anonymise one person (all records `persoon_ids` of them) now, the same way the term does: their person
    records, and the meldingen and closed casussen about them alone. Refused (ValidationError) while a melding
    or casus about them is still open: care that is running is the wettelijke taak (refuse the request then)."""
    ids = set(persoon_ids)
    meldingen = list(Melding.objects.filter(betrokkenen__persoon_id__in=ids).distinct().select_related("triage"))
    lopend = [
        m
        for m in meldingen
        if m.status in Melding.OPEN_STATUSES or ((c := _casus_van(m)) is not None and c.afgesloten_op is None)
    ]
    if lopend:
        nummers = ", ".join(sorted({m.nummer for m in lopend}))
        raise ValidationError(
            f"Er loopt nog zorg voor deze persoon (melding {nummers}): verwijderen kan pas als die is afgesloten."
        )
    alleen = [
        m for m in meldingen if m.geanonimiseerd_op is None and not m.betrokkenen.exclude(persoon_id__in=ids).exists()
    ]
    casus_ids = sorted(c.pk for m in alleen if (c := getattr(m, "casus", None)) is not None)
    melding_ids = sorted(m.pk for m in alleen)
    personen = Persoon.objects.filter(pk__in=ids, geanonimiseerd_op__isnull=True)
    persoon_ids = sorted(personen.values_list("pk", flat=True))
    # the same batches as the term's run (uitvoeren): a run interrupted here is finished by the next one
    run = BewaartermijnRun.objects.create(
        door=door,
        peildatum=timezone.localdate(),
        aantal_meldingen=len(melding_ids),
        aantal_casussen=len(casus_ids),
        aantal_personen=len(persoon_ids),
        details={
            "avg_verzoek": reden,
            "casussen": casus_ids,
            "meldingen": melding_ids,
            "personen": persoon_ids,
            "batch": _batch_grootte(),
        },
    )
    return uitvoeren(run)
