"""The path of a casus, as data (DESIGN.md § The path of one melding).

toegewezen → plan_in_opstelling → plan_vastgesteld → in_uitvoering ⇄ opgeschaald → afgesloten
"""

from bzt.workflow import Transition, Workflow

from .models import Casus

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
