"""The nine workloads of issue 8, measured in-process against bzt_bench_<size>.

Pages are requested with Django's test client (all middleware, the view, the templates: the server time a
gunicorn worker would spend, without network). Each is requested twice to warm up, then `runs` times timed,
then once more with the queries captured (count and database time; capturing adds overhead, so that request
is not in the timings). Selector-level and function-level workloads are timed the same way.
"""

import json
import os
import statistics
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

RESULTS = Path(__file__).resolve().parent / "results"
PAGE_TARGET_MS = 150


def summary(times_ms):
    times = sorted(times_ms)
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) >= 2 else times[0]
    return {"median_ms": round(statistics.median(times), 2), "p95_ms": round(p95, 2), "runs": len(times)}


def timed(fn, runs, warmup=2, *, budget_s=90, capture=True, before_capture=None):
    """Median/p95 of `runs` calls after `warmup` calls, then one call with the queries captured.

    Slow work gets fewer runs (at least 3) so one workload stays within about `budget_s` seconds; the number of
    runs actually made is reported with the result."""
    first = 0.0
    for k in range(warmup):
        started = time.perf_counter()
        fn()
        first = time.perf_counter() - started if k == 0 else first
        if first > 5:
            break  # slow: the first call was warm-up enough
    if first:
        runs = max(3, min(runs, int(budget_s / first)))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    result = summary(times)
    if capture:
        if before_capture is not None:
            before_capture()
        with CaptureQueriesContext(connection) as ctx:
            fn()
        result["queries"] = len(ctx.captured_queries)
        result["db_ms"] = round(sum(float(q["time"]) for q in ctx.captured_queries) * 1000, 1)
        result["query_log"] = [f"{float(q['time']) * 1000:.1f} ms {q['sql'][:160]}" for q in ctx.captured_queries]
    return result


