"""Every CONTRACT figure of `jaarmonitor --format json`, checked against values computed here independently
from the JSONL file that was imported (plain Python over the lines, no database)."""

import json
import random
import statistics
from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from meldpunt.codes import Leefgebied

JAAR = 2025
ORGANISATIES = ["Dimence", "Tactus Verslavingszorg", "Iriszorg"]
WIJKEN = ["Rivierenwijk", "Voorstad", "Keizerslanden", None]
REDENEN = ["regulier_overgedragen", "doel_bereikt", "verhuisd", "zorgmijding"]
NIVEAUS = ["procesmanager", "coordinerend_ambtenaar", "wethouder"]


def make_people(rng):
    people = []
    for i in range(45):
        geboren = None if i % 9 == 0 else date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 70))
        people.append(
            {
                "extern_id": f"P-{i}",
                "voornaam": f"Voor{i}",
                "achternaam": f"Achter{i}",
                "geboortedatum": geboren.isoformat() if geboren else None,
                "geslacht": rng.choice(["man", "vrouw", "x", "onbekend"]),
                "wijk": rng.choice(WIJKEN),
                "inkomen": rng.choice(["werk", "uitkering", "geen", "overig", "onbekend"]),
            }
        )
    # Birthdays right at band edges: 18th birthday on, and a day after, the melding date (see lines below).
    people[1]["geboortedatum"] = "2007-03-10"
    people[2]["geboortedatum"] = "2007-03-11"
    return people


def make_lines(rng):
    people = make_people(rng)
    lines, in_casus = [], set()
    for n in range(70):
        year = rng.choice([JAAR - 1, JAAR, JAAR, JAAR + 1 if n % 10 == 0 else JAAR])
        ontvangen = date(year, 1, 1) + timedelta(days=rng.randint(0, 300 if year == JAAR + 1 else 364))
        if n == 0:
            ontvangen = date(JAAR, 3, 10)
        household = rng.sample(people[3:], rng.randint(1, 3)) if n > 1 else []
        if n in (0, 1):
            household = [people[1] if n == 0 else people[2]]
        personen = [
            {**p, "rol": "hoofdpersoon" if i == 0 else rng.choice(["partner", "kind", "overig"])}
            for i, p in enumerate(household)
        ]
        line = {
            "extern_id": f"VIS2-{n:04d}",
            "ontvangen_op": ontvangen.isoformat(),
            "melder": {"type": rng.choice(["professional", "burger", "anoniem"]), "organisatie": None},
            "aanmeldroute": rng.choice(["oggz", "woonoverlast", "veelplegers", "cjg"]),
            "overlast": rng.random() < 0.4,
            "personen": personen,
            "triage": None,
            "mdo": None,
            "plan_vastgesteld_op": None,
            "escalaties": [],
            "afgesloten_op": None,
            "afsluitreden": None,
        }
        if rng.random() < 0.8:
            triage_datum = ontvangen + timedelta(days=rng.randint(0, 12))
            codes = rng.sample(Leefgebied.values, rng.randint(0, 6))
            besluit = "mdo" if len(codes) >= 3 else rng.choice(["regulier", "advies", "geen_actie"])
            line["triage"] = {"datum": triage_datum.isoformat(), "leefgebieden": codes, "besluit": besluit}
            free = not any(p["extern_id"] in in_casus for p in personen)
            if besluit == "mdo" and free and rng.random() < 0.8:
                mdo = triage_datum + timedelta(days=rng.randint(3, 20))
                line["mdo"] = {
                    "datum": mdo.isoformat(),
                    "organisatie": rng.choice(ORGANISATIES),
                    "casusregisseur": None,
                }
                in_casus.update(p["extern_id"] for p in personen)
                last = mdo
                if rng.random() < 0.7:
                    last = mdo + timedelta(days=rng.randint(10, 60))
                    line["plan_vastgesteld_op"] = last.isoformat()
                for _ in range(rng.choice([0, 0, 1, 2])):
                    last = last + timedelta(days=rng.randint(1, 40))
                    line["escalaties"].append({"datum": last.isoformat(), "niveau": rng.choice(NIVEAUS)})
                if rng.random() < 0.5:
                    einde = last + timedelta(days=rng.randint(1, 200))
                    if einde < date(2026, 11, 1):
                        line["afgesloten_op"], line["afsluitreden"] = einde.isoformat(), rng.choice(REDENEN)
        lines.append(line)
    return lines


