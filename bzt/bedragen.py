"""Money the Dutch way, one place for every screen and file: shown as € 4.800,00, typed as 4.800 or 4.800,50.

Hand-written rather than babel or Django's l10n: the result must not depend on the active locale (a Celery
worker writes the same PDF as the web server), and babel's parse_decimal reads "1250.50" (a dot as decimal
point, as people also type) as 125050 in nl_NL, which would silently multiply an amount by a hundred."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

LEEG = "—"


def groeperen(digits: str) -> str:
    """'1234567' -> '1.234.567'."""
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return ".".join(groups)


def getal(value, places: int) -> str:
    """A number with thousands dots and `places` decimals after a comma: 4.800,00."""
    quantum = Decimal(1).scaleb(-places)
    number = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    return sign + groeperen(whole) + ("," + fraction if places else "")


def bedrag(value) -> str:
    """€ 12.345,00 (with a non-breaking space); a text ("<5") stays as it is; None is a dash."""
    if value is None or value == "":
        return LEEG
    if isinstance(value, str):
        return value
    return "€\u00a0" + getal(value, 2)


def bedrag_invoer(value) -> str:
    """12.345,67: an amount as put back in a form field."""
    return getal(value, 2)


def parse_bedrag(text):
    """A Dutch amount: "12.345,67", "12345,67", "€ 1.250", "4.800", "1250.50" -> Decimal; None when unreadable."""
    text = (text or "").replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
    if not text:
        return None
    if "," in text:
        if not re.fullmatch(r"-?(\d{1,3}(\.\d{3})+|\d+),\d*", text):
            return None
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")  # 4.800 is four thousand eight hundred, not 4,8
    if not re.fullmatch(r"-?\d+(\.\d+)?\.?", text):
        return None
    try:
        return Decimal(text.rstrip("."))
    except InvalidOperation:
        return None
