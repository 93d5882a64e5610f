"""backup_maken [--map DIR] [--bewaren N]: one backup of the database and MEDIA_ROOT (docs/operations.md).

The backup service of docker-compose.yml runs this daily. The passphrase comes from the environment
(BACKUP_SLEUTEL), never from an argument (arguments are visible in the process list).
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from keten.backup import BackupFout, backup_maken


class Command(BaseCommand):
    help = (
        "Maakt een backup (pg_dump --format=custom, plus MEDIA_ROOT) met een manifest om hem later te controleren; "
        "versleuteld als BACKUP_SLEUTEL gezet is. Schrijft een regel in BACKUP_MAP/backup.log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--map", default=None, help="map voor de backups (standaard BACKUP_MAP)")
        parser.add_argument("--bewaren", type=int, default=None, help="aantal backups dat blijft (BACKUP_BEWAREN)")

    def handle(self, *args, map=None, bewaren=None, **options):
        map_ = Path(map or settings.BACKUP_MAP)
        bewaren = settings.BACKUP_BEWAREN if bewaren is None else bewaren
        try:
            r = backup_maken(map_=map_, bewaren=bewaren, wachtwoord=os.environ.get("BACKUP_SLEUTEL", ""))
        except BackupFout as fout:
            raise CommandError(f"FOUT: backup mislukt: {fout} (zie {map_ / 'backup.log'})", returncode=1) from None
        extra = "".join(f" en {p.name}" for p in r.extra)
        self.stdout.write(f"OK: {r.bestand}{extra}, {r.grootte} bytes, sha256 {r.sha256}, {r.duur:.1f}s")
