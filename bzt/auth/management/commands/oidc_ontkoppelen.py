"""oidc_ontkoppelen USERNAME: undo the binding of an account to a municipal account (new IdP account)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from bzt.audit import system_user
from bzt.auth.services import oidc_koppeling_opheffen


class Command(BaseCommand):
    help = "Heft de koppeling van een gebruiker aan een gemeentelijk account (OIDC-subject) op."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reden", default="", help="waarom (komt in de audit-geschiedenis), bv. ticketnummer")

    def handle(self, *args, username, reden, **options):
        try:
            gebruiker = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"Gebruiker {username!r} bestaat niet.") from error
        reason = "koppeling gemeentelijk account opgeheven (beheercommando)" + (f": {reden}" if reden else "")
        oidc_koppeling_opheffen(door=system_user(), gebruiker=gebruiker, reden=reason)
        self.stdout.write(
            self.style.SUCCESS(f"Koppeling van {username} opgeheven; de volgende OIDC-login koppelt opnieuw.")
        )
