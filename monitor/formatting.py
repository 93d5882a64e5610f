"""Dutch number, money and date formats for the jaarmonitor (PDF, preview, charts): 1.234 · € 12.345,00 ·
14 maart 2025. Independent of the active locale, so a Celery worker writes the same as the web server."""

from django.utils import translation
from django.utils.formats import date_format

from bzt.bedragen import LEEG as EMPTY
from bzt.bedragen import bedrag, bedrag_invoer, getal

from .suppression import SUPPRESSED

# bedrag and bedrag_invoer: the one money format of the product (bzt.bedragen), re-exported for the reports.
__all__ = ["aantal", "bedrag", "bedrag_invoer", "bedrag_kort", "dagen", "datum", "verschil"]


def aantal(value) -> str:
    """A count or other number: 1.234, 12,5; "<5" stays; None is a dash."""
    if value is None or value == "":
        return EMPTY
    if value == SUPPRESSED or isinstance(value, str):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        return getal(value, 1)
    return getal(int(value), 0)


def bedrag_kort(value) -> str:
    """€ 12.345 (whole euros), for chart labels."""
    if value is None or isinstance(value, str):
        return aantal(value)
    return "€\u00a0" + getal(value, 0)


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
