"""jaarmonitor --jaar Y [--gemeente GMxxxx | --regio] [--format json|pdf|csv|xlsx] [--output PATH|-] (CONTRACT.md)."""

import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bzt.gemeenten import gemeente_van
from monitor import exports
from monitor.figures import compute_with_comparison
from monitor.regio import compute_regio, render_regio_pdf, suppress_regio

FORMATS = ("json", "pdf", "csv", "xlsx")


class Command(BaseCommand):
    help = "Berekent de jaarmonitor. JSON geeft exacte cijfers; pdf, csv en xlsx onderdrukken aantallen 1-4 als '<5'."

    def add_arguments(self, parser):
        parser.add_argument("--jaar", type=int, required=True)
        parser.add_argument("--gemeente", help="CBS-code (bijvoorbeeld GM0301): alleen de cijfers van die gemeente")
        parser.add_argument(
            "--regio", action="store_true", help="het regiorapport: de gemeenten naast elkaar (json of pdf)"
        )
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", default="-", help="bestand, of - voor standaarduitvoer (standaard)")

    def handle(self, *args, jaar, format, output, gemeente=None, regio=False, **options):
        if regio:
            data = self._regio(jaar, format, gemeente)
        else:
            figures = compute_with_comparison(jaar, gemeente=self._gemeente(gemeente))
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

    @staticmethod
    def _gemeente(code):
        if not code:
            return None
        try:
            return gemeente_van(code).pk
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None

    @staticmethod
    def _regio(jaar, format, gemeente):
        if gemeente:
            raise CommandError("--regio en --gemeente gaan niet samen: het regiorapport toont alle gemeenten.")
        if format not in ("json", "pdf"):
            raise CommandError("Het regiorapport is er als json (exact) of pdf (onderdrukt).")
        exact = compute_regio(jaar)
        if format == "json":
            return (json.dumps(exact, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
        return render_regio_pdf(suppress_regio(exact))
