"""Merge bench/results/<size>.json into markdown: bench/results/summary.md and the results block of README.md."""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
README = HERE / "README.md"
START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"
ORDER = ("10k", "100k", "1m")
PAGE_P95_MS = 150

WORKLOAD_TITLES = {
    1: "1. Triage queue (/meldpunt/) — baseline: the same page at 10k",
    2: (
        "2. Mijn casussen (/casussen/) — baseline: the unfiltered list query; target ≤ 1.5×; mijn acties "
        "(/casussen/acties/) — baseline: 10k"
    ),
    3: "3. Dossier with a long history — baseline: the dossier of a fresh casus",
    4: "4. Search by name and by BSN (/meldpunt/zoeken/) — baseline: 10k",
    5: "5. MDO agenda (/mdo/<pk>/: 30 open items, and the past MDO with the most items), MDO list (/mdo/) and Mijn "
    "MDO-punten — baseline: 10k",
    6: "6. Procesmanager dashboard (/casussen/dashboard/, its signals list) and home page (/) — baseline: 10k",
    7: (
        "7. Jaarmonitor figures (monitor.figures.compute) — baseline: one hand-written statement that groups the "
        "same rows (and, for scale, a GROUP BY over the meldingen table alone); target ≤ 2×"
    ),
    8: "8. Jaarmonitor PDF — baseline: WeasyPrint alone on the same HTML; target < 5 s and ≤ 1.2×",
    9: "9. Audited write vs plain save (JournaalRegel) — target ≤ 2×",
    10: "10. Search, any term (/meldpunt/zoeken/): commonest surname, two letters, no match — p95 < 100 ms at 1M",
    11: "11. Access-log viewer (/inzagelog/): default page, next page, every filter — target p95 < 200 ms at 5M rows",
    12: "12. Access-log writes: rows/s with 16 concurrent writers, 32 chains against one — target ≥ 1,000 rows/s",
    13: "13. Bewaartermijn (retention): dry run and a real run (rolled back) — target ≥ 2,000 objects/s",
    14: "14. Cold start: first request of a fresh worker process, cold and warmed (bzt.warmup) — target: first ≈ warm",
    15: "15. Gemeente-bound escalation pages: wethouder and coördinator of a large and a small gemeente — p95 < 150 ms",
    16: "16. Jaarmonitor of one gemeente: beleidsambtenaar of a large and a small gemeente — p95 < 150 ms",
    17: "17. Region report: 20 gemeenten side by side against one gemeente's figures — target ≤ 2×",
}


def load():
    results = {}
    for size in ORDER:
        path = RESULTS / f"{size}.json"
        if path.exists():
            results[size] = json.loads(path.read_text())
    return results


def fmt_ms(value):
    """A number of milliseconds for the tables (the column says ms)."""
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def human(value):
    """Milliseconds with their unit, for prose."""
    if value is None:
        return "–"
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{fmt_ms(value)} ms"


def row_index(results):
    return {size: {r["key"]: r for r in data["rows"]} for size, data in results.items()}


