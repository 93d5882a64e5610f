"""The state machines of the MDO, as data (bzt.workflow): a meeting is planned and then afgerond; an agenda
item is open until the chair takes one besluit on it, from those its kind allows (BESLUITEN).

Below: the states in which an MDO and its agenda items are still open for actions (bzt.workflow.OpenStates).
Every service of the MDO locks the meeting or item it acts on through these before it writes."""

from bzt.workflow import OpenStates, Transition, Workflow

from .models import AgendaPunt, Overleg

MDO = "mdo.voorzitten_mdo"
G, B, K = Overleg.Status, AgendaPunt.Besluit, AgendaPunt.Soort

OVERLEG = OpenStates("status", {G.GEPLAND}, "Dit MDO is al afgerond.")
AGENDAPUNT = OpenStates("besluit", {""}, "Over dit agendapunt is al besloten.", parent=("overleg", OVERLEG))

OVERLEG_WORKFLOW = Workflow(
    Overleg,
    Transition("afronden", {G.GEPLAND}, G.AFGEROND, MDO, label="het MDO afronden", refused=OVERLEG.rules[None][1]),
)

# One transition per besluit, named by the besluit; an item is open while it has none.
AGENDAPUNT_WORKFLOW = Workflow(
    AgendaPunt,
    *(
        Transition(besluit, {""}, besluit, MDO, label=f"het besluit ‘{label}’ nemen", refused=AGENDAPUNT.rules[None][1])
        for besluit, label in B.choices
    ),
    field="besluit",
    parent=("overleg", OVERLEG),
    labels={"": "Open"},
)

# The besluiten the chair can take per kind of agenda item (the `actie` of the submit button).
ACTIES = {
    K.MELDING: ("toewijzen", "regulier", "bij_casus", "aanhouden"),
    K.PLAN_VASTSTELLEN: ("vaststellen", "terugsturen", "aanhouden"),
    K.PLAN_EVALUEREN: ("besproken", "aanhouden"),
    K.CASUSBESPREKING: ("besproken", "aanhouden"),
}
