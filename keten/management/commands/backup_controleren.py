"""backup_controleren FILE: restore a backup into a fresh database and check it (docs/operations.md).

Checks: the file against its manifest (size, sha256), decryption (BACKUP_SLEUTEL), pg_restore into a temporary
database (created and dropped here, named after the live one, never the live one), the migrations against the
code, the access log's hash chain, and the exact jaarmonitor figures of every year against those of the source
at backup time. Exit 0 with "OK" only when everything matches; exit 1 with the Dutch report otherwise.
"""

import os

from django.core.management.base import BaseCommand, CommandError

from keten.backup import BackupFout, controleren


class Command(BaseCommand):
    help = "Zet een backup terug in een tijdelijke database en controleert hem; exit 1 bij elke afwijking."

    def add_arguments(self, parser):
        parser.add_argument("bestand", help="het .dump- of .dump.enc-bestand (het manifest .json staat ernaast)")

    def handle(self, *args, bestand, **options):
        try:
            controle = controleren(bestand, wachtwoord=os.environ.get("BACKUP_SLEUTEL", ""), uitvoer=self.stdout.write)
        except BackupFout as fout:
            raise CommandError(f"FOUT: de backup {bestand} is NIET bruikbaar: {fout}", returncode=1) from None
        if not controle.ok:
            raise CommandError(
                f"FOUT: de teruggezette backup {bestand} wijkt af van de bron:\n- " + "\n- ".join(controle.fouten),
                returncode=1,
            )
        self.stdout.write(f"OK: de backup zet terug en klopt met de bron ({controle.duur:.1f}s).")
