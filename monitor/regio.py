"""The region report (CONTRACT.md § Region, docs/jaarmonitor.md § Regio): the headline figures of every gemeente of
the installation side by side, with the region's total beside them.

Each gemeente's column is that gemeente's monitor as its own beleidsambtenaar sees it (`suppression.suppress` of
its figures, small cells and the secondary suppression inside its own breakdowns). Across the gemeenten one rule
more (complementary suppression): a row in which any gemeente's count is hidden hides the region's count too, so a
hidden cell is never the region's total minus the gemeenten that are shown. The rows are totals, not parts of one
breakdown of the region, so hiding a region cell gives nothing else away.
"""

from django.template.loader import render_to_string
from django.utils import translation

from bzt.models import Gemeente

from .figures import compute_per_gemeente
from .formatting import datum
from .suppression import SUPPRESSED, is_suppressed, suppress

# (section, key, label): counts that add up over the gemeenten (CONTRACT.md), then amounts
RIJEN = [
    ("meldingen", "totaal", "Meldingen"),
    ("meldingen", "gezinnen", "Meldingen over gezinnen met kinderen"),
    ("meldingen", "overlast", "Meldingen met overlast"),
    ("triage", "totaal", "Getrieerd"),
    ("triage", "doelgroep_3_uit_8", "Doelgroep (3 uit 8)"),
    ("casussen", "nieuw", "Nieuwe casussen"),
    ("casussen", "afgesloten", "Afgesloten casussen"),
    ("casussen", "open_einde_jaar", "Open casussen einde jaar"),
    ("escalaties", "totaal", "Escalaties"),
]
BEDRAGEN = [
    ("budget", "totaal", "Budget (eigen budgetregels)"),
    ("budget", "per_casus", "Budget per casus in behandeling"),
]


def gemeenten():
    return list(Gemeente.objects.filter(actief=True).order_by("naam"))


def compute_regio(jaar, *, tot_en_met=None) -> dict:
    """Exact figures: {"jaar", "gemeenten": [{"code", "naam", "cijfers"}], "regio": figures}. Each column equals
    compute(jaar, gemeente=…), the region compute(jaar); all from one pass grouped by gemeente (issue 18: the
    report of 20 gemeenten within 2× the time of one gemeente's)."""
    alle = gemeenten()
    per, regio = compute_per_gemeente(jaar, alle, tot_en_met=tot_en_met)
    return {
        "jaar": jaar,
        "gemeenten": [{"code": g.code, "naam": g.naam, "cijfers": per[g.pk]} for g in alle],
        "regio": regio,
    }


def suppress_regio(exact: dict) -> dict:
    """The region report for display: every column suppressed on its own, then the complementary rule."""
    kolommen = [{"code": g["code"], "naam": g["naam"], "cijfers": suppress(g["cijfers"])} for g in exact["gemeenten"]]
    regio = suppress(exact["regio"])
    for sectie, sleutel, _ in RIJEN:
        if any(is_suppressed(k["cijfers"][sectie][sleutel]) for k in kolommen):
            regio[sectie][sleutel] = SUPPRESSED
    # an amount per casus goes with its count (suppression rule 4), in the region column too
    if is_suppressed(regio["casussen"]["nieuw"]) or is_suppressed(regio["budget"]["casussen_in_behandeling"]):
        regio["budget"]["per_casus"] = SUPPRESSED
    return {"jaar": exact["jaar"], "gemeenten": kolommen, "regio": regio}


# At most this many gemeenten side by side in one table: a region of 10-20 gemeenten gets several tables, one under
# the other, the region's column in the last (an A4 landscape page holds 7 amounts like "€ 346.400,00" in a row).
KOLOMMEN_PER_TABEL = 7


def tabel(shown: dict) -> dict:
    """Rows × columns for the template: each row its label and one value per gemeente, then the region's; and the
    same cut into `tabellen` of at most KOLOMMEN_PER_TABEL gemeenten (the region's values in the last)."""
    rijen = []
    for sectie, sleutel, label in RIJEN + BEDRAGEN:
        waarden = [k["cijfers"][sectie][sleutel] for k in shown["gemeenten"]]
        bedrag = (sectie, sleutel, label) in BEDRAGEN
        rijen.append({"label": label, "waarden": waarden, "regio": shown["regio"][sectie][sleutel], "bedrag": bedrag})
    kolommen = [k["naam"] for k in shown["gemeenten"]]
    n = len(kolommen)
    per = -(-n // -(-n // KOLOMMEN_PER_TABEL)) if n else 1  # as even as possible: 20 -> 7, 7, 6
    tabellen = []
    for start in range(0, max(n, 1), per):
        laatste = start + per >= n
        tabellen.append(
            {
                "kolommen": kolommen[start : start + per],
                "met_regio": laatste,
                "rijen": [
                    {**rij, "waarden": rij["waarden"][start : start + per], "regio": rij["regio"] if laatste else None}
                    for rij in rijen
                ],
            }
        )
    return {"kolommen": kolommen, "rijen": rijen, "tabellen": tabellen}


def render_regio_pdf(shown: dict) -> bytes:
    from django.utils import timezone

    from bzt.pdf import render_pdf_isolated

    from .exports import PDF_MAX_MEMORY_MB, PDF_TIMEOUT_SECONDS

    with translation.override("nl"):
        html = render_to_string(
            "monitor/regio_pdf.html",
            {"jaar": shown["jaar"], "gemaakt_op": datum(timezone.localdate()), **tabel(shown)},
        )
    return render_pdf_isolated(html, timeout=PDF_TIMEOUT_SECONDS, max_memory_mb=PDF_MAX_MEMORY_MB)
