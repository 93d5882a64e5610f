"""Cold start (issue 20): the first requests of a fresh worker process, with and without bzt.warmup.

`python -m bench.coldstart SIZE [--warm]` is one fresh process (like a new gunicorn worker: imports Django and
the settings, nothing else yet), optionally warmed with `bzt.warmup.opwarmen()`, that requests each page of
PAGES once (the first request of that page in this process) and then again (warm); it prints JSON. Workload 11
runs it a few times each way and reports the medians.
"""

import json
import sys
import time

PAGES = (
    ("triage queue", "bench_meldpunt", "/meldpunt/"),
    ("mijn casussen", "bench_narrow", "/casussen/"),
    ("dashboard", "bench_procesmanager", "/casussen/dashboard/"),
)


def main(size, warm):
    started = time.perf_counter()
    from bench.__main__ import setup_django

    setup_django(size)
    from django.test import Client

    from bench.workloads import RESULTS
    from bzt.models import User

    boot = time.perf_counter() - started
    warmed = None
    if warm:
        from bzt.warmup import opwarmen

        warmed = opwarmen()
    meta = json.loads((RESULTS / f"{size}.meta.json").read_text())
    clients = {}
    for _, username, _ in PAGES:  # sessions made before timing: login is not part of a request here
        client = Client()
        client.force_login(User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend")
        if meta["users"][username]["otp_device"]:
            session = client.session
            session["otp_device_id"] = meta["users"][username]["otp_device"]
            session.save()
        client.handler.load_middleware()  # as gunicorn's WSGIHandler does when the worker imports bzt.wsgi
        clients[username] = client
    out = {"boot_s": round(boot, 3), "warmup": warmed, "pages": {}}
    for label, username, url in PAGES:
        times = []
        for _ in range(4):
            t = time.perf_counter()
            response = clients[username].get(url)
            times.append(round((time.perf_counter() - t) * 1000, 1))
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
        out["pages"][label] = {"first_ms": times[0], "warm_ms": sorted(times[1:])[1]}
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], "--warm" in sys.argv)
