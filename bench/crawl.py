"""`python -m bench crawl --size S`: walk every role through the app and list what is slow (issue 20).

The workloads measure the pages someone chose; costs that grow hide on the others. The crawler logs in as each
bench user (and as functioneel beheer and a privacy officer, made here with a second factor), starts at their home
page and at the oldest casus, melding, escalation and MDO, follows every link it finds (at most two addresses of
one shape, `/casussen/<n>/`, and `--pagina's` per user; no downloads, no logout), and prints each page slower than
`--pagina-ms` and each statement slower than `--sql-ms` with the statement. GET only, but a GET may log an access
or save a session: run it on a bench database. The 2026-12-05 crawl at 1M found seven such pages (bench/README.md,
§ Issue 20: where it stands).
"""

import re
import time

LINK = re.compile(r'href="(/[^"#]*)"')
OVERSLAAN = re.compile(r"(uitloggen|/static/|download|\.pdf|\.csv|\.xlsx|/taken/|/api/|/admin/|export)")
EXTRA_ROLLEN = {"crawl_beheer": "functioneel_beheer", "crawl_privacy": "privacy_officer"}


def _vorm(url):
    return re.sub(r"\d+", "N", url)


def _client(bench, username):
    from django.contrib.auth.models import Group
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bzt.audit import acting_as
    from bzt.models import Organisatie, User

    if username in bench.meta["users"]:
        return bench.client(username)
    with acting_as(User.objects.get(username="bench_procesmanager")):
        user, _ = User.objects.get_or_create(
            username=username, defaults={"organisatie": Organisatie.objects.order_by("pk").first()}
        )
        user.groups.add(Group.objects.get(name=EXTRA_ROLLEN[username]))
        device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
            user=user, name="crawl", confirmed=True
        )
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def _oudste():
    from casusregie.models import Casus, Escalatie
    from mdo.models import Overleg
    from meldpunt.models import Melding

    def twee(model, veld):
        return list(model.objects.order_by(veld, "pk").values_list("pk", flat=True)[:2])

    return [
        *(f"/casussen/{pk}/" for pk in twee(Casus, "toegewezen_op")),
        *(f"/meldpunt/meldingen/{pk}/" for pk in twee(Melding, "ontvangen_op")),
        *(f"/casussen/escalaties/{pk}/" for pk in twee(Escalatie, "gestart_op")),
        *(f"/mdo/{pk}/" for pk in twee(Overleg, "datum")),
    ]


def crawl(size, *, paginas=80, pagina_ms=250, sql_ms=80):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .workloads import Bench

    bench = Bench(size, 1)
    oudste = _oudste()
    traag, statements = [], {}
    for username in [*bench.meta["users"], *EXTRA_ROLLEN]:
        client = _client(bench, username)
        wachtrij, gezien, n = ["/", *oudste], {}, 0
        while wachtrij and n < paginas:
            url = wachtrij.pop(0)
            if gezien.get(_vorm(url), 0) >= 2:
                continue
            gezien[_vorm(url)] = gezien.get(_vorm(url), 0) + 1
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                ms = (time.perf_counter() - started) * 1000
            n += 1
            if response.status_code >= 500:
                traag.append((float("inf"), username, url, f"HTTP {response.status_code}"))
            if ms > pagina_ms:
                traag.append((ms, username, url, f"{len(ctx.captured_queries)} queries"))
            for q in ctx.captured_queries:
                if float(q["time"]) * 1000 > sql_ms:
                    statements.setdefault(_vorm(q["sql"][:200]), []).append((float(q["time"]) * 1000, username, url))
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                for link in LINK.findall(response.content.decode(errors="ignore")):
                    if not OVERSLAAN.search(link):
                        wachtrij.append(link.replace("&amp;", "&"))
        print(f"  {username}: {n} pages", flush=True)
    print(f"\npages over {pagina_ms} ms (or answering 5xx):")
    for ms, username, url, wat in sorted(traag, reverse=True):
        print(f"  {ms:8.0f} ms  {username:<24} {url}  {wat}")
    print(f"\nstatements over {sql_ms} ms:")
    for sql, hits in sorted(statements.items(), key=lambda kv: -max(h[0] for h in kv[1])):
        slowest = max(hits)
        print(f"  {slowest[0]:8.0f} ms  x{len(hits)}  {slowest[1]} {slowest[2]}\n            {sql}")
    return 1 if any(ms == float("inf") for ms, *_ in traag) else 0
