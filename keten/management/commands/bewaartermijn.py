"""bewaartermijn [--dry-run] [--vandaag JJJJ-MM-DD]: apply the AVG retention terms (docs/security.md)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bzt.audit import system_user
from casusregie.models import Casus
from keten import retention
from meldpunt.models import Melding


def _peildatum(value):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"'{value}' is geen datum (JJJJ-MM-DD).") from None


def _duur(seconden):
    if seconden < 60:
        return f"{seconden:.0f} s"
    return f"{seconden // 60:.0f} min {seconden % 60:.0f} s"


class Command(BaseCommand):
    help = (
        "Anonimiseert afgesloten casussen en afgewezen meldingen waarvan de bewaartermijn voorbij is "
        "(BZT_BEWAARTERMIJN_CASUS_JAREN, BZT_BEWAARTERMIJN_MELDING_MAANDEN). Met --dry-run wordt alleen "
        "getoond wat zou verdwijnen. Toont aantallen en melding- en casusnummers, nooit namen."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="alleen tonen wat zou verdwijnen, niets wijzigen")
        parser.add_argument(
            "--vandaag",
            type=_peildatum,
            default=None,
            help="peildatum JJJJ-MM-DD (standaard vandaag; een datum in de toekomst alleen met --dry-run)",
        )

    def handle(self, *args, dry_run, vandaag, **options):
        vandaag = vandaag or timezone.localdate()
        if not dry_run:
            for onaf in retention.onafgemaakte_runs():  # a run that was killed: finish it first
                self.stdout.write(
                    f"Run {onaf.pk} (peildatum {onaf.peildatum:%d-%m-%Y}) was onderbroken en wordt hervat bij "
                    f"batch {onaf.batches_gedaan + 1}."
                )
                retention.uitvoeren(onaf)
        try:
            run = retention.plannen(door=system_user(), vandaag=vandaag, dry_run=dry_run)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        schatting = run.details["schatting"]
        bron = "de laatste volledige run" if schatting["bron"] != "bench" else "de benchmark (nog geen run gemeten)"
        self.stdout.write(
            f"Te anonimiseren: {schatting['objecten']} objecten (casussen, meldingen, personen); "
            f"geschatte duur {_duur(schatting['seconden'])} bij {schatting['tempo']:.0f} objecten per seconde "
            f"({bron})."
        )
        self.stdout.flush()
        if not dry_run:
            run = retention.uitvoeren(run)
        termijnen = run.details["termijnen"]
        self.stdout.write(
            f"Bewaartermijn, peildatum {vandaag:%d-%m-%Y}: casussen {termijnen['casus_jaren']} jaar na afsluiten, "
            f"afgewezen meldingen {termijnen['melding_maanden']} maanden na het besluit."
        )
        casussen = Casus.objects.filter(pk__in=run.details["casussen"]).order_by("toegewezen_op", "pk")
        meldingen = Melding.objects.filter(pk__in=run.details["meldingen"]).order_by("ontvangen_op", "pk")
        werkwoord = "zou(den) worden geanonimiseerd" if dry_run else "geanonimiseerd"
        self.stdout.write(f"Casussen {werkwoord}: {run.aantal_casussen}")
        for casus in casussen:
            self.stdout.write(f"  {casus.nummer} (afgesloten {casus.afgesloten_op:%d-%m-%Y})")
        self.stdout.write(f"Meldingen {werkwoord}: {run.aantal_meldingen}")
        for melding in meldingen:
            self.stdout.write(f"  {melding.nummer}")
        self.stdout.write(f"Personen {werkwoord}: {run.aantal_personen}")
        if dry_run:
            self.stdout.write(f"Proefdraai {run.pk}: er is niets gewijzigd.")
        else:
            duur = run.details.get("duur_s")
            self.stdout.write(self.style.SUCCESS(f"Run {run.pk} vastgelegd ({_duur(duur or 0)})."))