def d(value):
    return date.fromisoformat(value) if value else None


def age_on(born, day):
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def band(age):
    for label, low, high in [
        ("0-17", 0, 17),
        ("18-22", 18, 22),
        ("23-29", 23, 29),
        ("30-44", 30, 44),
        ("45-64", 45, 64),
        ("65+", 65, 999),
    ]:
        if low <= age <= high:
            return label


def med(values):
    return statistics.median(values) if values else None


def expected(lines, jaar):
    of_y = [line for line in lines if d(line["ontvangen_op"]).year == jaar]
    triaged = [line for line in of_y if line["triage"]]
    people, first = {}, {}
    for line in sorted(of_y, key=lambda line: line["ontvangen_op"]):
        for p in line["personen"]:
            people.setdefault(p["extern_id"], p)
            first.setdefault(p["extern_id"], d(line["ontvangen_op"]))
    eind = date(jaar, 12, 31)
    casussen = [line for line in lines if line["mdo"]]
    nieuw = [line for line in casussen if d(line["mdo"]["datum"]).year == jaar]
    gesloten = [line for line in casussen if line["afgesloten_op"] and d(line["afgesloten_op"]).year == jaar]

    def days(end, start):
        return [(end(line) - start(line)).days for line in of_y if end(line) and start(line)]

    def tri(line):
        return d(line["triage"]["datum"]) if line["triage"] else None

    def mdo(line):
        return d(line["mdo"]["datum"]) if line["mdo"] else None

    return {
        "meldingen.totaal": len(of_y),
        "meldingen.per_aanmeldroute": Counter(line["aanmeldroute"] for line in of_y),
        "meldingen.per_melder_type": Counter(line["melder"]["type"] for line in of_y),
        "meldingen.per_maand": Counter(line["ontvangen_op"][5:7] for line in of_y),
        "meldingen.overlast": sum(line["overlast"] for line in of_y),
        "meldingen.gezinnen": sum(any(p["rol"] == "kind" for p in line["personen"]) for line in of_y),
        "triage.totaal": len(triaged),
        "triage.per_besluit": Counter(line["triage"]["besluit"] for line in triaged),
        "triage.doelgroep_3_uit_8": sum(len(line["triage"]["leefgebieden"]) >= 3 for line in triaged),
        "triage.per_leefgebied": Counter(code for line in triaged for code in line["triage"]["leefgebieden"]),
        "personen.uniek": len(people),
        "personen.per_geslacht": Counter(p["geslacht"] for p in people.values()),
        "personen.per_leeftijd": Counter(
            band(age_on(d(p["geboortedatum"]), first[pid])) if p["geboortedatum"] else "onbekend"
            for pid, p in people.items()
        ),
        "personen.per_inkomen": Counter(p["inkomen"] for p in people.values()),
        "personen.per_wijk": Counter(p["wijk"] or "onbekend" for p in people.values()),
        "casussen.nieuw": len(nieuw),
        "casussen.per_organisatie": Counter(line["mdo"]["organisatie"] for line in nieuw),
        "casussen.afgesloten": len(gesloten),
        "casussen.afsluitredenen": Counter(line["afsluitreden"] for line in gesloten),
        "casussen.open_einde_jaar": sum(
            d(line["mdo"]["datum"]) <= eind and not (line["afgesloten_op"] and d(line["afgesloten_op"]) <= eind)
            for line in casussen
        ),
        "escalaties.per_niveau": Counter(
            e["niveau"] for line in lines for e in line["escalaties"] if d(e["datum"]).year == jaar
        ),
        "doorlooptijden.melding_tot_triage": med(days(tri, lambda line: d(line["ontvangen_op"]))),
        "doorlooptijden.triage_tot_mdo": med(days(mdo, tri)),
        "doorlooptijden.mdo_tot_plan": med(days(lambda line: d(line["plan_vastgesteld_op"]), mdo)),
        "doorlooptijden.melding_tot_afsluiting": med(
            days(lambda line: d(line["afgesloten_op"]), lambda line: d(line["ontvangen_op"]))
        ),
    }


