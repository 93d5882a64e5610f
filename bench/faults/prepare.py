"""Load bench data into the private stack's PostgreSQL and pick the load test's accounts.

Run by bench/faults/stack.py users in a subprocess (Django is set up for the stack's database):
    python -m bench.faults.prepare --size 10k --out users.json

The generator (bench/generate.py) makes the data, exactly as `python -m bench generate` does, but its meta
file is not written to bench/results/ (that folder belongs to the benchmark runs). Then 50 accounts get a
confirmed TOTP device with a known key (LOAD_TOTP_KEY), so the load test logs in like a browser: password,
then the code of the authenticator app, computed from that key.
"""

import argparse
import json
import os
import sys
import time

LOAD_TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 4226 test key; throw-away database only
MELDPUNT, REGISSEURS, PROCESMANAGERS = 20, 26, 4


def pick_accounts():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT u.username FROM bzt_user u JOIN bzt_user_groups ug ON ug.user_id = u.id
               JOIN auth_group g ON g.id = ug.group_id WHERE g.name = %s ORDER BY u.username LIMIT %s""",
            ["meldpunt", MELDPUNT + 1],
        )
        *meldpunt, meldpunt_extra = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            """SELECT u.username FROM bzt_user u JOIN bzt_user_groups ug ON ug.user_id = u.id
               JOIN auth_group g ON g.id = ug.group_id WHERE g.name = %s ORDER BY u.username LIMIT %s""",
            ["procesmanager", PROCESMANAGERS],
        )
        procesmanagers = [r[0] for r in cursor.fetchall()]
        # Casusregisseurs who may edit a concept plan of an open casus (as its regisseur or as a betrokkene
        # with mag_wijzigen); plans with two such editors first, so that edits can collide.
        cursor.execute(
            """WITH ed AS (
                 SELECT p.id AS plan_id, p.casus_id, u.username,
                        count(*) OVER (PARTITION BY p.id) AS editors
                 FROM casusregie_plan p JOIN casusregie_casus c ON c.id = p.casus_id
                 JOIN casusregie_casususerobjectpermission op ON op.content_object_id = c.id
                 JOIN auth_permission ap ON ap.id = op.permission_id AND ap.codename = 'change_casus'
                 JOIN bzt_user u ON u.id = op.user_id
                 JOIN bzt_user_groups ug ON ug.user_id = u.id
                 JOIN auth_group g ON g.id = ug.group_id AND g.name = 'casusregisseur'
                 WHERE p.status = 'concept' AND c.status <> 'afgesloten')
               SELECT username, plan_id, casus_id, editors FROM ed ORDER BY editors DESC, plan_id"""
        )
        plannen = {}
        for username, plan_id, casus_id, _ in cursor.fetchall():
            if username not in plannen and len(plannen) >= REGISSEURS:
                continue
            plannen.setdefault(username, []).append({"plan": plan_id, "casus": casus_id})
        cursor.execute("SELECT id FROM casusregie_casus ORDER BY id DESC LIMIT 500")
        casussen = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT achternaam FROM meldpunt_persoon GROUP BY achternaam ORDER BY count(*) DESC, achternaam LIMIT 30"
        )
        achternamen = [r[0] for r in cursor.fetchall()]
    return {
        "meldpunt": meldpunt,
        "meldpunt_extra": meldpunt_extra,  # for the fault tests: a TOTP code is used once per device per 30 s
        "regisseurs": [{"username": u, "plannen": p} for u, p in plannen.items()],
        "procesmanagers": procesmanagers,
        "casussen": casussen,
        "achternamen": achternamen,
    }


def give_devices(usernames):
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bzt.audit import acting_as, system_user

    users = list(get_user_model().objects.filter(username__in=usernames))
    with acting_as(system_user(), reason="belastingtest"):
        TOTPDevice.objects.filter(user__in=users).delete()
        for user in users:
            TOTPDevice.objects.create(user=user, name="belastingtest", confirmed=True, key=LOAD_TOTP_KEY)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="10k")
    parser.add_argument("--out", required=True)
    parser.add_argument("--skip-generate", action="store_true")
    args = parser.parse_args(argv)
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    if not args.skip_generate:
        from bench.__main__ import recreate_database

        os.environ["BENCH_PG"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        from django.db import connection

        connection.close()
        recreate_database(args.size)
        call_command("migrate", verbosity=0, interactive=False)
        from bench.generate import Generator

        Generator(args.size, log=lambda *a, **k: None).run()
    accounts = pick_accounts()
    give_devices(
        accounts["meldpunt"]
        + [accounts["meldpunt_extra"]]
        + [r["username"] for r in accounts["regisseurs"]]
        + accounts["procesmanagers"]
    )
    accounts["password"] = __import__("bench.vocabulary", fromlist=["PASSWORD"]).PASSWORD
    accounts["totp_key"] = LOAD_TOTP_KEY
    accounts["prepare_seconds"] = round(time.perf_counter() - started, 1)
    with open(args.out, "w") as fh:
        json.dump(accounts, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
