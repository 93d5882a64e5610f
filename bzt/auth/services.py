"""Two-factor authentication (TOTP): who needs it, enrolling, verifying and resetting.

Every write on a device runs as a named user (bzt.audit): the user themselves when enrolling or verifying,
the acting operator or `systeem` when resetting, `door` when seeding demo devices.
"""

import base64
import binascii
import math
from collections.abc import Callable
from dataclasses import dataclass

import django_otp
import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_totp.models import TOTPDevice

from bzt.audit import acting_as
from bzt.hooks import Hook

# Whoever holds one of these permissions can see personal data (names, BSN, addresses, case content; the
# access log names clients and the professionals who read about them). Besides these, whoever holds a
# per-casus grant (tweestaps_verplicht).
PERSOONSGEGEVENS_PERMISSIES = (
    "meldpunt.view_melding",
    "casusregie.werken_als_regisseur",  # casus work (casusregie.permissions.CASUSWERK): may hold a per-casus grant
    "casusregie.zien_alle_casussen",
    "casusregie.behandelen_escalatie",
    "bzt.zien_inzagelog",
    "meldpunt.indienen_melding",  # a partner's professional types a household's names, BSN and address (issue 19)
)
# Who manages accounts can make or take over an account that sees personal data (a new account's first-login
# link, a second-factor reset): that account passes the second factor too (docs/beheer.md).
ACCOUNTBEHEER_PERMISSIES = ("bzt.beheren_gebruikers",)
APPARAAT_NAAM = "Authenticator-app"
DEMO_APPARAAT_NAAM = "Demo-authenticator (DEMO_TOTP_SECRET)"
# Set in the session when an OIDC login with OIDC_MFA_TRUSTED counts as the second factor.
MFA_EXTERN_SESSION_KEY = "bzt_mfa_extern"
# Set by bzt.auth.oidc on the user it returns when the ID token of that login says MFA was done.
MFA_OIDC_ATTRIBUUT = "bzt_oidc_mfa"


@dataclass(frozen=True)
class Objectrechten:
    """Per-object grants that a domain app gives (casusregie: a grant on one casus). The app registers them in
    OBJECTRECHTEN from its AppConfig.ready(), so this shared base imports no domain app. Whoever holds such a
    grant needs the second factor; a role change to a role without `rolpermissie` revokes them (bzt.services)."""

    rolpermissie: str  # a role with this permission may hold the grants
    houdt: Callable  # houdt(user) -> bool: holds any such grant
    mag_houden: Callable  # mag_houden(user) -> bool: may hold one
    intrekken: Callable  # intrekken(*, door, gebruiker, reden): revoke them all


OBJECTRECHTEN = Hook("objectrechten")


def objectrechten_registreren(objectrechten: Objectrechten):
    """Called from AppConfig.ready(). A role that may hold a grant must itself need 2FA."""
    if objectrechten.rolpermissie not in PERSOONSGEGEVENS_PERMISSIES:
        raise ImproperlyConfigured(f"{objectrechten.rolpermissie} ontbreekt in PERSOONSGEGEVENS_PERMISSIES.")
    OBJECTRECHTEN.register(objectrechten)


class TweestapsFout(Exception):
    """A code that was refused, with the Dutch message for the user."""


