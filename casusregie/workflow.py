"""The state machines of casusregie, as data (DESIGN.md § The path of one melding): the casus, its plan
versions and its escalations, each changed only through bzt.workflow.transition.

Casus:  plan_in_opstelling → in_uitvoering ⇄ opgeschaald → afgesloten
        (a casus is made in plan_in_opstelling: the MDO assigns it with its first plan in draft; approving a plan
        puts it in uitvoering at once. `toegewezen` and `plan_vastgesteld` are no longer entered, one history
        record per step; rows written before keep moving from them.)
Plan:   concept ⇄ ingediend → vastgesteld → vervangen
Escalatie: open ⇄ beantwoord → gedeescaleerd (opschalen keeps it open, one level up)
ExpertVraag: open → beantwoord (by a member of the expert team asked; that ends their temporary read access)
Actie:  open | loopt → overgedragen (handed over to a named organisation; the other progress states are set by
        actie_status_wijzigen)
Nazorg: open → uitgevoerd (the former casusregisseur, or the procesmanager, records how it goes) → gemeld (when
        the outcome is "opnieuw melden": the meldpunt has registered the new melding)

Closing: `afsluiten` is the casusregisseur's own (not a betrokkene's with mag_wijzigen) and the service checks
that everything is arranged first; `afsluiten_door_procesmanager` closes a casus that cannot go on, with a reason.

Below the transitions: the states in which a casus and what belongs to it are still open for actions. Every
service of casusregie (and of the MDO, for a casus) locks the object it acts on through these before it writes.
"""

from django.db.models import Q

from bzt.roles import gemeente_scope
from bzt.workflow import OpenStates, Transition, Workflow

from .models import Casus, Escalatie, ExpertVraag, Nazorg, Plan, PlanActie, niveau_geldt

S, P, E, V, A, N = Casus.Status, Plan.Status, Escalatie.Status, ExpertVraag.Status, PlanActie.Status, Nazorg.Status
OPEN = {S.TOEGEWEZEN, S.PLAN_IN_OPSTELLING, S.PLAN_VASTGESTELD, S.IN_UITVOERING}
MDO = "mdo.voorzitten_mdo"
WIJZIGEN = "casusregie.change_casus"
BEHANDELEN = "casusregie.behandelen_escalatie"
NIET_BEHANDELAAR = "U behandelt deze escalatie niet."


def is_casusregisseur(user, casus):
    """The casusregisseur of the casus, with the regisseur's right to change it (a betrokkene may change the
    casus when granted, but does not close it)."""
    return casus.casusregisseur_id == user.pk and user.has_perm(WIJZIGEN, casus)


def is_nazorger(user, nazorg):
    """Whom the nazorg task is for: the former casusregisseur while active (and still a casusregisseur);
    without one, the procesmanager."""
    from .permissions import mag_casusrecht_houden

    if mag_casusrecht_houden(nazorg.regisseur):
        return user.pk == nazorg.regisseur_id
    return user.has_perm("casusregie.zien_alle_casussen")


def handles(user, escalatie):
    """Whether `user` handles escalations at the escalation's current level: in the level's group and, for a
    gemeente-bound role (wethouder, burgemeester, coördinator), of the escalation's gemeente — each gemeente has
    its own ladder (CONTRACT.md § Region) — and only while the level holds for that gemeente (a mandaatcommissie
    of Zutphen and Lochem never handles a Raalte escalation). The same rule as a filter: `behandeld_door`."""
    if not (user.has_perm(BEHANDELEN) and user.groups.filter(pk=escalatie.niveau.behandelaars_id).exists()):
        return False
    scope = gemeente_scope(user)
    if scope is not None and escalatie.gemeente_id != scope:
        return False
    return escalatie.niveau.geldt_voor_gemeente(escalatie.gemeente_id)


def behandeld_door(user, pad=""):
    """Q over Escalatie (or through `pad`, e.g. "escalatie__"): the escalations at a level `user` handles, of
    their gemeente when their role is gemeente-bound, at a level that holds for the escalation's gemeente
    (`handles`, as a filter)."""
    q = Q(**{f"{pad}niveau__behandelaars__user": user}) & niveau_geldt(pad)
    scope = gemeente_scope(user)
    return q if scope is None else q & Q(**{f"{pad}gemeente_id": scope})


def teamlid(user, vraag):
    """Whether `user` is a member of the (active) expert team the question was put to."""
    return bool(user.is_active and vraag.team.actief and vraag.team.leden.filter(pk=user.pk).exists())


# --- open for actions ---------------------------------------------------------------------------------------

CASUS = OpenStates("status", OPEN | {S.OPGESCHAALD}, "De casus is afgesloten; dit kan niet meer.")
PLAN = OpenStates(
    "status",
    {P.CONCEPT},
    "Dit plan is niet meer in concept en kan niet worden gewijzigd.",
    actions={
        # the progress of an action: in the draft and in the plan in force, not in a replaced version
        "voortgang": (
            {P.CONCEPT, P.INGEDIEND, P.VASTGESTELD},
            "Deze versie van het plan is vervangen; werk de actie bij in de geldende versie.",
        ),
        # the result of a goal: at evaluation, in the plan in force (not in a draft, not in a replaced version)
        "resultaat": (
            {P.VASTGESTELD},
            "Een resultaat wordt vastgelegd bij de evaluatie van het geldende, vastgestelde plan.",
        ),
    },
    parent=("casus", CASUS),
)
GESLOTEN = "Deze escalatie is gesloten."
# the plan of an action whose progress changes: the draft or the plan in force (PLAN's "voortgang")
PLAN_VOORTGANG = OpenStates("status", *PLAN.rules["voortgang"], parent=("casus", CASUS))
ESCALATIE = OpenStates("status", {E.OPEN, E.BEANTWOORD}, GESLOTEN, parent=("casus", CASUS))
BETROKKENE = OpenStates("beeindigd_op", {None}, "Deze betrokkenheid is al beëindigd.", parent=("casus", CASUS))
WACHTLIJST = OpenStates("opgelost_op", {None}, "Deze wachtlijst is al opgelost.", parent=("casus", CASUS))