def workload_tables(results):
    idx = row_index(results)
    lines = []
    for number, title in WORKLOAD_TITLES.items():
        keys = []
        for size in results:
            for row in results[size]["rows"]:
                if row["workload"] == number and row["key"] not in keys:
                    keys.append(row["key"])
        if not keys:
            continue
        lines += [f"#### {title}", ""]
        lines.append("| size | case | runs | median ms | p95 ms | queries | db ms | baseline | ratio (median) |")
        lines.append("|---|---|---:|---:|---:|---:|---:|---|---:|")
        for key in keys:
            for size in results:
                row = idx[size].get(key)
                if row is None:
                    continue
                baseline, ratio = "", ""
                if row.get("pending"):
                    lines.append(f"| {size} | {row['label']} | | pending | | | | | |")
                    continue
                if row.get("baseline_key"):
                    base = idx[size].get(row["baseline_key"])
                    baseline = f"{row['baseline_key']} ({human(base['median_ms'])})" if base else ""
                    ratio = f"{row['ratio']:.2f}×" if row.get("ratio") is not None else ""
                elif row["kind"] == "page" and "10k" in idx and size != "10k" and key in idx["10k"]:
                    base = idx["10k"][key]
                    baseline = f"10k ({human(base['median_ms'])})"
                    ratio = f"{row['median_ms'] / base['median_ms']:.2f}×" if base["median_ms"] else ""
                label = row["label"]
                if row.get("bytes"):
                    label += f" [{row['bytes'] / 1024:,.0f} KB HTML]"
                if "rows_to_python" in row:
                    label += f"; rows to Python: {row['rows_to_python']:,}"
                    if "result_values" in row:
                        label += f", result values: {row['result_values']:,}"
                queries = "" if row.get("queries") is None else str(row["queries"])
                db_ms = "" if row.get("db_ms") is None else fmt_ms(row["db_ms"])
                lines.append(
                    f"| {size} | {label} | {row.get('runs', '')} | {fmt_ms(row['median_ms'])} | "
                    f"{fmt_ms(row['p95_ms'])} | {queries} | {db_ms} | {baseline} | {ratio} |"
                )
        lines.append("")
    return lines


