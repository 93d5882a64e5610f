"""tweestaps_herstellen USERNAME: remove a user's authenticator (lost phone); they enrol again at next login."""

from bzt.auth.management.gebruikerscommando import GebruikersCommando
from bzt.auth.services import tweestaps_herstellen


class Command(GebruikersCommando):
    help = "Verwijdert de authenticator-app van een gebruiker; bij de volgende login stelt die een nieuwe in."
    reden_tekst = "tweestapsverificatie hersteld (beheercommando)"

    def handel(self, *, door, gebruiker, reden):
        count = tweestaps_herstellen(door=door, gebruiker=gebruiker, reden=reden)
        return f"{count} authenticator(s) van {gebruiker.username} verwijderd; bij de volgende login opnieuw instellen."
