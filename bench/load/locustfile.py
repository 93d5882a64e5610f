"""The load test's users (locust): 20 meldpunt, 26 casusregisseurs, 4 procesmanagers, each with its own account.

Each user logs in like a browser — the login form, then the 2FA code computed from the TOTP key the
prepare step gave the account — and then works with a think time of 0.5–2 s:
- meldpunt: the triage queue, a melding, triage of a melding from the queue (POST), search by surname;
- casusregisseur: mijn casussen, a dossier, the plan van aanpak and an edit of it (POST with the
  optimistic-locking version read from the form), a journaal entry in the dossier (POST);
- procesmanager: alle casussen, a dossier, now and then the dashboard.

A refused plan edit because someone else saved it first ("intussen door iemand anders gewijzigd") and a
triage of a melding someone else triaged first ("al getrieerd") are correct answers, not errors: they are
reported as their own request names ending in "[conflict]". Anything else unexpected is a failure.
Input comes from the environment: BZT_LOAD_ACCOUNTS (the prepare step's JSON). Every write answered with
success is appended to BZT_LOAD_LEDGER (JSON lines): bench/load/verify.py checks afterwards that each one is in
the database, whole (issue 20: a status code is not proof that the write landed).
"""

import datetime
import json
import os
import random
import re
import time

from locust import HttpUser, between, task

from bench.load.totp import totp

