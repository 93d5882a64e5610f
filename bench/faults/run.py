"""`python -m bench faults [--only worker-kill,...,pg-kill9,pg-outage,...]`: fault tests on a private stack.

Each scenario does the fault for real (kill -9, stopping Redis, restarting PostgreSQL, kill -9 of an import)
on the stack of bench/faults/stack.py — never on the machine's shared services — and prints one line
`PASS|FAIL <scenario>: <what was observed>`. The results go to bench/results/faults.json and the
"Fault tests" section of bench/README.md. Every wait is bounded; the whole run takes about 5 minutes.
"""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime

import requests

from bench.faults.readme import update_section
from bench.faults.stack import ROOT, Stack
from bench.load.run import RESULTS, ensure_locust, prepare, read_stats, run_locust, verify_writes
from bench.load.totp import totp

SCENARIOS = ("worker-kill", "redis-stop", "pg-restart", "pg-kill9", "pg-outage", "import-crash")
CONNECT_TIMEOUT_S = 5  # bzt/settings.py: DATABASE_CONNECT_TIMEOUT's default
PG_OUTAGE_S = 12  # longer than the connect timeout: requests fail after it instead of hanging
REDIS_HERSTART_S = 10  # beat's sweep interval and waiting time in the redis-stop scenario
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NIET_BEREIKBAAR = "de verwerking is op dit moment niet bereikbaar"


class Fail(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Fail(message)


def wait_until(condition, timeout, what, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise Fail(f"{what}: not within {timeout} s")


# --- helpers on the stack --------------------------------------------------------------------------------


def login(stack, username, password, totp_key=None):
    """A browser-like session: the login form, then (when asked) the 2FA code."""
    session = requests.Session()
    page = session.get(f"{stack.base_url}/inloggen/", timeout=10)
    r = session.post(
        f"{stack.base_url}/inloggen/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": CSRF.search(page.text).group(1)},
        timeout=10,
    )
    for _ in range(2):
        if "/inloggen/code/" not in r.url:
            break
        if _:  # a code is accepted once per device: the account logged in during this 30 s window already
            time.sleep(30 - time.time() % 30 + 1)
        r = session.post(
            r.url,
            data={"code": totp(totp_key), "csrfmiddlewaretoken": CSRF.search(r.text).group(1)},
            timeout=10,
        )
    check("/inloggen" not in r.url, f"login of {username} failed ({r.url})")
    return session


def request_report(stack, session, jaar):
    page = session.get(f"{stack.base_url}/jaarmonitor/", timeout=10)
    started = time.perf_counter()
    r = session.post(
        f"{stack.base_url}/jaarmonitor/",
        data={"rapport-jaar": jaar, "csrfmiddlewaretoken": CSRF.search(page.text).group(1)},
        timeout=30,
    )
    return r, time.perf_counter() - started


RAPPORT_COLUMNS = ("id", "status", "voortgang", "pogingen", "bestand", "renders_gestart", "renders_voltooid")


def rapport(stack, jaar):
    rows = stack.psql(
        f"SELECT {', '.join(RAPPORT_COLUMNS)} FROM monitor_rapport WHERE jaar = {int(jaar)} ORDER BY id"  # noqa: S608
    )
    return [dict(zip(RAPPORT_COLUMNS, row, strict=True)) for row in rows]


def one_render(case, row):
    """Exactly one completed render of the PDF (the counters of monitor.services._genereren, each written in its
    own committed statement): the killed run started one (counted before it began) and did not complete it, the
    redelivered run completed one. A second complete render (a duplicate delivery running too) fails here even
    when it overwrote the same file and left the history as expected."""
    renders = (row["renders_gestart"], row["renders_voltooid"])
    check(renders == (2, 1), f"{case} renders started/completed {renders}, expected (2, 1): the killed one, the redo")
    return "renders started 2 (the killed one and the redo), completed 1"


def history(stack, rapport_id):
    rows = stack.psql(
        f"SELECT status FROM monitor_historicalrapport WHERE id = {int(rapport_id)} ORDER BY history_id"  # noqa: S608
    )
    return [r[0] for r in rows]


def pdf_files(stack):
    folder = stack.media / "jaarmonitor"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- the scenarios -----------------------------------------------------------------------------------------


def worker_kill(stack, accounts):
    """kill -9 during a jaarmonitor job: (a) of the pool process that runs it, (b) of the whole worker."""
    beleid = login(stack, "bench_beleid", accounts["password"])
    observed = []

    # (a) The pool process dies (OOM killer, segfault): the main process sees it and requeues the message.
    worker = stack.start_worker("a", concurrency=1)
    request_report(stack, beleid, 2025)
    wait_until(lambda: rapport(stack, 2025)[0]["voortgang"] >= 50, 120, "job reached 'PDF opmaken'", 0.05)
    children = stack.worker_children(worker)
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()
    done = wait_until(lambda: rapport(stack, 2025)[0]["status"] in ("klaar", "mislukt"), 180, "report finished")
    a = rapport(stack, 2025)
    check(len(a) == 1 and a[0]["status"] == "klaar", f"(a) expected one klaar report, got {a}")
    runs = history(stack, a[0]["id"])
    check(runs == ["in_wachtrij", "bezig", "bezig", "klaar"], f"(a) history {runs}")
    renders = one_render("(a)", a[0])
    observed.append(
        f"(a) pool process killed at 50%: redelivered at once, klaar {time.monotonic() - killed_at:.0f} s later, "
        f"1 report, history {' → '.join(runs)}, {renders}"
    )
    stack.stop_worker(worker, hard=True)
    del done

    # (b) The whole worker dies (kill -9 of main process and pool, as a power cut): the message is unacked in
    # Redis and comes back after the visibility timeout (short here) to the worker that is started again.
    worker = stack.start_worker("b1", concurrency=1, CELERY_VISIBILITY_TIMEOUT=15)
    request_report(stack, beleid, 2024)
    wait_until(lambda: rapport(stack, 2024)[0]["voortgang"] >= 50, 120, "job reached 'PDF opmaken'", 0.05)
    stack.stop_worker(worker, hard=True)
    killed_at = time.monotonic()
    worker = stack.start_worker("b2", concurrency=1, CELERY_VISIBILITY_TIMEOUT=15)
    wait_until(lambda: rapport(stack, 2024)[0]["status"] in ("klaar", "mislukt"), 180, "report (b) finished")
    b = rapport(stack, 2024)
    check(len(b) == 1 and b[0]["status"] == "klaar", f"(b) expected one klaar report, got {b}")
    runs = history(stack, b[0]["id"])
    check(runs == ["in_wachtrij", "bezig", "bezig", "klaar"], f"(b) history {runs}")
    renders = one_render("(b)", b[0])
    observed.append(
        f"(b) whole worker killed at 50%, worker restarted: redelivered after the visibility timeout (15 s here), "
        f"klaar {time.monotonic() - killed_at:.0f} s after the kill, 1 report, history {' → '.join(runs)}, {renders}"
    )
    stack.stop_worker(worker)

    # (c) As (b) with the production visibility timeout (2 h): the beat sweep (every 5 min; run here at once)
    # sends the job again; the stale message that Redis would hand out after 2 h finds the report klaar.
    worker = stack.start_worker("c1", concurrency=1)
    request_report(stack, beleid, 2022)
    wait_until(lambda: rapport(stack, 2022)[0]["voortgang"] >= 50, 120, "job reached 'PDF opmaken'", 0.05)
    stack.stop_worker(worker, hard=True)
    killed_at = time.monotonic()
    worker = stack.start_worker("c2", concurrency=1)
    sweep(stack)
    wait_until(lambda: rapport(stack, 2022)[0]["status"] in ("klaar", "mislukt"), 180, "report (c) finished")
    c = rapport(stack, 2022)
    check(len(c) == 1 and c[0]["status"] == "klaar", f"(c) expected one klaar report, got {c}")
    runs = history(stack, c[0]["id"])
    check(runs == ["in_wachtrij", "bezig", "bezig", "klaar"], f"(c) history {runs}")
    renders = one_render("(c)", c[0])
    files = pdf_files(stack)
    check(len(files) == 3, f"expected 3 PDF files (one per report), found {files}")
    observed.append(
        f"(c) the same with the production visibility timeout (2 h) and the beat sweep run once: klaar "
        f"{time.monotonic() - killed_at:.0f} s after the kill, 1 report, history {' → '.join(runs)}, {renders}; "
        f"{len(files)} PDF files for 3 reports, no temporary files"
    )
    stack.stop_worker(worker)
    return "; ".join(observed)


def sweep(stack):
    """The beat sweep (every 5 minutes in production) — run here at once, for open rapports of any age."""
    stack.manage(
        "shell",
        "-c",
        "from datetime import timedelta; from monitor.services import wachtende_rapporten_versturen as w; "
        "print(w(ouder_dan=timedelta(0)))",
    )


def redis_stop(stack, accounts):
    """Redis down: pages keep working, a report request says it is queued, and it is made once Redis is back."""
    worker = stack.start_worker("r", concurrency=1)
    beleid = login(stack, "bench_beleid", accounts["password"])
    meldpunt = login(stack, accounts["meldpunt_extra"], accounts["password"], accounts["totp_key"])
    stack.stop_redis()
    pages = {}
    for name, session, url in (
        ("triage queue", meldpunt, "/meldpunt/"),
        ("search", meldpunt, f"/meldpunt/zoeken/?q={accounts['achternamen'][0]}"),
        ("jaarmonitor", beleid, "/jaarmonitor/"),
    ):
        r = session.get(f"{stack.base_url}{url}", timeout=30)
        pages[name] = r.status_code
    check(all(code == 200 for code in pages.values()), f"pages while Redis is down: {pages}")
    r, seconds = request_report(stack, beleid, 2023)
    check(r.status_code == 200, f"report request while Redis is down: HTTP {r.status_code}")
    check(NIET_BEREIKBAAR in r.text, "the page does not say that the processing is unreachable")
    waiting = rapport(stack, 2023)
    check([w["status"] for w in waiting] == ["in_wachtrij"], f"report while Redis is down: {waiting}")

    stack.start_redis()  # empty: no persistence, the message was never sent anyway
    back_at = time.monotonic()
    # Beat really runs (issue 20), with the app's schedule; only its interval and the waiting time before a
    # report is sent again are shortened (BZT_RAPPORT_HERSTART_SECONDEN, 300 in production).
    beat = stack.start_beat(BZT_RAPPORT_HERSTART_SECONDEN=REDIS_HERSTART_S)
    wait_until(lambda: rapport(stack, 2023)[0]["status"] in ("klaar", "mislukt"), 240, "report after Redis is back")
    made_after = time.monotonic() - back_at
    sent_by_beat = "monitor.tasks.wachtende_rapporten_versturen" in stack.log("beat.log")
    sweeps_run = len(re.findall(r"wachtende_rapporten_versturen\[[^]]+\] succeeded", stack.log("worker-r.log")))
    stack.stop_worker(beat)
    check(sent_by_beat, "beat did not send the sweep (beat.log)")
    after = rapport(stack, 2023)
    check(len(after) == 1 and after[0]["status"] == "klaar", f"after recovery: {after}")
    check(after[0]["renders_voltooid"] == 1, f"renders completed: {after[0]['renders_voltooid']}, expected 1")
    check(worker.poll() is None, "the worker died while Redis was down")
    stack.stop_worker(worker)
    return (
        f"pages while Redis was down: {', '.join(f'{k} {v}' for k, v in pages.items())}; report request answered "
        f"in {seconds:.1f} s with the Dutch 'in de wachtrij … niet bereikbaar' message, rapport in_wachtrij; "
        f"Redis back, beat running (sweep every {REDIS_HERSTART_S} s): beat sent the sweep, the same worker "
        f"(reconnected) ran it ({sweeps_run}× succeeded in its log) and made the report, klaar {made_after:.0f} s "
        f"after Redis was back, 1 report, 1 completed render"
    )


def pg_restart(stack, accounts):
    """PostgreSQL restarted (fast shutdown: every connection cut) under the load test's 50 users."""

    def fault():
        stack.restart_postgres("fast")
        return "fast restart"

    return _pg_fault(stack, accounts, fault, "pgrestart")


def pg_kill9(stack, accounts):
    """kill -9 of the postmaster of the stack's own cluster (a crash: no shutdown, crash recovery at start)."""

    def fault():
        stack.kill_postmaster()
        stack.start_postgres_again()
        return "kill -9 of the postmaster, crash recovery at the next start"

    return _pg_fault(stack, accounts, fault, "pgkill9")


def pg_outage(stack, accounts, outage_s=PG_OUTAGE_S):
    """PostgreSQL down for longer than the app's connect_timeout (bzt/settings.py, DATABASE_CONNECT_TIMEOUT)."""

    def fault():
        stack.pg_ctl("-m", "immediate", "-w", "stop")
        time.sleep(outage_s)
        stack.start_postgres_again()
        return f"stopped for {outage_s} s (connect_timeout {CONNECT_TIMEOUT_S} s)"

    return _pg_fault(stack, accounts, fault, "pgoutage", duration=60, slow_answer_s=CONNECT_TIMEOUT_S + 5)


def _pg_fault(stack, accounts, fault, name, duration=45, fault_after=15, slow_answer_s=None):
    """The fault under 50 users, judged on outcomes (issue 20), not on timing:
    - no write answered with success is lost and none is half (bench/load/verify.py on the ledger);
    - every failed request got an HTTP error answer (the Dutch 500 page), no dropped connection;
    - the app heals without a restart: the same gunicorn workers, and the probe user's last answers are 200;
    - with `slow_answer_s`: no answer during the outage took longer (connect_timeout bounds the wait)."""
    csv_prefix = stack.dir / name
    ledger = stack.dir / f"{name}.ledger.jsonl"
    pids_before = sorted(stack.worker_children(stack.web))
    result = {}

    def do_fault():
        time.sleep(fault_after)
        started = time.perf_counter()
        result["what"] = fault()
        result["seconds"] = time.perf_counter() - started

    probe = login(stack, accounts["meldpunt_extra"], accounts["password"], accounts["totp_key"])
    answers = []  # what one user sees while it happens: (status, the Dutch error page?, seconds)

    def watch():
        deadline = time.monotonic() + duration
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                r = probe.get(f"{stack.base_url}/meldpunt/", timeout=60)
                answers.append(
                    (r.status_code, "Er ging iets mis aan onze kant" in r.text, time.perf_counter() - started)
                )
            except requests.RequestException as error:
                answers.append((type(error).__name__, False, time.perf_counter() - started))
            time.sleep(0.2)

    threads = [threading.Thread(target=do_fault), threading.Thread(target=watch)]
    for thread in threads:
        thread.start()
    proc = run_locust(stack, accounts["path"], duration, 50, csv_prefix, spawn_rate=25, ledger=ledger)
    for thread in threads:
        thread.join()
    check(proc.returncode in (0, 1), f"locust exit code {proc.returncode}: {proc.stderr[-500:]}")
    stats, failures = read_stats(csv_prefix, proc)
    total = next(s for s in stats if s["name"] == "Aggregated")
    writes = verify_writes(stack, ledger)
    check(writes["lost"] == 0, f"{writes['lost']} writes answered with success were lost: {writes['examples']}")
    check(writes["half"] == 0, f"{writes['half']} writes were half done: {writes['examples']}")
    kinds = sorted({f["error"] for f in failures})
    # An error answer (500/503), also in the middle of a login; "logged out": a user whose login step got that
    # error answer is not logged in and logs in again. Anything else (a dropped connection, a timeout) is unclean.
    unclean = [k for k in kinds if not re.search(r"HTTP 50[03]|\b50[03]\b|logged out", k)]
    check(not unclean, f"errors that are not an HTTP error answer: {unclean}")
    pids_after = sorted(stack.worker_children(stack.web))
    check(pids_before == pids_after, f"gunicorn workers were replaced: {pids_before} → {pids_after}")
    probe_errors = [a for a in answers if a[0] != 200]
    check(
        all(a[:2] == (500, True) for a in probe_errors),
        f"the probe saw other answers than the 500 page: {probe_errors}",
    )
    healed = [
        a for a in answers[next((i for i, a in enumerate(answers) if a[0] != 200), len(answers)) :] if a[0] == 200
    ]
    check(answers[-1][0] == 200 and healed, f"not healed: the probe's last answers {answers[-5:]}")
    slowest = max((a[2] for a in probe_errors), default=0)
    if slow_answer_s is not None:
        check(slowest < slow_answer_s, f"an answer during the outage took {slowest:.1f} s (> {slow_answer_s} s)")
    return (
        f"{result['what']} ({result['seconds']:.1f} s) at t={fault_after} s of {duration} s; "
        f"{writes['answered_success']} writes answered with success, all {writes['found_whole']} found whole "
        f"(0 lost, 0 half); {total['failures']} of {total['requests']} requests failed, each with an HTTP error "
        f"answer ({', '.join(kinds) or 'none'}); same gunicorn workers (no app restart); a probe user polling every "
        f"0.2 s got {len(probe_errors)}× the Dutch 500 page (slowest {slowest:.1f} s), then 200 again"
    )


def import_lines(n, prefix):
    lines = []
    for i in range(n):
        lines.append(
            json.dumps(
                {
                    "extern_id": f"{prefix}-{i:05d}",
                    "ontvangen_op": f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}",
                    "melder": {"type": "professional", "organisatie": None},
                    "aanmeldroute": "oggz",
                    "overlast": i % 3 == 0,
                    "personen": [
                        {
                            "extern_id": f"{prefix}-P{i:05d}",
                            "voornaam": "Import",
                            "achternaam": f"Test{i}",
                            "geboortedatum": "1970-05-01",
                            "geslacht": "man",
                            "wijk": "Rivierenwijk",
                            "inkomen": "uitkering",
                            "rol": "hoofdpersoon",
                        }  # fmt: skip
                    ],
                    "triage": {
                        "datum": f"2024-{1 + i % 12:02d}-28",
                        "leefgebieden": ["verslaving", "schulden", "dakloos"],
                        "besluit": "regulier",
                    },  # fmt: skip
                    "mdo": None,
                    "plan_vastgesteld_op": None,
                    "escalaties": [],
                    "afgesloten_op": None,
                    "afsluitreden": None,
                }
            )
        )
    return "\n".join(lines) + "\n"


def import_crash(stack, accounts, n=3000):
    """kill -9 of `import_meldingen` while it writes: nothing of it may stay behind; a re-run imports it all."""
    prefix = "FAULT"
    path = stack.dir / "import.jsonl"
    path.write_text(import_lines(n, prefix))

    def count():
        return stack.psql(f"SELECT count(*) FROM meldpunt_melding WHERE extern_id LIKE '{prefix}-%'")[0][0]  # noqa: S608

    def persons():
        return stack.psql(f"SELECT count(*) FROM meldpunt_persoon WHERE extern_id LIKE '{prefix}-%'")[0][0]  # noqa: S608

    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "import_meldingen", str(path)],
        cwd=ROOT,
        env=stack.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def writing():
        rows = stack.psql(
            "SELECT count(*) FROM pg_stat_activity WHERE state IN ('active', 'idle in transaction') "
            "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()",
            database="postgres",
        )
        return rows[0][0] > 0 or process.poll() is not None

    wait_until(writing, 120, "import started writing", 0.02)
    check(process.poll() is None, "the import finished before it could be killed (make the file bigger)")
    time.sleep(0.5)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    left = (count(), persons())
    check(left == (0, 0), f"after kill -9: {left[0]} meldingen and {left[1]} persons of the import remain")

    out = stack.manage("import_meldingen", str(path)).stdout
    check(count() == n, f"re-run imported {count()} of {n}: {out}")
    again = stack.manage("import_meldingen", str(path)).stdout
    check(f"0 meldingen geïmporteerd, {n} overgeslagen" in again, f"third run changed something: {again}")
    return (
        f"import of {n} meldingen killed (-9) while writing its transaction: 0 meldingen and 0 persons left; "
        f"re-run imported {n}; a third run imported 0 ({n} skipped)"
    )


