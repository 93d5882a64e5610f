"""Who is told what: the one table of notifications (docs/notificaties.md).

Each row: what happened (the name `bzt.notifications.gebeurd` was called with: every state change of every
workflow table, every grant or revocation of casus access, a new melding, a doorbraak), to whom it goes, its
text (a casus or melding number, never a person) and its link. Whatever the row says, a notification reaches
only someone who may open what it links to (`zichtbaar`, through the same permission-filtered selectors as the
screens), and never the person who did it. Things that become due (an action, access that ends, nazorg) are
found once a day by `attenties_berekenen`, with a key so each is told once.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from bzt.models import User
from bzt.notifications import notificeren
from casusregie import permissions
from casusregie.models import Casus, CasusBetrokkene, Escalatie, Nazorg, Plan, PlanActie
from casusregie.selectors import casussen_for, escalaties_for
from casusregie.services import open_casus_van_huishouden
from casusregie.workflow import handles, is_nazorger
from meldpunt.selectors import meldingen_for


def _casus_zichtbaar(user, casus):
    return casussen_for(user).filter(pk=casus.pk).exists()


def _escalatie_zichtbaar(user, escalatie):
    return escalaties_for(user).filter(pk=escalatie.pk).exists()


def _melding_zichtbaar(user, melding):
    return meldingen_for(user).filter(pk=melding.pk).exists()


def _dossier(casus):
    return reverse("casusregie:dossier", args=[casus.pk])


@dataclass(frozen=True)
class Regel:
    soort: str
    ontvangers: Callable  # (onderwerp, details) -> users
    tekst: str  # formatted with nummer=
    onderwerp: Callable  # obj -> the casus, escalation or melding it is about (its number, link and visibility)
    link: Callable
    zichtbaar: Callable
    als: Callable = lambda obj, details: True


def _casusregel(soort, ontvangers, tekst, casus=lambda obj: obj, als=lambda obj, details: True):
    return Regel(soort, ontvangers, tekst, casus, lambda c: _dossier(c), _casus_zichtbaar, als)


def _escalatieregel(soort, ontvangers, tekst, escalatie=lambda obj: obj):
    return Regel(
        soort,
        ontvangers,
        tekst,
        escalatie,
        lambda e: reverse("casusregie:escalatie", args=[e.pk]),
        _escalatie_zichtbaar,
    )


def _regisseur_en_starter(escalatie, details):
    return [escalatie.gestart_door, escalatie.casus.casusregisseur]


def _behandelaars(escalatie):
    """Who handles the level now: of the escalation's gemeente for a gemeente-bound level (`handles`)."""
    return [
        u for u in User.objects.filter(is_active=True, groups=escalatie.niveau.behandelaars_id) if handles(u, escalatie)
    ]


def _open_escalatie(casus):
    return casus.escalaties.filter(status=Escalatie.Status.OPEN).order_by("-pk").first()


def _is_regisseursrecht(obj, details):
    return set(details.get("perms", ())) >= set(permissions.REGISSEUR)


def _is_expertvraag(obj, details):
    return "(expertvraag " in details.get("reden", "")  # casusregie.services._expert_reden


