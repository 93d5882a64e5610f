"""Grant and revoke per-casus permissions. Called only by casusregie.services (assign, add, transfer, close).

Every change is written to CasusToegang, so the dossier shows who got or lost access, when and why.
"""

from guardian.shortcuts import assign_perm, remove_perm

from .models import CasusToegang

REGISSEUR = ("view_casus", "change_casus", "escaleren_casus", "beheren_betrokkenen")
LEZEN = ("view_casus",)
LEZEN_EN_SCHRIJVEN = ("view_casus", "change_casus")

LABELS = {
    "view_casus": "lezen",
    "change_casus": "wijzigen",
    "escaleren_casus": "opschalen",
    "beheren_betrokkenen": "betrokkenen beheren",
}


def _describe(perms):
    return ", ".join(LABELS[p] for p in perms)


def grant(casus, user, perms, *, door, reden):
    for perm in perms:
        assign_perm(f"casusregie.{perm}", user, casus)
    CasusToegang.objects.create(
        casus=casus, gebruiker=user, actie=CasusToegang.Actie.VERLEEND, rechten=_describe(perms), reden=reden, door=door
    )


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
