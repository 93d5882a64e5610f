import pytest

from tests.a11y import serious_violations

pytestmark = [pytest.mark.browser]


def test_axe_really_runs_and_finds_a_violation(page, db):
    """Guard against a silently passing accessibility check: a nameless button is reported."""
    page.goto("/inloggen/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<button></button>')")
    assert any(v.startswith("button-name") for v in serious_violations(page))
