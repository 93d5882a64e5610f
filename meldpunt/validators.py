from datetime import date

from django.core.exceptions import ValidationError


def is_valid_bsn(value):
    """The elfproef: 9 digits, 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 divisible by 11 (and not all zeros)."""
    if not isinstance(value, str) or len(value) != 9 or not value.isdigit() or value == "000000000":
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:8], range(9, 1, -1), strict=True))
    total -= int(value[8])
    return total % 11 == 0


def validate_bsn(value):
    if not is_valid_bsn(value):
        raise ValidationError("Dit is geen geldig BSN: het moet uit 9 cijfers bestaan en de elfproef doorstaan.")


# What a BSN field takes as typed or pasted: 9 digits with dots, spaces or dashes between them ("1234.56.782",
# "123 456 782"); normalise_bsn keeps the digits, is_valid_bsn then checks them.
BSN_INVOER_MAX = 14
BSN_SCHEIDING = " .-"


def normalise_bsn(value):
    """Accept '1234.56.782' or ' 123456782 ' as typed; keep digits only."""
    return "".join(ch for ch in (value or "") if ch in "0123456789")


def working_days_between(start: date, end: date) -> int:
    """Working days (Monday to Friday) after `start` up to and including `end`."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    weekday = start.weekday()
    for i in range(1, rest + 1):
        if (weekday + i) % 7 < 5:
            count += 1
    return count


# An expected child (seed 002: "van -9 maanden tot 100+"): its date is the expected birth date, at most this many
# days ahead (a pregnancy lasts about 40 weeks; a melding comes after it is known).
VERWACHT_MAX_DAGEN_VOORUIT = 300


def geboortedatum_probleem(day: date | None, *, verwacht: bool = False, vandaag: date | None = None) -> str | None:
    """Why `day` is no date of birth, as a Dutch sentence, or None. The one rule for the intake form, the
    services (Persoon.clean) and the import: a born person's date is not in the future; an expected child's
    (verwacht) is its expected date, at most VERWACHT_MAX_DAGEN_VOORUIT days ahead."""
    from datetime import timedelta

    from django.utils import timezone

    if day is None:
        return "Geef de uitgerekende datum van het verwachte kind." if verwacht else None
    vandaag = vandaag or timezone.localdate()
    if verwacht:
        if day > vandaag + timedelta(days=VERWACHT_MAX_DAGEN_VOORUIT):
            return "De uitgerekende datum ligt meer dan tien maanden in de toekomst."
        return None
    if day > vandaag:
        return "De geboortedatum ligt in de toekomst. Gaat het om een verwacht kind? Vink dan 'verwacht kind' aan."
    return None
