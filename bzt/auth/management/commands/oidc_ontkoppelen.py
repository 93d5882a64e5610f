"""oidc_ontkoppelen USERNAME: undo the binding of an account to a municipal account (new IdP account)."""

from bzt.auth.management.gebruikerscommando import GebruikersCommando
from bzt.auth.services import oidc_koppeling_opheffen


class Command(GebruikersCommando):
    help = "Heft de koppeling van een gebruiker aan een gemeentelijk account (OIDC-subject) op."
    reden_tekst = "koppeling gemeentelijk account opgeheven (beheercommando)"

    def handel(self, *, door, gebruiker, reden):
        oidc_koppeling_opheffen(door=door, gebruiker=gebruiker, reden=reden)
        return f"Koppeling van {gebruiker.username} opgeheven; de volgende OIDC-login koppelt opnieuw."
