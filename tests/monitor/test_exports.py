"""The files a beleidsambtenaar gets: CSV, XLSX and PDF of the suppressed figures; the safe PDF fetcher."""

import csv
import io
import json
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from bzt.pdf import PDF_BASE_URL, render_pdf, static_fetcher
from monitor import charts, exports
from monitor.figures import compute_with_comparison
from monitor.formatting import aantal, bedrag, datum, verschil
from monitor.suppression import SUPPRESSED

from .conftest import GEHEIM, JAAR, pdf_text

# Keys whose values are no counts (years, money, medians in days): allowed to be 1 to 4.
NOT_COUNTS = ("jaar", "maatwerkbudget_totaal", "per_casus", "per_persoon", "totaal")


def small_exact_counts(rows):
    """(sectie, sleutel, waarde) rows with a count of 1-4 shown exactly."""
    bad = []
    for sectie, sleutel, waarde in rows:
        if sectie in ("doorlooptijden", "jaarmonitor") or (sectie == "budget" and sleutel in NOT_COUNTS):
            continue
        if sectie == "budget" and sleutel.startswith("per_categorie."):
            continue
        if sectie == "escalaties" and sleutel == "maatwerkbudget_totaal":
            continue
        if sectie == "vorig_jaar" and sleutel == "jaar":
            continue
        if str(waarde) in {"1", "2", "3", "4"}:
            bad.append((sectie, sleutel, waarde))
    return bad


