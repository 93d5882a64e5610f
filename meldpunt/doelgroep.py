"""The 3-uit-8 doelgroep and the GGSR rule: the one place they are defined.

Every path that decides them asks here: the triage service and the import (the stored `Triage.ggsr`),
`Triage.doelgroep`, the jaarmonitor's SQL (`doelgroep_sql`), the templates (`{% load doelgroep %}`) and the
live count on the triage form (`static/js/bzt.js` reads the threshold from a data attribute rendered here).
"""

# 3-uit-8: from this many leefgebieden a person belongs to the doelgroep "kwetsbare burger" and the melding
# goes to the MDO (another besluit needs a motivation).
DOELGROEP_DREMPEL = 3
# GGSR (gezin met geringe sociale redzaamheid): a household with children with problems on at least this
# many leefgebieden.
GGSR_DREMPEL = 4


def is_doelgroep(score: int) -> bool:
    """Whether a triage scoring `score` of the 8 leefgebieden belongs to the doelgroep."""
    return score >= DOELGROEP_DREMPEL


def is_ggsr(score: int, *, heeft_kinderen: bool) -> bool:
    """Whether a triage scoring `score` on a household with (or without) children is GGSR."""
    return heeft_kinderen and score >= GGSR_DREMPEL


def doelgroep_sql(score_column: str) -> str:
    """is_doelgroep as an SQL condition on a score column, for the aggregations of the jaarmonitor."""
    return f"{score_column} >= {DOELGROEP_DREMPEL:d}"
