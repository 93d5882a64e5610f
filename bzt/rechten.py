"""The rights of functioneel beheer, defined once (how the table is asked: bzt/rights.py). The rules on what may
be changed (not oneself, no superuser, grants follow the role) live in the services, bzt/beheer.py."""

from .rights import Recht, Rechten

RECHTEN = Rechten(
    {
        # accounts and organisations: list, create, edit, deactivate/reactivate, reset a second factor
        "beheren": Recht(
            ("bzt.beheren_gebruikers",), denied="Alleen functioneel beheer mag accounts en organisaties beheren."
        ),
    }
)

mag, vereist, recht_vereist = RECHTEN.mag, RECHTEN.vereist, RECHTEN.recht_vereist
