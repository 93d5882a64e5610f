"""Small-number suppression for everything a beleidsambtenaar can see or download (CONTRACT.md).

`suppress(figures)` takes the exact figures of `monitor.figures` and returns a copy for display in which

1. every count of 1 to 4 is replaced by "<5" (0 and 5 or more are shown);
2. in a breakdown whose total is shown (meldingen per maand next to meldingen totaal), a single
   suppressed cell could be worked out as the total minus the other cells: then the smallest other
   non-zero cell is suppressed too (secondary suppression);
3. a median (doorlooptijden) taken over fewer than 5 meldingen is shown as "<5";
4. amounts that would reveal a suppressed count or one person's money are suppressed with it: the
   maatwerkbudget of 1 to 4 doorbraken, the budget per casus or per persoon when those counts are 1 to 4.

The walk is safe by default: a count added to the figures later (any integer) is suppressed by rule 1
unless it is named below as not being a count. The JSON of `jaarmonitor --format json` stays exact.
"""

import copy

SUPPRESSED = "<5"
THRESHOLD = 5

# Breakdowns whose cells add up to a total that is shown next to them: (section, breakdown, total key).
BREAKDOWNS_WITH_TOTAL = [
    ("meldingen", "per_aanmeldroute", "totaal"),
    ("meldingen", "per_melder_type", "totaal"),
    ("meldingen", "per_maand", "totaal"),
    ("triage", "per_besluit", "totaal"),
    ("personen", "per_geslacht", "uniek"),
    ("personen", "per_leeftijd", "uniek"),
    ("personen", "per_inkomen", "uniek"),
    ("personen", "per_wijk", "uniek"),
    ("casussen", "per_organisatie", "nieuw"),
    ("casussen", "afsluitredenen", "afgesloten"),
    ("casussen", "caseload_einde_jaar", "open_einde_jaar"),
    ("escalaties", "per_niveau", "totaal"),
    ("wachtlijsten", "per_organisatie", "totaal"),
]

# Values that are not counts: years, amounts of money (handled by rule 4) and medians (rule 3).
NOT_COUNTS = {
    ("jaar",),
    ("vorig_jaar", "jaar"),
    ("escalaties", "maatwerkbudget_totaal"),
    ("budget", "totaal"),
    ("budget", "per_categorie"),
    ("budget", "per_casus"),
    ("budget", "per_persoon"),
    ("doorlooptijden",),
}


def is_small(value):
    """A count that must not be shown: 1 to 4 (booleans are not counts)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < THRESHOLD


def is_suppressed(value):
    return value == SUPPRESSED


def suppress_count(value):
    return SUPPRESSED if is_small(value) else value


def suppress_breakdown(cells: dict, *, total_shown: bool) -> dict:
    """Rule 1 for every cell; rule 2 when the total is shown and exactly one cell was suppressed."""
    shown = {key: suppress_count(value) for key, value in cells.items()}
    suppressed = [key for key, value in shown.items() if is_suppressed(value)]
    if total_shown and len(suppressed) == 1:
        others = [
            (value, str(key))
            for key, value in cells.items()
            if key not in suppressed and isinstance(value, int | float) and value > 0
        ]
        if others:
            smallest = min(others)[1]
            for key in shown:
                if str(key) == smallest:
                    shown[key] = SUPPRESSED
                    break
    return shown


def _walk(value, path):
    """Rule 1 over everything that is not named in NOT_COUNTS (safe default for new keys)."""
    if any(path[: len(skip)] == skip for skip in NOT_COUNTS):
        return value
    if isinstance(value, dict):
        return {key: _walk(item, (*path, key)) for key, item in value.items()}
    return suppress_count(value)


def suppress(figures: dict) -> dict:
    """The figures for display: counts 1-4 as "<5", with secondary suppression and small-n medians."""
    exact = copy.deepcopy(figures)
    shown = _walk(exact, ())

    for section, breakdown, total in BREAKDOWNS_WITH_TOTAL:
        cells = exact.get(section, {}).get(breakdown)
        if isinstance(cells, dict):
            total_shown = not is_suppressed(shown[section].get(total, SUPPRESSED))
            shown[section][breakdown] = suppress_breakdown(cells, total_shown=total_shown)

    # Rule 3: a median over fewer than 5 meldingen. Without the number it was taken over, hide it.
    aantallen = exact.get("doorlooptijden_aantal", {})
    for key, median in exact.get("doorlooptijden", {}).items():
        n = aantallen.get(key)
        if median is not None and not (isinstance(n, int) and n >= THRESHOLD):
            shown["doorlooptijden"][key] = SUPPRESSED

    # Rule 4: amounts that go with a suppressed count.
    escalaties = exact.get("escalaties", {})
    if "maatwerkbudget_totaal" in escalaties and is_small(escalaties.get("doorbraken")):
        shown["escalaties"]["maatwerkbudget_totaal"] = SUPPRESSED
    budget = exact.get("budget", {})
    if budget.get("per_casus") is not None and is_small(budget.get("casussen_in_behandeling")):
        shown["budget"]["per_casus"] = SUPPRESSED
    if budget.get("per_persoon") is not None and is_small(exact.get("personen", {}).get("uniek")):
        shown["budget"]["per_persoon"] = SUPPRESSED

    shown["onderdrukt"] = True
    return shown
