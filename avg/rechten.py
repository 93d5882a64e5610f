"""Every right on AVG requests, defined once (how the table is asked: bzt/rights.py)."""

from bzt.rights import Overgang, Recht, Rechten

from .workflow import EXPORT_WORKFLOW, PERMISSION, VERZOEK, VERZOEK_WORKFLOW

RECHTEN = Rechten(
    {
        "inzien": Recht((PERMISSION,), denied="U mag AVG-verzoeken niet inzien."),
        "registreren": Recht((PERMISSION,), denied="U mag geen AVG-verzoeken registreren."),
        "wijzigen": Recht((PERMISSION,), VERZOEK),
        "exporteren": Recht((PERMISSION,), VERZOEK, actie="exporteren"),
        "in_behandeling_nemen": Overgang(VERZOEK_WORKFLOW, "in_behandeling_nemen"),
        "verlengen": Overgang(VERZOEK_WORKFLOW, "verlengen"),
        "afhandelen": Overgang(VERZOEK_WORKFLOW, "afhandelen"),
        "afwijzen": Overgang(VERZOEK_WORKFLOW, "afwijzen"),
        "vrijgeven": Overgang(EXPORT_WORKFLOW, "vrijgeven"),
    }
)

mag, vereist, recht_vereist = RECHTEN.mag, RECHTEN.vereist, RECHTEN.recht_vereist