def csv_rijen(data):
    """The rows of a jaarmonitor CSV as Dutch Excel reads it: BOM, ";" between the fields."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def csv_tabel(data):
    """{(sectie, sleutel): waarde} from the code column of a jaarmonitor CSV."""
    return {tuple(code.split(".", 1)): waarde for _, _, waarde, code in csv_rijen(data)[1:]}


@pytest.fixture
def exact(jaar_cijfers):
    return compute_with_comparison(JAAR)


def test_the_test_data_has_small_counts_to_suppress(exact):
    assert exact["meldingen"]["totaal"] == 7
    assert exact["meldingen"]["per_melder_type"] == {"professional": 5, "burger": 2}
    assert exact["triage"]["per_besluit"] == {"mdo": 6}
    assert (
        exact["doorlooptijden"]["melding_tot_triage"] == 2 and exact["doorlooptijden_aantal"]["melding_tot_triage"] == 6
    )


def test_the_csv_shows_less_than_5_and_no_exact_small_count(exact):
    data = exports.render(exact, "csv").decode()
    rows = csv_rijen(data)
    assert rows[0] == ["Onderdeel", "Cijfer", "Waarde", "Code"]
    table = csv_tabel(data)
    assert table[("meldingen", "totaal")] == "7"
    assert table[("meldingen", "per_melder_type.burger")] == SUPPRESSED
    # Secondary: 7 = 5 + 2 would give the burger count away, so the 5 is hidden too.
    assert table[("meldingen", "per_melder_type.professional")] == SUPPRESSED
    assert table[("triage", "doelgroep_3_uit_8")] == "6"
    assert table[("doorlooptijden", "melding_tot_triage")] == "2"  # a median of 2 days over 6 meldingen
    assert table[("budget", "totaal")] == "12345,0"  # a decimal comma, as Dutch Excel reads a number
    assert small_exact_counts([(*code.split(".", 1), waarde) for _, _, waarde, code in rows[1:]]) == []
    # people read labels, not the codes of the JSON (issue 17)
    labels = {code: (onderdeel, cijfer) for onderdeel, cijfer, _, code in rows[1:]}
    assert labels["meldingen.per_melder_type.burger"] == ("Meldingen", "Per melder type: Burger")
    assert labels["meldingen.per_aanmeldroute.oggz"][1].startswith("Per aanmeldroute: OGGZ")
    assert labels["doorlooptijden.melding_tot_triage"] == ("Doorlooptijden", "Melding tot triage")
    for secret in GEHEIM:
        assert secret not in data


def test_the_xlsx_has_one_sheet_per_topic_with_the_same_suppressed_values(exact):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(exports.render(exact, "xlsx")))
    assert {"Meldingen", "Triage en leefgebieden", "Personen", "Casussen en caseload", "Budget", "Vorig jaar"} <= set(
        book.sheetnames
    )
    rows = []
    for sheet in book.worksheets:
        values = list(sheet.iter_rows(values_only=True))
        if sheet.title == "Toelichting":
            assert "<5" in values[3][0] and "1 tot en met 4" in values[3][1]
            continue
        assert values[0] == ("Onderdeel", "Cijfer", "Waarde", "Code"), sheet.title
        rows += [(*code.split(".", 1), waarde) for _, _, waarde, code in values[1:]]
    table = {(sectie, sleutel): waarde for sectie, sleutel, waarde in rows}
    assert table[("meldingen", "totaal")] == 7
    assert table[("meldingen", "per_melder_type.burger")] == SUPPRESSED
    assert table[("meldingen", "per_melder_type.professional")] == SUPPRESSED
    assert small_exact_counts(rows) == []
    text = "\n".join(str(v) for row in rows for v in row)
    for secret in GEHEIM:
        assert secret not in text


def test_the_pdf_shows_the_key_figures_in_dutch_and_no_person(exact):
    data = exports.render(exact, "pdf")
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert f"Jaarmonitor {JAAR}" in text
    assert f"Gemaakt op {datum(timezone.localdate())}" in " ".join(text.split())
    flat = " ".join(text.split())
    assert "Meldingen 7" in flat  # meldingen totaal in the highlights and the key figures
    assert "Doelgroep 3-uit-8 6" in flat
    assert "Unieke personen 7" in flat
    assert "€ 12.345,00" in text  # the budget line, Dutch money format
    # budget per persoon divides over the persons in casussen (none in this year), not the 7 persons reported
    assert "€ 1.763,57" not in text
    assert "Maart 7" in flat and "2 dagen" in flat
    assert "<5" in text and "Definities" in text
    for secret in GEHEIM:
        assert secret not in text
    for m in exact_meldingen_bsns():
        assert m not in text


def exact_meldingen_bsns():
    from meldpunt.models import Persoon

    return [p.bsn for p in Persoon.objects.exclude(bsn="")]


def test_the_command_writes_suppressed_files_and_exact_json(jaar_cijfers, tmp_path):
    out = StringIO()
    call_command("jaarmonitor", jaar=JAAR, format="json", output="-", stdout=out)
    exact = json.loads(out.getvalue())
    assert exact["meldingen"]["per_melder_type"] == {"professional": 5, "burger": 2}
    assert exact["doorlooptijden_aantal"]["melding_tot_triage"] == 6

    out = StringIO()
    call_command("jaarmonitor", jaar=JAAR, format="csv", output="-", stdout=out)
    assert "Meldingen;Per melder type: Burger;<5;meldingen.per_melder_type.burger\r\n" in out.getvalue()

    path = tmp_path / "jm.pdf"
    call_command("jaarmonitor", jaar=JAAR, format="pdf", output=str(path), stderr=StringIO())
    assert path.read_bytes().startswith(b"%PDF")


def test_an_empty_year_still_gives_every_file(db):
    figures = compute_with_comparison(2001)
    assert exports.render(figures, "csv").decode().startswith("\ufeffOnderdeel;Cijfer;Waarde;Code\r\n")
    assert exports.render(figures, "xlsx").startswith(b"PK")
    assert "Jaarmonitor 2001" in pdf_text(exports.render(figures, "pdf"))


# --- the fetcher ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.org/static/css/bzt.css",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/static/css/bzt.css",
        PDF_BASE_URL + "static/../../../etc/passwd",
        PDF_BASE_URL + "media/jaarmonitor/x.pdf",
        "data:text/plain,geheim",
    ],
)
def test_the_pdf_fetcher_refuses_everything_but_our_static_files(url):
    with pytest.raises(ValueError):
        static_fetcher()(url)


def test_the_pdf_fetcher_serves_our_own_static_files():
    response = static_fetcher()(PDF_BASE_URL + "static/monitor/jaarmonitor-pdf.css")
    assert b"@page" in response.read()


def test_a_pdf_never_contains_a_local_file_or_a_network_address(tmp_path):
    secret = tmp_path / "geheim.txt"
    secret.write_text("Geheimvoornaam uit een bestand")
    html = (
        f'<link rel="stylesheet" href="file://{secret}"><img src="file:///etc/passwd">'
        '<img src="http://127.0.0.1:1/x.png"><p>Alleen dit.</p>'
        f'<iframe src="file://{secret}"></iframe><object data="file://{secret}"></object>'
    )
    text = pdf_text(render_pdf(html))
    assert "Alleen dit." in text and "Geheimvoornaam" not in text and "root:" not in text


def test_the_isolated_renderer_gives_the_same_pdf_and_reports_failure_in_dutch():
    from bzt.pdf import PdfError, render_pdf_isolated

    assert "Hallo" in pdf_text(render_pdf_isolated("<p>Hallo</p>"))
    with pytest.raises(PdfError, match="langer dan 0.01 seconden"):
        render_pdf_isolated("<p>" + "x " * 200_000 + "</p>", timeout=0.01)
    assert "Nog steeds" in pdf_text(render_pdf_isolated("<p>Nog steeds</p>"))  # nothing left behind


def test_the_isolated_renderer_refuses_a_render_that_needs_more_memory_than_allowed():
    """The cap is on the address space the render adds to the process. Run from a fresh process: a long
    test session keeps freed memory mapped, which a child may reuse without adding address space."""
    import subprocess
    import sys

    script = (
        "import django; django.setup()\n"
        "from bzt.pdf import PdfError, render_pdf_isolated\n"
        "try:\n"
        "    render_pdf_isolated('<p>' + 'x ' * 1_000_000 + '</p>', max_memory_mb=5)\n"
        "except PdfError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        check=False,
    )
    assert "had meer dan 5 MB geheugen nodig" in result.stdout, result.stderr[-2000:]


def test_the_render_child_dies_with_the_process_that_forked_it(tmp_path):
    """kill -9 of a Celery pool process during a render must not leave the render running on with copies of the
    pool process's sockets: its PostgreSQL connection held the job's advisory lock, so the redelivered job
    skipped the report (worker-kill fault test, issue 20)."""
    import signal
    import subprocess
    import sys
    import time

    pid_file = tmp_path / "child.pid"
    script = (
        "import django, os, time; django.setup()\n"
        "from bzt import pdf\n"
        "pdf._warm_up = lambda: None\n"
        f"pdf.render_pdf = lambda html, base_url=None: (open({str(pid_file)!r}, 'w').write(str(os.getpid())), "
        "time.sleep(120))\n"
        "pdf.render_pdf_isolated('<p>lang</p>', timeout=120)\n"
    )
    parent = subprocess.Popen(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", script], env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    )
    try:
        deadline = time.monotonic() + 60
        while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
            time.sleep(0.1)
        child = int(pid_file.read_text())
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()

    def alive():
        try:
            with open(f"/proc/{child}/status") as fh:
                return "\nState:\tZ" not in fh.read()  # a zombie waiting to be reaped has ended
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 10
    while alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    ended = not alive()
    if not ended:
        os.kill(child, signal.SIGKILL)
    assert ended, "the render child outlived its parent"


def test_the_isolated_renderer_works_from_a_thread_and_from_a_daemon_process():
    """As in a threaded web server and in a Celery prefork worker (a daemonic process, which
    multiprocessing would not allow to have children of its own)."""
    import multiprocessing
    import threading

    from bzt.pdf import render_pdf_isolated

    results = []
    thread = threading.Thread(target=lambda: results.append(render_pdf_isolated("<p>Uit een thread</p>")))
    thread.start()
    thread.join(60)
    assert "Uit een thread" in pdf_text(results[0])

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_render_into, args=(queue,), daemon=True)
    process.start()
    data = queue.get(timeout=60)
    process.join(60)
    assert "Uit een daemon" in pdf_text(data)


def _render_into(queue):
    from bzt.pdf import render_pdf_isolated

    queue.put(render_pdf_isolated("<p>Uit een daemon</p>"))


# --- formats and charts --------------------------------------------------------------------------------------


def test_dutch_formats():
    assert aantal(1234) == "1.234" and aantal(1234567) == "1.234.567" and aantal(0) == "0"
    assert aantal(12.5) == "12,5" and aantal(12.0) == "12" and aantal(None) == "—" and aantal("<5") == "<5"
    assert bedrag(12345) == "€\u00a012.345,00" and bedrag(0.5) == "€\u00a00,50" and bedrag("<5") == "<5"
    assert verschil(10, 7) == "+3" and verschil(7, 10) == "\u22123" and verschil("<5", 10) == "—"
    from datetime import date

    assert datum(date(2025, 3, 14)) == "14 maart 2025"


def test_charts_are_svg_with_values_and_a_hatched_stub_for_suppressed_values():
    svg = str(charts.bar_chart([("OGGZ", 1234), ("CJG", SUPPRESSED), ("<script>", 0)], title="Per route"))
    assert svg.startswith("<svg") and "1.234" in svg and "&lt;5" in svg and "&lt;script&gt;" in svg
    assert "arcering" in svg and "style=" not in svg  # pattern, not colour; no inline style (CSP)
    svg = str(charts.comparison_chart([("Meldingen", 10, 8)], title="x", labels=("2025", "2024")))
    assert "2025" in svg and "2024" in svg and "vorig" in svg
    assert charts.bar_chart([], title="leeg") == ""
