"""Rules on input of casusregie that the forms and the services share, each defined once."""

import re

from django.core.exceptions import ValidationError

NOODTOEGANG_MIN_TEKENS = 20
NOODTOEGANG_MIN_WOORDEN = 4
_WOORD = re.compile(r"[^\W\d_]{2,}")  # two or more letters (any alphabet), no digits


def noodtoegang_reden(reden: str) -> str:
    """The reason for emergency access names the client's situation in words, so the procesmanager and the privacy
    officer can judge it: at least NOODTOEGANG_MIN_WOORDEN different words of two or more letters and
    NOODTOEGANG_MIN_TEKENS characters ("xxxxxxxxxxxxxxxxxxxx" or "a a a a a a a a a a" is no reason).
    Returns the reason stripped."""
    reden = (reden or "").strip()
    woorden = {woord.lower() for woord in _WOORD.findall(reden)}
    if len(reden) < NOODTOEGANG_MIN_TEKENS or len(woorden) < NOODTOEGANG_MIN_WOORDEN:
        raise ValidationError(
            "Beschrijf in woorden de situatie van de cliënt en waarom toegang nu nodig is (ten minste "
            f"{NOODTOEGANG_MIN_WOORDEN} verschillende woorden en {NOODTOEGANG_MIN_TEKENS} tekens).",
            code="noodtoegang_reden",
        )
    return reden