TABEL = {
    "casusregie.toegang.verleend": [
        _casusregel(
            "casus_toegewezen",
            lambda casus, d: [d["gebruiker"]],
            "Casus {nummer} is aan u toegewezen als casusregisseur.",
            als=_is_regisseursrecht,
        ),
        _casusregel(
            "betrokken",
            lambda casus, d: [d["gebruiker"]],
            "U bent als professional betrokken bij casus {nummer}.",
            als=lambda obj, d: not _is_regisseursrecht(obj, d) and not _is_expertvraag(obj, d),
        ),
        _casusregel(
            "expertvraag",
            lambda casus, d: [d["gebruiker"]],
            "Er is een vraag aan uw expertteam over casus {nummer}; u kunt de casus lezen tot de vraag beantwoord is.",
            als=_is_expertvraag,
        ),
    ],
    "casusregie.escalatie.beantwoorden": [
        _escalatieregel(
            "escalatie_antwoord", _regisseur_en_starter, "Er is een antwoord op uw escalatie in casus {nummer}."
        )
    ],
    "casusregie.escalatie.doorbraak": [
        _escalatieregel(
            "escalatie_antwoord",
            _regisseur_en_starter,
            "Er is een doorbraak besloten op uw escalatie in casus {nummer}.",
        )
    ],
    "casusregie.escalatie.deescaleren": [
        _escalatieregel(
            "escalatie_gesloten", _regisseur_en_starter, "De escalatie in casus {nummer} is gesloten (gedeëscaleerd)."
        )
    ],
    "casusregie.escalatie.opschalen": [
        _escalatieregel(
            "escalatie_nieuw", lambda e, d: _behandelaars(e), "Er is een escalatie op uw niveau: casus {nummer}."
        ),
        _escalatieregel(
            "escalatie_opgeschaald", _regisseur_en_starter, "Uw escalatie in casus {nummer} is verder opgeschaald."
        ),
    ],
    "casusregie.casus.escaleren": [
        _escalatieregel(
            "escalatie_nieuw",
            lambda e, d: _behandelaars(e),
            "Er is een escalatie op uw niveau: casus {nummer}.",
            escalatie=_open_escalatie,
        )
    ],
    "casusregie.plan.vaststellen": [
        _casusregel(
            "plan_vastgesteld",
            lambda casus, d: [casus.casusregisseur],
            "Het plan van aanpak van casus {nummer} is vastgesteld.",
            casus=lambda plan: plan.casus,
        )
    ],
    "casusregie.plan.terugsturen": [
        _casusregel(
            "plan_teruggestuurd",
            lambda casus, d: [casus.casusregisseur],
            "Het plan van aanpak van casus {nummer} is teruggestuurd: pas het aan en dien het opnieuw in.",
            casus=lambda plan: plan.casus,
        )
    ],
    "bzt.user.tweestaps_hersteld": [
        Regel(
            "tweestaps_hersteld",
            lambda gebruiker, d: [gebruiker],
            "Functioneel beheer heeft de tweestapsverificatie van uw account hersteld: stel bij de volgende "
            "inlog opnieuw een authenticator-app in. Was dit niet op uw verzoek? Neem direct contact op met "
            "functioneel beheer.",
            lambda gebruiker: gebruiker,
            lambda gebruiker: reverse("tweestaps_overzicht"),
            lambda user, gebruiker: user.pk == gebruiker.pk,
        )
    ],
    "meldpunt.melding.toewijzen": [
        Regel(
            "mdo_besluit_melding",
            lambda melding, d: [melding.geregistreerd_door],
            "Het MDO heeft over melding {nummer} besloten: er is een casusregisseur. Koppel terug aan de melder.",
            lambda melding: melding,
            lambda melding: reverse("meldpunt:melding", args=[melding.pk]),
            _melding_zichtbaar,
        )
    ],
    **{
        naam: [
            _casusregel(
                "melding_bij_casus",
                lambda casus, d: [casus.casusregisseur],
                "Er is een melding over het huishouden toegevoegd aan casus {nummer}.",
                casus=lambda melding: melding.bij_casus.casus,
            )
        ]
        + (
            [
                Regel(
                    "mdo_besluit_melding",
                    lambda melding, d: [melding.geregistreerd_door],
                    "Het MDO heeft over melding {nummer} besloten: toegevoegd aan de open casus van het huishouden. "
                    "Koppel terug aan de melder.",
                    lambda melding: melding,
                    lambda melding: reverse("meldpunt:melding", args=[melding.pk]),
                    _melding_zichtbaar,
                )
            ]
            if ".mdo_" in naam
            else []
        )
        for naam in ("meldpunt.melding.bij_casus_voegen", "meldpunt.melding.mdo_bij_casus_voegen")
    },
    "meldpunt.melding.mdo_verwijzen": [
        Regel(
            "mdo_besluit_melding",
            lambda melding, d: [melding.geregistreerd_door],
            "Het MDO heeft over melding {nummer} besloten: verwezen naar reguliere zorg. Koppel terug aan de melder.",
            lambda melding: melding,
            lambda melding: reverse("meldpunt:melding", args=[melding.pk]),
            _melding_zichtbaar,
        )
    ],
}


def _nieuwe_melding_in_huishouden(melding, door):
    """A new melding about a household with an open casus: its casusregisseur is told who else is asking (the
    number of the casus only; the melding itself is the meldpunt's)."""
    casus = open_casus_van_huishouden(melding)
    if casus is None or casus.melding_id == melding.pk:
        return
    regel = _casusregel(
        "nieuwe_melding_huishouden",
        lambda c, d: [c.casusregisseur],
        "Er is een nieuwe melding binnengekomen over het huishouden van casus {nummer}.",
    )
    _toepassen(regel, casus, door, {})


def _toepassen(regel, obj, door, details, *, sleutel="", **velden):
    if not regel.als(obj, details):
        return 0
    onderwerp = regel.onderwerp(obj)
    if onderwerp is None:
        return 0
    ontvangers = [
        u
        for u in regel.ontvangers(onderwerp, details)
        if u is not None and u.pk != getattr(door, "pk", None) and regel.zichtbaar(u, onderwerp)
    ]
    if not ontvangers:
        return 0
    nummer = getattr(onderwerp, "nummer", None) or getattr(getattr(onderwerp, "casus", None), "nummer", "")
    tekst = regel.tekst.format(nummer=nummer, **velden)
    return len(notificeren(ontvangers, soort=regel.soort, tekst=tekst, link=regel.link(onderwerp), sleutel=sleutel))


