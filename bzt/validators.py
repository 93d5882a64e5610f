"""Rules on input shared by every app and by the import, each defined once."""

from datetime import date, datetime

from django.db import models
from django.utils import timezone

EERSTE_DATUM = date(1900, 1, 1)
MAX_JAREN_VOORUIT = 10


def datum_probleem(day: date, *, toekomst: bool = False, vandaag: date | None = None) -> str | None:
    """Why `day` is no date a person can mean, as the end of a Dutch sentence ("ligt vóór 1900"), or None.

    Never before 1900 (0001-01-01 even breaks the conversion to a moment in time); after today only where the
    field looks ahead (`toekomst`: a deadline, an MDO), and then at most MAX_JAREN_VOORUIT years.
    """
    vandaag = vandaag or timezone.localdate()
    if day < EERSTE_DATUM:
        return f"ligt vóór {EERSTE_DATUM.year}"
    if day > vandaag and not toekomst:
        return "ligt in de toekomst"
    if toekomst and day.year > vandaag.year + MAX_JAREN_VOORUIT:
        return f"ligt meer dan {MAX_JAREN_VOORUIT} jaar in de toekomst"
    return None


def onmogelijke_datums(instance) -> dict[str, str]:
    """The date fields of a model instance that hold no date a person can mean, with the reason.

    The last line of defence under every path (service, import, job, a future API): forms and the import apply
    datum_probleem with the field's own sense of the future first; here only what no field may ever hold —
    before 1900 (0001-01-01 cannot even be turned into a moment in time) or more than MAX_JAREN_VOORUIT years
    ahead."""
    vandaag = timezone.localdate()
    problemen = {}
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.DateField):  # DateTimeField is a DateField too
            continue
        value = getattr(instance, field.attname)
        if value is None:
            continue
        day = value.date() if isinstance(value, datetime) else value  # a day either way is no matter at these bounds
        probleem = datum_probleem(day, toekomst=True, vandaag=vandaag)
        if probleem:
            problemen[field.name] = f"{field.verbose_name.capitalize()} {probleem}."
    return problemen


class MinimumLengteValidator:
    """Django's MinimumLengthValidator with its message in Dutch (Django's Dutch catalogue misses the plural form
    for 12, so the message came out in English on the first-password page)."""

    def __init__(self, min_length=12):
        self.min_length = min_length

    def validate(self, password, user=None):
        from django.core.exceptions import ValidationError

        if len(password) < self.min_length:
            raise ValidationError(
                f"Dit wachtwoord is te kort: gebruik minstens {self.min_length} tekens.", code="password_too_short"
            )

    def get_help_text(self):
        return f"Uw wachtwoord moet minstens {self.min_length} tekens bevatten."
