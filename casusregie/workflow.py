"""The path of a casus, as data (DESIGN.md § The path of one melding).

toegewezen → plan_in_opstelling → plan_vastgesteld → in_uitvoering ⇄ opgeschaald → afgesloten

Below the transitions: the states in which a casus and what belongs to it are still open for actions. Every
service of casusregie (and of the MDO, for a casus) locks the object it acts on through these before it writes.
"""

from bzt.workflow import OpenStates, Transition, Workflow

from .models import Casus, Escalatie, Plan

S = Casus.Status
OPEN = {S.TOEGEWEZEN, S.PLAN_IN_OPSTELLING, S.PLAN_VASTGESTELD, S.IN_UITVOERING}
MDO = "mdo.voorzitten_mdo"

CASUS_WORKFLOW = Workflow(
    Transition("plan_opstellen", {S.TOEGEWEZEN}, S.PLAN_IN_OPSTELLING, MDO),
    Transition(
        "plan_vaststellen", {S.PLAN_IN_OPSTELLING, S.IN_UITVOERING, S.PLAN_VASTGESTELD}, S.PLAN_VASTGESTELD, MDO
    ),
    Transition("uitvoeren", {S.PLAN_VASTGESTELD}, S.IN_UITVOERING, MDO),
    Transition("escaleren", OPEN, S.OPGESCHAALD, "casusregie.escaleren_casus"),
    Transition("deescaleren_naar_uitvoering", {S.OPGESCHAALD}, S.IN_UITVOERING, "casusregie.behandelen_escalatie"),
    Transition("deescaleren_naar_opstelling", {S.OPGESCHAALD}, S.PLAN_IN_OPSTELLING, "casusregie.behandelen_escalatie"),
    Transition("afsluiten", OPEN, S.AFGESLOTEN, ("casusregie.change_casus", MDO)),
)

# --- open for actions ---------------------------------------------------------------------------------------

P, E = Plan.Status, Escalatie.Status

CASUS = OpenStates("status", OPEN | {S.OPGESCHAALD}, "De casus is afgesloten; dit kan niet meer.")
PLAN = OpenStates(
    "status",
    {P.CONCEPT},
    "Dit plan is niet meer in concept en kan niet worden gewijzigd.",
    actions={
        "vaststellen": ({P.INGEDIEND}, "Alleen een ingediend plan kan worden vastgesteld."),
        "terugsturen": ({P.INGEDIEND}, "Alleen een ingediend plan kan worden teruggestuurd."),
        # the progress of an action: in the draft and in the plan in force, not in a replaced version
        "voortgang": (
            {P.CONCEPT, P.INGEDIEND, P.VASTGESTELD},
            "Deze versie van het plan is vervangen; werk de actie bij in de geldende versie.",
        ),
    },
    parent=("casus", CASUS),
)
ESCALATIE = OpenStates("status", {E.OPEN, E.BEANTWOORD}, "Deze escalatie is gesloten.", parent=("casus", CASUS))
BETROKKENE = OpenStates("beeindigd_op", {None}, "Deze betrokkenheid is al beëindigd.", parent=("casus", CASUS))
WACHTLIJST = OpenStates("opgelost_op", {None}, "Deze wachtlijst is al opgelost.", parent=("casus", CASUS))
