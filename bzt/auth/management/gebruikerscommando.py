"""The shape of an operator command on one account (`<command> USERNAME --reden "ticket 123"`), run as `systeem`.

Used for what deliberately has no web button (functioneel beheer logs in without a second factor): resetting a
second factor, undoing an OIDC binding. The subclass says what it does in `handel(gebruiker, reden)`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from bzt.audit import system_user


class GebruikersCommando(BaseCommand):
    reden_tekst = ""  # the start of the change reason in the audit history

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reden", default="", help="waarom (komt in de audit-geschiedenis), bv. ticketnummer")

    def handle(self, *args, username, reden, **options):
        try:
            gebruiker = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"Gebruiker {username!r} bestaat niet.") from error
        reason = self.reden_tekst + (f": {reden}" if reden else "")
        self.stdout.write(self.style.SUCCESS(self.handel(door=system_user(), gebruiker=gebruiker, reden=reason)))

    def handel(self, *, door, gebruiker, reden) -> str:
        raise NotImplementedError
