"""Small-number suppression (monitor.suppression): unit tests on hand-made figures."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.suppression import SUPPRESSED, suppress, suppress_breakdown, suppress_count


def figures(**changes):
    """A complete figures dict (the shape of monitor.figures.compute_with_comparison) with safe numbers."""
    base = {
        "jaar": 2025,
        "meldingen": {
            "totaal": 40,
            "per_aanmeldroute": {"oggz": 20, "woonoverlast": 20},
            "per_melder_type": {"professional": 30, "burger": 10},
            "per_maand": {"01": 20, "02": 20},
            "overlast": 12,
            "gezinnen": 9,
        },
        "triage": {
            "totaal": 30,
            "per_besluit": {"mdo": 20, "regulier": 10},
            "doelgroep_3_uit_8": 20,
            "per_leefgebied": {"verslaving": 15, "schulden": 12},
            "ggsr": 6,
        },
        "personen": {
            "uniek": 50,
            "per_geslacht": {"man": 25, "vrouw": 25},
            "per_leeftijd": {"30-44": 30, "45-64": 20},
            "per_inkomen": {"uitkering": 50},
            "per_wijk": {"Voorstad": 30, "onbekend": 20},
        },
        "casussen": {
            "nieuw": 20,
            "per_organisatie": {"Dimence": 10, "Tactus Verslavingszorg": 10},
            "afgesloten": 10,
            "afsluitredenen": {"doel_bereikt": 10},
            "open_einde_jaar": 15,
            "caseload_einde_jaar": {"Dimence": 8, "Tactus Verslavingszorg": 7},
        },
        "escalaties": {
            "totaal": 10,
            "per_niveau": {"procesmanager": 5, "wethouder": 5},
            "doorbraken": 6,
            "maatwerkbudget_totaal": 6000.0,
        },
        "doorlooptijden": {
            "melding_tot_triage": 3,
            "triage_tot_mdo": 7.5,
            "mdo_tot_plan": 2,
            "melding_tot_afsluiting": None,
        },
        "doorlooptijden_aantal": {
            "melding_tot_triage": 30,
            "triage_tot_mdo": 20,
            "mdo_tot_plan": 12,
            "melding_tot_afsluiting": 0,
        },
        "wachtlijsten": {"totaal": 0, "per_organisatie": {}},
        "budget": {
            "totaal": 100000.0,
            "per_categorie": {"casusregie": 100000.0},
            "per_subsidie": {"OGGZ": 60000.0, "Zwerfjongeren": 40000.0},
            "per_aanmeldroute": {"oggz": 60000.0, "zwerfjongeren": 40000.0},
            "per_organisatie": {"Dimence": 60000.0},
            "casussen_in_behandeling": 25,
            "personen_in_casussen": 50,
            "per_casus": 4000.0,
            "per_persoon": 2000.0,
        },
        "vorig_jaar": {
            "jaar": 2024,
            "meldingen_totaal": 35,
            "triage_totaal": 25,
            "doelgroep_3_uit_8": 15,
            "personen_uniek": 40,
            "casussen_nieuw": 15,
            "casussen_afgesloten": 8,
            "escalaties": 7,
        },
    }
    for dotted, value in changes.items():
        section, key = dotted.split("__")
        base[section][key] = value
    return base


@pytest.mark.parametrize("value", [1, 2, 3, 4])
def test_counts_of_1_to_4_are_suppressed(value):
    assert suppress_count(value) == SUPPRESSED


@pytest.mark.parametrize("value", [0, 5, 6, 1234, None, 2.5, True])
def test_zero_and_5_or_more_and_non_counts_are_shown(value):
    assert suppress_count(value) == value


def test_safe_figures_come_out_unchanged():
    exact = figures()
    shown = suppress(exact)
    assert shown.pop("onderdrukt") is True
    assert shown == exact


def test_suppress_does_not_change_its_input():
    exact = figures(meldingen__overlast=3)
    before = copy.deepcopy(exact)
    suppress(exact)
    assert exact == before


def test_every_kind_of_count_is_suppressed_in_every_section():
    exact = figures(
        meldingen__overlast=1,
        meldingen__gezinnen=4,
        triage__ggsr=2,
        casussen__afgesloten=3,
        budget__casussen_in_behandeling=4,
        vorig_jaar__casussen_afgesloten=2,
        escalaties__doorbraken=1,
    )
    shown = suppress(exact)
    assert shown["meldingen"]["overlast"] == SUPPRESSED
    assert shown["meldingen"]["gezinnen"] == SUPPRESSED
    assert shown["triage"]["ggsr"] == SUPPRESSED
    assert shown["casussen"]["afgesloten"] == SUPPRESSED
    assert shown["budget"]["casussen_in_behandeling"] == SUPPRESSED
    assert shown["vorig_jaar"]["casussen_afgesloten"] == SUPPRESSED
    assert shown["escalaties"]["doorbraken"] == SUPPRESSED
    # Years are not counts.
    assert shown["jaar"] == 2025 and shown["vorig_jaar"]["jaar"] == 2024


def test_a_new_count_nobody_told_suppression_about_is_suppressed_too():
    exact = figures()
    exact["nieuw_onderwerp"] = {"iets": 3, "ander": {"a": 2, "b": 10}}
    shown = suppress(exact)
    assert shown["nieuw_onderwerp"] == {"iets": SUPPRESSED, "ander": {"a": SUPPRESSED, "b": 10}}


def test_one_suppressed_cell_next_to_a_shown_total_takes_the_smallest_other_cell_with_it():
    # 40 = 30 + 7 + 3: without secondary suppression anoniem = 40 - 30 - 7 = 3.
    shown = suppress(figures(meldingen__per_melder_type={"professional": 30, "burger": 7, "anoniem": 3}))
    assert shown["meldingen"]["totaal"] == 40
    assert shown["meldingen"]["per_melder_type"] == {"professional": 30, "burger": SUPPRESSED, "anoniem": SUPPRESSED}


def test_secondary_suppression_skips_zero_cells():
    cells = {"a": 0, "b": 2, "c": 9, "d": 20}
    assert suppress_breakdown(cells, total_shown=True) == {"a": 0, "b": SUPPRESSED, "c": SUPPRESSED, "d": 20}


def test_two_suppressed_cells_need_no_secondary_suppression():
    cells = {"a": 2, "b": 3, "c": 9, "d": 20}
    assert suppress_breakdown(cells, total_shown=True) == {"a": SUPPRESSED, "b": SUPPRESSED, "c": 9, "d": 20}


def test_without_a_shown_total_only_primary_suppression_applies():
    cells = {"a": 2, "b": 9, "c": 20}
    assert suppress_breakdown(cells, total_shown=False) == {"a": SUPPRESSED, "b": 9, "c": 20}
    # per_leefgebied does not add up to a total (a melding scores on several): primary only.
    shown = suppress(figures(triage__per_leefgebied={"verslaving": 15, "schulden": 2, "dakloos": 9}))
    assert shown["triage"]["per_leefgebied"] == {"verslaving": 15, "schulden": SUPPRESSED, "dakloos": 9}


@pytest.mark.parametrize(
    ("breakdown", "total"),
    [
        ("meldingen__per_aanmeldroute", "meldingen__totaal"),
        ("meldingen__per_maand", "meldingen__totaal"),
        ("triage__per_besluit", "triage__totaal"),
        ("personen__per_wijk", "personen__uniek"),
        ("personen__per_leeftijd", "personen__uniek"),
        ("casussen__per_organisatie", "casussen__nieuw"),
        ("casussen__caseload_einde_jaar", "casussen__open_einde_jaar"),
        ("escalaties__per_niveau", "escalaties__totaal"),
        ("wachtlijsten__per_organisatie", "wachtlijsten__totaal"),
    ],
)
def test_every_breakdown_with_a_total_gets_secondary_suppression(breakdown, total):
    shown = suppress(figures(**{breakdown: {"x": 1, "y": 6, "z": 13}, total: 20}))
    section, key = breakdown.split("__")
    assert shown[section][key] == {"x": SUPPRESSED, "y": SUPPRESSED, "z": 13}


def test_a_small_total_hides_every_cell_of_its_breakdown():
    shown = suppress(figures(casussen__nieuw=3, casussen__per_organisatie={"Dimence": 2, "Iriszorg": 1}))
    assert shown["casussen"]["nieuw"] == SUPPRESSED
    assert shown["casussen"]["per_organisatie"] == {"Dimence": SUPPRESSED, "Iriszorg": SUPPRESSED}


def test_medians_over_fewer_than_5_meldingen_are_shown_as_less_than_5():
    exact = figures(
        doorlooptijden__mdo_tot_plan=40,
        doorlooptijden_aantal__mdo_tot_plan=4,
        doorlooptijden__triage_tot_mdo=12,
        doorlooptijden_aantal__triage_tot_mdo=5,
    )
    shown = suppress(exact)
    assert shown["doorlooptijden"]["mdo_tot_plan"] == SUPPRESSED
    assert shown["doorlooptijden_aantal"]["mdo_tot_plan"] == SUPPRESSED
    assert shown["doorlooptijden"]["triage_tot_mdo"] == 12
    # A median of 3 days over 30 meldingen is not a count: it stays.
    assert shown["doorlooptijden"]["melding_tot_triage"] == 3
    # No median (nothing to take it of) stays empty.
    assert shown["doorlooptijden"]["melding_tot_afsluiting"] is None


def test_a_median_without_its_number_of_meldingen_is_not_shown():
    exact = figures()
    del exact["doorlooptijden_aantal"]
    assert suppress(exact)["doorlooptijden"]["melding_tot_triage"] == SUPPRESSED


def test_money_that_goes_with_a_suppressed_count_is_suppressed_with_it():
    shown = suppress(
        figures(escalaties__doorbraken=1, escalaties__maatwerkbudget_totaal=2500.0, budget__casussen_in_behandeling=3)
    )
    assert shown["escalaties"]["maatwerkbudget_totaal"] == SUPPRESSED
    assert shown["budget"]["per_casus"] == SUPPRESSED
    assert shown["budget"]["per_persoon"] == 2000.0  # 50 personen in casussen
    assert shown["budget"]["totaal"] == 100000.0  # the municipality's own budget is not about a person
    assert shown["budget"]["per_subsidie"] == {"OGGZ": 60000.0, "Zwerfjongeren": 40000.0}  # money, not a count
    # per persoon divides over the persons in casussen: hidden with that count, whatever the persons reported
    shown = suppress(figures(budget__personen_in_casussen=2))
    assert shown["budget"]["personen_in_casussen"] == SUPPRESSED
    assert shown["budget"]["per_persoon"] == SUPPRESSED


def test_money_with_zero_or_many_is_shown():
    shown = suppress(figures(escalaties__doorbraken=0, escalaties__maatwerkbudget_totaal=0.0))
    assert shown["escalaties"]["maatwerkbudget_totaal"] == 0.0


def test_suppressing_twice_changes_nothing_more():
    once = suppress(figures(meldingen__per_melder_type={"professional": 33, "burger": 5, "anoniem": 2}))
    assert suppress(once) == once


# --- rule 2 in full (issue 12, finding 3): no hidden cell can be worked out ---------------------------------


def test_two_hidden_ones_next_to_a_shown_total_take_the_next_smallest_cell_with_them():
    # Hiding a and b only: 22 - 20 = 2 = 1 + 1, both exactly 1.
    assert suppress_breakdown({"a": 1, "b": 1, "c": 20}, total_shown=True) == {
        "a": SUPPRESSED,
        "b": SUPPRESSED,
        "c": SUPPRESSED,
    }
    # 1 + 4 = 5: two hidden cells that add up to 5 leave each of them open (1..4).
    shown = suppress_breakdown({"a": 1, "b": 4, "c": 20}, total_shown=True)
    assert shown == {"a": SUPPRESSED, "b": SUPPRESSED, "c": 20}


def test_five_hidden_ones_are_not_five_times_exactly_one():
    cells = {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 30, "g": 40}
    shown = suppress_breakdown(cells, total_shown=True)
    assert shown["f"] == SUPPRESSED and shown["g"] == 40


def _possible(hidden_count, hidden_sum, high):
    """The values a reader could think one hidden cell has: each hidden cell is 1..high and they add up to
    hidden_sum, so a value v is possible when the other cells can make up the rest (counted, not enumerated:
    enumerating high ** hidden_count assignments took minutes for six hidden cells)."""
    rest = hidden_count - 1
    return {v for v in range(1, high + 1) if rest <= hidden_sum - v <= rest * high}


breakdowns = st.dictionaries(
    st.sampled_from("abcdefgh"), st.one_of(st.integers(0, 6), st.integers(0, 40)), min_size=1, max_size=6
)


@settings(max_examples=400, deadline=None)
@given(cells=breakdowns)
def test_no_hidden_cell_of_any_breakdown_can_be_worked_out(cells):
    total = sum(cells.values())
    exact = figures(personen__uniek=total, personen__per_wijk=cells)
    shown = suppress(exact)
    cells_shown, total_shown = shown["personen"]["per_wijk"], shown["personen"]["uniek"]
    hidden = [key for key, value in cells_shown.items() if value == SUPPRESSED]
    visible = {key: value for key, value in cells_shown.items() if value != SUPPRESSED}
    # No visible cell is 1-4, and a visible cell is the exact value.
    assert all(value == 0 or value >= 5 for value in visible.values())
    assert all(cells[key] == value for key, value in visible.items())
    if total_shown == SUPPRESSED:
        # The total is hidden only when it is 1-4 or no choice of cells was safe; then nothing is shown,
        # not even which wijken occur, and no other breakdown of the personen gives the total back.
        assert cells_shown == {} or set(cells_shown.values()) == {SUPPRESSED}
        assert all(v == SUPPRESSED for v in shown["personen"]["per_geslacht"].values())
        return
    assert total_shown == total
    assert len(hidden) == 0 or len(hidden) >= 2
    if not hidden:
        return
    hidden_sum = total - sum(visible.values())
    assert hidden_sum >= 5
    assert all(cells[key] > 0 for key in hidden)  # zeros stay visible, so a reader knows hidden ones are >= 1
    # A reader who knows the total, the visible cells and the rule cannot pin any hidden cell down:
    # hidden cells are at most the smallest visible non-zero cell (the smallest are hidden first) ...
    high = min((v for v in visible.values() if v > 0), default=hidden_sum)
    assert len(_possible(len(hidden), hidden_sum, min(high, hidden_sum))) >= 2
    # ... and when the hidden cells are in fact all 1-4, also for a reader who takes "<5" literally.
    if all(cells[key] < 5 for key in hidden):
        assert len(_possible(len(hidden), hidden_sum, 4)) >= 2


def test_a_breakdown_that_cannot_be_made_safe_hides_its_total_and_every_breakdown_of_it():
    # 4 + 4 = 8 next to a total of 8: read literally ("<5" = at most 4) both are 4.
    shown = suppress(
        figures(
            personen__uniek=8,
            personen__per_wijk={"Voorstad": 4, "Keizerslanden": 4},
            personen__per_geslacht={"man": 8},
            personen__per_leeftijd={"30-44": 8},
            personen__per_inkomen={"werk": 8},
        )
    )
    p = shown["personen"]
    assert p["uniek"] == SUPPRESSED
    assert p["per_geslacht"] == {"man": SUPPRESSED, "vrouw": SUPPRESSED, "x": SUPPRESSED, "onbekend": SUPPRESSED}
    assert set(p["per_leeftijd"].values()) == {SUPPRESSED} and len(p["per_leeftijd"]) == 7
    assert set(p["per_wijk"].values()) == {SUPPRESSED}
    # the budget per persoon divides over the persons in casussen (50 here), not this hidden total
    assert shown["budget"]["per_persoon"] == 2000.0


def test_a_small_total_shows_no_zero_next_to_a_hidden_cell():
    # 3 men and nobody else: with zeros shown, "<5" men next to 0 women says "all of them are men".
    shown = suppress(
        figures(
            personen__uniek=3,
            personen__per_geslacht={"man": 3},
            personen__per_leeftijd={"30-44": 3},
            personen__per_inkomen={"werk": 3},
            personen__per_wijk={"Voorstad": 3},
        )
    )
    geslacht = shown["personen"]["per_geslacht"]
    assert geslacht["vrouw"] == SUPPRESSED and geslacht.get("x", 0) == SUPPRESSED
    # A breakdown of codes that occur (wijken): which wijk occurs is not shown either.
    assert shown["personen"]["per_wijk"].get("Voorstad") == SUPPRESSED
    assert shown["personen"]["per_wijk"].get("Elders", 0) == SUPPRESSED


def test_every_format_shows_the_same_hidden_cells():
    from monitor.report import export_rows

    exact = figures(meldingen__per_melder_type={"professional": 38, "burger": 1, "anoniem": 1})
    rows = {(s, k): v for s, k, v in export_rows(suppress(exact))}
    assert rows[("meldingen", "per_melder_type.burger")] == SUPPRESSED
    assert rows[("meldingen", "per_melder_type.anoniem")] == SUPPRESSED
    assert rows[("meldingen", "per_melder_type.professional")] == SUPPRESSED
    assert rows[("meldingen", "totaal")] == 40