# --- what becomes due: found once a day, each told once (its key) --------------------------------------------

ACTIE_BIJNA = 2  # days before an action's deadline
TOEGANG_BIJNA = 7  # days before access ends

ACTIE_TERMIJN = _casusregel(
    "actie_termijn",
    lambda casus, d: [casus.casusregisseur],
    "Een actie in het plan van casus {nummer} {wanneer} (uiterlijk {datum:%d-%m-%Y}).",
    casus=lambda actie: actie.plan.casus,
)
BETROKKENHEID_EINDIGT = _casusregel(
    "toegang_eindigt",
    lambda casus, d: [d["gebruiker"]],
    "Uw betrokkenheid bij casus {nummer} eindigt op {datum:%d-%m-%Y}.",
    casus=lambda betrokkene: betrokkene.casus,
)
NAZORG_DUE = Regel(
    "nazorg",
    lambda nazorg, d: (
        [nazorg.regisseur]
        if permissions.mag_casusrecht_houden(nazorg.regisseur)
        else User.objects.filter(is_active=True, groups__permissions__codename="zien_alle_casussen").distinct()
    ),
    "Nazorg voor casus {nummer}: vraag na hoe het gaat en leg de uitkomst vast.",
    lambda nazorg: nazorg,
    lambda nazorg: reverse("home"),  # the task and its form are on the start page
    is_nazorger,  # the one the task is for, and no one else (casusregie.workflow)
)
LEESRECHT_EINDIGT = _casusregel(
    "toegang_eindigt",
    lambda casus, d: [casus.casusregisseur],
    "Uw leesrecht op de afgesloten casus {nummer} eindigt op {datum:%d-%m-%Y}.",
)


def attenties_berekenen(vandaag=None) -> int:
    """Actions due or overdue (to the casusregisseur) and access about to end (to its holder). Idempotent."""
    vandaag = vandaag or timezone.localdate()
    aantal = 0
    acties = (
        PlanActie.objects.filter(
            status__in=[PlanActie.Status.OPEN, PlanActie.Status.LOOPT],
            deadline__lte=vandaag + timedelta(days=ACTIE_BIJNA),
            plan__status=Plan.Status.VASTGESTELD,
        )
        .exclude(plan__casus__status=Casus.Status.AFGESLOTEN)
        .select_related("plan__casus__casusregisseur")
    )
    for actie in acties:
        verlopen = actie.deadline < vandaag
        aantal += _toepassen(
            ACTIE_TERMIJN,
            actie,
            None,
            {},
            sleutel=f"actie-{actie.pk}-{'verlopen' if verlopen else 'bijna'}",
            wanneer="is verlopen" if verlopen else "verloopt bijna",
            datum=actie.deadline,
        )
    eindigend = CasusBetrokkene.objects.filter(
        beeindigd_op__isnull=True, einddatum__gte=vandaag, einddatum__lte=vandaag + timedelta(days=TOEGANG_BIJNA)
    ).select_related("casus", "professional")
    for betrokkene in eindigend:
        aantal += _toepassen(
            BETROKKENHEID_EINDIGT,
            betrokkene,
            None,
            {"gebruiker": betrokkene.professional},
            sleutel=f"betrokkenheid-{betrokkene.pk}-{betrokkene.einddatum}",
            datum=betrokkene.einddatum,
        )
    gesloten = Casus.objects.filter(
        status=Casus.Status.AFGESLOTEN,
        leesrecht_regisseur_tot__gte=vandaag,
        leesrecht_regisseur_tot__lte=vandaag + timedelta(days=TOEGANG_BIJNA),
    ).select_related("casusregisseur")
    for casus in gesloten:
        aantal += _toepassen(
            LEESRECHT_EINDIGT,
            casus,
            None,
            {},
            sleutel=f"leesrecht-{casus.pk}-{casus.leesrecht_regisseur_tot}",
            datum=casus.leesrecht_regisseur_tot,
        )
    for nazorg in Nazorg.objects.filter(status=Nazorg.Status.OPEN, op__lte=vandaag).select_related(
        "casus", "regisseur"
    ):
        aantal += _toepassen(NAZORG_DUE, nazorg, None, {}, sleutel=f"nazorg-{nazorg.pk}")
    return aantal


def verwerken(naam, obj, door, details):
    """Registered on bzt.notifications.GEBEURD: the rows of TABEL for `naam`."""
    if naam == "meldpunt.melding.geregistreerd":
        _nieuwe_melding_in_huishouden(obj, door)
        return
    for regel in TABEL.get(naam, ()):
        _toepassen(regel, obj, door, details)
