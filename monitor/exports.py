"""Files offered to the beleidsambtenaar: PDF, CSV, XLSX — always of the SUPPRESSED figures.

`render(figures, format)` takes the exact figures (monitor.figures.compute_with_comparison) and applies
monitor.suppression itself, so no caller can hand out an unsuppressed file by mistake.
"""

import csv
import io
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from bzt.pdf import PDF_MAX_MEMORY_MB, PDF_TIMEOUT_SECONDS

from .formatting import datum
from .report import LEGENDA, gelabelde_rijen, samenvatting, secties
from .suppression import suppress

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
HEADER = ("Onderdeel", "Cijfer", "Waarde", "Code")
# Dutch Excel opens a CSV by double-click only with ";" between the fields and a BOM that says UTF-8.
CSV_SCHEIDING = ";"
BOM = "\ufeff"

# Limits of the PDF renderer (a forked child process): DESIGN.md § Known traps; the same for every background
# PDF (bzt.pdf). The report (about 10 pages, its size does not grow with the data) needs far less.


def render(figures, format):
    shown = suppress(figures)
    if format == "pdf":
        return render_pdf(shown)
    if format == "csv":
        return render_csv(shown)
    if format == "xlsx":
        return render_xlsx(shown)
    raise ValueError(f"Onbekend formaat: {format}")


def filename(jaar, format):
    return f"jaarmonitor-bzt-{jaar}.{format}"


def documentnaam(shown):
    """Whose monitor it is, on the document: the gemeente's own name on a gemeente's monitor (Gemeente.documentnaam),
    else the installation's (BZT_GEMEENTE)."""
    return (shown.get("gemeente") or {}).get("naam") or settings.BZT_GEMEENTE


def report_context(shown):
    """What the PDF and the HTML preview show (monitor/_rapport_inhoud.html)."""
    with translation.override("nl"):
        return {
            "cijfers": shown,
            "jaar": shown["jaar"],
            "periode_eind": datum(peildatum(shown)),
            "voorlopig": voorlopig_tekst(shown),
            "stand_per": datum(stand(shown)) if stand(shown) else "",
            "gemeente": documentnaam(shown),
            "gemaakt_op": datum(timezone.localdate()),
            "samenvatting": samenvatting(shown),
            "secties": secties(shown),
            "legenda": LEGENDA,
        }


def stand(shown):
    """The day up to which the figures were registered (None: computed live, the management command)."""
    return date.fromisoformat(shown["tot_en_met"]) if shown.get("tot_en_met") else None


def peildatum(shown):
    """The last day counted: 31 December, or the stand of a year that is not over."""
    eind = date(shown["jaar"], 12, 31)
    return min(stand(shown), eind) if stand(shown) else eind


def voorlopig_tekst(shown):
    """The provisional label of a year that is not over (empty for a whole year)."""
    if not stand(shown) or stand(shown) >= date(shown["jaar"], 12, 31):
        return ""
    return (
        f"Voorlopige cijfers: stand per {datum(peildatum(shown))}. Het jaar {shown['jaar']} is nog niet voorbij; "
        "de cijfers tellen tot en met die dag (de laatste volledige maand) en worden pas na de volgende volledige "
        "maand bijgewerkt. De vergelijking is met dezelfde periode van het jaar ervoor."
    )


def render_html(shown):
    with translation.override("nl"):
        return render_to_string("monitor/pdf.html", report_context(shown))


def render_pdf(shown):
    from bzt.pdf import render_pdf_isolated

    return render_pdf_isolated(render_html(shown), timeout=PDF_TIMEOUT_SECONDS, max_memory_mb=PDF_MAX_MEMORY_MB)


def _cell(value):
    return "" if value is None else value


def _csv_cell(value):
    """A value as Dutch Excel reads it: a decimal comma (12,5), the rest as it is."""
    if isinstance(value, float):
        return f"{value}".replace(".", ",")
    return _cell(value)


def render_csv(shown):
    """For Dutch Excel: ";" between the fields, UTF-8 with a BOM, the labels a person reads (and the code of
    each figure in the last column, the key it has in the JSON of `jaarmonitor --format json`)."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=CSV_SCHEIDING, lineterminator="\r\n")
    writer.writerow(HEADER)
    for onderdeel, cijfer, waarde, code in gelabelde_rijen(shown):
        writer.writerow((onderdeel, cijfer, _csv_cell(waarde), code))
    return out.getvalue().encode()


def render_xlsx(shown):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = {}
    bold = Font(bold=True)
    for onderdeel, cijfer, waarde, code in gelabelde_rijen(shown):
        if onderdeel not in sheets:
            sheet = workbook.create_sheet(onderdeel[:31])
            sheet.append(HEADER)
            for cell in sheet[1]:
                cell.font = bold
            sheet.column_dimensions["A"].width = 24
            sheet.column_dimensions["B"].width = 48
            sheet.column_dimensions["C"].width = 14
            sheet.column_dimensions["D"].width = 36
            sheet.freeze_panes = "A2"
            sheets[onderdeel] = sheet
        sheet = sheets[onderdeel]
        sheet.append((onderdeel, cijfer, _cell(waarde), code))
        if isinstance(waarde, float):
            sheet.cell(row=sheet.max_row, column=3).number_format = "#,##0.00"
    toelichting = workbook.create_sheet("Toelichting")
    toelichting.append(("onderwerp", "toelichting"))
    for cell in toelichting[1]:
        cell.font = bold
    toelichting.append(("jaarmonitor", f"Jaarmonitor Bijzonder Zorgteam {shown['jaar']}, {documentnaam(shown)}"))
    toelichting.append(("gemaakt op", datum(timezone.localdate())))
    toelichting.append(("<5", LEGENDA))
    if stand(shown):
        toelichting.append(("stand per", f"{datum(stand(shown))} (wat tot en met die dag was geregistreerd)"))
    if voorlopig_tekst(shown):
        toelichting.append(("voorlopig", voorlopig_tekst(shown)))
    toelichting.column_dimensions["A"].width = 16
    toelichting.column_dimensions["B"].width = 100
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
