"""import_meldingen FILE.jsonl: historical meldingen, all or nothing (docs/import.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from keten.importer import ImportRejected, change_reason, import_meldingen, new_run_id

EXIT_INVALID = 1
EXIT_UNREADABLE = 2


class Command(BaseCommand):
    help = (
        "Importeert historische meldingen uit een JSON Lines-bestand. Controleert eerst het hele bestand; "
        "bij één ongeldige regel wordt niets geïmporteerd. Meldingen met een bekende extern_id worden overgeslagen."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="het JSON Lines-bestand (één melding per regel)")
        parser.add_argument("--dry-run", action="store_true", help="alleen controleren, niets opslaan")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        run_id = new_run_id()
        self.stdout.write(f"Importrun {run_id} ({change_reason(path, run_id)})")
        try:
            report = import_meldingen(path, run_id=run_id, dry_run=dry_run)
        except ImportRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            raise CommandError(str(rejected), returncode=EXIT_INVALID) from None
        except OSError as error:
            raise CommandError(f"Kan {path} niet lezen: {error}", returncode=EXIT_UNREADABLE) from None
        if report.dry_run:
            self.stdout.write(
                f"Bestand is geldig: {report.imported} meldingen te importeren, "
                f"{report.skipped} overgeslagen (al aanwezig); er is niets opgeslagen (--dry-run)."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{report.imported} meldingen geïmporteerd, {report.skipped} overgeslagen (al aanwezig)"
                )
            )
