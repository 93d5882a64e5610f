"""Rules on input shared by every app and by the import, each defined once."""

from datetime import date

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
