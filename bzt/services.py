"""Writes on users and organisations. Each function acts as `door` (the acting user)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .audit import acting_as
from .auth.services import OBJECTRECHTEN
from .models import Organisatie, User


@transaction.atomic
def organisatie_opslaan(
    *, door, naam, soort=Organisatie.Soort.ZORG, convenantpartner=True, expertise=(), convenant_getekend_op=None
):
    values = {
        "soort": soort,
        "convenantpartner": convenantpartner,
        "expertise": list(expertise),
        "convenant_getekend_op": convenant_getekend_op,
    }
    with acting_as(door):
        organisatie, created = Organisatie.objects.get_or_create(naam=naam, defaults=values)
        if not created and any(getattr(organisatie, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(organisatie, key, value)
            organisatie.save()
    return organisatie


@transaction.atomic
def gebruiker_opslaan(
    *, door, username, organisatie, rol, first_name="", last_name="", email="", password=None, gemeente=None
):
    """Create or update an account in one role and one organisation; an unchanged account is not saved. A
    gemeente-bound role gets `gemeente` (default: the installation's own), the other roles none."""
    from .gemeenten import eigen_gemeente
    from .roles import GEMEENTEGEBONDEN

    gemeente = (gemeente or eigen_gemeente()) if rol in GEMEENTEGEBONDEN else None
    with acting_as(door):
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "last_name": last_name, "email": email, "organisatie": organisatie},
        )
        wanted = {
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "organisatie": organisatie,
            "gemeente": gemeente,
            "is_active": True,
        }
        changed = created or any(getattr(user, key) != value for key, value in wanted.items())
        for key, value in wanted.items():
            setattr(user, key, value)
        if password is not None and (created or not user.check_password(password)):
            user.set_password(password)
            changed = True
        if changed:
            user.save()
        group = Group.objects.get(name=rol)
        if list(user.groups.all()) != [group]:
            user.groups.set([group])
            _objectrechten_na_rolwijziging(door, user, group)
    return user


def _objectrechten_na_rolwijziging(door, user, group):
    """Only roles whose work is a casus hold per-casus grants: a new role without it loses them."""
    for objectrechten in OBJECTRECHTEN:
        if objectrechten.houdt(user) and not objectrechten.mag_houden(user):
            objectrechten.intrekken(door=door, gebruiker=user, reden=f"rol gewijzigd in {group.name}")


@transaction.atomic
def gebruiker_deactiveren(*, door, gebruiker, reden):
    """Block an account. Accounts are never deleted: the audit history points at them."""
    with acting_as(door, reason=reden):
        gebruiker.is_active = False
        gebruiker.save(update_fields=["is_active"])


def inactive_accounts(now=None):
    """Active personal accounts not used for BZT_INACTIEF_NA_DAGEN days (BIO 9.2.1)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.BZT_INACTIEF_NA_DAGEN)
    return (
        User.objects.filter(is_active=True, is_superuser=False)
        .exclude(username=settings.BZT_SYSTEEM_GEBRUIKER)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        # Reactivated by functioneel beheer (bzt.beheer): counts from the reactivation.
        .filter(Q(heractiveerd_op__isnull=True) | Q(heractiveerd_op__lt=cutoff))
    )


def inactieve_accounts_blokkeren(*, door, now=None):
    """Block every inactive account; returns how many were blocked."""
    count = 0
    for gebruiker in inactive_accounts(now):
        gebruiker_deactiveren(
            door=door,
            gebruiker=gebruiker,
            reden=f"automatisch geblokkeerd: {settings.BZT_INACTIEF_NA_DAGEN} dagen niet gebruikt",
        )
        count += 1
    return count