def lookup(figures, dotted):
    section, key = dotted.split(".")
    return figures[section][key]


@pytest.fixture
def imported(demo, tmp_path):
    lines = make_lines(random.Random(20250101))
    path = tmp_path / "historie.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    call_command("import_meldingen", str(path), stdout=StringIO(), stderr=StringIO())
    return lines


@pytest.mark.parametrize("jaar", [JAAR - 1, JAAR])
def test_every_contract_figure_matches_an_independent_computation(imported, jaar):
    out = StringIO()
    call_command("jaarmonitor", jaar=jaar, format="json", output="-", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["jaar"] == jaar
    for dotted, want in expected(imported, jaar).items():
        got = lookup(figures, dotted)
        if isinstance(want, Counter):
            assert {k: v for k, v in got.items() if v} == dict(want), dotted
        else:
            assert got == want, dotted


def test_the_data_exercises_every_figure(imported):
    """Guard against a vacuous test: the generated file reaches every branch the figures count."""
    want = expected(imported, JAAR)
    for key in ("casussen.nieuw", "casussen.afgesloten", "casussen.open_einde_jaar", "meldingen.gezinnen"):
        assert want[key] > 0, key
    assert len(want["escalaties.per_niveau"]) >= 2
    assert {"onbekend", "18-22", "0-17"} <= set(want["personen.per_leeftijd"])
    assert want["doorlooptijden.mdo_tot_plan"] is not None


def test_the_age_is_taken_on_the_date_of_the_first_melding(imported):
    out = StringIO()
    call_command("jaarmonitor", jaar=JAAR, format="json", output="-", stdout=out)
    leeftijd = json.loads(out.getvalue())["personen"]["per_leeftijd"]
    # P-1 turns 18 on the melding date (18-22), P-2 a day later (0-17): both are counted as such.
    assert leeftijd == dict(expected(imported, JAAR)["personen.per_leeftijd"])


def test_compute_runs_three_queries_and_the_comparison_one_more(imported, django_assert_num_queries):
    """Two for the figures, one for the budget lines (monitor.figures.budget_van, per subsidie, route, ...); on
    PostgreSQL two more around the meldingen statement: its plan settings switched off and put back
    (monitor.figures.INDEXPADEN)."""
    from django.db import connection

    from monitor.figures import compute, compute_with_comparison

    plan = 2 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(3 + plan):
        compute(JAAR)
    with django_assert_num_queries(4 + plan):
        compute_with_comparison(JAAR)


def test_the_plan_settings_of_the_meldingen_statement_do_not_leak(imported):
    """Inside a transaction (a request, a test) the hash and merge joins are on again after compute()."""
    from django.db import connection, transaction

    from monitor.figures import INDEXPADEN, compute

    with transaction.atomic(), connection.cursor() as cursor:
        compute(JAAR)
        if connection.vendor == "postgresql":
            for name in INDEXPADEN:
                cursor.execute(f"SELECT current_setting('{name}')")
                assert cursor.fetchone()[0] == "on"


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_plan_settings_go_with_the_meldingen_statement():
    """Not inside a transaction (a job, the command): the settings are sent with the statement, in one round trip,
    and end with compute()'s own transaction (BEGIN and COMMIT aside, three statements as on SQLite)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from monitor.figures import INDEXPADEN, compute

    with CaptureQueriesContext(connection) as queries:
        figures = compute(JAAR)
    assert figures["meldingen"]["totaal"] == 0
    statements = [q["sql"] for q in queries.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    assert len(statements) == 3
    if connection.vendor == "postgresql":
        assert statements[0].startswith("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off;")
        assert "WITH meldingen AS" in statements[0]
        with connection.cursor() as cursor:
            for name in INDEXPADEN:
                cursor.execute(f"SELECT current_setting('{name}')")
                assert cursor.fetchone()[0] == "on"


@pytest.mark.parametrize("jaar", [JAAR - 1, JAAR])
def test_the_headline_figures_of_the_previous_year_equal_the_full_figures(imported, jaar):
    from monitor.figures import compute, kopcijfers

    full = compute(jaar)
    assert kopcijfers(jaar) == {
        "jaar": jaar,
        "meldingen_totaal": full["meldingen"]["totaal"],
        "triage_totaal": full["triage"]["totaal"],
        "doelgroep_3_uit_8": full["triage"]["doelgroep_3_uit_8"],
        "personen_uniek": full["personen"]["uniek"],
        "casussen_nieuw": full["casussen"]["nieuw"],
        "casussen_afgesloten": full["casussen"]["afgesloten"],
        "escalaties": full["escalaties"]["totaal"],
    }


def _person(extern_id, geboortedatum, wijk="Voorstad"):
    return {
        "extern_id": extern_id,
        "voornaam": "Rand",
        "achternaam": f"Geval {extern_id}",
        "geboortedatum": geboortedatum,
        "geslacht": "vrouw",
        "wijk": wijk,
        "inkomen": "werk",
        "rol": "hoofdpersoon",
    }


def _line(n, ontvangen_op, persoon, *, mdo=None, afgesloten_op=None):
    return {
        "extern_id": f"RAND-{n}",
        "ontvangen_op": ontvangen_op,
        "melder": {"type": "burger", "organisatie": None},
        "aanmeldroute": "oggz",
        "overlast": False,
        "personen": [persoon],
        "triage": {"datum": ontvangen_op, "leefgebieden": ["verslaving", "schulden", "dakloos"], "besluit": "mdo"}
        if mdo
        else None,
        "mdo": {"datum": mdo, "organisatie": "Dimence", "casusregisseur": None} if mdo else None,
        "plan_vastgesteld_op": None,
        "escalaties": [],
        "afgesloten_op": afgesloten_op,
        "afsluitreden": "doel_bereikt" if afgesloten_op else None,
    }


@pytest.fixture
def randgevallen(demo, tmp_path):
    turns_18 = _person("R-18", "2007-06-15")  # 17 on 1 March, 18 on 1 August
    lines = [
        # Listed after the later one on purpose: "first" is by date, not by order of registration.
        _line(1, "2025-08-01", turns_18),
        _line(2, "2025-03-01", turns_18),
        _line(3, "2025-05-05", _person("R-geen", None, wijk="")),
        _line(4, "2025-04-10", _person("R-jarig", "2002-04-10")),  # 23 on the melding date itself
        _line(5, "2025-04-10", _person("R-morgen", "2002-04-11")),  # 22: the birthday is the next day
        # 17 at a melding of 2024 and 19 at the first one of 2025: the age of 2025 counts.
        _line(6, "2024-06-01", _person("R-vorig", "2006-12-01")),
        _line(7, "2025-12-15", _person("R-vorig", "2006-12-01")),
        # Closed on 31 December: closed in 2025, not open at the end of 2025.
        _line(8, "2024-12-01", _person("R-c1", "1980-01-01"), mdo="2025-01-10", afgesloten_op="2025-12-31"),
        # Assigned in 2024, closed on 1 January 2026: open at the end of 2025, not new, not closed in 2025.
        _line(9, "2024-03-01", _person("R-c2", "1980-01-01"), mdo="2024-04-01", afgesloten_op="2026-01-01"),
        # Assigned on 31 December: new in 2025 and open at its end.
        _line(10, "2025-12-01", _person("R-c3", "1980-01-01"), mdo="2025-12-31"),
    ]
    path = tmp_path / "randgevallen.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    call_command("import_meldingen", str(path), stdout=StringIO(), stderr=StringIO())


def test_edge_semantics_of_ages_and_casus_dates(randgevallen):
    from monitor.figures import compute

    figures = compute(2025)
    personen = figures["personen"]
    assert figures["meldingen"]["totaal"] == 7
    assert personen["uniek"] == 6  # R-18 in two meldingen counts once
    assert personen["per_leeftijd"] == {"0-17": 1, "18-22": 2, "23-29": 1, "45-64": 1, "onbekend": 1}
    assert personen["per_wijk"] == {"Voorstad": 5, "onbekend": 1}
    casussen = figures["casussen"]
    assert (casussen["nieuw"], casussen["afgesloten"], casussen["open_einde_jaar"]) == (2, 1, 2)
    assert casussen["afsluitredenen"] == {"doel_bereikt": 1}
    assert figures["budget"]["casussen_in_behandeling"] == 3  # new in 2025 + open since before 2025
    assert compute(2026)["casussen"]["afgesloten"] == 1
