"""backup_ontsleutelen FILE DOEL: decrypt an encrypted backup file (dump or media tar) for a real restore.

The key comes from BACKUP_SLEUTEL (environment). Refuses a file that does not match its manifest, a wrong key
and a truncated file (keten.backup.ontsleutelen), so pg_restore never sees half a dump."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from keten.backup import BackupFout, bestand_controleren, ontsleutelen


class Command(BaseCommand):
    help = "Ontsleutelt een versleutelde backup (.enc) naar DOEL, na controle tegen het manifest."

    def add_arguments(self, parser):
        parser.add_argument("bestand")
        parser.add_argument("doel")

    def handle(self, *args, bestand, doel, **options):
        try:
            bestand_controleren(Path(bestand))
            ontsleutelen(Path(bestand), Path(doel), os.environ.get("BACKUP_SLEUTEL", ""))
        except BackupFout as fout:
            Path(doel).unlink(missing_ok=True)
            raise CommandError(f"FOUT: {fout}", returncode=1) from None
        self.stdout.write(f"OK: ontsleuteld naar {doel}")
