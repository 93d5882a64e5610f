"""Small-number suppression for everything a beleidsambtenaar can see or download (CONTRACT.md).

`suppress(figures)` takes the exact figures of `monitor.figures` and returns a copy for display in which

1. every count of 1 to 4 is replaced by "<5" (0 and 5 or more are shown);
2. in a breakdown whose cells add up to a total (meldingen per maand next to meldingen totaal), either no
   cell is hidden, or the hidden cells are so many and so large together that none of them can be worked
   out from the total and the visible cells: at least two, adding up to 5 or more, and not all equal to
   the smallest or largest value they could have (see `_safe`). The smallest visible cells are hidden
   next until that holds; when even hiding every cell is not enough, the total and every breakdown of it
   are hidden (secondary suppression). Codes of a fixed list are filled in with 0 first, so a breakdown
   shows every code, and a breakdown with a hidden total shows none: a hidden 0 looks like a hidden 1;
3. a median (doorlooptijden) taken over fewer than 5 meldingen is shown as "<5";
4. amounts that would reveal a hidden count or one person's money are hidden with it: the maatwerkbudget
   of 1 to 4 doorbraken, the budget per casus or per persoon when those counts are hidden.

"<5" therefore means "not shown": a small number, or a number hidden so that a small one cannot be
worked out. The walk is safe by default: a count added to the figures later (any integer) is suppressed
by rule 1 unless it is named below as not being a count. The JSON of `jaarmonitor --format json` stays
exact.
"""

import copy

from meldpunt.codes import Aanmeldroute, Besluit, Geslacht, Inkomen, MelderType

SUPPRESSED = "<5"
THRESHOLD = 5

# Breakdowns whose cells add up to a total that is shown: {(section, total key): [breakdown, ...]}. The
# breakdowns of one total describe one population; when one of them cannot be made safe, all are hidden.
TOTALS = {
    ("meldingen", "totaal"): ["per_aanmeldroute", "per_melder_type", "per_maand"],
    ("triage", "totaal"): ["per_besluit"],
    ("personen", "uniek"): ["per_geslacht", "per_leeftijd", "per_inkomen", "per_wijk"],
    ("casussen", "nieuw"): ["per_organisatie"],
    ("casussen", "afgesloten"): ["afsluitredenen"],
    ("casussen", "afgesloten_door_procesmanager"): ["afgesloten_door_procesmanager_per_reden"],
    ("nazorg", "uitgevoerd"): ["per_uitkomst"],
    ("casussen", "open_einde_jaar"): ["caseload_einde_jaar"],
    ("escalaties", "totaal"): ["per_niveau"],
    ("wachtlijsten", "totaal"): ["per_organisatie"],
}

# Breakdowns over a fixed list of codes: the report shows every code, a missing one as 0.
FIXED_KEYS = {
    ("meldingen", "per_aanmeldroute"): Aanmeldroute.values,
    ("meldingen", "per_melder_type"): MelderType.values,
    ("meldingen", "per_maand"): [f"{month:02d}" for month in range(1, 13)],
    ("triage", "per_besluit"): Besluit.values,
    ("personen", "per_geslacht"): Geslacht.values,
    ("personen", "per_leeftijd"): ["0-17", "18-22", "23-29", "30-44", "45-64", "65+", "onbekend"],
    ("personen", "per_inkomen"): Inkomen.values,
}

# Values that are not counts: years, dates, amounts of money (handled by rule 4) and medians (rule 3).
NOT_COUNTS = {
    ("jaar",),
    ("gemeente",),  # whose monitor it is (code and name)
    ("tot_en_met",),
    ("vorig_jaar", "jaar"),
    ("vorig_jaar", "tot_en_met"),
    ("escalaties", "maatwerkbudget_totaal"),
    ("budget", "totaal"),
    ("budget", "per_categorie"),
    ("budget", "per_subsidie"),
    ("budget", "per_aanmeldroute"),
    ("budget", "per_organisatie"),
    ("budget", "per_casus"),
    ("budget", "per_persoon"),
    ("doorlooptijden",),
}


class Verborgen(dict):
    """A breakdown of which nothing is shown (its total is hidden): every code reads "<5", also the codes
    it does not list, so a report that fills in missing codes never shows a 0 next to a hidden 1."""

    def get(self, key, default=None):
        return SUPPRESSED

    def __missing__(self, key):
        return SUPPRESSED


