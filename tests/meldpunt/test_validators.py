from datetime import date

import pytest

from meldpunt.validators import is_valid_bsn, normalise_bsn, working_days_between


@pytest.mark.parametrize("bsn", ["123456782", "111222333", "999996356"])
def test_valid_bsns_pass_the_elfproef(bsn):
    assert is_valid_bsn(bsn)


@pytest.mark.parametrize("bsn", ["123456789", "12345678", "1234567890", "abcdefghi", "000000000", ""])
def test_invalid_bsns_fail(bsn):
    assert not is_valid_bsn(bsn)


def test_bsn_as_typed_is_normalised():
    assert normalise_bsn(" 1234.56.782 ") == "123456782"


def test_working_days_skip_the_weekend():
    friday = date(2025, 3, 14)
    assert working_days_between(friday, date(2025, 3, 17)) == 1  # Monday
    assert working_days_between(friday, date(2025, 3, 21)) == 5
    assert working_days_between(friday, friday) == 0
