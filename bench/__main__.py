"""python -m bench generate --size 10k|100k|1m   (re)create bzt_bench_<size>, migrate, load the data
python -m bench run --size 10k|100k|1m [--runs N]  measure the workloads -> bench/results/<size>.json + .md
python -m bench report                          merge bench/results/*.json into the tables of bench/README.md
python -m bench inzagelog --size S [--rows N]        load N access-log rows (valid hash chains)
python -m bench inzage-writes --size S [--writers 16]   access-log rows/s with concurrent writers
python -m bench load [--size 10k] [--duration 60] [--users 50]   locust on a private stack -> README "Load test"
python -m bench faults [--only worker-kill,...]     fault tests on a private stack -> README "Fault tests"
python -m bench crawl --size S [--paginas 80]       every role through the app: pages and statements that are slow

The PostgreSQL server comes from BENCH_PG (default postgres://postgres@127.0.0.1:5432); every size has its
own database, bzt_bench_<size>, which `generate` drops and creates; BENCH_DB_NAME overrides that name (a helper
measuring on its own copy, e.g. BENCH_DB_NAME=bzt_perflog_bench).
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
SIZES = ("10k", "100k", "1m")


def database_name(size):
    return os.environ.get("BENCH_DB_NAME") or f"bzt_bench_{size}"


def database_url(size):
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    return f"{base}/{database_name(size)}"


def setup_django(size):
    os.environ["DATABASE_URL"] = database_url(size)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def recreate_database(size):
    import psycopg2

    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    conn = psycopg2.connect(f"{base}/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {database_name(size)} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {database_name(size)}")
    conn.close()


def generate(size):
    started = time.perf_counter()
    print(f"bench generate {size}: database {database_name(size)}")
    recreate_database(size)
    setup_django(size)
    from django.core.management import call_command

    from .generate import Generator

    t = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_s = round(time.perf_counter() - t, 1)
    print(f"  migrate: {migrate_s:.1f} s")
    meta = Generator(size).run()
    meta["timings"] = {"migrate": migrate_s, **meta["timings"], "totaal_met_migrate": 0}
    meta["timings"]["totaal_met_migrate"] = round(time.perf_counter() - started, 1)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{size}.meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False))
    print("  rows per table (table / history):")
    for table, rows in sorted(meta["rows"].items()):
        copy_s = meta["copy_seconds"].get(table, 0)
        print(f"    {table:<45} {rows:>10,}  COPY {copy_s:6.1f} s")
    print(f"bench generate {size}: done in {meta['timings']['totaal_met_migrate']:.0f} s")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="create bzt_bench_<size> and load the data")
    g.add_argument("--size", choices=SIZES, required=True)
    r = sub.add_parser("run", help="measure the workloads")
    r.add_argument("--size", choices=SIZES, required=True)
    r.add_argument("--runs", type=int, default=20)
    r.add_argument("--only", default="", help="comma-separated workload numbers (default: all)")
    sub.add_parser("report", help="merge results into bench/README.md")
    lo = sub.add_parser("load", help="load test: locust against gunicorn + PostgreSQL on a private stack")
    lo.add_argument("--duration", type=int, default=60, help="seconds (default 60)")
    lo.add_argument("--users", type=int, default=50)
    lo.add_argument("--size", choices=SIZES, default="10k", help="the data loaded into the stack (default 10k)")
    il = sub.add_parser("inzagelog", help="load N valid access-log rows (hash chains) into the bench database")
    il.add_argument("--size", choices=SIZES, required=True)
    il.add_argument("--rows", type=int, default=5_000_000)
    il.add_argument("--seed", type=int, default=20, help="another seed to append more rows to existing chains")
    iw = sub.add_parser("inzage-writes", help="access-log writes per second with concurrent writers")
    iw.add_argument("--size", choices=SIZES, required=True)
    iw.add_argument("--writers", type=int, default=16)
    iw.add_argument("--seconds", type=int, default=20)
    iw.add_argument("--personen", type=int, default=1, help="persons per logged access (rows per call)")
    iw.add_argument("--ketens", type=int, default=0, help="number of chains (1 = the old single chain)")
    cr = sub.add_parser("crawl", help="walk every role through the app, list slow pages and statements")
    cr.add_argument("--size", choices=SIZES, required=True)
    cr.add_argument("--paginas", type=int, default=80, help="pages per user (default 80)")
    fa = sub.add_parser("faults", help="fault tests on a private stack")
    fa.add_argument(
        "--only", default="", help="comma-separated: worker-kill,redis-stop,pg-restart,pg-kill9,pg-outage,import-crash"
    )
    args = parser.parse_args(argv)

    if args.command == "generate":
        generate(args.size)
    elif args.command == "run":
        setup_django(args.size)
        from .workloads import run

        only = {int(x) for x in args.only.split(",") if x.strip()}
        run(args.size, runs=args.runs, only=only)
    elif args.command == "inzagelog":
        setup_django(args.size)
        from .inzagelog import generate as inzagelog

        inzagelog(args.rows, seed=args.seed)
    elif args.command == "inzage-writes":
        setup_django(args.size)
        from .inzagelog import writes

        result = writes(writers=args.writers, seconds=args.seconds, personen=args.personen, ketens=args.ketens)
        print(json.dumps(result))
        RESULTS.mkdir(exist_ok=True)
        with (RESULTS / f"{args.size}.inzage-writes.jsonl").open("a") as out:
            out.write(json.dumps({**result, "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}) + "\n")
    elif args.command == "load":
        from .load.run import run as load

        load(duration=args.duration, users=args.users, size=args.size)
    elif args.command == "crawl":
        setup_django(args.size)
        from .crawl import crawl

        return crawl(args.size, paginas=args.paginas)
    elif args.command == "faults":
        from .faults.run import run as faults

        return faults(only=[x.strip() for x in args.only.split(",") if x.strip()])
    else:
        from .report import report

        report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