def targets(results):
    """[(target, scope, verdict, detail)]"""
    idx = row_index(results)
    sizes = list(results)
    out = []
    if not sizes:
        return out
    largest = sizes[-1]
    at = "" if largest == "1m" else f" (measured at {largest}; 1M pending)"

    # page queries constant in data size
    page_keys = []
    for size in sizes:
        for row in results[size]["rows"]:
            if row["kind"] == "page" and row["key"] not in page_keys:
                page_keys.append(row["key"])
    for key in page_keys:
        counts = {s: idx[s][key]["queries"] for s in sizes if key in idx[s]}
        if len(counts) < 2:
            verdict = "n/a"
        else:
            verdict = "PASS" if len(set(counts.values())) == 1 else "FAIL"
        detail = ", ".join(f"{s}: {q}" for s, q in counts.items())
        out.append(("page queries constant in data size", key, verdict, detail))
    for size in sizes:
        fresh, long = idx[size].get("w3.dossier.fresh"), idx[size].get("w3.dossier.long")
        if fresh and long:
            verdict = "PASS" if fresh["queries"] == long["queries"] else "FAIL"
            out.append(
                (
                    "dossier queries independent of history length",
                    size,
                    verdict,
                    f"fresh {fresh['queries']}, long {long['queries']}",
                )
            )

    # page p95 < 150 ms at 1M
    for key in page_keys:
        row = idx[largest].get(key)
        if row:
            verdict = "PASS" if row["p95_ms"] < PAGE_P95_MS else "FAIL"
            out.append((f"page p95 < {PAGE_P95_MS} ms at 1M{at}", key, verdict, f"p95 {human(row['p95_ms'])}"))

    # The issue sets this target at 200k casussen (the 1M data); smaller sizes are shown for the trend, where a
    # list query takes 1–3 ms and planning time is a large part of it.
    for size in sizes:
        for who in ("narrow", "broad"):
            row = idx[size].get(f"w2.query.{who}")
            if row and row.get("ratio") is not None:
                verdict = ("PASS" if row["ratio"] <= 1.5 else "FAIL") if size == "1m" else "info"
                detail = f"{row['ratio']:.2f}× ({human(row['median_ms'])})"
                out.append(("mijn casussen ≤ 1.5× unfiltered at 200k casussen", f"{size} {who}", verdict, detail))
    for size in sizes:
        for key, target in (
            ("w9.history", "audited write (save + history row with the acting user) ≤ 2× plain save"),
            ("w9.service", "the same through the service (+ per-casus permission check) ≤ 2× plain save"),
        ):
            row = idx[size].get(key)
            if row and row.get("ratio") is not None:
                verdict = "PASS" if row["ratio"] <= 2 else "FAIL"
                out.append((target, size, verdict, f"{row['ratio']:.2f}×, {row['queries']} queries"))
    for size in sizes:
        row = idx[size].get("w7.compute")
        best = idx[size].get("w7.compute.vs_best")
        if row and row.get("ratio") is not None:
            # issue 20: against the best statement over the same rows (its best plan), not only the plain one
            judged = best if best and best.get("ratio") is not None else row
            verdict = "PASS" if judged["ratio"] <= 2 else "FAIL"
            other = idx[size].get("w7.compute.vs_meldingen")
            extra = f"; {other['ratio']:.0f}× the meldingen-only GROUP BY" if other and other.get("ratio") else ""
            plain = f"; {row['ratio']:.2f}× the same statement with PostgreSQL's own plan" if judged is best else ""
            out.append(
                (
                    "jaarmonitor figures ≤ 2× the best hand-written SQL over the same rows",
                    size,
                    verdict,
                    f"{judged['ratio']:.2f}×{plain}{extra}",
                )
            )
            verdict = "PASS" if row.get("queries") is not None and row["queries"] <= 8 else "FAIL"
            out.append(
                ("jaarmonitor figures in a handful of queries (≤ 8)", size, verdict, f"{row.get('queries')} queries")
            )
            verdict = "PASS" if row["rows_to_python"] <= row["result_values"] else "FAIL"
            out.append(
                (
                    "rows to Python ≤ result values",
                    size,
                    verdict,
                    f"{row['rows_to_python']:,} rows, {row['result_values']:,} values",
                )
            )
    for size in sizes:
        row = idx[size].get("w8.pdf")
        if row is None:
            continue
        if row.get("pending"):
            out.append(("PDF < 5 s and ≤ 1.2× WeasyPrint", size, "pending", "monitor.exports.render not implemented"))
            continue
        verdict = "PASS" if row["p95_ms"] < 5000 and (row.get("ratio") or 99) <= 1.2 else "FAIL"
        ratio = f", {row['ratio']:.2f}×" if row.get("ratio") is not None else ", no baseline"
        out.append(("PDF < 5 s and ≤ 1.2× WeasyPrint", size, verdict, f"p95 {human(row['p95_ms'])}{ratio}"))
    for size in sizes:
        row = idx[size].get("w13.run")
        if row and row.get("objecten_per_s") is not None:
            verdict = "PASS" if row["objecten_per_s"] >= 2000 else "FAIL"
            out.append(
                (
                    "retention ≥ 2,000 objects/s",
                    size,
                    verdict,
                    f"{row['objecten_per_s']:,.0f} objects/s ({row['objecten']:,} in {human(row['median_ms'])})",
                )
            )
        dry = idx[size].get("w13.dry")
        if dry:
            out.append(
                (
                    "retention dry run in seconds (was 4.4 s at 10k, 51.5 s at 100k)",
                    size,
                    "info",
                    human(dry["median_ms"]),
                )
            )
    # issue 20's own targets
    for key, row in idx[largest].items():
        if key.startswith("w10."):
            verdict = "PASS" if row["p95_ms"] < 100 else "FAIL"
            out.append((f"name search, any term, p95 < 100 ms at 1M{at}", key, verdict, f"p95 {human(row['p95_ms'])}"))
        if key.startswith("w11."):
            verdict = "PASS" if row["p95_ms"] < 200 else "FAIL"
            rows = results[largest].get("extra", {}).get("inzagelog_rows")
            scope = f"{key} ({rows:,} rows)" if rows else key
            out.append(("access-log viewer p95 < 200 ms at 5M rows", scope, verdict, f"p95 {human(row['p95_ms'])}"))
    for size in sizes:
        row = idx[size].get("w12.inzage_writes")
        if row and row.get("rows_per_s") is not None:
            verdict = "PASS" if row["rows_per_s"] >= 1000 else "FAIL"
            out.append(("access log ≥ 1,000 rows/s with 16 writers", size, verdict, f"{row['rows_per_s']:,} rows/s"))
        row = idx[size].get("w17.rapport.regio")
        if row and row.get("ratio") is not None:
            verdict = "PASS" if row["ratio"] <= 2 else "FAIL"
            detail = f"{row['ratio']:.2f}× ({human(row['median_ms'])} against one gemeente's)"
            out.append(("region report of every gemeente ≤ 2× one gemeente's", size, verdict, detail))
    for size in sizes:
        for key, row in idx[size].items():
            if key.startswith("w14.") and key.endswith(".warmed"):
                cold = idx[size].get(key.replace(".warmed", ".cold"))
                verdict = "PASS" if row["median_ms"] <= 2 * row["warm_ms"] else "FAIL"
                was = f"cold {human(cold['median_ms'])} → " if cold else ""
                detail = f"first request {was}warmed {human(row['median_ms'])}; warm {human(row['warm_ms'])}"
                out.append(("first request of a warmed worker ≤ 2× a warm one", f"{size} {key[4:-7]}", verdict, detail))
    return out