class Bench:
    def __init__(self, size, runs):
        from bzt.models import User

        self.size = size
        self.runs = runs
        meta_path = RESULTS / f"{size}.meta.json"
        if not meta_path.exists():
            raise SystemExit(f"{meta_path} ontbreekt: eerst `python -m bench generate --size {size}`.")
        self.meta = json.loads(meta_path.read_text())
        self.User = User
        self.rows = []
        self.extra = {}

    # --- helpers -------------------------------------------------------------------------------------------------
    def client(self, username):
        user = self.User.objects.get(username=username)
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        device = self.meta["users"][username]["otp_device"]
        if device:
            session = client.session
            session["otp_device_id"] = device  # this session passed the second factor
            session.save()
        return client

    def page(self, key, workload, label, username, url, **extra):
        client = self.client(username)

        def get():
            response = client.get(url)
            if response.status_code != 200:
                where = response.get("Location", "")
                raise RuntimeError(f"{url} as {username}: HTTP {response.status_code} {where}")
            return response

        def fresh_activity():
            # The session stores "last active" at most once a minute (bzt.auth.middleware); slow pages would
            # otherwise add that save (3 queries) to the captured request depending on timing, not data.
            try:
                from bzt.auth.signals import LAATST_ACTIEF
            except ImportError:
                return
            session = client.session
            session[LAATST_ACTIEF] = time.time()
            session.save()

        result = timed(get, self.runs, before_capture=fresh_activity)
        response = get()
        row = {
            "key": key,
            "workload": workload,
            "label": label,
            "kind": "page",
            "user": username,
            "url": url,
            "bytes": len(response.content),
            **result,
            **extra,
        }
        self.add(row)
        return row

    def add(self, row):
        self.rows.append(row)
        q = f"{row['queries']:>4} q" if row.get("queries") is not None else "      "
        print(f"  {row['key']:<28} median {row['median_ms']:9.2f} ms  p95 {row['p95_ms']:9.2f} ms  {q}  {row['label']}")

    # --- the workloads ---------------------------------------------------------------------------------------------
    def w1_wachtrij(self):
        self.page("w1.wachtrij", 1, "triage queue /meldpunt/ (meldpunt)", "bench_meldpunt", "/meldpunt/")

    def w2_mijn_casussen(self):
        from django.core.paginator import Paginator
        from django.db.models import F, Prefetch

        from casusregie import selectors
        from casusregie.models import Casus
        from meldpunt.models import Betrokkene

        self.page("w2.page.narrow", 2, "/casussen/ narrow casusregisseur", "bench_narrow", "/casussen/")
        self.page("w2.page.broad", 2, "/casussen/ broad casusregisseur", "bench_broad", "/casussen/")
        self.page(
            "w2.page.procesmanager", 2, "/casussen/ procesmanager (alle casussen)", "bench_procesmanager", "/casussen/"
        )
        # "mijn acties": the open actions across the user's casussen (issue 20), against the same page at 10k
        self.page("w2.acties.narrow", 2, "/casussen/acties/ narrow casusregisseur", "bench_narrow", "/casussen/acties/")
        self.page("w2.acties.broad", 2, "/casussen/acties/ broad casusregisseur", "bench_broad", "/casussen/acties/")

        def unfiltered():
            qs = (
                Casus.objects.select_related("organisatie", "casusregisseur", "melding")
                .prefetch_related(
                    Prefetch("melding__betrokkenen", queryset=Betrokkene.objects.select_related("persoon"))
                )
                .order_by(F("afgesloten_op").asc(nulls_first=True), "-toegewezen_op", "-id")
            )
            page = Paginator(qs, 25).get_page(1)
            return len(list(page.object_list)), page.paginator.count

        def mijn(user):
            casussen, aantal = selectors.mijn_casussen(user)  # the count comes with it, as the view uses it
            return len(list(casussen[:25])), aantal

        base = timed(unfiltered, self.runs)
        self.add(
            {
                "key": "w2.query.unfiltered",
                "workload": 2,
                "kind": "query",
                "rows_total": unfiltered()[1],
                "label": "baseline: Casus.objects.all(), same select_related/order, first page + count",
                **base,
            }
        )
        for who in ("narrow", "broad"):
            user = self.User.objects.get(username=f"bench_{who}")
            user.has_perm("casusregie.zien_alle_casussen")  # the permission cache is warm, as in a request
            result = timed(lambda user=user: mijn(user), self.runs)
            visible = mijn(user)[1]
            self.add(
                {
                    "key": f"w2.query.{who}",
                    "workload": 2,
                    "kind": "query",
                    "rows_total": visible,
                    "label": f"selectors.mijn_casussen({who}): first page + count ({visible:,} casussen)",
                    "baseline_key": "w2.query.unfiltered",
                    **result,
                }
            )

    def w3_dossier(self):
        long_id = self.meta["long_casussen"][0]
        fresh_id = self.meta["fresh_casus"]
        self.page(
            "w3.dossier.fresh", 3, f"dossier of a fresh casus ({fresh_id})", "bench_narrow", f"/casussen/{fresh_id}/"
        )
        self.page(
            "w3.dossier.long",
            3,
            f"dossier, 500 journaal + 200 plan history ({long_id})",
            "bench_narrow",
            f"/casussen/{long_id}/",
            baseline_key="w3.dossier.fresh",
        )
        from casusregie.models import Casus

        oud = Casus.objects.exclude(status=Casus.Status.AFGESLOTEN).order_by("toegewezen_op", "id").first()
        self.page(
            "w3.dossier.oud",
            3,
            f"dossier of the longest-open casus, assigned {oud.toegewezen_op:%Y-%m-%d} ({oud.pk}), as procesmanager",
            "bench_procesmanager",
            f"/casussen/{oud.pk}/",
            baseline_key="w3.dossier.fresh",
        )
        self.page(
            "w3.dossier.alles",
            3,
            f"the whole timeline, first page of 100 ({long_id})",
            "bench_narrow",
            f"/casussen/{long_id}/?tijdlijn=alles",
            baseline_key="w3.dossier.fresh",
        )

    def w4_zoeken(self):
        from urllib.parse import quote

        naam, bsn = self.meta["zoek_naam"], self.meta["zoek_bsn"]
        self.page(
            "w4.zoeken.naam", 4, f"search by name ({naam!r})", "bench_meldpunt", f"/meldpunt/zoeken/?q={quote(naam)}"
        )
        self.page("w4.zoeken.bsn", 4, "search by BSN", "bench_meldpunt", f"/meldpunt/zoeken/?q={bsn}")

    def w5_mdo(self):
        pk, punten = self.meta["mdo"], self.meta["mdo_punten"]
        self.page("w5.mdo", 5, f"MDO agenda /mdo/{pk}/ ({punten} items)", "bench_procesmanager", f"/mdo/{pk}/")
        from django.db.models import Count

        from mdo.models import AgendaPunt

        verleden = AgendaPunt.objects.values("overleg").annotate(n=Count("id")).order_by("-n", "overleg")[0]
        self.page(
            "w5.mdo.verleden",
            5,
            f"the MDO with the most items /mdo/{verleden['overleg']}/ ({verleden['n']} items, a past one)",
            "bench_procesmanager",
            f"/mdo/{verleden['overleg']}/",
        )
        # issue 20, costs that grow: both read every MDO's items (the list counts them per meeting)
        self.page("w5.mdo_lijst", 5, "MDO list /mdo/ (first page, item counts)", "bench_procesmanager", "/mdo/")
        for kind in ("narrow", "broad"):
            label = f"Mijn MDO-punten /mdo/mijn-punten/ {kind} casusregisseur"
            self.page(f"w5.mijn_punten.{kind}", 5, label, f"bench_{kind}", "/mdo/mijn-punten/")

    def w6_dashboard(self):
        from django.utils import timezone

        from casusregie.dashboardcijfers import opslaan
        from casusregie.doorlooptijden import doorlooptijden_opslaan, laatste_stand

        stand = laatste_stand()
        if stand is None or not stand.tellingen:  # as the periodic signals run leaves it in production
            started = time.perf_counter()
            opslaan(doorlooptijden_opslaan(timezone.localdate()), timezone.localdate())
            self.extra["dashboard_stand_ms"] = round((time.perf_counter() - started) * 1000, 1)
        self.page("w6.dashboard", 6, "procesmanager dashboard", "bench_procesmanager", "/casussen/dashboard/")
        # the home page reads the stored signals, never computes them (issue 20: 8.1 s at 1M on a day's first view)
        self.page("w6.home", 6, "procesmanager home page /", "bench_procesmanager", "/")
        signalen = "/casussen/dashboard/signalen/"
        self.page("w6.signalen", 6, "dashboard: all signals, first page", "bench_procesmanager", signalen)

    def w7_figures(self):
        from monitor.figures import compute

        jaar = self.meta["jaar"]
        runs = max(3, self.runs // 4)
        counter = RowCounter()
        with connection.execute_wrapper(counter):
            figures = compute(jaar)
        result = timed(lambda: compute(jaar), runs, warmup=1, capture=False)
        result["queries"] = counter.queries
        result["db_ms"] = round(sum(e[0] for e in counter.log), 1)
        groups = count_values(figures)
        self.extra["figures_slowest_queries"] = counter.slowest(6)
        params = {"start": date(jaar, 1, 1), "eind": date(jaar, 12, 31)}

        def fetch(sql):
            def run():
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    return cursor.fetchall()

            return run

        meldingen_only = fetch(
            "SELECT aanmeldroute, count(*) FROM meldpunt_melding WHERE ontvangen_op BETWEEN %(start)s AND %(eind)s "
            "GROUP BY 1"
        )
        same_rows = fetch(SAME_ROWS_SQL)

        def best_plan():
            """The same statement with the best plan found for it (issue 20 § Fair baselines): index nested loops
            from the year's meldingen (index-only on betrokkene's (melding_id, persoon_id), by primary key on
            persoon, triage and casus) instead of hash joins over whole tables."""
            from django.db import transaction

            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_hashjoin = off")
                cursor.execute("SET LOCAL enable_mergejoin = off")
                cursor.execute(SAME_ROWS_SQL, params)
                return cursor.fetchall()

        for key, label, query in (
            (
                "w7.sql",
                f"baseline: one hand-written GROUP BY over the meldingen of {jaar} (that table only)",
                meldingen_only,
            ),
            (
                "w7.sql.same_rows",
                f"baseline: one hand-written statement over the rows compute() reads ({jaar}'s meldingen ⋈ "
                "betrokkenen ⋈ personen ⋈ triages ⋈ casussen; casussen, escalaties, wachtlijsten, budget of the year), "
                "GROUP BY",
                same_rows,
            ),
            (
                "w7.sql.best",
                "baseline: the same statement with its best plan (index nested loops, index-only where the indexes "
                "cover; hash and merge joins off)",
                best_plan,
            ),
        ):
            base = timed(query, runs, warmup=1)
            self.add(
                {"key": key, "workload": 7, "kind": "query", "rows_to_python": len(query()), "label": label, **base}
            )
        for key, baseline_key, label in (
            ("w7.compute", "w7.sql.same_rows", f"monitor.figures.compute({jaar}) against the same-rows statement"),
            (
                "w7.compute.vs_best",
                "w7.sql.best",
                f"monitor.figures.compute({jaar}) against the same rows with the best plan",
            ),
            (
                "w7.compute.vs_meldingen",
                "w7.sql",
                f"monitor.figures.compute({jaar}) against the meldingen-only GROUP BY",
            ),
        ):
            self.add(
                {
                    "key": key,
                    "workload": 7,
                    "kind": "call",
                    "label": label,
                    "baseline_key": baseline_key,
                    "rows_to_python": counter.rows,
                    "result_values": groups,
                    **result,
                }
            )
        print(f"    rows sent to Python: {counter.rows:,} in {counter.queries} queries; result values: {groups}")

    def w8_pdf(self):
        from monitor import exports
        from monitor import figures as monitor_figures

        # what the app renders: the figures with last year's headline numbers, when that function exists
        make = getattr(monitor_figures, "compute_with_comparison", monitor_figures.compute)
        figures = make(self.meta["jaar"])
        captured = {}
        try:
            with capture_pdf_html(captured):
                started = time.perf_counter()
                exports.render(figures, "pdf")
                first = (time.perf_counter() - started) * 1000
        except NotImplementedError:
            self.add(
                {
                    "key": "w8.pdf",
                    "workload": 8,
                    "kind": "call",
                    "label": "jaarmonitor PDF: pending (monitor.exports.render(figures, 'pdf') not implemented)",
                    "median_ms": 0,
                    "p95_ms": 0,
                    "queries": None,
                    "pending": True,
                    "runs": 0,
                }
            )
            return
        runs = max(3, self.runs // 4)
        result = timed(lambda: exports.render(figures, "pdf"), runs, warmup=0, capture=False)
        result["first_ms"] = round(first, 1)
        html = captured.get("html")
        if html is None:
            self.add(
                {
                    "key": "w8.pdf",
                    "workload": 8,
                    "kind": "call",
                    "label": "jaarmonitor PDF (HTML not captured: no WeasyPrint baseline)",
                    **result,
                }
            )
            return

        def weasyprint_alone():
            from weasyprint import HTML

            from bzt.pdf import PDF_BASE_URL, static_fetcher

            return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=static_fetcher()).write_pdf()

        def weasyprint_alone_forked():
            """The fair baseline (issue 20): the app renders in a forked child after gc.freeze() (bzt.pdf), so
            WeasyPrint alone runs the same way — not in the bench's own process, whose large heap its garbage
            collector walks during the render."""
            import gc

            gc.freeze()
            pid = os.fork()
            if pid == 0:
                code = 0
                try:
                    weasyprint_alone()
                except BaseException:  # noqa: BLE001 - reported as the exit code
                    code = 1
                os._exit(code)
            gc.unfreeze()
            if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0:
                raise RuntimeError("WeasyPrint in the forked child failed")

        base = timed(weasyprint_alone, runs, warmup=1, capture=False)
        self.add(
            {
                "key": "w8.weasyprint",
                "workload": 8,
                "kind": "call",
                "html_bytes": len(html),
                "label": "WeasyPrint alone on the same HTML in the bench's process (the old, unfair baseline)",
                **base,
            }
        )
        forked = timed(weasyprint_alone_forked, runs, warmup=1, capture=False)
        self.add(
            {
                "key": "w8.weasyprint.fork",
                "workload": 8,
                "kind": "call",
                "html_bytes": len(html),
                "label": "baseline: WeasyPrint alone on the same HTML in a forked child after gc.freeze(), as the app",
                **forked,
            }
        )
        self.add(
            {
                "key": "w8.pdf",
                "workload": 8,
                "kind": "call",
                "label": "monitor.exports.render(figures, 'pdf')",
                "baseline_key": "w8.weasyprint.fork",
                "via": captured.get("via"),
                **result,
            }
        )

    def w9_writes(self):
        from django.db import transaction

        from bzt.audit import acting_as
        from casusregie import services
        from casusregie.models import Casus, JournaalRegel

        casus_id = self.meta["long_casussen"][-1]
        made = []

        def fresh():
            return self.User.objects.get(username="bench_narrow"), Casus.objects.get(pk=casus_id)

        def measure(writes):
            """The writes interleaved in a rotating order (plain, history, service; history, service, plain;
            ...): drift of the machine (autovacuum, checkpoints, the other core) hits each of them equally, so
            the ratios stay fair at sub-millisecond times. At least 100 rounds."""
            for _ in range(3):
                for write in writes.values():
                    write(*fresh())
            times = {key: [] for key in writes}
            order = list(writes.items())
            for k in range(max(self.runs, 100)):
                for key, write in order[k % 3 :] + order[: k % 3]:  # each also first, second and last
                    user, casus = fresh()  # a new request: new user object, empty permission caches
                    started = time.perf_counter()
                    write(user, casus)
                    times[key].append((time.perf_counter() - started) * 1000)
            result = {}
            for key, write in writes.items():
                user, casus = fresh()
                with CaptureQueriesContext(connection) as ctx:
                    write(user, casus)
                result[key] = {**summary(times[key]), "queries": len(ctx.captured_queries)}
            return result

        def plain(user, casus):
            with acting_as(user), transaction.atomic():
                regel = JournaalRegel(casus=casus, auteur=user, tekst="Benchmark: gewone save zonder history.")
                regel.skip_history_when_saving = True
                regel.save()
            made.append(regel.pk)

        def with_history(user, casus):
            with acting_as(user), transaction.atomic():
                regel = JournaalRegel.objects.create(casus=casus, auteur=user, tekst="Benchmark: save met history.")
            made.append(regel.pk)

        def service(user, casus):
            regel = services.journaal_toevoegen(door=user, casus=casus, tekst="Benchmark: via de service.")
            made.append(regel.pk)

        try:
            measured = measure({"w9.plain": plain, "w9.history": with_history, "w9.service": service})
            for key, baseline, label in (
                ("w9.plain", None, "baseline: JournaalRegel save without history (atomic)"),
                ("w9.history", "w9.plain", "JournaalRegel.objects.create with history (atomic)"),
                ("w9.service", "w9.plain", "services.journaal_toevoegen (permission check + history)"),
            ):
                entry = {"key": key, "workload": 9, "kind": "call", "label": label, **measured[key]}
                if baseline:
                    entry["baseline_key"] = baseline
                self.add(entry)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM casusregie_journaalregel WHERE id = ANY(%s)", [made])
                hist = JournaalRegel.history.model._meta.db_table
                cursor.execute(f"DELETE FROM {hist} WHERE id = ANY(%s)", [made])  # noqa: S608 (table name from the model)

    def w10_zoeken_elke_term(self):
        """Issue 20: any search term bounded — the most common surname, its first two letters, a term that
        matches nobody, a first name + surname — on the meldpunt search."""
        from urllib.parse import quote

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT achternaam, count(*) FROM meldpunt_persoon GROUP BY achternaam ORDER BY 2 DESC LIMIT 1"
            )
            achternaam, aantal = cursor.fetchone()
            cursor.execute("SELECT voornaam FROM meldpunt_persoon WHERE achternaam = %s LIMIT 1", [achternaam])
            voornaam = cursor.fetchone()[0]
        for key, term, label in (
            ("common", achternaam, f"the most common surname {achternaam!r} ({aantal:,} persons)"),
            ("twee", achternaam[:2], f"two letters {achternaam[:2]!r}"),
            ("niemand", "Qxzywv", "a term that matches nobody"),
            ("volledig", f"{voornaam} {achternaam}", f"first name + surname {voornaam + ' ' + achternaam!r}"),
        ):
            url = f"/meldpunt/zoeken/?q={quote(term)}"
            self.page(f"w10.zoeken.{key}", 10, f"search: {label}", "bench_meldpunt", url)

    def w11_inzagelog(self):
        """Issue 20: the access-log viewer on millions of rows (`python -m bench inzagelog` loads them): the
        default page, the next page, and every filter."""
        from bzt.models import InzageRegel

        totaal = InzageRegel.objects.order_by().count()
        self.extra["inzagelog_rows"] = totaal
        regel = InzageRegel.objects.order_by("-moment", "-id").values("id", "persoon_id", "gemeente").first()
        if regel is None:
            raise RuntimeError("het inzagelog is leeg: eerst `python -m bench inzagelog --size ...`")
        naam = InzageRegel.objects.order_by("-moment").values_list("gebruikersnaam", flat=True).first()
        from django.utils import timezone

        eerste = InzageRegel.objects.order_by("moment").values_list("moment", flat=True).first()
        jaar = min(eerste.year + 1, timezone.localdate().year - (timezone.localdate().month < 4))  # a past march
        cases = (
            ("default", "", "default page (newest 50, count bounded at 500)"),
            ("next", f"?na={regel['id']}", "the next (older) page"),
            ("gebruiker", f"?gebruiker={naam}", f"user filter ({naam})"),
            ("grond_common", "?grond=regisseur", "grond regisseur (common)"),
            ("grond_rare", "?grond=noodtoegang", "grond noodtoegang (rare)"),
            ("actie_rare", "?actie=exporteren", "actie exporteren (rare)"),
            ("periode", f"?van=01-03-{jaar}&tot=31-03-{jaar}", f"a month (march {jaar})"),
            ("gemeente", f"?gemeente={regel['gemeente'] or '-'}", f"gemeente {regel['gemeente'] or '(geen)'}"),
            ("persoon", f"?persoon={regel['persoon_id']}", "one client (AVG inzage)"),
            ("combi", f"?grond=noodtoegang&gebruiker={naam}", "grond noodtoegang + user"),
        )
        for key, query, label in cases:
            self.page(
                f"w11.inzagelog.{key}", 11, f"/inzagelog/ {label}, {totaal:,} rows", "bench_procesmanager",
                f"/inzagelog/{query}",
            )  # fmt: skip

    def w12_inzage_writes(self):
        """Issue 20: access-log rows per second with 16 concurrent writer processes (own users, own
        connections; each call one INSERT, hashing off the request path), then the chaining job's rows per
        second over what they wrote (bzt.inzage.ketenen)."""
        from .inzagelog import writes

        result = writes(writers=16, seconds=10)
        self.extra["inzage_writes"] = result
        self.add(
            {
                "key": "w12.inzage_writes",
                "workload": 12,
                "kind": "call",
                "label": f"log_inzage, 16 writers: {result['rows_per_s']:,} rows/s",
                "median_ms": result["median_ms"],
                "p95_ms": result["p95_ms"],
                "queries": None,
                "rows_per_s": result["rows_per_s"],
            }
        )
        self.add(
            {
                "key": "w12.ketenen",
                "workload": 12,
                "kind": "call",
                "label": f"ketenen() over those {result['chained']:,} rows: {result['chain_rows_per_s']:,} rows/s",
                "median_ms": result["chain_ms"],  # one run over all of them
                "p95_ms": result["chain_ms"],
                "queries": None,
                "rows_per_s": result["chain_rows_per_s"],
            }
        )

    def w13_retention(self):
        """The bewaartermijn on the bench data (today's date): the dry run, then one real run, both rolled back
        so the data stays as generated. One timed run each (a run is minutes of work at 1M)."""
        from django.db import transaction

        from bzt.audit import system_user
        from keten import retention

        class Rollback(Exception):
            pass

        door = system_user()
        outcome = {}

        def once(key, fn):
            try:
                with transaction.atomic():
                    with CaptureQueriesContext(connection) as ctx:
                        started = time.perf_counter()
                        outcome[key] = fn()
                        outcome[key + "_ms"] = (time.perf_counter() - started) * 1000
                    outcome[key + "_queries"] = len(ctx.captured_queries)
                    raise Rollback
            except Rollback:
                pass

        once("dry", lambda: retention.plannen(door=door, dry_run=True))
        once("run", lambda: retention.bewaartermijn_toepassen(door=door))
        dry, run = outcome["dry"], outcome["run"]
        objecten = run.aantal_casussen + run.aantal_meldingen + run.aantal_personen
        tempo = objecten / (outcome["run_ms"] / 1000) if objecten else 0
        self.add(
            {
                "key": "w13.dry",
                "workload": 13,
                "kind": "call",
                "label": f"dry run: selection of {dry.details['schatting']['objecten']:,} objects, counts and estimate",
                "median_ms": round(outcome["dry_ms"], 1),
                "p95_ms": round(outcome["dry_ms"], 1),
                "runs": 1,
                "queries": outcome["dry_queries"],
            }
        )
        self.add(
            {
                "key": "w13.run",
                "workload": 13,
                "kind": "call",
                "label": (
                    f"real run: {run.aantal_casussen:,} casussen, {run.aantal_meldingen:,} meldingen, "
                    f"{run.aantal_personen:,} personen in batches of {run.details['batch']} "
                    f"(rolled back): {tempo:,.0f} objects/s"
                ),
                "median_ms": round(outcome["run_ms"], 1),
                "p95_ms": round(outcome["run_ms"], 1),
                "runs": 1,
                "queries": outcome["run_queries"],
                "objecten": objecten,
                "objecten_per_s": round(tempo, 1),
            }
        )

    def w14_coldstart(self):
        """The first request of a fresh worker process against the next ones, without and with bzt.warmup
        (bench/coldstart.py: 3 fresh processes each way, medians)."""
        import subprocess
        import sys

        root = Path(__file__).resolve().parent.parent
        runs = {}
        for warm in (False, True):
            outs = []
            for _ in range(3):
                cmd = [sys.executable, "-m", "bench.coldstart", self.size] + (["--warm"] if warm else [])
                proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=300, check=True)  # noqa: S603
                outs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            runs[warm] = outs
        for label in runs[False][0]["pages"]:
            slug = label.replace(" ", "_")
            for warm in (False, True):
                first = statistics.median(o["pages"][label]["first_ms"] for o in runs[warm])
                rest = statistics.median(o["pages"][label]["warm_ms"] for o in runs[warm])
                how = "warmed worker (bzt.warmup at start)" if warm else "cold worker"
                self.add(
                    {
                        "key": f"w14.{slug}.{'warmed' if warm else 'cold'}",
                        "workload": 14,
                        "kind": "call",
                        "label": f"{label}: first request of a {how}; the next requests {rest:.0f} ms",
                        "median_ms": first,
                        "p95_ms": max(o["pages"][label]["first_ms"] for o in runs[warm]),
                        "runs": 3,
                        "warm_ms": rest,
                    }
                )
        self.extra["warmup_seconds"] = [o["warmup"]["seconden"] for o in runs[True]]

    # --- the region (issue 18 § Scale): pages of gemeente-bound users, the region report ---------------------------
    def gemeente_accounts(self):
        """(label, gemeente code, gemeente id) of the largest and the smallest gemeente of the bench data."""
        gemeenten = self.meta.get("gemeenten")
        if not gemeenten:
            raise RuntimeError("data zonder regio: eerst `python -m bench generate` met deze versie")
        return [
            (label, code, gemeenten[code]["id"], gemeenten[code]["naam"])
            for label, code in (("groot", self.meta["gemeente_groot"]), ("klein", self.meta["gemeente_klein"]))
        ]

    def w15_escalaties_gemeente(self):
        """The wethouder and the coördinerend ambtenaar of a large and a small gemeente: their home page, their
        escalations list (open escalations of their gemeente at their level) and the oldest of those."""
        from casusregie.selectors import escalaties_op_mijn_niveau

        for label, code, _, naam in self.gemeente_accounts():
            for prefix, rol in (("wethouder", "wethouder"), ("coordinator", "coördinerend ambtenaar")):
                username = f"bench_{prefix}_{label}"
                user = self.User.objects.get(username=username)
                lijst = list(escalaties_op_mijn_niveau(user).values_list("pk", flat=True))
                who = f"{rol} of {naam} ({code})"
                key = f"w15.{prefix}.{label}"
                self.page(f"{key}.home", 15, f"home page / as {who}", username, "/")
                self.page(
                    f"{key}.lijst",
                    15,
                    f"/casussen/escalaties/ as {who}: {len(lijst)} open at the level",
                    username,
                    "/casussen/escalaties/",
                )
                if lijst:
                    self.page(
                        f"{key}.escalatie",
                        15,
                        f"escalation page as {who}",
                        username,
                        f"/casussen/escalaties/{lijst[0]}/",
                    )
        aantal = escalaties_op_mijn_niveau(self.User.objects.get(username="bench_procesmanager")).count()
        self.page(
            "w15.procesmanager.lijst",
            15,
            f"/casussen/escalaties/ as procesmanager (first level, every gemeente): {aantal} open, paged",
            "bench_procesmanager",
            "/casussen/escalaties/",
        )

    def w16_jaarmonitor_gemeente(self):
        """The beleidsambtenaar of a large and a small gemeente: the jaarmonitor page of the year (figures of
        their gemeente only, from the month's stored stand), the first request of the month that computes the
        stand, the report list and the budget lines."""
        from monitor.models import Stand

        jaar = self.meta["jaar"]
        for label, code, gid, naam in self.gemeente_accounts():
            username = f"bench_beleid_{label}"
            who = f"beleidsambtenaar of {naam} ({code})"
            Stand.objects.filter(jaar=jaar, gemeente_id=gid).delete()
            client = self.client(username)
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(f"/jaarmonitor/{jaar}/")
            eerste = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"/jaarmonitor/{jaar}/ as {username}: HTTP {response.status_code}")
            self.add(
                {
                    "key": f"w16.beleid.{label}.eerste",
                    "workload": 16,
                    "kind": "call",  # the nightly job (monitor.tasks.standen_berekenen) does this work beforehand
                    "label": f"/jaarmonitor/{jaar}/ as {who} without the month's stand: computes it (the fallback "
                    "when the nightly job has not run; its cost per gemeente)",
                    "median_ms": round(eerste, 1),
                    "p95_ms": round(eerste, 1),
                    "runs": 1,
                    "queries": len(ctx.captured_queries),
                }
            )
            self.page(
                f"w16.beleid.{label}.cijfers",
                16,
                f"/jaarmonitor/{jaar}/ as {who} (stand stored)",
                username,
                f"/jaarmonitor/{jaar}/",
            )
            self.page(f"w16.beleid.{label}.index", 16, f"/jaarmonitor/ as {who}", username, "/jaarmonitor/")
            self.page(
                f"w16.beleid.{label}.budget",
                16,
                f"/jaarmonitor/{jaar}/budget/ as {who}",
                username,
                f"/jaarmonitor/{jaar}/budget/",
            )

    def w17_regiorapport(self):
        """Issue 18: the region report (a table per gemeente, 20 gemeenten, and the region) against one
        gemeente's figures; and its PDF, written to bench/results/regio_<size>.pdf to look at."""
        from monitor import regio
        from monitor.figures import compute

        jaar = self.meta["jaar"]
        runs = max(3, self.runs // 4)
        for label, code, gid, naam in self.gemeente_accounts():
            result = timed(lambda gid=gid: compute(jaar, gemeente=gid), runs, warmup=1)
            self.add(
                {
                    "key": f"w17.gemeente.{label}",
                    "workload": 17,
                    "kind": "call",
                    "label": f"baseline: compute({jaar}, gemeente={naam} ({code})), one gemeente's figures",
                    **result,
                }
            )
        result = timed(lambda: compute(jaar), runs, warmup=1)
        self.add(
            {
                "key": "w17.installatie",
                "workload": 17,
                "kind": "call",
                "label": f"compute({jaar}) of the whole installation (the region column alone)",
                "baseline_key": "w17.gemeente.groot",
                **result,
            }
        )
        n = len(regio.gemeenten())
        result = timed(lambda: regio.compute_regio(jaar), runs, warmup=1)
        self.add(
            {
                "key": "w17.regio",
                "workload": 17,
                "kind": "call",
                "label": f"monitor.regio.compute_regio({jaar}): {n} gemeenten side by side and the region",
                "baseline_key": "w17.gemeente.groot",
                **result,
            }
        )
        # the reports as `jaarmonitor --gemeente X --format pdf` and `jaarmonitor --regio --format pdf` make them
        from monitor import exports
        from monitor.figures import compute_with_comparison

        groot = self.gemeente_accounts()[0]
        pdf = {}

        def rapport_gemeente():
            return exports.render(compute_with_comparison(jaar, gemeente=groot[2]), "pdf")

        def rapport_regio():
            pdf["bytes"] = regio.render_regio_pdf(regio.suppress_regio(regio.compute_regio(jaar)))

        pdf_runs = max(3, self.runs // 6)
        result = timed(rapport_gemeente, pdf_runs, warmup=1, capture=False)
        self.add(
            {
                "key": "w17.rapport.gemeente",
                "workload": 17,
                "kind": "call",
                "label": f"baseline: one gemeente's report, figures + PDF ({groot[3]}: jaarmonitor --gemeente)",
                **result,
            }
        )
        result = timed(rapport_regio, pdf_runs, warmup=1, capture=False)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"regio_{self.size}.pdf").write_bytes(pdf["bytes"])
        self.add(
            {
                "key": "w17.rapport.regio",
                "workload": 17,
                "kind": "call",
                "label": (
                    f"the region report, figures + PDF of {n} gemeenten (jaarmonitor --regio) "
                    f"-> bench/results/regio_{self.size}.pdf"
                ),
                "baseline_key": "w17.rapport.gemeente",
                **result,
            }
        )

    WORKLOADS = {
        1: "w1_wachtrij",
        2: "w2_mijn_casussen",
        3: "w3_dossier",
        4: "w4_zoeken",
        5: "w5_mdo",
        6: "w6_dashboard",
        7: "w7_figures",
        8: "w8_pdf",
        9: "w9_writes",
        10: "w10_zoeken_elke_term",
        11: "w11_inzagelog",
        12: "w12_inzage_writes",
        13: "w13_retention",
        14: "w14_coldstart",
        15: "w15_escalaties_gemeente",
        16: "w16_jaarmonitor_gemeente",
        17: "w17_regiorapport",
    }


# Workload 7's fair baseline: ONE statement that reads the rows monitor.figures.compute() reads (the year's
# meldingen with their betrokkenen (and role), personen, triage and casus; the casussen assigned, closed or open in
# the year, whether they moved, and the persons of those assigned or open; the year's escalaties, wachtlijsten,
# nazorg, goals with a result and budget) and groups them, without the figures' logic.
SAME_ROWS_SQL = """
SELECT 'meldingen', m.aanmeldroute, count(*), count(p.geboortedatum), count(t.id), count(c.id) + count(b.rol)
FROM meldpunt_melding m
JOIN meldpunt_betrokkene b ON b.melding_id = m.id
JOIN meldpunt_persoon p ON p.id = b.persoon_id
LEFT JOIN meldpunt_triage t ON t.melding_id = m.id
LEFT JOIN casusregie_casus c ON c.melding_id = m.id
WHERE m.ontvangen_op BETWEEN %(start)s AND %(eind)s
GROUP BY m.aanmeldroute
UNION ALL
SELECT 'casussen', o.naam, count(*), count(r.code), count(c.afgesloten_op),
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM casusregie_casusverhuizing v WHERE v.casus_id = c.id))
FROM casusregie_casus c
JOIN bzt_organisatie o ON o.id = c.organisatie_id
LEFT JOIN casusregie_afsluitreden r ON r.id = c.afsluitreden_id
WHERE c.toegewezen_op BETWEEN %(start)s AND %(eind)s OR c.afgesloten_op BETWEEN %(start)s AND %(eind)s
   OR (c.toegewezen_op <= %(eind)s AND (c.afgesloten_op IS NULL OR c.afgesloten_op > %(eind)s))
GROUP BY o.naam
UNION ALL
SELECT 'personen_in_casussen', '', count(*), count(p.geboortedatum), 0, 0
FROM casusregie_casus c
JOIN (SELECT c2.id AS casus_id, c2.melding_id FROM casusregie_casus c2
      UNION ALL SELECT cm.casus_id, cm.melding_id FROM casusregie_casusmelding cm) km ON km.casus_id = c.id
JOIN meldpunt_betrokkene b ON b.melding_id = km.melding_id
JOIN meldpunt_persoon p ON p.id = b.persoon_id
WHERE c.toegewezen_op BETWEEN %(start)s AND %(eind)s
   OR (c.toegewezen_op <= %(eind)s AND (c.afgesloten_op IS NULL OR c.afgesloten_op > %(eind)s))
UNION ALL
SELECT 'nazorg', n.uitkomst, count(*), 0, 0, 0
FROM casusregie_nazorg n WHERE n.uitgevoerd_op BETWEEN %(start)s AND %(eind)s
GROUP BY n.uitkomst
UNION ALL
SELECT 'doelen', d.leefgebied, count(*), count(pl.casus_id), 0, 0
FROM casusregie_plandoel d JOIN casusregie_plan pl ON pl.id = d.plan_id
WHERE d.resultaat <> '' AND d.resultaat_op BETWEEN %(start)s AND %(eind)s
GROUP BY d.leefgebied
UNION ALL
SELECT 'escalaties', n.code, count(*), count(e.maatwerkbudget), 0, 0
FROM casusregie_escalatie e JOIN casusregie_escalatieniveau n ON n.id = e.niveau_id
WHERE e.gestart_op BETWEEN %(start)s AND %(eind)s
GROUP BY n.code
UNION ALL
SELECT 'wachtlijsten', o.naam, count(*), 0, 0, 0
FROM casusregie_wachtlijst w JOIN bzt_organisatie o ON o.id = w.organisatie_id
WHERE w.sinds BETWEEN %(start)s AND %(eind)s
GROUP BY o.naam
UNION ALL
SELECT 'budget', categorie, count(*), 0, 0, 0 FROM monitor_budgetregel WHERE jaar = EXTRACT(YEAR FROM %(start)s::date)
GROUP BY categorie
"""


class RowCounter:
    """connection.execute_wrapper that counts the rows each SELECT sends to Python (cursor.rowcount)."""

    def __init__(self):
        self.rows = 0
        self.queries = 0
        self.log = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        result = execute(sql, params, many, context)
        elapsed = (time.perf_counter() - started) * 1000
        rowcount = context["cursor"].rowcount
        if sql.lstrip().upper().startswith(("SELECT", "WITH")) and rowcount and rowcount > 0:
            self.rows += rowcount
        self.queries += 1
        self.log.append((elapsed, rowcount, sql))
        return result

    def slowest(self, n):
        return [
            {"ms": round(ms, 1), "rows": rows, "sql": sql[:600]}
            for ms, rows, sql in sorted(self.log, key=lambda x: -x[0])[:n]
        ]


def count_values(figures):
    """The number of values in the figures: every scalar, and every group of every {group: count} table."""
    if isinstance(figures, dict):
        return sum(count_values(v) for v in figures.values())
    if isinstance(figures, list | tuple):
        return sum(count_values(v) for v in figures)
    return 1


@contextmanager
def capture_pdf_html(captured):
    """Record the HTML that the export hands to WeasyPrint (through bzt.pdf, or WeasyPrint's HTML directly)."""
    import weasyprint

    import bzt.pdf

    patched = []

    def wrap(module, name, via):
        original = getattr(module, name, None)
        if original is None:
            return

        def wrapper(html, *args, **kwargs):
            if isinstance(html, str):
                captured.setdefault("html", html)
                captured.setdefault("via", via)
            return original(html, *args, **kwargs)

        setattr(module, name, wrapper)
        patched.append((module, name, original))

    wrap(bzt.pdf, "render_pdf", "bzt.pdf.render_pdf")
    wrap(bzt.pdf, "render_pdf_isolated", "bzt.pdf.render_pdf_isolated (child process)")
    original_html = weasyprint.HTML

    class CapturingHTML(original_html):
        def __init__(self, *args, string=None, **kwargs):
            if string is not None:
                captured.setdefault("html", string)
                captured.setdefault("via", "weasyprint.HTML")
            super().__init__(*args, string=string, **kwargs)

    weasyprint.HTML = CapturingHTML
    try:
        yield captured
    finally:
        weasyprint.HTML = original_html
        for module, name, original in reversed(patched):
            setattr(module, name, original)


def run(size, *, runs=20, only=()):
    bench = Bench(size, runs)
    from .proposals import drop_leftovers

    drop_leftovers()
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    print(f"bench run {size}: {runs} runs per workload, database {connection.settings_dict['NAME']}")
    print(f"  load average before: {os.getloadavg()[0]:.1f} (2 cores; other processes inflate the timings)")
    for number, method in Bench.WORKLOADS.items():
        if only and number not in only:
            continue
        print(f" workload {number}: {method[3:]}")
        try:
            getattr(bench, method)()
        except Exception as error:  # noqa: BLE001 (one broken workload must not hide the others)
            print(f"  !! workload {number} failed: {type(error).__name__}: {error}")
            bench.rows.append(
                {
                    "key": f"w{number}.error",
                    "workload": number,
                    "kind": "error",
                    "label": f"failed: {type(error).__name__}: {str(error)[:300]}",
                    "median_ms": 0,
                    "p95_ms": 0,
                    "queries": None,
                }
            )
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    for row in bench.rows:
        row["measured_on"] = stamp
        row["load_average"] = round(load_before, 1)
    by_key = {r["key"]: r for r in bench.rows}
    for row in bench.rows:
        base = by_key.get(row.get("baseline_key"))
        if base and base["median_ms"]:
            row["ratio"] = round(row["median_ms"] / base["median_ms"], 2)
            row["ratio_p95"] = round(row["p95_ms"] / base["p95_ms"], 2) if base["p95_ms"] else None
    path = RESULTS / f"{size}.json"
    previous = json.loads(path.read_text()) if path.exists() and only else None
    rows = bench.rows
    if previous:  # a partial run (--only) replaces just its workloads
        rows = [r for r in previous["rows"] if r["workload"] not in only] + bench.rows
        rows.sort(key=lambda r: (r["workload"], previous_order(previous["rows"], r["key"])))
    result = {
        "code": code_version(),
        "load_average": {"before": round(load_before, 1), "after": round(os.getloadavg()[0], 1)},
        "size": size,
        "meldingen": bench.meta["meldingen"],
        "measured_on": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "runs": runs,
        "seconds": round(time.perf_counter() - started, 1),
        "data": {k: bench.meta.get(k) for k in DATA_KEYS},
        "generation_seconds": bench.meta.get("timings", {}),
        "rows": rows,
        "extra": {**(previous or {}).get("extra", {}), **bench.extra},
    }
    RESULTS.mkdir(exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    from .report import report

    report()
    print(f"bench run {size}: done in {result['seconds']:.0f} s -> {path}")


def code_version():
    """The commit measured, and whether the working tree had changes (other work in progress)."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True)  # noqa: S603, S607
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True)  # noqa: S603, S607
    except OSError:
        return "unknown"
    changed = len([line for line in dirty.stdout.splitlines() if not line.endswith("bench/")])
    return head.stdout.strip() + (f" + {changed} uncommitted files" if changed else "")


def previous_order(rows, key):
    for i, row in enumerate(rows):
        if row["key"] == key:
            return i
    return 10_000


DATA_KEYS = (
    "meldingen",
    "personen",
    "betrokkenen",
    "triages",
    "casussen",
    "casussen_open",
    "plannen",
    "journaal",
    "escalaties",
    "narrow_zichtbaar",
    "broad_zichtbaar",
    "mdo_punten",
    "aantal_gebruikers",
    "aantal_organisaties",
)
