"""Every right on a casus and what belongs to it, defined once: per action, who may do it (any one of some
permissions, held through the role or on the casus, or a rule), on which object and in which state.

Views ask `mag(user, actie, obj)` to show a button and `vereist` to guard a form (403 before the form is read);
services call `vereist` before they write and lock the object through the same OpenStates or transition table,
so a button is shown exactly when the service would accept the action. An action that changes a state takes its
states and permissions from the transition in casusregie/workflow.py; the others are listed here.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from bzt.workflow import OpenStates, Transition, Workflow, holds_right

from .workflow import ACTIE_WORKFLOW, CASUS, CASUS_WORKFLOW, ESCALATIE_WORKFLOW, MDO, PLAN, PLAN_WORKFLOW
from .workflow import WIJZIGEN as CHANGE

BETROKKENEN = "casusregie.beheren_betrokkenen"
GEEN_RECHT = "U heeft geen recht op deze handeling in deze casus."


@dataclass(frozen=True)
class Recht:
    """An action that does not change a state: allowed while `open` (with `actie`, its OpenStates rule) holds
    for the object, to whoever holds one of `permissions` (on the casus the object belongs to: `owner`)."""

    permissions: tuple
    open: OpenStates
    actie: str | None = None
    owner: str | None = None
    denied: str = GEEN_RECHT

    def is_open(self, obj):
        return self.open.is_open(obj, self.actie)

    def owner_of(self, obj):
        return getattr(obj, self.owner) if self.owner else obj


@dataclass(frozen=True)
class Overgang:
    """An action that is a transition: its states and permissions are the workflow table's."""

    workflow: Workflow
    naam: str

    @property
    def transition(self) -> Transition:
        return self.workflow[self.naam]

    @property
    def permissions(self):
        return self.transition.permissions

    @property
    def denied(self):
        return self.transition.denied or f"U heeft geen recht op: {self.transition.label}."

    def is_open(self, obj):
        return self.workflow.is_open(self.naam, obj)

    def owner_of(self, obj):
        return getattr(obj, self.workflow.owner) if self.workflow.owner else obj


RECHTEN = {
    # on a casus: the journal, a wachtlijst, a new plan version
    "wijzigen": Recht((CHANGE,), CASUS),
    "betrokkenen": Recht((BETROKKENEN, MDO), CASUS),
    "overdragen": Recht((MDO,), CASUS),
    "escaleren": Overgang(CASUS_WORKFLOW, "escaleren"),
    # closing: the casusregisseur when everything is arranged (not a betrokkene with mag_wijzigen); the
    # procesmanager when the casus cannot go on, with a written reason (casusregie.services)
    "afsluiten": Overgang(CASUS_WORKFLOW, "afsluiten"),
    "afsluiten_procesmanager": Overgang(CASUS_WORKFLOW, "afsluiten_door_procesmanager"),
    # on a plan
    "plan_bewerken": Recht((CHANGE,), PLAN, owner="casus"),
    "actie_voortgang": Recht((CHANGE,), PLAN, "voortgang", owner="casus"),
    "plan_indienen": Overgang(PLAN_WORKFLOW, "indienen"),
    # on an action: handing it over to a named organisation (regular care goes on after closing)
    "actie_overdragen": Overgang(ACTIE_WORKFLOW, "overdragen"),
    # on an escalation: answering, passing up and a doorbraak are for its current level
    "behandelen": Overgang(ESCALATIE_WORKFLOW, "beantwoorden"),
    "deescaleren": Overgang(ESCALATIE_WORKFLOW, "deescaleren"),
}


def mag(user, actie, obj) -> bool:
    """Whether `user` may do `actie` on `obj` now (as loaded): its state is open for it and the right is held."""
    recht = RECHTEN[actie]
    return recht.is_open(obj) and heeft(user, actie, obj)


def heeft(user, actie, obj) -> bool:
    """Whether `user` holds the right for `actie` on `obj`, whatever its state (the view's 403 guard)."""
    recht = RECHTEN[actie]
    owner = recht.owner_of(obj)
    return any(holds_right(user, p, owner) for p in recht.permissions)


def vereist(user, actie, obj):
    """Raise PermissionDenied unless `user` holds the right for `actie` on `obj`. Services call this before they
    write; the state is checked by the lock they take through the same table."""
    if not heeft(user, actie, obj):
        raise PermissionDenied(RECHTEN[actie].denied)
