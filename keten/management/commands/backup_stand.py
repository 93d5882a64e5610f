"""backup_stand: print the migrations, access-log chain and jaarmonitor figures of this database as JSON.

Used by backup_controleren in a child process whose DATABASE_URL points at the restored copy."""

import json

from django.core.management.base import BaseCommand

from keten.backup import stand


class Command(BaseCommand):
    help = "Toont migraties, inzagelogketen en jaarmonitorcijfers van deze database als JSON (voor backup_controleren)."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(stand(), sort_keys=True))
