"""The jaarmonitor figures (CONTRACT.md § Jaarmonitor), computed in the database.

`compute(jaar)` runs two statements: one over the meldingen of the year (meldingen, triage, doorlooptijden,
and the persons involved) and one over casussen, escalaties, wachtlijsten and the budget. Each is a UNION ALL
of GROUP BYs in one shape, (figuur, sleutel, n), over CTEs: the year's meldingen joined with their triage and
casus once; the persons counted per combination of the four person breakdowns (a few thousand rows) so that
each breakdown is a cheap GROUP BY of that. A person is a linked set of records (meldpunt.personen), counted
once with the values of its record on its first melding of the year. Only group counts reach Python; totals
that are the sum of a breakdown are added up here. The same SQL runs on PostgreSQL and SQLite, except the date
functions and the medians: percentile_cont on PostgreSQL, a histogram of the day values on SQLite (same value as
statistics.median). No names, BSNs, addresses or free text are ever read here: only codes, dates and counts.
"""

from collections import defaultdict
from contextlib import nullcontext
from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from bzt.models import Organisatie
from casusregie.models import (
    AfsluitReden,
    Casus,
    CasusMelding,
    CasusVerhuizing,
    Escalatie,
    EscalatieNiveau,
    Nazorg,
    Plan,
    PlanDoel,
    Wachtlijst,
)
from meldpunt.codes import Leefgebied
from meldpunt.doelgroep import doelgroep_sql
from meldpunt.models import Betrokkene, Melding, Persoon, Triage
from meldpunt.personen import persoon_id_sql

from .models import BudgetRegel

LEEFTIJDSBANDEN = [
    ("0-17", 0, 17),
    ("18-22", 18, 22),
    ("23-29", 23, 29),
    ("30-44", 30, 44),
    ("45-64", 45, 64),
    ("65+", 65, 200),
]

# The date pairs of the doorlooptijden (end, start), reached from Melding.
DOORLOOPTIJDEN = {
    "melding_tot_triage": ("triage__datum", "ontvangen_op"),
    "triage_tot_mdo": ("casus__toegewezen_op", "triage__datum"),
    "mdo_tot_plan": ("casus__plan_vastgesteld_op", "casus__toegewezen_op"),
    "melding_tot_afsluiting": ("casus__afgesloten_op", "ontvangen_op"),
}


def _number(value):
    if value is None:
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


# --- SQL building blocks -------------------------------------------------------------------------------

# Date expressions per database: whole days between two dates, the month as "01".."12", and the age in whole
# years on a day (born on or before it). PostgreSQL's age() counts the years that (month, day) of the day has
# reached, the same number as SQLite's (YYYYMMDD(day) - YYYYMMDD(born)) / 10000, at a quarter of the cost of
# to_char (PostgreSQL's to_char is slow: two per person were a tenth of compute()).
_DIALECT = {
    "postgresql": {
        "days": "({end} - {start})",
        "month": "to_char({d}, 'MM')",
        "years": "CAST(date_part('year', age({end}, {start})) AS integer)",
    },
    "sqlite": {
        "days": "CAST(julianday({end}) - julianday({start}) AS INTEGER)",
        "month": "strftime('%%m', {d})",
        "years": "(CAST(strftime('%%Y%%m%%d', {end}) AS INTEGER) - CAST(strftime('%%Y%%m%%d', {start}) AS INTEGER))"
        " / 10000",
    },
}
# The columns behind the paths of DOORLOOPTIJDEN, as named in the meldingen statement. A date after the
# cut-off (param peil, see compute) has not happened yet: triage and casus are joined only up to it.
_COLUMNS = {
    "ontvangen_op": "m.ontvangen_op",
    "triage__datum": "t.datum",
    "casus__toegewezen_op": "c.toegewezen_op",
    "casus__plan_vastgesteld_op": "CASE WHEN c.plan_vastgesteld_op <= %(peil)s THEN c.plan_vastgesteld_op END",
    "casus__afgesloten_op": "CASE WHEN c.afgesloten_op <= %(peil)s THEN c.afgesloten_op END",
}
# No cut-off: every date counts (the exact figures of CONTRACT.md).
GEEN_PEILDATUM = date(9999, 12, 31)


def _sql(name, **parts):
    return _DIALECT[connection.vendor][name].format(**parts)


def _tables():
    models = {
        "melding": Melding,
        "triage": Triage,
        "casus": Casus,
        "betrokkene": Betrokkene,
        "persoon": Persoon,
        "organisatie": Organisatie,
        "afsluitreden": AfsluitReden,
        "escalatie": Escalatie,
        "niveau": EscalatieNiveau,
        "wachtlijst": Wachtlijst,
        "budgetregel": BudgetRegel,
        "nazorg": Nazorg,
        "plandoel": PlanDoel,
        "casusmelding": CasusMelding,
        "verhuizing": CasusVerhuizing,
        "plan": Plan,
    }
    return {name: connection.ops.quote_name(model._meta.db_table) for name, model in models.items()}


