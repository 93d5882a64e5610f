"""jaarmonitor --jaar Y [--format json|pdf|csv|xlsx] [--output PATH|-] (CONTRACT.md)."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from monitor import exports
from monitor.figures import compute_with_comparison

FORMATS = ("json", "pdf", "csv", "xlsx")


class Command(BaseCommand):
    help = "Berekent de jaarmonitor. JSON geeft exacte cijfers; pdf, csv en xlsx onderdrukken aantallen 1-4 als '<5'."

    def add_arguments(self, parser):
        parser.add_argument("--jaar", type=int, required=True)
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", default="-", help="bestand, of - voor standaarduitvoer (standaard)")

    def handle(self, *args, jaar, format, output, **options):
        figures = compute_with_comparison(jaar)
        if format == "json":
            data = (json.dumps(figures, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
        else:
            data = exports.render(figures, format)
        if output == "-":
            if format in ("json", "csv"):
                self.stdout.write(data.decode(), ending="")
            elif sys.stdout.isatty():
                raise CommandError(f"{format} is binair: geef --output BESTAND.")
            else:
                sys.stdout.buffer.write(data)
        else:
            Path(output).write_bytes(data)
            self.stderr.write(f"Jaarmonitor {jaar} ({format}) geschreven naar {output}")
