"""The state machines of an AVG request and its inzage export, as data (bzt.workflow).

verzoek: ontvangen → in_behandeling (→ verlengd) → afgehandeld | afgewezen; ontvangen may be refused at once.
export:  concept → vrijgegeven; concept → vervangen (a new concept was made)."""

from bzt.workflow import OpenStates, Transition, Workflow

from .models import AvgExport, AvgVerzoek

PERMISSION = "avg.behandelen_avgverzoek"
V = AvgVerzoek.Status
E = AvgExport.Status
OPEN = {V.ONTVANGEN, V.IN_BEHANDELING, V.VERLENGD}

VERZOEK_WORKFLOW = Workflow(
    AvgVerzoek,
    Transition(
        "in_behandeling_nemen", {V.ONTVANGEN}, V.IN_BEHANDELING, PERMISSION, label="het verzoek in behandeling nemen"
    ),
    Transition(
        "verlengen",
        {V.ONTVANGEN, V.IN_BEHANDELING},
        V.VERLENGD,
        PERMISSION,
        label="de termijn verlengen",
        refused="De termijn kan maar één keer worden verlengd, en alleen van een open verzoek.",
    ),
    Transition("afhandelen", {V.IN_BEHANDELING, V.VERLENGD}, V.AFGEHANDELD, PERMISSION, label="het verzoek afhandelen"),
    Transition("afwijzen", OPEN, V.AFGEWEZEN, PERMISSION, label="het verzoek afwijzen"),
)

EXPORT_WORKFLOW = Workflow(
    AvgExport,
    Transition("vrijgeven", {E.CONCEPT}, E.VRIJGEGEVEN, PERMISSION, label="de export vrijgeven"),
    Transition("vervangen", {E.CONCEPT}, E.VERVANGEN, PERMISSION, label="de export vervangen"),
)

# Writes that do not change the state (the household members shown, the rectificatie handover, a new export)
# need an open request.
VERZOEK = OpenStates(
    "status",
    OPEN,
    "Dit verzoek is afgehandeld: er kan niets meer aan worden gewijzigd.",
    actions={"exporteren": ({V.IN_BEHANDELING, V.VERLENGD}, "Neem het verzoek eerst in behandeling.")},
)