# --- per gemeente (CONTRACT.md § Region; docs/jaarmonitor.md § Per gemeente) ------------------------------------
# A melding counts for its own gemeente (where the household lived when it came in); an escalation for the
# gemeente whose ladder it climbs (the casus's gemeente when escalated); a casus for the gemeente where it was on
# the day that is counted: its assignment (nieuw), its closing (afgesloten), the end of the period (open), the
# day of the nazorg, the waiting list or the goal's result. Where it was on a day: the last move on or before that
# day, else the gemeente before its first move, else its gemeente. Each melding, escalation and casus-on-a-day
# has one gemeente, so the gemeenten's counts add up to the installation's.


def _melding_in(gemeente, alias="m"):
    return f" AND {alias}.gemeente_id = %(gemeente)s" if gemeente is not None else ""


def casus_gemeente_op(casus_col, dag, *, eigen=None, verhuisd=None):
    """SQL: the gemeente id of the casus `casus_col` (an id column) on the date `dag` (a column or parameter).
    `eigen`: the casus's own gemeente column when the casus row is at hand (saves a lookup); `verhuisd`: a
    condition true only for a casus with a move (the lookups of its moves are then made for those only)."""
    t = _tables()
    eigen = eigen or f"(SELECT c2.gemeente_id FROM {t['casus']} c2 WHERE c2.id = {casus_col})"  # noqa: S608
    op_dag = f"""COALESCE(
        (SELECT v.naar_id FROM {t["verhuizing"]} v WHERE v.casus_id = {casus_col} AND v.datum <= {dag}
         ORDER BY v.datum DESC, v.id DESC LIMIT 1),
        (SELECT v.van_id FROM {t["verhuizing"]} v WHERE v.casus_id = {casus_col} ORDER BY v.datum, v.id LIMIT 1),
        {eigen})"""  # noqa: S608 - no input
    return op_dag if verhuisd is None else f"CASE WHEN {verhuisd} THEN {op_dag} ELSE {eigen} END"


def _casus_in(gemeente, casus_col, dag, **kwargs):
    return f" AND {casus_gemeente_op(casus_col, dag, **kwargs)} = %(gemeente)s" if gemeente is not None else ""


# Every branch of the two statements has the shape (gemeente, figuur, sleutel, n). For one gemeente or the whole
# installation the gemeente column is 0; for the region report (compute_per_gemeente) each branch comes twice, once
# for the installation (0) and once grouped by the gemeente that counts the row (`per`: its column), so one pass
# over the year's rows gives every gemeente's figures and the region's.


def _branch(figuur, sleutel, waarde, bron, groep="", per=None):
    """SELECT <gemeente>, 'figuur', sleutel, waarde FROM bron GROUP BY [<gemeente>,] groep."""
    keys = ", ".join(k for k in (per, groep) if k)
    group_by = f" GROUP BY {keys}" if keys else ""
    return f"SELECT {per or 0}, '{figuur}', {sleutel}, {waarde} FROM {bron}{group_by}"  # noqa: S608 - constants


def _both(per_gemeente, figuur, sleutel, waarde, bron, groep="", per="g"):
    """The installation's branch, and with `per_gemeente` the same grouped by the gemeente column `per`."""
    branches = [_branch(figuur, sleutel, waarde, bron, groep)]
    if per_gemeente:
        branches.append(_branch(figuur, sleutel, waarde, bron, groep, per))
    return branches


def _scalars(source, expressions, per=None):
    """One branch that turns one row of aggregates (per gemeente: one row per gemeente) into rows (gemeente,
    'totaal', name, value): the scalars of a statement in the same shape as its breakdowns, computed in a single
    pass over `source`."""
    columns = ", ".join([f"{per} AS g"] * bool(per) + [f"{sql} AS {name}" for name, sql in expressions.items()])
    pick = " ".join(f"WHEN '{name}' THEN s.{name}" for name in expressions)
    values = ", ".join(f"('{name}')" for name in expressions)
    unpivot = f"SELECT {'s.g' if per else 0}, 'totaal', k.column1, CASE k.column1 {pick} END"
    group_by = f" GROUP BY {per}" if per else ""
    return f"{unpivot} FROM (SELECT {columns} FROM {source}{group_by}) AS s, (VALUES {values}) AS k"  # noqa: S608


def _scalars_both(per_gemeente, source, expressions, per="g"):
    return [_scalars(source, expressions)] + ([_scalars(source, expressions, per)] if per_gemeente else [])


