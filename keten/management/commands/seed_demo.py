"""seed_demo: realistic synthetic Deventer data for demos and manual testing (idempotent)."""

from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from bzt.audit import acting_as, system_user
from bzt.demo import ACCOUNTS, regio_accounts, seed_organisaties_en_accounts, seed_regio, verdeling_naar_inwoners
from keten.demo import EXPERT, EXPERT_ORGANISATIE, EXPERTTEAM, seed_budget, seed_budget_regio, seed_casussen
from meldpunt.demo import seed_meldingen

GEEN_MAIL = "django.core.mail.backends.dummy.EmailBackend"


class Command(BaseCommand):
    help = "Maakt demo-organisaties, demo-accounts en synthetische meldingen aan (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--meldingen", type=int, default=200, help="aantal meldingen (standaard 200)")
        parser.add_argument("--jaar", type=int, default=timezone.localdate().year, help="jaar van de meldingen")
        parser.add_argument("--seed", type=int, default=2013, help="startwaarde van de toevalsgenerator")
        parser.add_argument(
            "--regio",
            action="store_true",
            help="ook Olst-Wijhe, Raalte, Zutphen en Lochem met hun accounts; meldingen verdeeld naar inwonertal",
        )

    def handle(self, *args, meldingen, jaar, seed, regio=False, **options):
        password = settings.DEMO_PASSWORD
        door = system_user()
        # The demo's notifications are made (the Berichten pages show them) but not mailed: demo data is history.
        with override_settings(EMAIL_BACKEND=GEEN_MAIL), transaction.atomic(), acting_as(door, reason="seed_demo"):
            _, users = seed_organisaties_en_accounts(door=door, password=password, seed=seed)
            gemeenten = {}
            if regio:  # CONTRACT.md § Region: the own gemeente keeps the plain accounts and DEMO-jaar-nnnn
                gemeenten, regio_users = seed_regio(door=door, password=password, seed=seed)
                users |= regio_users
            # Last year first (half as many meldingen, most casussen closed): the year comparison of the
            # jaarmonitor is then not against zeros.
            vorig = self._meldingen(users, meldingen // 2, jaar - 1, seed, gemeenten)
            casussen_vorig = seed_casussen(users=users, jaar=jaar - 1, seed=seed, vorig_jaar=True)
            made = self._meldingen(users, meldingen, jaar, seed, gemeenten)
            casussen = seed_casussen(users=users, jaar=jaar, seed=seed)
            budget = seed_budget(beheer=users["beheer"], jaar=jaar - 1, factor=Decimal("0.97"))
            budget += seed_budget(beheer=users["beheer"], jaar=jaar)
            for j in (jaar - 1, jaar) if gemeenten else ():
                budget += seed_budget_regio(beheer=users["beheer"], jaar=j, gemeenten=gemeenten)
        self.stdout.write(f"{made} nieuwe meldingen in {jaar} (van {meldingen} gevraagd; bestaande overgeslagen).")
        self.stdout.write(f"{vorig} nieuwe meldingen in {jaar - 1}, {casussen_vorig['casussen']} casussen daarvan.")
        mdo = "nieuw gepland" if casussen["mdo"] == "gepland" else "bestond al; agenda aangevuld"
        self.stdout.write(f"{casussen['casussen']} nieuwe casussen; MDO van volgende week {mdo}.")
        self.stdout.write(f"{budget} nieuwe budgetregels ({jaar - 1} en {jaar}).")
        self.stdout.write(self.style.SUCCESS("Demo-accounts (wachtwoord uit DEMO_PASSWORD, standaard 'demo'):"))
        for username, rol, organisatie in ACCOUNTS + (regio_accounts() if regio else []):
            self.stdout.write(f"  {username:<24} {rol:<26} {organisatie}")
        self.stdout.write(f"  {EXPERT:<20} {'(lid ' + EXPERTTEAM + ')':<24} {EXPERT_ORGANISATIE}")
        self.stdout.write(
            "Tweestapsverificatie (alle accounts behalve beleid): voer de code van "
            "`python manage.py demo_totp_code` in, of zet de sleutel "
            f"{settings.DEMO_TOTP_SECRET} (tijdgebaseerd, 6 cijfers) in een authenticator-app."
        )

    @staticmethod
    def _meldingen(users, aantal, jaar, seed, gemeenten):
        """`aantal` meldingen of `jaar`: all in the own gemeente, or with --regio spread by inhabitants."""
        if not gemeenten:
            return seed_meldingen(meldpunt=users["meldpunt"], aantal=aantal, jaar=jaar, seed=seed)
        eigen = settings.BZT_GEMEENTE_CODE
        made = 0
        for code, n in verdeling_naar_inwoners(aantal).items():
            gemeente = None if code == eigen else gemeenten[code]
            made += seed_meldingen(meldpunt=users["meldpunt"], aantal=n, jaar=jaar, seed=seed, gemeente=gemeente)
        return made
