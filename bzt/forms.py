"""Form helpers shared by every app."""

from decimal import Decimal

from django import forms

from .bedragen import bedrag as bedrag_tekst
from .bedragen import bedrag_invoer, parse_bedrag
from .validators import datum_probleem


def apply_errors(form, error, aliases=None):
    """Show a service's ValidationError on the form: on the field it names, else above the form."""
    aliases = aliases or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            name = aliases.get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- fields and request parameters ------------------------------------------------------------------------

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
MAX_ID = 2**63 - 1  # the largest id the database holds (BigAutoField, PositiveBigIntegerField)
ZOEKTEKST_MAX = 100


class DatumField(forms.DateField):
    """Every date typed in a form: a plausible date (bzt.validators.datum_probleem). `toekomst=True` for a
    field that looks ahead (a deadline, a planned MDO)."""

    def __init__(self, *, toekomst=False, **kwargs):
        kwargs.setdefault("widget", DATE_WIDGET)
        super().__init__(**kwargs)
        self.toekomst = toekomst

    def validate(self, value):
        super().validate(value)
        probleem = value and datum_probleem(value, toekomst=self.toekomst)
        if probleem:
            raise forms.ValidationError(f"Deze datum {probleem}.", code="datum")


class IdField(forms.IntegerField):
    """The id of a record, typed or in a hidden field: a whole number the database can hold."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


def parse_int(value, *, minimum=1, maximum=MAX_ID):
    """A whole number from request data (ASCII digits only) within [minimum, maximum]; anything else None.

    For ids and counters read straight from request.GET/POST: a malformed value is "nothing chosen", never
    an exception (int("²") fails after "²".isdigit(), and 20 digits overflow the database)."""
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID))):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def zoektekst(params, name):
    """A search text from request.GET: stripped, without control characters (PostgreSQL refuses NUL in a
    query), at most ZOEKTEKST_MAX characters."""
    text = "".join(ch for ch in str(params.get(name, "")) if ch.isprintable())
    return text.strip()[:ZOEKTEKST_MAX]


class BedragField(forms.Field):
    """An amount in euros typed the Dutch way (4.800 · 4.800,50 · 4800); cleans to a Decimal with at most two
    decimals. `min_value`: the least amount allowed (the service checks its own range as well)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 30, "autocomplete": "off"})

    def __init__(self, *, min_value=None, **kwargs):
        super().__init__(**kwargs)
        self.min_value = min_value

    def to_python(self, value):
        value = str(value).strip() if value is not None else ""
        if value in self.empty_values:
            return None
        bedrag = parse_bedrag(value)
        if bedrag is None:
            raise forms.ValidationError("Vul een bedrag in euro's in, bijvoorbeeld 4.800 of 12.345,67.")
        if bedrag != bedrag.quantize(Decimal("0.01")):
            raise forms.ValidationError("Een bedrag heeft ten hoogste twee cijfers achter de komma.")
        if self.min_value is not None and bedrag < self.min_value:
            raise forms.ValidationError(f"Het bedrag mag niet kleiner zijn dan {bedrag_tekst(self.min_value)}.")
        return bedrag

    def prepare_value(self, value):
        return bedrag_invoer(value) if isinstance(value, Decimal | int) and not isinstance(value, bool) else value