def _count_if(condition):
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _meldingen_sql(gemeente=None, *, per_gemeente=False):
    """Meldingen, triage, personen and doorlooptijden of the year: params {start, eind, peil[, gemeente]}.
    `per_gemeente`: also every gemeente's (a melding counts for its own gemeente; a person once per gemeente, with
    the values of their first melding of the year in that gemeente)."""
    t = _tables()
    days = {key: _sql("days", end=_COLUMNS[end], start=_COLUMNS[start]) for key, (end, start) in DOORLOOPTIJDEN.items()}
    leefgebieden = ", ".join(f"t.{code}" for code in Leefgebied.values)
    doorlooptijden = ", ".join(f"{sql} AS {key}" for key, sql in days.items())
    scalars = {
        "overlast": _count_if("overlast"),
        "triage_doelgroep": _count_if(doelgroep_sql("score")),
        "triage_ggsr": _count_if("ggsr"),
        "gezinnen": _count_if("gezin"),
        **{f"lg_{code}": _count_if(code) for code in Leefgebied.values},
        **{f"n_{key}": f"COUNT({key})" for key in DOORLOOPTIJDEN},
    }
    both = per_gemeente
    branches = [
        *_both(both, "aanmeldroute", "aanmeldroute", "COUNT(*)", "meldingen", "aanmeldroute"),
        *_both(both, "melder_type", "melder_type", "COUNT(*)", "meldingen", "melder_type"),
        *_both(both, "maand", "maand", "COUNT(*)", "meldingen", "maand"),
        *_both(both, "besluit", "besluit", "COUNT(*)", "meldingen WHERE besluit IS NOT NULL", "besluit"),
    ]
    for figuur in ("geslacht", "inkomen", "wijk", "leeftijd"):
        branches.append(_branch(figuur, figuur, "SUM(n)", "personen WHERE n > 0", figuur))
        if per_gemeente:
            branches.append(_branch(figuur, figuur, "SUM(n_g)", "personen WHERE n_g > 0", figuur, "g"))
    if connection.vendor == "postgresql":
        scalars |= {f"mediaan_{key}": f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {key})" for key in days}
    else:  # no percentile_cont: the distribution of the day values, the median is taken in Python
        for key in days:
            branches += _both(both, f"dagen_{key}", key, "COUNT(*)", f"meldingen WHERE {key} IS NOT NULL", key)
    branches += _scalars_both(both, "meldingen", scalars)
    bands = " ".join(f"WHEN leeftijd BETWEEN {low} AND {high} THEN '{label}'" for label, low, high in LEEFTIJDSBANDEN)
    persoon = persoon_id_sql("p")
    # a melding about a household with children; looked up per melding (an index probe): as EXISTS, PostgreSQL
    # hashes every child of every year instead
    gezin = f"""(SELECT 1 FROM {t["betrokkene"]} b WHERE b.melding_id = m.id AND b.rol = 'kind' LIMIT 1) IS NOT NULL"""  # noqa: S608
    # per gemeente: the first record of each person in each gemeente too (volgorde_g), in the same pass
    per_g = (
        (f", m.g, ROW_NUMBER() OVER (PARTITION BY m.g, {persoon} ORDER BY m.ontvangen_op, m.id, p.id) AS volgorde_g")
        if per_gemeente
        else ""
    )
    personen_g = (
        ("g, ", ", SUM(CASE WHEN volgorde_g = 1 THEN 1 ELSE 0 END) AS n_g", ", 5") if per_gemeente else ("", "", "")
    )
    return f"""
        WITH meldingen AS (
            SELECT m.id, m.ontvangen_op, m.aanmeldroute, m.melder_type, m.overlast,
                   {_sql("month", d="m.ontvangen_op")} AS maand, m.gemeente_id AS g,
                   t.besluit, t.score, t.ggsr, {leefgebieden}, {doorlooptijden},
                   {gezin} AS gezin
            FROM {t["melding"]} m
            LEFT JOIN {t["triage"]} t ON t.melding_id = m.id AND t.datum <= %(peil)s
            LEFT JOIN {t["casus"]} c ON c.melding_id = m.id AND c.toegewezen_op <= %(peil)s
            WHERE m.ontvangen_op BETWEEN %(start)s AND %(eind)s{_melding_in(gemeente)}
        ),
        -- how many persons per combination (geslacht, inkomen, wijk, leeftijd): a few thousand rows. Every record is
        -- grouped, its n 1 only on the person's first (the branches skip groups of n = 0): filtered on volgorde = 1
        -- first, PostgreSQL expects a few dozen rows and sorts them on four text columns instead of hashing.
        personen AS (
            SELECT geslacht, inkomen, COALESCE(NULLIF(wijk, ''), 'onbekend') AS wijk,
                   CASE {bands} ELSE 'onbekend' END AS leeftijd, {personen_g[0]}
                   SUM(CASE WHEN volgorde = 1 THEN 1 ELSE 0 END) AS n{personen_g[1]}
            FROM (  -- each person once (meldpunt.personen: linked records are one person), with the values of
                    -- the record on their first melding of the year and their age on that melding's date
                SELECT p.geslacht, p.inkomen, p.wijk,
                       CASE WHEN p.geboortedatum <= m.ontvangen_op THEN
                           {_sql("years", end="m.ontvangen_op", start="p.geboortedatum")}
                       -- an expected child (seed 002 "van -9 maanden"): not yet born on the melding, counted 0-17
                       WHEN p.geboortedatum > m.ontvangen_op AND p.verwacht THEN 0
                       END AS leeftijd,
                       ROW_NUMBER() OVER (PARTITION BY {persoon} ORDER BY m.ontvangen_op, m.id, p.id)
                           AS volgorde{per_g}
                FROM meldingen m
                JOIN {t["betrokkene"]} b ON b.melding_id = m.id
                JOIN {t["persoon"]} p ON p.id = b.persoon_id
            ) AS per_record
            GROUP BY 1, 2, 3, 4{personen_g[2]}
        )
        {" UNION ALL ".join(branches)}"""  # noqa: S608 - table names and constants; values are parameters