def tweestaps_verplicht(user):
    """True for accounts that can see personal data, that manage accounts, and superusers: they must use a
    second factor.

    Decided from the role's permissions (which include the one that lets a role hold a per-casus grant) and,
    so that no grant ever opens a casus after only a password, from holding any per-casus grant at all."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or any(user.has_perm(perm) for perm in PERSOONSGEGEVENS_PERMISSIES + ACCOUNTBEHEER_PERMISSIES):
        return True
    return any(objectrechten.houdt(user) for objectrechten in OBJECTRECHTEN)


def is_geverifieerd(request):
    """This session passed the second factor (a TOTP code, or a trusted municipal login)."""
    user = request.user
    if getattr(user, "is_verified", None) and user.is_verified():
        return True
    return bool(settings.BZT_OIDC and settings.OIDC_MFA_TRUSTED and request.session.get(MFA_EXTERN_SESSION_KEY))


def bevestigd_apparaat(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("-pk").first()


def base32_sleutel(apparaat):
    """The secret as authenticator apps expect it when typed in: base32 in groups of four."""
    sleutel = base64.b32encode(apparaat.bin_key).decode().rstrip("=")
    return " ".join(sleutel[i : i + 4] for i in range(0, len(sleutel), 4))


def hex_sleutel(base32):
    """A base32 secret (as in DEMO_TOTP_SECRET) as the hex key TOTPDevice stores."""
    cleaned = base32.replace(" ", "").upper()
    cleaned += "=" * (-len(cleaned) % 8)
    try:
        return base64.b32decode(cleaned).hex()
    except binascii.Error as error:
        raise ValueError(f"Geen geldige base32-sleutel: {base32!r}") from error


def qr_data_uri(apparaat):
    """The otpauth:// URL as an SVG QR code in a data: URI (the CSP allows img-src data:, no inline SVG styles)."""
    return segno.make(apparaat.config_url, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


@transaction.atomic
def apparaat_voor_instellen(*, gebruiker):
    """The unconfirmed device being enrolled (made once; shown again on reload until it is confirmed)."""
    apparaat = TOTPDevice.objects.filter(user=gebruiker, confirmed=False).order_by("-pk").first()
    if apparaat is None:
        with acting_as(gebruiker, reason="tweestapsverificatie instellen"):
            apparaat = TOTPDevice.objects.create(user=gebruiker, name=APPARAAT_NAAM, confirmed=False)
    return apparaat


def _weigering(apparaat):
    allowed, info = apparaat.verify_is_allowed()
    if allowed:
        return None
    if info and info.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS and info.get("locked_until"):
        seconden = max(1, math.ceil((info["locked_until"] - timezone.now()).total_seconds()))
        wacht = "1 seconde" if seconden == 1 else f"{seconden} seconden"
        return f"Te veel onjuiste codes achter elkaar. Wacht {wacht} en probeer het opnieuw."
    return "Controleren is nu niet mogelijk. Probeer het later opnieuw."


ONJUISTE_CODE = "De code is onjuist of verlopen. Voer de code in die uw authenticator-app nu toont."


def _inloggen_met(request, apparaat):
    """Mark this session as verified by `apparaat`, with a new session key (the session gained rights)."""
    django_otp.login(request, apparaat)
    request.session.cycle_key()


def code_controleren(*, request, apparaat, code):
    """The second step of logging in. Raises TweestapsFout with the reason when the code is refused."""
    gebruiker = request.user
    with transaction.atomic(), acting_as(gebruiker, reason="tweestapsverificatie"):
        # Locked again inside the transaction, so two parallel tries cannot both pass the throttle.
        apparaat = TOTPDevice.objects.select_for_update().get(pk=apparaat.pk, user=gebruiker, confirmed=True)
        weigering = _weigering(apparaat)
        # A wrong code is saved too (the throttle counts it); the transaction must not roll that back.
        geldig = weigering is None and apparaat.verify_token(code)
    if weigering:
        raise TweestapsFout(weigering)
    if not geldig:
        raise TweestapsFout(ONJUISTE_CODE)
    _inloggen_met(request, apparaat)
    return apparaat


def apparaat_bevestigen(*, request, apparaat, code):
    """Finish enrolling: the code proves the app has the secret. Replaces any earlier device of the user."""
    gebruiker = request.user
    with transaction.atomic(), acting_as(gebruiker, reason="tweestapsverificatie ingesteld"):
        apparaat = TOTPDevice.objects.select_for_update().get(pk=apparaat.pk, user=gebruiker, confirmed=False)
        weigering = _weigering(apparaat)
        geldig = weigering is None and apparaat.verify_token(code)
        if geldig:
            apparaat.confirmed = True
            apparaat.save(update_fields=["confirmed"])
            for ouder in TOTPDevice.objects.filter(user=gebruiker).exclude(pk=apparaat.pk):
                ouder.delete()
    if weigering:
        raise TweestapsFout(weigering)
    if not geldig:
        raise TweestapsFout(ONJUISTE_CODE)
    _inloggen_met(request, apparaat)
    return apparaat


@transaction.atomic
def tweestaps_herstellen(*, door, gebruiker, reden="tweestapsverificatie hersteld"):
    """Remove every device of `gebruiker` (lost phone): at the next login they enrol again.

    Returns the number of devices removed. Sessions verified with a removed device lose that status at once.
    """
    count = 0
    with acting_as(door, reason=reden):
        for apparaat in TOTPDevice.objects.filter(user=gebruiker):
            apparaat.delete()
            count += 1
    return count


@dataclass(frozen=True)
class DemoCode:
    code: str
    seconden_geldig: int


def demo_apparaat_inrichten(*, door, gebruiker, secret=None):
    """A confirmed device with the public demo secret (seed_demo only). Idempotent; returns the device."""
    key = hex_sleutel(secret or settings.DEMO_TOTP_SECRET)
    apparaat = TOTPDevice.objects.filter(user=gebruiker, name=DEMO_APPARAAT_NAAM).first()
    with acting_as(door, reason="seed_demo"):
        if apparaat is None:
            apparaat = TOTPDevice.objects.create(user=gebruiker, name=DEMO_APPARAAT_NAAM, key=key, confirmed=True)
        elif apparaat.key != key or not apparaat.confirmed:
            apparaat.key, apparaat.confirmed = key, True
            apparaat.save(update_fields=["key", "confirmed"])
    return apparaat


def demo_code(secret=None, now=None):
    """The current code for the demo secret, and how many seconds it stays valid."""
    from django_otp.oath import TOTP

    totp = TOTP(bytes.fromhex(hex_sleutel(secret or settings.DEMO_TOTP_SECRET)))
    if now is not None:
        totp.time = now
    geldig = totp.step - (int(totp.time) - totp.t0) % totp.step
    return DemoCode(code=f"{totp.token():0{totp.digits}d}", seconden_geldig=geldig)


@transaction.atomic
def oidc_subject_koppelen(*, door, gebruiker, subject):
    """Bind the account to the identity provider's `sub` (at its first OIDC login); from then on only that
    subject logs in to it. False when another subject was bound first (two logins at once)."""
    vergrendeld = type(gebruiker).objects.select_for_update().get(pk=gebruiker.pk)
    if vergrendeld.oidc_subject is not None:
        return vergrendeld.oidc_subject == subject
    with acting_as(door, reason="gemeentelijk account gekoppeld"):
        gebruiker.oidc_subject = subject
        gebruiker.save(update_fields=["oidc_subject"])
    return True


@transaction.atomic
def oidc_koppeling_opheffen(*, door, gebruiker, reden):
    """Undo the binding (the municipality made a new account for this person): the next OIDC login binds again."""
    with acting_as(door, reason=reden):
        gebruiker.oidc_subject = None
        gebruiker.save(update_fields=["oidc_subject"])
