"""Every right of the MDO, defined once (how the table is asked: bzt/rights.py). The procesmanager chairs the
MDO; the states of a meeting and its items are checked by their tables (mdo/workflow.py)."""

from bzt.rights import Recht, Rechten
from casusregie.workflow import MDO

RECHTEN = Rechten(
    {
        "voorzitten": Recht((MDO,), denied="Alleen de voorzitter van het MDO (procesmanager) mag dit."),
        # Mijn MDO-punten: a casusregisseur's own items and besluiten; which casus they may put on the agenda is
        # casusregie.rechten "mdo_agenderen" (the change right on that casus)
        "eigen_punten": Recht(("casusregie.werken_als_regisseur",), denied="Deze pagina is voor casusregisseurs."),
    }
)

mag, vereist, recht_vereist = RECHTEN.mag, RECHTEN.vereist, RECHTEN.recht_vereist