def _casussen_sql(gemeente=None, *, per_gemeente=False):
    """Casussen (and the persons in them), escalaties and wachtlijsten of the year: params {start, eind, jaar[,
    gemeente]}. Per gemeente, a casus counts where it was on the day counted (see casus_gemeente_op);
    `per_gemeente`: every gemeente's too, each casus-on-a-day for the gemeente where it was."""
    t = _tables()
    # the casus's gemeente on a day, from the casus row: the moves are looked up only for a casus that has one
    waar = {"eigen": "c.gemeente_id", "verhuisd": "vz.casus_id IS NOT NULL"}
    op = {
        "nieuw": casus_gemeente_op("c.id", "c.toegewezen_op", **waar),
        "afgesloten": casus_gemeente_op("c.id", "c.afgesloten_op", **waar),
        "open": casus_gemeente_op("c.id", "%(eind)s", **waar),
    }
    nieuw = "(c.toegewezen_op BETWEEN %(start)s AND %(eind)s" + _casus_in(gemeente, "c.id", "c.toegewezen_op", **waar)
    afgesloten = "(c.afgesloten_op BETWEEN %(start)s AND %(eind)s" + _casus_in(
        gemeente, "c.id", "c.afgesloten_op", **waar
    )
    open_einde = "(c.toegewezen_op <= %(eind)s AND (c.afgesloten_op IS NULL OR c.afgesloten_op > %(eind)s)" + _casus_in(
        gemeente, "c.id", "%(eind)s", **waar
    )
    per_g = (
        f", {op['nieuw']} AS g_nieuw, {op['afgesloten']} AS g_afgesloten, {op['open']} AS g_open"
        if per_gemeente
        else ""
    )
    doorbraken = {"doorbraken": "COUNT(*)", "maatwerk": "SUM(maatwerkbudget)"}
    both = per_gemeente
    # a casus counts its persons for the gemeente where it was counted: new in the year, or open from before
    # the person of each record by primary key, row by row: a join lets PostgreSQL hash the whole persoon table
    persoon = f"(SELECT {persoon_id_sql('p')} FROM {t['persoon']} p WHERE p.id = b.persoon_id)"  # noqa: S608
    k_cols = f"k.nieuw, {persoon} AS persoon" + (", k.g_nieuw, k.g_open" if per_gemeente else "")
    geteld = "k.nieuw OR (k.open_einde AND k.van_eerder)"
    personen = f"""(
                SELECT {k_cols} FROM casussen k JOIN {t["betrokkene"]} b ON b.melding_id = k.melding_id
                WHERE {geteld}
                UNION ALL
                SELECT {k_cols} FROM casussen k JOIN {t["casusmelding"]} cm ON cm.casus_id = k.casus_id
                JOIN {t["betrokkene"]} b ON b.melding_id = cm.melding_id
                WHERE {geteld}
            ) k"""  # noqa: S608
    nazorg_g = casus_gemeente_op("n.casus_id", "n.uitgevoerd_op")
    wachtlijst_g = casus_gemeente_op("w.casus_id", "w.sinds")
    doel_g = casus_gemeente_op("pl.casus_id", "d.resultaat_op")
    nazorg_in = _casus_in(gemeente, "n.casus_id", "n.uitgevoerd_op")
    nazorg = f"""{t["nazorg"]} n WHERE n.uitgevoerd_op BETWEEN %(start)s AND %(eind)s{nazorg_in}"""  # noqa: S608
    wachtlijst = f"""{t["wachtlijst"]} w JOIN {t["organisatie"]} o ON o.id = w.organisatie_id
            WHERE w.sinds BETWEEN %(start)s AND %(eind)s{_casus_in(gemeente, "w.casus_id", "w.sinds")}"""  # noqa: S608
    doelen = f"""{t["plandoel"]} d JOIN {t["plan"]} pl ON pl.id = d.plan_id
            WHERE d.resultaat <> '' AND d.resultaat_op BETWEEN %(start)s AND %(eind)s
                {_casus_in(gemeente, "pl.casus_id", "d.resultaat_op")}"""  # noqa: S608
    branches = [
        *_both(both, "nieuw", "organisatie", "COUNT(*)", "casussen WHERE nieuw", "organisatie", "g_nieuw"),
        *_both(both, "afsluitreden", "reden", "COUNT(*)", "casussen WHERE afgesloten", "reden", "g_afgesloten"),
        *_both(
            both,
            "procesmanager",
            "reden",
            "COUNT(*)",
            "casussen WHERE afgesloten AND afsluiting = 'procesmanager'",
            "reden",
            "g_afgesloten",
        ),
        *_both(both, "nazorg", "n.uitkomst", "COUNT(*)", nazorg, "n.uitkomst", nazorg_g),
        *_both(both, "caseload", "organisatie", "COUNT(*)", "casussen WHERE open_einde", "organisatie", "g_open"),
        *_both(
            both, "totaal", "'open_van_eerder'", "COUNT(*)", "casussen WHERE open_einde AND van_eerder", per="g_open"
        ),
        *_both(
            both,
            "totaal",
            "'personen_in_casussen'",
            "COUNT(DISTINCT k.persoon)",
            personen,
            per="CASE WHEN k.nieuw THEN k.g_nieuw ELSE k.g_open END",
        ),
        *_both(both, "niveau", "niveau", "COUNT(*)", "escalaties", "niveau"),
        *_scalars_both(both, "escalaties WHERE maatwerkbudget IS NOT NULL", doorbraken),
        *_both(both, "wachtlijst", "o.naam", "COUNT(*)", wachtlijst, "o.naam", wachtlijst_g),
        *_both(
            both,
            "doelresultaat",
            "d.leefgebied || '|' || d.resultaat",
            "COUNT(*)",
            doelen,
            "d.leefgebied, d.resultaat",
            doel_g,
        ),
    ]
    return f"""
        WITH casussen AS (
            SELECT c.id AS casus_id, c.melding_id, o.naam AS organisatie, r.code AS reden, c.afsluiting,
                   {nieuw}) AS nieuw,
                   {afgesloten}) AS afgesloten,
                   {open_einde}) AS open_einde,
                   (c.toegewezen_op < %(start)s) AS van_eerder{per_g}
            FROM {t["casus"]} c
            JOIN {t["organisatie"]} o ON o.id = c.organisatie_id
            LEFT JOIN {t["afsluitreden"]} r ON r.id = c.afsluitreden_id
            LEFT JOIN (SELECT DISTINCT casus_id FROM {t["verhuizing"]}) vz ON vz.casus_id = c.id
            WHERE c.toegewezen_op BETWEEN %(start)s AND %(eind)s
               OR c.afgesloten_op BETWEEN %(start)s AND %(eind)s
               OR (c.toegewezen_op <= %(eind)s AND (c.afgesloten_op IS NULL OR c.afgesloten_op > %(eind)s))
        ),
        escalaties AS (
            SELECT n.code AS niveau, e.maatwerkbudget, e.gemeente_id AS g
            FROM {t["escalatie"]} e JOIN {t["niveau"]} n ON n.id = e.niveau_id
            WHERE e.gestart_op BETWEEN %(start)s AND %(eind)s{_melding_in(gemeente, "e")}
        )
        {" UNION ALL ".join(branches)}"""  # noqa: S608 - table names and constants; values are parameters


