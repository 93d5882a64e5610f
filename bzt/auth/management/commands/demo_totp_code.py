"""demo_totp_code: the current two-factor code of the demo accounts (the public DEMO_TOTP_SECRET)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from bzt.auth.services import demo_code


class Command(BaseCommand):
    help = "Toont de huidige tweestapscode van de demo-accounts (geheim uit DEMO_TOTP_SECRET)."

    def add_arguments(self, parser):
        parser.add_argument("--alleen-code", action="store_true", help="alleen de zes cijfers (voor scripts)")

    def handle(self, *args, alleen_code, **options):
        result = demo_code()
        if alleen_code:
            self.stdout.write(result.code)
            return
        self.stdout.write(f"{result.code}  (nog {result.seconden_geldig} seconden geldig)")
        self.stdout.write(
            f"Of zet de sleutel {settings.DEMO_TOTP_SECRET} (tijdgebaseerd, 6 cijfers) in een authenticator-app."
        )
