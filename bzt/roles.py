"""The roles of CONTRACT.md (the seven of the chain, partner_melder) plus the privacy officer and the higher
escalation levels (burgemeester, regionale mandaatcommissie), as Django groups, and the permissions each role bundles.

Code checks permissions (`user.has_perm("meldpunt.triageren_melding")`), never group names; this table
is the one place where a role is tied to what it may do. Case permissions are never given per model
(that would show every case): casus access is per object, granted by the casusregie services.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    group: str
    label: str
    permissions: tuple[str, ...]
    # Belongs to one gemeente (User.gemeente, required) and sees only that gemeente's escalations and figures
    # (CONTRACT.md § Region); the other roles serve the whole region.
    gemeentegebonden: bool = False


ROLES = (
    Role(
        "meldpunt",
        "Meldpunt",
        (
            "meldpunt.add_melding",
            "meldpunt.view_melding",
            "meldpunt.change_melding",
            "meldpunt.view_persoon",
            "meldpunt.change_persoon",
            "meldpunt.triageren_melding",
            "meldpunt.zien_melder",
            "meldpunt.koppelen_persoon",
        ),
    ),
    Role("casusregisseur", "Casusregisseur", ("casusregie.werken_als_regisseur",)),
    Role(
        "procesmanager",
        "Procesmanager",
        (
            "meldpunt.view_melding",
            "meldpunt.view_persoon",
            "meldpunt.zien_melder",
            "mdo.voorzitten_mdo",
            "casusregie.zien_alle_casussen",
            "casusregie.behandelen_escalatie",
            "casusregie.beoordelen_noodtoegang",
            "bzt.zien_inzagelog",
        ),
    ),
    Role(
        "coordinerend_ambtenaar", "Coördinerend ambtenaar", ("casusregie.behandelen_escalatie",), gemeentegebonden=True
    ),
    Role("wethouder", "Wethouder", ("casusregie.behandelen_escalatie",), gemeentegebonden=True),
    # The higher levels of the AVE ladder (casusregie/reference.py LADDER): like the wethouder, they see only
    # the escalations waiting at their level and only what those need. The regionale mandaatcommissie's group
    # holds the accounts that record the committee's answer (its secretary, e.g. the manager of the
    # Veiligheidshuis); the committee itself meets outside BZT.
    Role("burgemeester", "Burgemeester", ("casusregie.behandelen_escalatie",), gemeentegebonden=True),
    Role("regionale_mandaatcommissie", "Regionale mandaatcommissie", ("casusregie.behandelen_escalatie",)),
    Role("beleidsambtenaar", "Beleidsambtenaar", ("monitor.zien_jaarmonitor",), gemeentegebonden=True),
    Role("functioneel_beheer", "Functioneel beheer", ("bzt.beheren_gebruikers",)),
    # The privacy officer / FG answers AVG requests and audits access: the access log, and the AVG requests
    # (avg/). No case content otherwise: a client's data is assembled only as the export of a registered inzage
    # request, reviewed before release, every look at it logged with grond avg_verzoek (docs/avg.md).
    Role("privacy_officer", "Privacy officer / FG", ("bzt.zien_inzagelog", "avg.behandelen_avgverzoek")),
    # A professional of a partner organisation (police, housing corporation, GP, Veilig Thuis, CJG) files
    # meldingen without the meldpunt's person search and sees only the status of their own organisation's
    # meldingen (partners app, docs/api.md). No view permission on any case model.
    Role("partner_melder", "Partnermelder", ("meldpunt.indienen_melding",)),
)

ROLES_BY_GROUP = {role.group: role for role in ROLES}
GEMEENTEGEBONDEN = frozenset(role.group for role in ROLES if role.gemeentegebonden)


def gemeente_scope(user):
    """The gemeente id a gemeente-bound user is limited to (CONTRACT.md § Region), or None for a user who serves
    the region. A gemeente-bound account without a gemeente (made before the region) works for the installation's
    own gemeente; an anonymous user gets 0, which matches nothing. Cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return 0
    if not hasattr(user, "_bzt_gemeente_scope"):
        gebonden = user.groups.filter(name__in=GEMEENTEGEBONDEN).exists()
        if not gebonden:
            user._bzt_gemeente_scope = None
        else:
            from .gemeenten import eigen_gemeente

            user._bzt_gemeente_scope = user.gemeente_id or getattr(eigen_gemeente(), "pk", 0)
    return user._bzt_gemeente_scope


def role_of(user):
    """The BZT role of a user (the first BZT group they are in), or None."""
    for group in user.groups.all():
        if group.name in ROLES_BY_GROUP:
            return ROLES_BY_GROUP[group.name]
    return None


def sync_role_permissions(sender=None, **kwargs):
    """Give every role group exactly the permissions of ROLES that exist so far.

    Runs after every migrate, so a permission defined by an app added later reaches its roles.
    """
    from django.contrib.auth.models import Group, Permission

    using = kwargs.get("using", "default")
    for role in ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=role.group)
        wanted = []
        for dotted in role.permissions:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.using(using).filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                wanted.append(perm)
        group.permissions.set(wanted)
    ensure_system_user(using)


def ensure_system_user(using="default"):
    """The account scheduled jobs act as (also made by migration 0002; a test flush removes it).

    Created with bulk_create: it is the first actor, so nobody can be recorded as creating it.
    """
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    User = get_user_model()
    if not User.objects.using(using).filter(username=settings.BZT_SYSTEEM_GEBRUIKER).exists():
        User.objects.using(using).bulk_create(
            [
                User(
                    username=settings.BZT_SYSTEEM_GEBRUIKER,
                    first_name="Systeem",
                    last_name="(geplande taak)",
                    is_active=False,
                    password=make_password(None),
                )
            ]
        )
