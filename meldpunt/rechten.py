"""Every right of the meldpunt, defined once (how the table is asked: bzt/rights.py). The state of a melding
is checked by its transition table (meldpunt/workflow.py)."""

from bzt.rights import Overgang, Recht, Rechten

from .workflow import CORRIGEREN, MELDING_WORKFLOW, TRIAGE

RECHTEN = Rechten(
    {
        "inzien": Recht(("meldpunt.view_melding",)),  # the queues, search and a melding
        "personen": Recht(("meldpunt.view_persoon",)),
        "registreren": Recht(("meldpunt.add_melding",), denied="U mag geen meldingen registreren."),  # the intake
        # filing a melding through the service: the meldpunt's intake, or a partner without the person search
        "indienen": Recht(
            ("meldpunt.add_melding", "meldpunt.indienen_melding"), denied="U mag geen meldingen indienen."
        ),
        "trieren": Recht((TRIAGE,), denied="U mag geen meldingen trieren."),  # incl. the Wvggz outcome
        "terugkoppelen": Recht(("meldpunt.change_melding",), denied="U mag de terugkoppeling niet vastleggen."),
        "melder_zien": Recht(("meldpunt.zien_melder",)),
        # correcting a melding, its persons and household after saving, until the MDO decided (meldpunt.correcties)
        "corrigeren": Recht(
            ("meldpunt.change_melding",), CORRIGEREN, denied="U mag de gegevens van deze melding niet corrigeren."
        ),
        "hertriageren": Overgang(MELDING_WORKFLOW, "hertriageren"),
        "mdo_heroverwegen": Overgang(MELDING_WORKFLOW, "mdo_heroverwegen"),  # the MDO's chair, a new besluit
        "koppelen": Recht(("meldpunt.koppelen_persoon",), denied="U mag geen personen koppelen of ontkoppelen."),
    }
)

mag, vereist, recht_vereist = RECHTEN.mag, RECHTEN.vereist, RECHTEN.recht_vereist
