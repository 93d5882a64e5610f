"""Dutch number, money and date formats for the jaarmonitor (PDF, preview, charts): 1.234 · € 12.345,00 ·
14 maart 2025. Independent of the active locale, so a Celery worker writes the same as the web server."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation
from django.utils.formats import date_format

from .suppression import SUPPRESSED

EMPTY = "—"


def _group(digits: str) -> str:
    """'1234567' -> '1.234.567'."""
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return ".".join(groups)


def _decimal(value, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    number = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    return sign + _group(whole) + ("," + fraction if places else "")


def aantal(value) -> str:
    """A count or other number: 1.234, 12,5; "<5" stays; None is a dash."""
    if value is None or value == "":
        return EMPTY
    if value == SUPPRESSED or isinstance(value, str):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        return _decimal(value, 1)
    return _decimal(int(value), 0)


def bedrag(value) -> str:
    """€ 12.345,00 (with a non-breaking space); "<5" stays; None is a dash."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, str):
        return value
    return "€\u00a0" + _decimal(value, 2)


def bedrag_invoer(value) -> str:
    """12.345,67: an amount as typed in a form field."""
    return _decimal(value, 2)


def bedrag_kort(value) -> str:
    """€ 12.345 (whole euros), for chart labels."""
    if value is None or isinstance(value, str):
        return aantal(value)
    return "€\u00a0" + _decimal(value, 0)


def dagen(value) -> str:
    """A median number of days: "12 dagen", "12,5 dagen", "1 dag"; "<5" and None as they are."""
    if value is None or isinstance(value, str):
        return aantal(value)
    return f"{aantal(value)} {'dag' if value == 1 else 'dagen'}"


def verschil(nu, vorig) -> str:
    """The change from last year, "+12" / "−3" / "0"; a dash when either is hidden or missing."""
    if not isinstance(nu, int) or not isinstance(vorig, int) or isinstance(nu, bool):
        return EMPTY
    change = nu - vorig
    if change > 0:
        return "+" + aantal(change)
    if change < 0:
        return "\u2212" + aantal(-change)
    return "0"


def datum(value) -> str:
    """14 maart 2025."""
    with translation.override("nl"):
        return date_format(value, "j F Y")
