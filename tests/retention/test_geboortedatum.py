"""The replacement birth date keeps the age in whole years on every melding date, and nothing more."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keten.retention import add_months, age_on, vervangende_geboortedatum


@pytest.mark.parametrize(
    ("born", "dates", "expected"),
    [
        # One melding: the latest birth date with the same age is "birthday on the melding date".
        (date(2007, 3, 10), [date(2025, 3, 10)], date(2007, 3, 10)),  # 18 on the day itself
        (date(2007, 3, 11), [date(2025, 3, 10)], date(2008, 3, 10)),  # 17 on the day (18 tomorrow)
        (date(1970, 5, 1), [date(2025, 3, 14)], date(1971, 3, 14)),  # 54 on 14-3-2025
        # Two meldingen narrow the interval: 54 on 14-3-2025 and 55 on 1-7-2025 → born 15-3-1970 .. 1-7-1970.
        (date(1970, 5, 1), [date(2025, 3, 14), date(2025, 7, 1)], date(1970, 7, 1)),
        (date(1970, 5, 1), [date(2025, 4, 30), date(2025, 5, 1)], date(1970, 5, 1)),  # the real one is the only one
        # 29 February: born on it, or a melding on it.
        (date(2016, 2, 29), [date(2021, 6, 1)], date(2016, 6, 1)),
        (date(2016, 2, 29), [date(2021, 2, 28), date(2021, 3, 1)], date(2016, 3, 1)),  # 4, then 5
        (date(1990, 2, 28), [date(2024, 2, 29)], date(1990, 2, 28)),  # (1990, 2, 29) does not exist
        (date(1990, 3, 1), [date(2024, 2, 29)], date(1991, 2, 28)),
        # A birth date after a melding (a child born later): age -1 stays -1.
        (date(2020, 6, 1), [date(2020, 1, 1), date(2021, 1, 1)], date(2021, 1, 1)),
    ],
)
def test_replacement_keeps_the_age_on_every_melding_date(born, dates, expected):
    result = vervangende_geboortedatum(born, dates)
    assert result == expected
    for m in dates:
        assert age_on(result, m) == age_on(born, m), m


def test_without_birth_date_or_meldingen():
    assert vervangende_geboortedatum(None, [date(2025, 1, 1)]) is None
    assert vervangende_geboortedatum(date(1970, 5, 1), []) == date(1970, 1, 1)


days = st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31))


@given(born=days, dates=st.lists(days, min_size=1, max_size=6))
def test_property_same_ages_depends_only_on_the_ages(born, dates):
    result = vervangende_geboortedatum(born, dates)
    assert all(age_on(result, m) == age_on(born, m) for m in dates)
    assert result >= born
    # Any birth date with the same ages gives the same replacement: it reveals the ages and nothing else.
    assert vervangende_geboortedatum(result, dates) == result
    earlier = born - timedelta(days=1)
    if all(age_on(earlier, m) == age_on(born, m) for m in dates):
        assert vervangende_geboortedatum(earlier, dates) == result


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2021, 1, 31), 1, date(2021, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2020, 2, 29), 12, date(2021, 2, 28)),
        (date(2020, 2, 29), 48, date(2024, 2, 29)),
        (date(2021, 11, 12), 60, date(2026, 11, 12)),
        (date(2024, 12, 31), -24, date(2022, 12, 31)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected
