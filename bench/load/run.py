"""`python -m bench load`: 50 users (locust) against gunicorn + PostgreSQL on a private stack, for a fixed time.

Starts the stack (bench/faults/stack.py), loads the data of `--size` (default 10k) into it, starts gunicorn,
runs locust headless and writes bench/results/load.json and the "Load test" section of bench/README.md.
"""

import csv
import importlib.util
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.faults.readme import update_section
from bench.faults.stack import ROOT, Stack

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parent / "results"
REQUIREMENTS = HERE.parent / "requirements.txt"


def ensure_locust():
    if importlib.util.find_spec("locust") is None:  # not imported here: locust monkey-patches the process
        print("locust is missing: installing bench/requirements.txt into this environment")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)], check=True)  # noqa: S603


def prepare(stack, size="10k"):
    """Data and accounts in the stack's PostgreSQL; returns the path of the accounts JSON."""
    out = stack.dir / "accounts.json"
    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.faults.prepare", "--size", size, "--out", str(out)],
        cwd=ROOT,
        env=stack.env(CELERY_BROKER_URL=""),
        check=True,
    )
    print(f"  data {size} loaded in {time.perf_counter() - started:.0f} s")
    return out


def run_locust(stack, accounts, duration, users, csv_prefix, spawn_rate=10, ledger=None):
    """Run locust headless; returns the process (waited for). `ledger`: where the users record every write
    answered with success (bench/load/verify.py)."""
    env = {**os.environ, "BZT_LOAD_ACCOUNTS": str(accounts), "PYTHONPATH": str(ROOT)}
    if ledger is not None:
        env["BZT_LOAD_LEDGER"] = str(ledger)
    return subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(HERE / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(spawn_rate),
            "--run-time",
            f"{duration}s",
            "--host",
            stack.base_url,
            "--csv",
            str(csv_prefix),
            "--csv-full-history",
            "--only-summary",
            "--stop-timeout",
            "10",
            "--loglevel",
            "WARNING",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=duration + 120,
    )


def read_stats(csv_prefix, proc=None):
    if not Path(f"{csv_prefix}_stats.csv").exists():
        raise RuntimeError(f"locust wrote no statistics: {proc.stderr[-2000:] if proc else ''}")
    rows = list(csv.DictReader(open(f"{csv_prefix}_stats.csv")))  # noqa: SIM115
    failures = list(csv.DictReader(open(f"{csv_prefix}_failures.csv")))  # noqa: SIM115

    def num(row, key):
        value = row.get(key, "")
        return float(value) if value not in ("", "N/A") else None

    stats = [
        {
            "name": r["Name"],
            "requests": int(r["Request Count"]),
            "failures": int(r["Failure Count"]),
            "median_ms": num(r, "50%"),
            "p95_ms": num(r, "95%"),
            "p99_ms": num(r, "99%"),
            "rps": num(r, "Requests/s"),
        }
        for r in rows
    ]
    return stats, [{"name": f["Name"], "error": f["Error"], "count": int(f["Occurrences"])} for f in failures]


def verify_writes(stack, ledger):
    """bench/load/verify.py against the stack's database: every write answered with success, whole."""
    proc = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.load.verify", str(ledger)],
        cwd=ROOT,
        env=stack.env(CELERY_BROKER_URL=""),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode not in (0, 1) or not proc.stdout.strip():
        raise RuntimeError(f"verify failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def gunicorn_workers(stack):
    return stack.worker_children(stack.web)


def run(duration=60, users=50, size="10k", web_workers=4):
    ensure_locust()
    RESULTS.mkdir(exist_ok=True)
    with Stack(database=f"bzt_bench_{size}") as stack:
        print(f"bench load: private stack in {stack.dir}")
        stack.start_postgres()
        accounts = prepare(stack, size)
        stack.start_web(workers=web_workers)
        load_before = os.getloadavg()[0]
        print(f"  locust: {users} users, {duration} s against {stack.base_url} (gunicorn {web_workers} workers)")
        ledger = stack.dir / "ledger.jsonl"
        proc = run_locust(stack, accounts, duration, users, stack.dir / "load", ledger=ledger)
        stats, failures = read_stats(stack.dir / "load", proc)
        writes = verify_writes(stack, ledger)
        if proc.returncode not in (0, 1):  # 1 = there were failures; the numbers say which
            print(proc.stdout[-3000:], proc.stderr[-3000:])
            raise RuntimeError(f"locust stopped with exit code {proc.returncode}")
        result = {
            "measured": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "size": size,
            "users": users,
            "duration_s": duration,
            "gunicorn_workers": web_workers,
            "load_avg_at_start": round(load_before, 1),
            "stats": stats,
            "failures": failures,
            "writes": writes,
        }
    (RESULTS / "load.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    update_section("load", "Load test", markdown(result))
    total = next(s for s in stats if s["name"] == "Aggregated")
    print(
        f"bench load: {total['requests']} requests, {total['rps']:.1f} req/s, p95 {total['p95_ms']:.0f} ms, "
        f"{total['failures']} errors; conflicts "
        f"{sum(s['requests'] for s in stats if s['name'].endswith('[conflict]'))}"
    )
    print(
        f"bench load: writes answered with success {writes['answered_success']}, found whole {writes['found_whole']}, "
        f"lost {writes['lost']}, half {writes['half']}"
    )
    if writes["lost"] or writes["half"]:
        print(f"bench load: FAIL — a write answered with success did not land: {writes['examples']}")
        raise SystemExit(1)
    return result


def _writes_lines(writes):
    if not writes:
        return []
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(writes["per_kind"].items()))
    verdict = "PASS" if not writes["lost"] and not writes["half"] else "**FAIL**"
    return [
        f"Writes that landed (`bench/load/verify.py`): {verdict} — {writes['answered_success']} writes answered with "
        f"success ({kinds}), {writes['found_whole']} found whole in the database afterwards, {writes['lost']} lost, "
        f"{writes['half']} half.",
        "",
    ]


def markdown(result):
    total = next(s for s in result["stats"] if s["name"] == "Aggregated")
    conflicts = [s for s in result["stats"] if s["name"].endswith("[conflict]")]
    lines = [
        "Re-run: `.venv/bin/python -m bench load [--size 10k|100k] [--duration 60] [--users 50]` (installs",
        "`bench/requirements.txt` when locust is missing; starts its own PostgreSQL on 55432 and gunicorn on 58000,",
        "loads the data of that size with the generator — the region's 20 gemeenten — into it, ~3 min in all at 10k,",
        "and removes everything afterwards). Users log in like a browser: password,",
        "then the TOTP code computed from the key the prepare step gives their account (`bench/faults/prepare.py`).",
        "Mix and think times: `bench/load/locustfile.py`. A refused edit because someone saved first is a correct",
        "answer and is counted apart as `[conflict]`, not as an error. Every write answered with success (a triage,",
        "a plan edit, a journaal entry) is in a ledger, and `bench/load/verify.py` checks afterwards that each is in",
        "the database, whole (with its history row naming the user); any lost or half write makes `bench load` fail.",
        "",
        f"Measured {result['measured']}: {result['users']} users for {result['duration_s']} s, data {result['size']},",
        f"gunicorn {result['gunicorn_workers']} sync workers, locust and PostgreSQL on the same 2 shared cores",
        f"(load average at start {result['load_avg_at_start']}).",
        "",
        f"**Throughput {total['rps']:.1f} requests/s, p95 {total['p95_ms']:.0f} ms, "
        f"median {total['median_ms']:.0f} ms, "
        f"errors {total['failures']} of {total['requests']}; conflicts {sum(c['requests'] for c in conflicts)}.**",
        "",
        *_writes_lines(result.get("writes")),
        "| request | count | errors | median ms | p95 ms | req/s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for s in result["stats"]:
        if s["name"] == "Aggregated":
            continue
        median = f"{s['median_ms']:.0f}" if s["median_ms"] is not None else "–"
        p95 = f"{s['p95_ms']:.0f}" if s["p95_ms"] is not None else "–"
        lines.append(f"| {s['name']} | {s['requests']} | {s['failures']} | {median} | {p95} | {s['rps']:.2f} |")
    lines.append(
        f"| **all** | {total['requests']} | {total['failures']} | {total['median_ms']:.0f} | {total['p95_ms']:.0f} "
        f"| {total['rps']:.1f} |"
    )
    if result["failures"]:
        lines += ["", "Errors:", ""] + [f"- {f['name']}: {f['error']} ({f['count']}×)" for f in result["failures"]]
    return "\n".join(lines)
