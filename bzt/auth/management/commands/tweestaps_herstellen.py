"""tweestaps_herstellen USERNAME: remove a user's authenticator (lost phone); they enrol again at next login."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from bzt.audit import system_user
from bzt.auth.services import tweestaps_herstellen


class Command(BaseCommand):
    help = "Verwijdert de authenticator-app van een gebruiker; bij de volgende login stelt die een nieuwe in."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reden", default="", help="waarom (komt in de audit-geschiedenis), bv. ticketnummer")

    def handle(self, *args, username, reden, **options):
        try:
            gebruiker = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"Gebruiker {username!r} bestaat niet.") from error
        reason = "tweestapsverificatie hersteld (beheercommando)" + (f": {reden}" if reden else "")
        count = tweestaps_herstellen(door=system_user(), gebruiker=gebruiker, reden=reason)
        message = f"{count} authenticator(s) van {username} verwijderd; bij de volgende login opnieuw instellen."
        self.stdout.write(self.style.SUCCESS(message))
