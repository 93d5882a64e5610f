"""Every right on a casus and what belongs to it, defined once: per action, who may do it (any one of some
permissions, held through the role or on the casus, or a rule), on which object and in which state.

How the table is asked (buttons, guards, services, the permission matrix test): bzt/rights.py. An action that
changes a state takes its states and permissions from the transition in casusregie/workflow.py.
"""

from bzt.rights import Overgang, Recht, Rechten

from .workflow import (
    ACTIE_WORKFLOW,
    CASUS,
    CASUS_WORKFLOW,
    ESCALATIE_WORKFLOW,
    EXPERTVRAAG_WORKFLOW,
    MDO,
    PLAN,
    PLAN_WORKFLOW,
)
from .workflow import WIJZIGEN as CHANGE

BETROKKENEN = "casusregie.beheren_betrokkenen"
GEEN_RECHT = "U heeft geen recht op deze handeling in deze casus."


def _recht(permissions, open, actie=None, owner=None):
    return Recht(permissions, open, actie, owner, GEEN_RECHT)


RECHTEN = Rechten(
    {
        # on a casus: the journal, a wachtlijst, a new plan version
        "wijzigen": _recht((CHANGE,), CASUS),
        # correcting the melding, the persons and the household of the casus after the MDO (casusregie.correcties)
        "huishouden_corrigeren": _recht((CHANGE,), CASUS),
        "betrokkenen": _recht((BETROKKENEN, MDO), CASUS),
        "overdragen": _recht((MDO,), CASUS),
        "escaleren": Overgang(CASUS_WORKFLOW, "escaleren"),
        # closing: the casusregisseur when everything is arranged (not a betrokkene with mag_wijzigen); the
        # procesmanager when the casus cannot go on, with a written reason (casusregie.services)
        "afsluiten": Overgang(CASUS_WORKFLOW, "afsluiten"),
        "afsluiten_procesmanager": Overgang(CASUS_WORKFLOW, "afsluiten_door_procesmanager"),
        # a move of the household within the region (services.verhuizen): the casusregisseur or the procesmanager
        "verhuizen": _recht((CHANGE, MDO), CASUS),
        # on a plan
        "plan_bewerken": _recht((CHANGE,), PLAN, owner="casus"),
        "actie_voortgang": _recht((CHANGE,), PLAN, "voortgang", owner="casus"),
        "doel_resultaat": _recht((CHANGE,), PLAN, "resultaat", owner="casus"),
        "plan_indienen": Overgang(PLAN_WORKFLOW, "indienen"),
        # on an action: handing it over to a named organisation (regular care goes on after closing)
        "actie_overdragen": Overgang(ACTIE_WORKFLOW, "overdragen"),
        # on an escalation: answering, passing up and a doorbraak are for its current level
        "behandelen": Overgang(ESCALATIE_WORKFLOW, "beantwoorden"),
        "deescaleren": Overgang(ESCALATIE_WORKFLOW, "deescaleren"),
        # the casusregisseur's own casus on a coming MDO agenda, with a question (mdo.services.casus_agenderen)
        "mdo_agenderen": _recht((CHANGE,), CASUS),
        # a question to an expert team; answering it is for a member of that team (casusregie.workflow.teamlid)
        "expertvraag_stellen": _recht((CHANGE,), CASUS),
        "expertvraag_beantwoorden": Overgang(EXPERTVRAAG_WORKFLOW, "beantwoorden"),
    }
)


mag, heeft, vereist = RECHTEN.mag, RECHTEN.heeft, RECHTEN.vereist
