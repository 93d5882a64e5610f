"""The rights of the partners app, defined once (how the table is asked: bzt/rights.py)."""

from bzt.rights import Recht, Rechten

RECHTEN = Rechten(
    {
        # a partner's professional: file a melding (web form) and see the status of their organisation's meldingen
        "indienen": Recht(("meldpunt.indienen_melding",), denied="Alleen een partnermelder dient hier meldingen in."),
        # functioneel beheer: API keys, callback addresses and failed callbacks of the partner organisations
        "beheren": Recht(
            ("bzt.beheren_gebruikers",), denied="Alleen functioneel beheer beheert API-sleutels en terugmeldingen."
        ),
    }
)

mag, vereist, recht_vereist = RECHTEN.mag, RECHTEN.vereist, RECHTEN.recht_vereist