# The meldingen statement reads a year (a tenth of 11 years) of meldingen with their betrokkenen, persons, triage and
# casus. PostgreSQL's estimate prefers hash joins over the whole of those tables (1.3-1.4M rows at 1M meldingen); the
# index nested loops from the year's meldingen read only the year's rows: at 1M 5.1 s instead of 9-10 s, at 100k
# 0.4-0.5 s instead of 0.5-0.8 s (bench/README.md, workload 7; a loaded machine), the same rows. Not for the casussen
# statement, which joins its own CTEs (there a nested loop is quadratic).
INDEXPADEN = ("enable_hashjoin", "enable_mergejoin")


def _rows(sql, params, *, indexpaden=False):
    """{gemeente: {figuur: {sleutel: n}}} from a statement in the (gemeente, figuur, sleutel, n) shape; gemeente 0
    is the installation (or the one gemeente asked for). `indexpaden`: on PostgreSQL with hash and merge joins off
    for this statement only (see INDEXPADEN); the settings are restored after it, also inside a transaction."""
    result = {}
    hint = indexpaden and connection.vendor == "postgresql"
    binnen = connection.in_atomic_block  # inside an outer transaction: SET LOCAL would outlive this statement
    # SET LOCAL needs a transaction; no savepoint: inside an outer one the settings are put back by hand
    with transaction.atomic(savepoint=False) if hint else nullcontext(), connection.cursor() as cursor:
        if hint and not binnen:  # our own transaction ends right after: one round trip, no restoring
            uit = " ".join(f"SET LOCAL {name} = off;" for name in INDEXPADEN)
            cursor.execute(f"{uit} {sql}", params)
            rows = cursor.fetchall()
        else:
            if hint:  # one statement: read the settings (evaluated first, OFFSET 0), then switch them off
                vorige = ", ".join(f"current_setting('{name}') AS v{i}" for i, name in enumerate(INDEXPADEN))
                uit = ", ".join(f"set_config('{name}', 'off', true)" for name in INDEXPADEN)
                cursor.execute(f"SELECT s.*, {uit} FROM (SELECT {vorige} OFFSET 0) AS s")  # noqa: S608 - constants
                vorige = cursor.fetchone()[: len(INDEXPADEN)]
            try:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
            finally:
                if hint:
                    terug = ", ".join("set_config(%s, %s, true)" for _ in INDEXPADEN)
                    pairs = [v for pair in zip(INDEXPADEN, vorige, strict=True) for v in pair]
                    cursor.execute(f"SELECT {terug}", pairs)
    for gemeente, figuur, sleutel, n in rows:
        result.setdefault(gemeente, {}).setdefault(figuur, {})[sleutel] = n
    return result