def keep_logs(stack, name):
    """A failed scenario leaves the stack's logs (workers, beat, gunicorn) in bench/results/<scenario>-logs/."""
    folder = RESULTS / f"{name}-logs"
    folder.mkdir(parents=True, exist_ok=True)
    for log in stack.dir.glob("*.log"):
        (folder / log.name).write_text(log.read_text(errors="replace"))


# --- the runner -----------------------------------------------------------------------------------------


def run(only=()):
    only = list(only) or list(SCENARIOS)
    unknown = set(only) - set(SCENARIOS)
    if unknown:
        print(f"unknown scenario(s): {', '.join(sorted(unknown))}; choose from {', '.join(SCENARIOS)}")
        return 2
    ensure_locust()
    RESULTS.mkdir(exist_ok=True)
    outcomes = {}
    with Stack() as stack:
        print(f"bench faults: private stack in {stack.dir}")
        stack.start_postgres()
        stack.start_redis()
        accounts_path = prepare(stack)
        accounts = {**json.loads(accounts_path.read_text()), "path": str(accounts_path)}
        stack.start_web(workers=4)
        for name in only:
            scenario = globals()[name.replace("-", "_")]
            started = time.perf_counter()
            try:
                observed = scenario(stack, accounts)
                outcome = {"result": "PASS", "observed": observed}
            except Fail as failure:
                outcome = {"result": "FAIL", "observed": str(failure)}
                keep_logs(stack, name)
            except Exception as error:  # noqa: BLE001 - a broken scenario is a FAIL with its reason
                outcome = {"result": "FAIL", "observed": f"{type(error).__name__}: {error}"}
            outcome["seconds"] = round(time.perf_counter() - started, 1)
            outcome["at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
            outcome["load_avg"] = round(os.getloadavg()[0], 1)
            outcomes[name] = outcome
            print(f"{outcome['result']} {name}: {outcome['observed']}", flush=True)
            for worker in list(stack.workers):
                stack.stop_worker(worker, hard=True)
            if stack.redis is None:
                stack.start_redis()
    previous = json.loads((RESULTS / "faults.json").read_text()) if (RESULTS / "faults.json").exists() else {}
    merged = {**previous.get("scenarios", {}), **outcomes}
    data = {"measured": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "scenarios": merged}
    (RESULTS / "faults.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))
    update_section("faults", "Fault tests", markdown(data))
    return 0 if all(o["result"] == "PASS" for o in outcomes.values()) else 1


WHAT = {
    "worker-kill": "kill -9 of the Celery worker during a jaarmonitor job",
    "redis-stop": "Redis stopped while users work and one requests a report",
    "pg-restart": "PostgreSQL restarted during the load test (50 users)",
    "pg-kill9": "kill -9 of the PostgreSQL postmaster during the load test (50 users)",
    "pg-outage": "PostgreSQL down longer than connect_timeout during the load test (50 users)",
    "import-crash": "kill -9 of `import_meldingen` in the middle of its write",
}


def markdown(data):
    lines = [
        "Re-run: `.venv/bin/python -m bench faults` (all, ~8 min) or `--only worker-kill,redis-stop,pg-restart,"
        "pg-kill9,pg-outage,import-crash`. The faults are real (kill -9, stopping Redis, restarting PostgreSQL),",
        "on a private stack",
        "(`bench/faults/stack.py`: own PostgreSQL cluster on 55432, Redis on 56379, gunicorn on 58000, Celery",
        "workers; 10k data from the generator, with the region's 20 gemeenten), removed afterwards. Each scenario",
        "prints `PASS|FAIL`.",
        "",
        "What each checks: **worker-kill** — the report is made exactly once (one Rapport, history "
        "in_wachtrij → bezig → bezig → klaar, one PDF per report) after (a) kill -9 of the pool process running "
        "it (acks_late + reject_on_worker_lost: redelivered at once), (b) kill -9 of the whole worker with a "
        "short visibility timeout (Redis hands the unacked message out again; kombu looks for such messages only "
        "every ~100 s, `unacked_restore_interval` 10 s × `unacked_restore_throttle` 10, hence the wait), "
        "(c) the same with the production "
        "timeout of 2 h, where the beat sweep `monitor.tasks.wachtende_rapporten_versturen` (every 5 min) sends it "
        "again; a duplicate delivery of a running report is skipped (PostgreSQL advisory lock, freed when the "
        "killed worker's connection drops). A second render is detected by the rapport's render counters "
        "(`renders_gestart` / `renders_voltooid`, each counted in its own committed statement before and after "
        "the render, issue 20): every case must end with 2 started (the killed one, the redo) and exactly 1 "
        "completed. **redis-stop** — pages that do not queue a job never touch Redis "
        "(sessions and cache are in the database / process); asking for a report answers at once with a "
        "Dutch message, the request stays in_wachtrij and is made after Redis is back, by `celery beat` really "
        "running with the app's schedule (interval and waiting time shortened to 10 s through "
        "`BZT_RAPPORT_HERSTART_SECONDEN`, given to beat only: the schedule entry passes the waiting time to the "
        "task) and the same worker, reconnected. **pg-restart, pg-kill9, pg-outage** (issue 20: judged on outcomes, "
        "not "
        "timing) — every write the 50 users were answered with success for is in the database afterwards, "
        "whole (`bench/load/verify.py` on the users' ledger: no lost and no half write); every failed request "
        "got the Dutch 500 page (no hang, no dropped connection; during the outage no answer waits longer than "
        "`connect_timeout` + 5 s); the app heals without a restart (same gunicorn workers, CONN_HEALTH_CHECKS; "
        "the probe's last answers are 200). The outage lasts 12 s, longer than `connect_timeout` (5 s, "
        "`DATABASE_CONNECT_TIMEOUT`); the crash is kill -9 of the stack's own postmaster (never the machine's). "
        "**import-crash** — the import is one transaction.",
        "",
        f"Last run {data['measured']} (each scenario's latest result, `bench/results/faults.json`; the load "
        "average is at the scenario's end):",
        "",
        "| fault | result | when | observed |",
        "|---|---|---|---|",
    ]
    for name in SCENARIOS:
        outcome = data["scenarios"].get(name)
        if outcome:
            when = f"{outcome['at']}, load {outcome['load_avg']}" if "at" in outcome else data["measured"]
            lines.append(f"| {WHAT[name]} | **{outcome['result']}** | {when} | {outcome['observed']} |")
    return "\n".join(lines)