CASUS_BEGIN = S.PLAN_IN_OPSTELLING  # the MDO assigns a casus with its first plan in draft

# --- transitions --------------------------------------------------------------------------------------------

CASUS_WORKFLOW = Workflow(
    Casus,
    Transition(
        "plan_vaststellen",
        {S.TOEGEWEZEN, S.PLAN_IN_OPSTELLING, S.PLAN_VASTGESTELD, S.IN_UITVOERING},
        S.IN_UITVOERING,
        MDO,
        label="het plan vaststellen",
    ),
    Transition("escaleren", OPEN, S.OPGESCHAALD, "casusregie.escaleren_casus", label="de casus escaleren"),
    *(
        Transition(
            name,
            {S.OPGESCHAALD},
            target,
            (BEHANDELEN, MDO),
            label="de-escaleren",
            refused="De casus is niet opgeschaald.",
        )
        for name, target in (
            ("deescaleren_naar_uitvoering", S.IN_UITVOERING),
            ("deescaleren_naar_opstelling", S.PLAN_IN_OPSTELLING),
        )
    ),
    Transition(
        "afsluiten",
        OPEN,
        S.AFGESLOTEN,
        is_casusregisseur,
        label="de casus afsluiten",
        denied="Alleen de casusregisseur sluit een casus af.",
    ),
    Transition(
        "afsluiten_door_procesmanager",
        OPEN,
        S.AFGESLOTEN,
        MDO,
        label="de casus afsluiten als procesmanager",
        denied="Alleen de procesmanager sluit een casus af die niet verder kan.",
    ),
)

PLAN_WORKFLOW = Workflow(
    Plan,
    Transition("indienen", {P.CONCEPT}, P.INGEDIEND, WIJZIGEN, label="het plan indienen", refused=PLAN.rules[None][1]),
    Transition(
        "vaststellen",
        {P.INGEDIEND},
        P.VASTGESTELD,
        MDO,
        label="het plan vaststellen",
        refused="Alleen een ingediend plan kan worden vastgesteld.",
    ),
    Transition(
        "terugsturen",
        {P.INGEDIEND},
        P.CONCEPT,
        MDO,
        label="het plan terugsturen",
        refused="Alleen een ingediend plan kan worden teruggestuurd.",
    ),
    Transition("vervangen", {P.VASTGESTELD}, P.VERVANGEN, MDO, label="het plan vervangen"),
    owner="casus",
    parent=("casus", CASUS),
)

ESCALATIE_WORKFLOW = Workflow(
    Escalatie,
    Transition("opschalen", {E.OPEN, E.BEANTWOORD}, E.OPEN, handles, refused=GESLOTEN, denied=NIET_BEHANDELAAR),
    Transition(
        "beantwoorden", {E.OPEN, E.BEANTWOORD}, E.BEANTWOORD, handles, refused=GESLOTEN, denied=NIET_BEHANDELAAR
    ),
    Transition(
        "deescaleren",
        {E.OPEN, E.BEANTWOORD},
        E.GEDEESCALEERD,
        (handles, MDO),
        label="de escalatie sluiten",
        refused=GESLOTEN,
        denied="U mag deze escalatie niet sluiten.",
    ),
    parent=("casus", CASUS),
)

EXPERTVRAAG_WORKFLOW = Workflow(
    ExpertVraag,
    Transition(
        "beantwoorden",
        {V.OPEN},
        V.BEANTWOORD,
        teamlid,
        label="de vraag beantwoorden",
        refused="Deze vraag is al beantwoord.",
        denied="Alleen een lid van het expertteam beantwoordt deze vraag.",
    ),
    parent=("casus", CASUS),
)

ACTIE_WORKFLOW = Workflow(
    PlanActie,
    Transition(
        "overdragen",
        {A.OPEN, A.LOOPT},
        A.OVERGEDRAGEN,
        WIJZIGEN,
        label="de actie overdragen",
        refused="Alleen een open of lopende actie kan worden overgedragen.",
    ),
    owner="casus",
    parent=("plan", PLAN_VOORTGANG),
)

NAZORG_WORKFLOW = Workflow(
    Nazorg,
    Transition(
        "vastleggen",
        {N.OPEN},
        N.UITGEVOERD,
        is_nazorger,
        label="de nazorg vastleggen",
        refused="Deze nazorg is al vastgelegd.",
        denied="Deze nazorgtaak is niet voor u.",
    ),
    Transition(
        "gemeld",
        {N.UITGEVOERD},
        N.GEMELD,
        "meldpunt.add_melding",
        label="de nieuwe melding als geregistreerd markeren",
        refused="Voor deze nazorg is geen nieuwe melding gevraagd, of die is al geregistreerd.",
        denied="Alleen het meldpunt registreert een nieuwe melding.",
    ),
)
