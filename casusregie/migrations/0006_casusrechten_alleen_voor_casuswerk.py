"""Remove per-casus grants held by accounts whose role is not casus work (issue 12, finding 1).

Before this, a betrokken professional could be any account with a role (beleid, beheer, privacy officer,
wethouder ...), and those accounts logged in without a second factor. Each such grant is removed: an active
betrokkenheid is ended, the object permissions are deleted and the dossier's access history (CasusToegang)
records the revocation and why, done by the `systeem` account. The rule itself is in casusregie.permissions.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

from casusregie.permissions import CASUSWERK, LABELS, met_casuswerkrol

REDEN = "ingetrokken: de rol van dit account werkt niet in casussen (alleen casuswerk krijgt casustoegang)"


def onterechte_casusrechten_intrekken(apps, schema_editor):
    """Idempotent; with the live app registry it can be called directly (tests)."""
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("bzt", "User")
    Recht = apps.get_model("casusregie", "CasusUserObjectPermission")
    Betrokkene = apps.get_model("casusregie", "CasusBetrokkene")
    HistorischeBetrokkene = apps.get_model("casusregie", "HistoricalCasusBetrokkene")
    Toegang = apps.get_model("casusregie", "CasusToegang")

    if not Group.objects.filter(permissions__codename=CASUSWERK.split(".")[1]).exists():
        return  # the roles have no permissions yet (a new database): there are no grants to judge either
    onterecht = Recht.objects.exclude(user__in=met_casuswerkrol(User))
    paren = {}
    for casus_id, user_id, codename in onterecht.values_list("content_object_id", "user_id", "permission__codename"):
        paren.setdefault((casus_id, user_id), []).append(codename)
    if not paren:
        return
    systeem = User.objects.get(username=settings.BZT_SYSTEEM_GEBRUIKER)
    nu = timezone.now()
    for (casus_id, user_id), codenames in sorted(paren.items()):
        for betrokkene in Betrokkene.objects.filter(casus_id=casus_id, professional_id=user_id, beeindigd_op=None):
            # update(): no model signals, so the one history row is the one written here, naming systeem
            Betrokkene.objects.filter(pk=betrokkene.pk).update(beeindigd_op=nu)
            betrokkene.beeindigd_op = nu
            HistorischeBetrokkene.objects.create(
                **{f.attname: getattr(betrokkene, f.attname) for f in Betrokkene._meta.concrete_fields},
                history_date=nu,
                history_type="~",
                history_user_id=systeem.pk,
                history_change_reason=REDEN[:100],
            )
        Toegang.objects.create(
            casus_id=casus_id,
            gebruiker_id=user_id,
            actie="ingetrokken",
            rechten=", ".join(LABELS.get(c, c) for c in sorted(codenames)),
            reden=REDEN,
            door_id=systeem.pk,
            op=nu,
        )
    onterecht.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("casusregie", "0005_doorlooptijdenstand"),
        ("bzt", "0004_inzageregel"),
    ]

    operations = [migrations.RunPython(onterechte_casusrechten_intrekken, migrations.RunPython.noop)]