def data_table(results):
    lines = [
        "| size | meldingen | personen | triages | casussen (open) | journaal | narrow sees | broad sees | "
        "generation (incl. migrate) | measured | load avg at start (2 cores) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for size, data in results.items():
        d = data["data"]
        gen = data.get("generation_seconds", {})
        total = gen.get("totaal_met_migrate") or gen.get("totaal") or 0
        stamps = sorted({r.get("measured_on") or data["measured_on"] for r in data["rows"]})
        measured = stamps[0] if len(stamps) == 1 else f"{stamps[0]} … {stamps[-1][11:]}"
        loads = sorted({r["load_average"] for r in data["rows"] if "load_average" in r})
        load = data.get("load_average", {})
        if loads:
            load = f"{loads[0]}" if len(loads) == 1 else f"{loads[0]}–{loads[-1]}"
        else:
            load = f"{load.get('before', '?')} → {load.get('after', '?')}"
        lines.append(
            f"| {size} | {d['meldingen']:,} | {d['personen']:,} | {d['triages']:,} | {d['casussen']:,} "
            f"({d['casussen_open']:,}) | {d['journaal']:,} | {d['narrow_zichtbaar']:,} | {d['broad_zichtbaar']:,} | "
            f"{total:.0f} s | {measured} | {load} |"
        )
    return lines


def render(results):
    lines = ["### Data", "", *data_table(results), "", "### Targets", ""]
    lines += ["| target | scope | verdict | detail |", "|---|---|---|---|"]
    for target, scope, verdict, detail in targets(results):
        mark = f"**{verdict}**" if verdict == "FAIL" else verdict
        lines.append(f"| {target} | {scope} | {mark} | {detail} |")
    lines += ["", "### Workloads", "", *workload_tables(results)]
    slow = {size: data.get("extra", {}).get("figures_slowest_queries") for size, data in results.items()}
    largest = next((s for s in reversed(ORDER) if slow.get(s)), None)
    if largest:
        lines += [f"Slowest queries of `compute()` at {largest}:", "", "| ms | rows | SQL (start) |", "|---:|---:|---|"]
        for q in slow[largest]:
            sql = q["sql"][:160].replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {q['ms']} | {q['rows']} | `{sql}` |")
        lines.append("")
    return "\n".join(lines)


def report():
    results = load()
    text = render(results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "summary.md").write_text(text + "\n")
    if README.exists():
        readme = README.read_text()
        if START in readme and END in readme:
            head, rest = readme.split(START, 1)
            _, tail = rest.split(END, 1)
            README.write_text(f"{head}{START}\n{text}\n{END}{tail}")
    print(f"report: {', '.join(results) or 'no results'} -> {RESULTS / 'summary.md'}" + (" and README.md"))
    return text