def is_small(value):
    """A count that must not be shown: 1 to 4 (booleans are not counts)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < THRESHOLD


def is_suppressed(value):
    return value == SUPPRESSED


def suppress_count(value):
    return SUPPRESSED if is_small(value) else value


def _determined(total, count, low, high):
    """Whether some cell is known exactly when `count` cells, each between `low` and `high`, add up to
    `total`: a cell can be at most total - (count-1)*low and at least total - (count-1)*high."""
    most = min(high, total - (count - 1) * low)
    least = max(low, total - (count - 1) * high)
    return most <= least


def _safe(hidden, visible):
    """Whether the hidden cells (their exact values) give nothing away, for a reader who knows the total,
    the visible cells and this rule: each hidden cell is at least 1 (zeros are never hidden next to a
    shown total) and at most the smallest visible cell (the smallest are hidden first). When every hidden
    cell is in fact 1 to 4, also for a reader who takes "<5" literally: {4, 4} next to a total of 8 is
    not safe, {6, 2} is (read literally it says 4 and 4, which is wrong)."""
    count, total = len(hidden), sum(hidden)
    if count < 2 or total < THRESHOLD:
        return False
    high = min((v for v in visible if v > 0), default=total)
    if _determined(total, count, 1, high):
        return False
    return max(hidden) >= THRESHOLD or not _determined(total, count, 1, THRESHOLD - 1)


def cells_to_hide(cells: dict):
    """The keys to hide in a breakdown whose total is shown: the cells of 1 to 4, then the smallest other
    non-zero cells until `_safe`. None when even hiding every cell is not safe (then the total must go)."""
    counts = {key: value for key, value in cells.items() if isinstance(value, int) and not isinstance(value, bool)}
    hidden = {key for key, value in counts.items() if is_small(value)}
    if not hidden:
        return hidden
    candidates = sorted(
        ((value, str(key), key) for key, value in counts.items() if key not in hidden and value > 0),
        key=lambda item: item[:2],
    )
    while not _safe([counts[key] for key in hidden], [counts[key] for key in counts if key not in hidden]):
        if not candidates:
            return None
        hidden.add(candidates.pop(0)[2])
    return hidden


def suppress_breakdown(cells: dict, *, total_shown: bool) -> dict:
    """Rule 1 for every cell; rule 2 when the total is shown. A breakdown that cannot be made safe next to
    its total comes back as a `Verborgen` (callers then hide the total too: see `suppress`)."""
    if not total_shown:
        return {key: suppress_count(value) for key, value in cells.items()}
    hidden = cells_to_hide(cells)
    if hidden is None:
        return Verborgen()
    return {key: SUPPRESSED if key in hidden else value for key, value in cells.items()}


def _hide_all(section, breakdown, cells):
    hidden = Verborgen({key: SUPPRESSED for key in cells})
    hidden.update({key: SUPPRESSED for key in FIXED_KEYS.get((section, breakdown), ())})
    return hidden


def _walk(value, path):
    """Rule 1 over everything that is not named in NOT_COUNTS (safe default for new keys)."""
    if any(path[: len(skip)] == skip for skip in NOT_COUNTS):
        return value
    if isinstance(value, dict):
        return {key: _walk(item, (*path, key)) for key, item in value.items()}
    return suppress_count(value)


def _breakdowns(exact, shown):
    """Rule 2 for every total and its breakdowns."""
    for (section, total), names in TOTALS.items():
        if section not in exact or not isinstance(exact[section], dict):
            continue
        breakdowns = {name: exact[section][name] for name in names if isinstance(exact[section].get(name), dict)}
        total_shown = total in shown[section] and not is_suppressed(shown[section][total])
        result = {name: suppress_breakdown(cells, total_shown=total_shown) for name, cells in breakdowns.items()}
        if not total_shown or any(isinstance(cells, Verborgen) for cells in result.values()):
            # The total is hidden (or has to be): then nothing of its breakdowns is shown, zeros included,
            # and none of them can give the total back as the sum of its cells.
            if total in shown[section]:
                shown[section][total] = SUPPRESSED if exact[section][total] else 0
            if shown[section].get(total) == 0:
                continue  # nothing there: every cell is 0
            result = {name: _hide_all(section, name, cells) for name, cells in breakdowns.items()}
        shown[section].update(result)


def suppress(figures: dict) -> dict:
    """The figures for display: counts 1-4 as "<5", with secondary suppression and small-n medians."""
    exact = copy.deepcopy(figures)
    shown = _walk(exact, ())
    _breakdowns(exact, shown)

    # Rule 3: a median over fewer than 5 meldingen. Without the number it was taken over, hide it.
    aantallen = exact.get("doorlooptijden_aantal", {})
    for key, median in exact.get("doorlooptijden", {}).items():
        n = aantallen.get(key)
        if median is not None and not (isinstance(n, int) and n >= THRESHOLD):
            shown["doorlooptijden"][key] = SUPPRESSED

    # Rule 4: amounts that go with a hidden count.
    escalaties = exact.get("escalaties", {})
    if "maatwerkbudget_totaal" in escalaties and is_small(escalaties.get("doorbraken")):
        shown["escalaties"]["maatwerkbudget_totaal"] = SUPPRESSED
    budget = exact.get("budget", {})
    if budget.get("per_casus") is not None and is_suppressed(shown["budget"].get("casussen_in_behandeling")):
        shown["budget"]["per_casus"] = SUPPRESSED
    if budget.get("per_persoon") is not None and is_suppressed(shown["budget"].get("personen_in_casussen", SUPPRESSED)):
        shown["budget"]["per_persoon"] = SUPPRESSED

    shown["onderdrukt"] = True
    return shown
