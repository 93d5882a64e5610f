"""beheerder_aanmaken USERNAME --organisatie NAAM --email ADRES [--naam "Voornaam Achternaam"] [--url https://bzt.gemeente.nl]

The first account of a fresh installation (docs/beheer.md): a functioneel_beheer account, made through the same
service as the beheer screen (bzt.beheer.account_aanmaken), acting as `systeem`. The organisation is created when
it does not exist yet. Prints the one-time link with which that person chooses a password (and then enrols the
second factor); no password is typed on the command line. `createsuperuser` makes an operator account for
/operator/ instead, outside the BZT roles.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bzt import beheer
from bzt.audit import system_user
from bzt.models import Organisatie


class Command(BaseCommand):
    help = "Maakt een account voor functioneel beheer en toont eenmalig de link om een wachtwoord te kiezen."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--organisatie", required=True, help="naam van de organisatie (wordt aangemaakt als die ontbreekt)"
        )
        parser.add_argument("--email", required=True)
        parser.add_argument("--naam", default="", help='"Voornaam Achternaam"')
        parser.add_argument("--url", default="", help="het adres van de BZT, voor een volledige link")

    def handle(self, *args, username, organisatie, email, naam, url, **options):
        door = system_user()
        voornaam, _, achternaam = naam.strip().partition(" ")
        try:
            org = Organisatie.objects.filter(naam__iexact=organisatie.strip()).first()
            if org is None:
                org = beheer.organisatie_aanmaken(
                    door=door, naam=organisatie, soort=Organisatie.Soort.GEMEENTE, reden="beheerder_aanmaken"
                )
            nieuw = beheer.account_aanmaken(
                door=door,
                username=username,
                first_name=voornaam or username,
                last_name=achternaam or "(functioneel beheer)",
                email=email,
                organisatie=org,
                rollen=[beheer.BEHEERROL],
                reden="eerste beheerder (beheerder_aanmaken)",
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Account {username} (functioneel beheer, {org}) aangemaakt."))
        self.stdout.write("Eenmalige link om een wachtwoord te kiezen (werkt één keer, vervalt na 3 dagen):")
        self.stdout.write(url.rstrip("/") + nieuw.inloglink)