def _counts(groups):
    """A breakdown as {key: int}, zero groups left out, in key order."""
    items = [(key, int(n)) for key, n in (groups or {}).items() if n]
    return dict(sorted(items, key=lambda item: (item[0] is None, str(item[0]))))


def _median(histogram):
    """statistics.median of the values of a {value: how often} histogram (SQLite only)."""
    values = sorted((int(value), int(n)) for value, n in histogram.items())
    total = sum(n for _, n in values)
    if not total:
        return None

    def nth(index):
        seen = 0
        for value, n in values:
            seen += n
            if index < seen:
                return value

    return _number((nth((total - 1) // 2) + nth(total // 2)) / 2)


def _periode(jaar, tot_en_met):
    """(start, eind, peil): the year up to `tot_en_met`, and the cut-off for every other date."""
    eind = date(jaar, 12, 31) if tot_en_met is None else min(date(jaar, 12, 31), tot_en_met)
    return date(jaar, 1, 1), eind, GEEN_PEILDATUM if tot_en_met is None else tot_en_met


def compute(jaar: int, *, tot_en_met: date | None = None, gemeente: int | None = None) -> dict:
    """The figures of `jaar` (CONTRACT.md). With `tot_en_met`, the state on that day: only what is dated on
    or before it counts (meldingen, triage, toewijzing, plan, afsluiting, escalaties, wachtlijsten), and
    "einde jaar" means that day. With `gemeente` (an id), only that gemeente's (see casus_gemeente_op); the
    budget is then that gemeente's budget lines."""
    start, eind, peil = _periode(jaar, tot_en_met)
    params = {"start": start, "eind": eind, "peil": peil, "jaar": jaar, "gemeente": gemeente}
    f = _rows(_meldingen_sql(gemeente), params, indexpaden=True).get(0, {})
    c = _rows(_casussen_sql(gemeente), params).get(0, {})
    kop = _gemeente_kop(gemeente) if gemeente is not None else None
    return _figures(jaar, f, c, gemeente=gemeente, kop=kop)


def compute_per_gemeente(jaar: int, gemeenten, *, tot_en_met: date | None = None) -> tuple[dict, dict]:
    """The figures of every gemeente of `gemeenten` (Gemeente objects) and of the whole installation, in one
    pass: ({gemeente id: compute(jaar, gemeente=id)}, compute(jaar)) with the same values, from the same two
    statements grouped by gemeente as well (the region report, monitor.regio)."""
    start, eind, peil = _periode(jaar, tot_en_met)
    params = {"start": start, "eind": eind, "peil": peil, "jaar": jaar, "gemeente": None}
    f = _rows(_meldingen_sql(per_gemeente=True), params, indexpaden=True)
    c = _rows(_casussen_sql(per_gemeente=True), params)
    regels = list(_budgetregels(jaar).values_list("gemeente_id", *BUDGET_KOLOMMEN))
    per = {
        g.pk: _figures(
            jaar,
            f.get(g.pk, {}),
            c.get(g.pk, {}),
            gemeente=g.pk,
            kop=_kop(g),
            regels=[r[1:] for r in regels if r[0] == g.pk],
        )
        for g in gemeenten
    }
    return per, _figures(jaar, f.get(0, {}), c.get(0, {}), regels=[r[1:] for r in regels])


def _figures(jaar, f, c, *, gemeente=None, kop=None, regels=None):
    """The figures from the rows of the two statements ({figuur: {sleutel: n}} each) of one gemeente or the
    installation."""
    scalar = {key: (n if n is None else _number(n)) for key, n in (f.get("totaal", {}) | c.get("totaal", {})).items()}
    scalar = defaultdict(lambda: None, scalar)  # a gemeente without rows has no row of scalars
    per_maand = _counts(f.get("maand"))
    per_besluit = _counts(f.get("besluit"))
    per_geslacht = _counts(f.get("geslacht"))
    nieuw, caseload = _counts(c.get("nieuw")), _counts(c.get("caseload"))
    afsluitredenen = _counts(c.get("afsluitreden"))
    door_procesmanager = _counts(c.get("procesmanager"))
    nazorg = _counts(c.get("nazorg"))
    per_niveau = _counts(c.get("niveau"))
    wachtlijsten = _counts(c.get("wachtlijst"))
    if connection.vendor == "postgresql":
        medianen = {key: scalar[f"mediaan_{key}"] for key in DOORLOOPTIJDEN}
    else:
        medianen = {key: _median(f.get(f"dagen_{key}", {})) for key in DOORLOOPTIJDEN}
    personen = sum(per_geslacht.values())
    doelresultaten = {}
    for sleutel, n in _counts(c.get("doelresultaat")).items():
        leefgebied, resultaat = sleutel.split("|", 1)
        doelresultaten.setdefault(leefgebied, {})[resultaat] = n
    return {
        "jaar": jaar,
        **({"gemeente": kop} if gemeente is not None else {}),
        "meldingen": {
            "totaal": sum(per_maand.values()),
            "per_aanmeldroute": _counts(f.get("aanmeldroute")),
            "per_melder_type": _counts(f.get("melder_type")),
            "per_maand": per_maand,
            "overlast": scalar["overlast"] or 0,
            "gezinnen": scalar["gezinnen"] or 0,
        },
        "triage": {
            "totaal": sum(per_besluit.values()),
            "per_besluit": per_besluit,
            "doelgroep_3_uit_8": scalar["triage_doelgroep"] or 0,
            "per_leefgebied": {code: scalar[f"lg_{code}"] for code in Leefgebied.values if scalar[f"lg_{code}"]},
            "ggsr": scalar["triage_ggsr"] or 0,
        },
        "personen": {
            "uniek": personen,
            "per_geslacht": per_geslacht,
            "per_leeftijd": _counts(f.get("leeftijd")),
            "per_inkomen": _counts(f.get("inkomen")),
            "per_wijk": _counts(f.get("wijk")),
        },
        "casussen": {
            "nieuw": sum(nieuw.values()),
            "per_organisatie": nieuw,
            "afgesloten": sum(afsluitredenen.values()),
            "afsluitredenen": afsluitredenen,
            # closed by the procesmanager because the casus could not go on (with a written reason), by reason
            "afgesloten_door_procesmanager": sum(door_procesmanager.values()),
            "afgesloten_door_procesmanager_per_reden": door_procesmanager,
            "open_einde_jaar": sum(caseload.values()),
            "caseload_einde_jaar": caseload,
        },
        "escalaties": {
            "totaal": sum(per_niveau.values()),
            "per_niveau": per_niveau,
            "doorbraken": scalar["doorbraken"] or 0,
            "maatwerkbudget_totaal": _money(scalar["maatwerk"] or 0),
        },
        "doorlooptijden": medianen,
        # How many meldingen each median is taken over: medians of fewer than 5 are not shown (suppression).
        "doorlooptijden_aantal": {key: scalar[f"n_{key}"] or 0 for key in DOORLOOPTIJDEN},
        "wachtlijsten": {"totaal": sum(wachtlijsten.values()), "per_organisatie": wachtlijsten},
        # nazorg recorded in the year (uitgevoerd_op in Y), by outcome: stabiel | opnieuw_melden
        "nazorg": {"uitgevoerd": sum(nazorg.values()), "per_uitkomst": nazorg},
        # Results of the goals of plans, per leefgebied (seed 000: "Er wordt gemonitord op leefgebieden"):
        # goals whose result (behaald, deels, niet_behaald) was recorded in the year, whatever the plan version.
        "plan": {"doelresultaten": doelresultaten},
        "budget": budget_van(
            jaar,
            casussen=sum(nieuw.values()) + (scalar["open_van_eerder"] or 0),
            personen=scalar.get("personen_in_casussen") or 0,
            gemeente=gemeente,
            regels=regels,
        ),
    }


def _gemeente_kop(gemeente_id):
    from bzt.models import Gemeente

    return _kop(Gemeente.objects.get(pk=gemeente_id))


def _kop(g):
    return {"code": g.code, "naam": g.naam_op_documenten}


def _money(value):
    return float(Decimal(str(value)).quantize(Decimal("0.01")))


BUDGET_KOLOMMEN = ("categorie", "subsidie", "aanmeldroute", "organisatie__naam", "bedrag")


def _budgetregels(jaar):
    return BudgetRegel.objects.filter(jaar=jaar)


def budget_van(jaar, *, casussen, personen, gemeente=None, regels=None):
    """The budget section of `jaar` from the current budget lines (docs/jaarmonitor.md § Budget): the total, per
    categorie, per subsidie, per aanmeldroute and per organisatie (lines that name one), and divided over the
    casussen in behandeling and the persons in those casussen (`personen`: the persons reached, not every
    person reported). `regels`: the lines (BUDGET_KOLOMMEN) when already read (compute_per_gemeente)."""
    per = {"categorie": {}, "subsidie": {}, "aanmeldroute": {}, "organisatie": {}}
    if regels is None:
        regels = _budgetregels(jaar)
        if gemeente is not None:  # a gemeente's monitor divides only the lines it pays (CONTRACT.md § Region)
            regels = regels.filter(gemeente_id=gemeente)
        regels = regels.values_list(*BUDGET_KOLOMMEN)
    for categorie, subsidie, aanmeldroute, organisatie, bedrag in regels:
        for soort, sleutel in (
            ("categorie", categorie),
            ("subsidie", subsidie),
            ("aanmeldroute", aanmeldroute),
            ("organisatie", organisatie),
        ):
            if sleutel:
                per[soort][sleutel] = per[soort].get(sleutel, 0) + bedrag
    totaal = sum(per["categorie"].values())
    return {
        "totaal": _money(totaal),
        **{f"per_{soort}": {k: _money(v) for k, v in sorted(bedragen.items())} for soort, bedragen in per.items()},
        "casussen_in_behandeling": casussen,
        "personen_in_casussen": personen,
        "per_casus": _money(totaal / casussen) if casussen and totaal else None,
        "per_persoon": _money(totaal / personen) if personen and totaal else None,
    }


def _kopcijfers_sql(gemeente=None):
    """The headline figures of a year in one row: params (start, eind[, gemeente]), the same per-gemeente rules
    as compute()."""
    t = _tables()
    in_jaar = "BETWEEN %(start)s AND %(eind)s"
    m_in, e_in = _melding_in(gemeente), _melding_in(gemeente, "e")
    nieuw = f"toegewezen_op {in_jaar}{_casus_in(gemeente, 'c.id', 'c.toegewezen_op')}"
    afgesloten = f"afgesloten_op {in_jaar}{_casus_in(gemeente, 'c.id', 'c.afgesloten_op')}"
    return f"""
        SELECT * FROM
            (SELECT COUNT(*) AS meldingen_totaal FROM {t["melding"]} m WHERE ontvangen_op {in_jaar}{m_in}) AS m,
            (SELECT COUNT(*) AS triage_totaal, {_count_if(doelgroep_sql("t.score"))} AS doelgroep_3_uit_8
             FROM {t["triage"]} t JOIN {t["melding"]} m ON m.id = t.melding_id
             WHERE m.ontvangen_op {in_jaar} AND t.datum <= %(peil)s{m_in}) AS t,
            (SELECT COUNT(DISTINCT {persoon_id_sql("p")}) AS personen_uniek
             FROM {t["betrokkene"]} b JOIN {t["melding"]} m ON m.id = b.melding_id
             JOIN {t["persoon"]} p ON p.id = b.persoon_id WHERE m.ontvangen_op {in_jaar}{m_in}) AS p,
            (SELECT {_count_if(nieuw)} AS casussen_nieuw, {_count_if(afgesloten)} AS casussen_afgesloten
             FROM {t["casus"]} c WHERE toegewezen_op {in_jaar} OR afgesloten_op {in_jaar}) AS c,
            (SELECT COUNT(*) AS escalaties FROM {t["escalatie"]} e WHERE gestart_op {in_jaar}{e_in}) AS e"""  # noqa: S608


def kopcijfers(jaar: int, *, tot_en_met: date | None = None, gemeente: int | None = None) -> dict:
    """The headline figures of `jaar` (the comparison column of the report), in one query; the same
    definitions as the corresponding figures of compute(), with the same cut-off."""
    start, eind, peil = _periode(jaar, tot_en_met)
    with connection.cursor() as cursor:
        cursor.execute(_kopcijfers_sql(gemeente), {"start": start, "eind": eind, "peil": peil, "gemeente": gemeente})
        row = cursor.fetchone()
        names = [column[0] for column in cursor.description]
    return {"jaar": jaar, **{name: int(value or 0) for name, value in zip(names, row, strict=True)}}


def zelfde_dag_vorig_jaar(dag: date) -> date:
    """The same day a year earlier; 29 February becomes 28 February."""
    try:
        return dag.replace(year=dag.year - 1)
    except ValueError:
        return dag.replace(year=dag.year - 1, day=28)


def compute_with_comparison(jaar: int, *, tot_en_met: date | None = None, gemeente: int | None = None) -> dict:
    """The figures of `jaar` plus, under "vorig_jaar", the headline figures of the year before. With
    `tot_en_met`, the state on that day (see compute) under "tot_en_met", compared with the state of the
    year before on the same day a year earlier (for a year that is not over: the same period)."""
    figures = compute(jaar, tot_en_met=tot_en_met, gemeente=gemeente)
    if tot_en_met is None:
        figures["vorig_jaar"] = kopcijfers(jaar - 1, gemeente=gemeente)
    else:
        vorig = zelfde_dag_vorig_jaar(tot_en_met)
        figures["tot_en_met"] = tot_en_met.isoformat()
        figures["vorig_jaar"] = kopcijfers(jaar - 1, tot_en_met=vorig, gemeente=gemeente) | {
            "tot_en_met": vorig.isoformat()
        }
    return figures
