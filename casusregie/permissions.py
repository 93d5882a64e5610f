"""Who may hold a per-casus grant, and granting and revoking it. Called only by casusregie.services (assign,
add, transfer, close, expiry, expert questions) and the import.

CONTRACT.md: "Only accounts whose role is casus work (casusregisseur; and, per casus, expert-team members
answering a question) can hold a per-casus grant": a role with CASUSWERK may hold a grant on any casus; a member
of an active expert team may hold read access on a casus only while a question about it to their team is open
(`expertvraag_open`).

Every change is written to CasusToegang, so the dossier shows who got or lost access, when and why.
"""

from django.core.exceptions import ValidationError
from guardian.shortcuts import assign_perm, remove_perm

from bzt.models import User
from bzt.notifications import gebeurd

from .models import Casus, CasusToegang, ExpertVraag

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


def mag_casusrecht_houden(user, casus=None):
    """Whether `user` may hold a per-casus grant (one query): through a casus-work role, or (for `casus`) as a
    member of an expert team with an open question about it. A superuser is an operator, not casus work."""
    if not (user and user.pk and user.is_active):
        return False
    if casuswerkers().filter(pk=user.pk).exists():
        return True
    return casus is not None and expertvraag_open(user, casus)


def open_expertvragen(user):
    """The open questions, of open casussen, to an active expert team `user` is a member of."""
    return ExpertVraag.objects.filter(status=ExpertVraag.Status.OPEN, team__actief=True, team__leden=user).exclude(
        casus__status=Casus.Status.AFGESLOTEN
    )


def expertvraag_open(user, casus):
    """The reason for an expert member's read access to `casus`: an open question to their team about it."""
    return open_expertvragen(user).filter(casus=casus).exists()


def is_expertteamlid(user):
    """A member of an active expert team: may get read access to a casus at any moment, so needs 2FA."""
    return bool(user and user.pk) and user.expertteams.filter(actief=True).exists()


def houdt_casusrecht(user):
    """Whether `user` holds any per-casus grant (one query; group grants on a casus are never made), or may get
    one at any moment as a member of an active expert team: both need the second factor (bzt.auth)."""
    from .models import CasusUserObjectPermission

    return CasusUserObjectPermission.objects.filter(user=user).exists() or is_expertteamlid(user)


def _describe(perms):
    return ", ".join(LABELS[p] for p in perms)


def grant(casus, user, perms, *, door, reden):
    """The only place a per-casus permission is given: refused for anyone whose role is not casus work, except
    read access for a member of an expert team with an open question about this casus."""
    expert = set(perms) <= set(LEZEN) and mag_casusrecht_houden(user, casus)
    if not (expert or mag_casusrecht_houden(user)):
        raise ValidationError(
            f"{user} kan geen toegang tot een casus krijgen: alleen medewerkers met casuswerk "
            "(casusregisseurs) en, zolang hun vraag open staat, leden van een expertteam werken in casussen."
        )
    for perm in perms:
        assign_perm(f"casusregie.{perm}", user, casus)
    CasusToegang.objects.create(
        casus=casus, gebruiker=user, actie=CasusToegang.Actie.VERLEEND, rechten=_describe(perms), reden=reden, door=door
    )
    gebeurd("casusregie.toegang.verleend", casus, door=door, gebruiker=user, perms=tuple(perms), reden=reden)


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
