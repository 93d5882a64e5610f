"""The path of a melding, as data (DESIGN.md § The path of one melding).

ontvangen → in_triage ─┬─> getrieerd (besluit regulier, advies or geen actie: done for the BZT)
                       └─> wacht_op_mdo (besluit mdo) → op_mdo_agenda → toegewezen
                                                                  └─> verwezen (the MDO refers to regular care)
getrieerd / wacht_op_mdo ──> getrieerd / wacht_op_mdo (a hertriage: a new, motivated besluit before the MDO)
ontvangen / in_triage / wacht_op_mdo ──> bij_casus (the meldpunt adds it to the open casus of its household)
op_mdo_agenda ──> bij_casus (the MDO adds it to the open casus of its household; casusregie.CasusMelding)

"Wacht op MDO" is a state of its own (not getrieerd + triage.besluit) so the queue's MDO tab is a count on
the melding's status index instead of a join of every melding with its triage.
"""

from bzt.workflow import OpenStates, Transition, Workflow

from .models import Melding

S = Melding.Status

MELDING_BEGIN = S.ONTVANGEN  # a new melding's state (the model's default)
TRIAGE, MDO = "meldpunt.triageren_melding", "mdo.voorzitten_mdo"

MELDING_WORKFLOW = Workflow(
    Melding,
    Transition("in_triage_nemen", {S.ONTVANGEN}, S.IN_TRIAGE, TRIAGE, label="de melding in triage nemen"),
    Transition("triageren", {S.ONTVANGEN, S.IN_TRIAGE}, S.GETRIEERD, TRIAGE, label="de melding triageren"),
    Transition("triageren_voor_mdo", {S.ONTVANGEN, S.IN_TRIAGE}, S.WACHT_OP_MDO, TRIAGE, label="de melding triageren"),
    # A mistake in a triage is corrected by a new, motivated besluit before the MDO (meldpunt.correcties.hertriageren).
    Transition("hertriageren", {S.GETRIEERD, S.WACHT_OP_MDO}, S.GETRIEERD, TRIAGE, label="de melding hertriëren"),
    Transition(
        "hertriageren_voor_mdo", {S.GETRIEERD, S.WACHT_OP_MDO}, S.WACHT_OP_MDO, TRIAGE, label="de melding hertriëren"
    ),
    Transition(
        "op_mdo_agenda_zetten", {S.WACHT_OP_MDO}, S.OP_MDO_AGENDA, TRIAGE, label="de melding op de MDO-agenda zetten"
    ),
    Transition("toewijzen", {S.OP_MDO_AGENDA}, S.TOEGEWEZEN, MDO, label="een casusregisseur toewijzen"),
    Transition("mdo_verwijzen", {S.OP_MDO_AGENDA}, S.VERWEZEN, MDO, label="naar reguliere zorg verwijzen"),
    # a referral that was a mistake is corrected by a new, motivated besluit at a next MDO, never by an edit
    Transition(
        "mdo_heroverwegen",
        {S.VERWEZEN},
        S.OP_MDO_AGENDA,
        MDO,
        label="het MDO-besluit heroverwegen",
        refused="Alleen een door het MDO verwezen melding kan opnieuw op de agenda voor een nieuw besluit.",
    ),
    # "1 huishouden, 1 plan, 1 regisseur": a new melding about a household with an open casus joins that casus.
    Transition(
        "bij_casus_voegen",
        {S.ONTVANGEN, S.IN_TRIAGE, S.WACHT_OP_MDO},
        S.BIJ_CASUS,
        TRIAGE,
        label="de melding bij de open casus voegen",
    ),
    Transition(
        "mdo_bij_casus_voegen", {S.OP_MDO_AGENDA}, S.BIJ_CASUS, MDO, label="de melding bij de open casus voegen"
    ),
)

# Correcting a melding, its persons and household after saving (meldpunt.correcties): the meldpunt, until the MDO
# decided. From then on the casusregisseur corrects them in the dossier (casusregie.correcties).
CORRIGEREN = OpenStates(
    "status",
    {S.ONTVANGEN, S.IN_TRIAGE, S.GETRIEERD, S.WACHT_OP_MDO, S.OP_MDO_AGENDA},
    "Het MDO heeft over deze melding besloten; de casusregisseur corrigeert de gegevens nu in het dossier.",
)
