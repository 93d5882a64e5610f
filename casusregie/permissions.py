"""Who may hold a per-casus grant, and granting and revoking it. Called only by casusregie.services (assign,
add, transfer, close, expiry) and the import.

Every change is written to CasusToegang, so the dossier shows who got or lost access, when and why.
"""

from django.core.exceptions import ValidationError
from guardian.shortcuts import assign_perm, remove_perm

from bzt.models import User
from bzt.notifications import gebeurd

from .models import CasusToegang

# The one definition of who may hold a per-casus grant (CONTRACT.md: only accounts whose role is casus work).
# A role is casus work when its group carries this permission (bzt/roles.py: the casusregisseur). Used by the
# pickers, grant() below, the services, the import, the data migration 0006 and the 2FA check.
CASUSWERK = "casusregie.werken_als_regisseur"

REGISSEUR = ("view_casus", "change_casus", "escaleren_casus", "beheren_betrokkenen")
LEZEN = ("view_casus",)
LEZEN_EN_SCHRIJVEN = ("view_casus", "change_casus")

LABELS = {
    "view_casus": "lezen",
    "change_casus": "wijzigen",
    "escaleren_casus": "opschalen",
    "beheren_betrokkenen": "betrokkenen beheren",
}


def met_casuswerkrol(user_model=User):
    """Ids of the users whose role (a group) is casus work, as a subquery (also with a migration's models)."""
    codename = CASUSWERK.split(".")[1]  # defined by casusregie only
    return user_model.groups.through.objects.filter(group__permissions__codename=codename).values("user_id")


def casuswerkers():
    """The active accounts that may hold a per-casus grant."""
    return User.objects.filter(is_active=True, pk__in=met_casuswerkrol())


def mag_casusrecht_houden(user):
    """Whether `user` may hold a per-casus grant (one query). A superuser is an operator, not casus work."""
    return bool(user and user.pk and user.is_active) and casuswerkers().filter(pk=user.pk).exists()


def houdt_casusrecht(user):
    """Whether `user` holds any per-casus grant (one query; group grants on a casus are never made)."""
    from .models import CasusUserObjectPermission

    return CasusUserObjectPermission.objects.filter(user=user).exists()


def _describe(perms):
    return ", ".join(LABELS[p] for p in perms)


def grant(casus, user, perms, *, door, reden):
    """The only place a per-casus permission is given: refused for anyone whose role is not casus work."""
    if not mag_casusrecht_houden(user):
        raise ValidationError(
            f"{user} kan geen toegang tot een casus krijgen: alleen medewerkers met casuswerk "
            "(casusregisseurs) werken in casussen."
        )
    for perm in perms:
        assign_perm(f"casusregie.{perm}", user, casus)
    CasusToegang.objects.create(
        casus=casus, gebruiker=user, actie=CasusToegang.Actie.VERLEEND, rechten=_describe(perms), reden=reden, door=door
    )
    gebeurd("casusregie.toegang.verleend", casus, door=door, gebruiker=user, perms=tuple(perms))


def revoke(casus, user, perms, *, door, reden):
    for perm in perms:
        remove_perm(f"casusregie.{perm}", user, casus)
    CasusToegang.objects.create(
        casus=casus,
        gebruiker=user,
        actie=CasusToegang.Actie.INGETROKKEN,
        rechten=_describe(perms),
        reden=reden,
        door=door,
    )
    gebeurd("casusregie.toegang.ingetrokken", casus, door=door, gebruiker=user, perms=tuple(perms), reden=reden)
