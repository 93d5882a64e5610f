"""`python manage.py api_sleutel --organisatie NAAM [--naam OMSCHRIJVING]`: print a new API key once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bzt.audit import acting_as, system_user
from bzt.models import Organisatie
from partners.sleutels import sleutel_uitgeven


class Command(BaseCommand):
    help = "Geeft een nieuwe API-sleutel uit aan een organisatie en toont hem één keer (alleen een hash wordt bewaard)."

    def add_arguments(self, parser):
        parser.add_argument("--organisatie", required=True, help="De naam van de organisatie.")
        parser.add_argument("--naam", default="", help="Omschrijving, bijvoorbeeld het systeem dat hem gebruikt.")

    def handle(self, *args, organisatie, naam, **options):
        org = Organisatie.objects.filter(naam__iexact=organisatie.strip()).first()
        if org is None:
            raise CommandError(f"Onbekende organisatie: {organisatie}")
        door = system_user()
        try:
            with acting_as(door, reason="manage.py api_sleutel"):
                nieuw = sleutel_uitgeven(door=door, organisatie=org, naam=naam or "API-koppeling (api_sleutel)")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(nieuw.key)
        self.stderr.write(f"Sleutel {nieuw.sleutel.prefix} voor {org}. Bewaar hem nu: hij wordt niet opnieuw getoond.")