ACCOUNTS = json.load(open(os.environ["BZT_LOAD_ACCOUNTS"]))  # noqa: SIM115
MELDING_LINK = re.compile(r'href="/meldpunt/meldingen/(\d+)/"')
CASUS_LINK = re.compile(r'href="/casussen/(\d+)/"')
LOCK_VERSION = re.compile(r'name="plan-lock_version" value="(\d+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CONFLICT_PLAN = "intussen door iemand anders gewijzigd"
AL_GETRIEERD = "al getrieerd"
LEEFGEBIEDEN = ["verslaving", "criminaliteit", "psychiatrie", "schulden", "dakloos", "werkloosheid_uitkering",
                "geweldsslachtoffer", "sociaal_isolement"]  # fmt: skip
LEDGER = open(os.environ["BZT_LOAD_LEDGER"], "a", buffering=1) if os.environ.get("BZT_LOAD_LEDGER") else None  # noqa: SIM115


def answered_success(kind, **fields):
    """Record a write the app answered with success (one line, flushed: a killed locust keeps what it wrote)."""
    if LEDGER is not None:
        LEDGER.write(json.dumps({"kind": kind, "at": round(time.time(), 3), **fields}) + "\n")


POOLS = {
    "meldpunt": list(ACCOUNTS["meldpunt"]),
    "regisseur": list(ACCOUNTS["regisseurs"]),
    "procesmanager": list(ACCOUNTS["procesmanagers"]),
}


class BztUser(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    role = ""

    def on_start(self):
        account = POOLS[self.role].pop()
        self.account = account if isinstance(account, dict) else {"username": account}
        self.login()

    def csrf(self, html):
        match = CSRF.search(html)
        return match.group(1) if match else self.client.cookies.get("csrftoken", "")

    def login(self):
        page = self.client.get("/inloggen/", name="login form")
        data = {
            "username": self.account["username"],
            "password": ACCOUNTS["password"],
            "csrfmiddlewaretoken": self.csrf(page.text),
        }
        with self.client.post("/inloggen/", data=data, name="login", catch_response=True) as r:
            if "/inloggen/code/" not in r.url:
                r.failure(f"password step did not lead to the code step ({r.status_code} {r.url})")
                return
        with self.client.post(
            "/inloggen/code/",
            data={"code": totp(ACCOUNTS["totp_key"]), "csrfmiddlewaretoken": self.csrf(r.text)},
            name="login code (2FA)",
            catch_response=True,
        ) as r2:
            if "/inloggen/" in r2.url:
                r2.failure(f"2FA code refused ({r2.status_code} {r2.url})")

    def page(self, url, name, expect=200):
        with self.client.get(url, name=name, catch_response=True) as r:
            if r.status_code != expect:
                r.failure(f"HTTP {r.status_code}")
            elif "/inloggen/" in r.url:
                r.failure("logged out")
                self.login()
            return r


class Meldpunt(BztUser):
    role = "meldpunt"
    fixed_count = len(ACCOUNTS["meldpunt"])

    @task(4)
    def queue(self):
        self.page("/meldpunt/", "GET /meldpunt/ (triage queue)")

    @task(2)
    def triage(self):
        queue = self.page("/meldpunt/", "GET /meldpunt/ (triage queue)")
        ids = MELDING_LINK.findall(queue.text)
        if not ids:
            return
        pk = random.choice(ids)
        self.page(f"/meldpunt/meldingen/{pk}/", "GET /meldpunt/meldingen/<pk>/")
        with self.client.get(
            f"/meldpunt/meldingen/{pk}/triage/", name="GET /meldpunt/meldingen/<pk>/triage/", catch_response=True
        ) as form:
            if form.status_code != 200:
                form.failure(f"HTTP {form.status_code}")
                return
            if AL_GETRIEERD in form.text:  # someone triaged it since the queue was loaded
                form.request_meta["name"] = "GET triage form: al getrieerd [conflict]"
                return
        scored = random.sample(LEEFGEBIEDEN, random.randint(1, 5))
        data = {"csrfmiddlewaretoken": self.csrf(form.text), "datum": datetime.date.today().isoformat(),
                "besluit": random.choice(["advies", "geen_actie", "mdo"]), "motivatie": "Belastingtest",
                **{code: "on" for code in scored}}  # fmt: skip
        with self.client.post(f"/meldpunt/meldingen/{pk}/triage/", data=data, name="POST triage",
                              catch_response=True, allow_redirects=False) as r:  # fmt: skip
            if r.status_code == 302 and f"/meldpunt/meldingen/{pk}/" in r.headers.get("Location", ""):
                if AL_GETRIEERD in self.client.get(r.headers["Location"], name="GET /meldpunt/meldingen/<pk>/").text:
                    r.success()
                    r.request_meta["name"] = "POST triage [conflict]"
                    return
                answered_success("triage", melding=int(pk), besluit=data["besluit"], user=self.account["username"])
                return
            r.failure(f"HTTP {r.status_code}")

    @task(2)
    def search(self):
        naam = random.choice(ACCOUNTS["achternamen"])
        self.page(f"/meldpunt/zoeken/?q={naam}", "GET /meldpunt/zoeken/?q=<achternaam>")


class Regisseur(BztUser):
    role = "regisseur"
    fixed_count = len(ACCOUNTS["regisseurs"])

    @task(3)
    def mijn_casussen(self):
        self.page("/casussen/", "GET /casussen/ (mijn casussen)")

    @task(3)
    def dossier(self):
        item = random.choice(self.account["plannen"])
        self.page(f"/casussen/{item['casus']}/", "GET /casussen/<pk>/ (dossier)")

    @task(3)
    def plan_edit(self):
        plan = random.choice(self.account["plannen"])["plan"]
        form = self.page(f"/casussen/plannen/{plan}/", "GET /casussen/plannen/<pk>/")
        version = LOCK_VERSION.search(form.text)
        if not version:
            return
        time.sleep(random.uniform(0.5, 2))  # typing
        data = {"csrfmiddlewaretoken": self.csrf(form.text), "plan-lock_version": version.group(1),
                "plan-samenvatting": f"Belastingtest {self.account['username']} {time.time():.0f}",
                "plan-afspraken": "Afspraken bijgewerkt in de belastingtest.", "plan-evaluatie_op": ""}  # fmt: skip
        with self.client.post(f"/casussen/plannen/{plan}/", data=data, name="POST plan (edit)",
                              catch_response=True, allow_redirects=False) as r:  # fmt: skip
            if r.status_code == 302:
                answered_success("plan", plan=int(plan), samenvatting=data["plan-samenvatting"],
                                 user=self.account["username"])  # fmt: skip
                return
            if r.status_code == 200 and CONFLICT_PLAN in r.text:
                r.success()
                r.request_meta["name"] = "POST plan (edit) [conflict]"
                return
            r.failure(f"HTTP {r.status_code}")

    @task(2)
    def journaal(self):
        casus = random.choice(self.account["plannen"])["casus"]
        dossier = self.page(f"/casussen/{casus}/", "GET /casussen/<pk>/ (dossier)")
        tekst = f"Belastingtest journaal {self.account['username']} {time.time():.3f}"
        data = {"csrfmiddlewaretoken": self.csrf(dossier.text), "journaal-tekst": tekst}
        with self.client.post(f"/casussen/{casus}/journaal/", data=data, name="POST journaal",
                              catch_response=True, allow_redirects=False) as r:  # fmt: skip
            if r.status_code == 302 and f"/casussen/{casus}/" in r.headers.get("Location", ""):
                answered_success("journaal", casus=int(casus), tekst=tekst, user=self.account["username"])
                return
            r.failure(f"HTTP {r.status_code}")


class Procesmanager(BztUser):
    role = "procesmanager"
    fixed_count = len(ACCOUNTS["procesmanagers"])

    @task(3)
    def alle_casussen(self):
        self.page("/casussen/", "GET /casussen/ (alle casussen)")

    @task(3)
    def dossier(self):
        self.page(f"/casussen/{random.choice(ACCOUNTS['casussen'])}/", "GET /casussen/<pk>/ (dossier)")

    @task(1)
    def dashboard(self):
        self.page("/casussen/dashboard/", "GET /casussen/dashboard/")
