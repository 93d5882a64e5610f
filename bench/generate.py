"""Realistic, deterministic benchmark data at 10k, 100k or 1M meldingen, loaded with COPY.

Everything is derived from one seeded `random.Random`, so the same size gives the same rows every time.
The big tables are streamed into PostgreSQL with `COPY ... FROM STDIN` in chunks; every domain row also gets
its simple-history '+' row (with history_user and history_date set), as real data has. Reference data,
organisations and users go through the ORM (bulk_create + bulk_history_create).

The generator is tolerant of model changes: it only names the columns it needs, and every other column of
the table (a nullable field added by a later migration, a field with a default) is filled with the field's
default, read from the model. A new NOT NULL column without a default makes it stop with a clear message.

FK constraint triggers are switched off for the load (`session_replication_role = replica`): the rows are
generated consistent, and checking 17M foreign keys one by one would triple the load time.
"""

import random
import time
from bisect import bisect_left
from datetime import UTC, date, datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.color import no_style
from django.db import connection

from meldpunt.doelgroep import is_ggsr

from .casussen import CasusRow, CasussenMixin
from .copying import Loader, Pool, Table, clean
from .vocabulary import (
    AANLEIDINGEN,
    AANMELDROUTES,
    END,
    GEMEENTE_GROOT,
    GEMEENTE_KLEIN,
    GEMEENTE_ROLLEN,
    JAAR,
    LEEFGEBIEDEN,
    N_PROFESSIONALS,
    N_REGISSEURS,
    ORGANISATIES,
    PASSWORD,
    REGIO,
    ROLLEN,
    SEED,
    SIZES,
    START,
    STRATEN_EXTRA,
)


class Generator(CasussenMixin):
    def __init__(self, size, *, log=print):
        self.size = size
        self.n = SIZES[size]
        self.rng = random.Random(SEED)
        self.log = log
        self.timings = {}
        self.meta = {"size": size, "meldingen": self.n, "seed": SEED, "end": END.isoformat(), "jaar": JAAR}
        self._dates = {}
        self._stamps = {}

    # --- small helpers -------------------------------------------------------------------------------------
    def d(self, ordinal):
        s = self._dates.get(ordinal)
        if s is None:
            s = self._dates[ordinal] = date.fromordinal(ordinal).isoformat()
        return s

    def ts(self, ordinal, minute=None):
        """A timestamp on that day (UTC), within office hours."""
        minute = self.rng.randrange(8 * 60, 17 * 60) if minute is None else minute
        return f"{self.d(ordinal)} {minute // 60:02d}:{minute % 60:02d}:00+00"

    def phase(self, name):
        gen = self

        class _Phase:
            def __enter__(self):
                self.started = time.perf_counter()
                gen.log(f"  {name} ...")

            def __exit__(self, *exc):
                gen.timings[name] = round(time.perf_counter() - self.started, 2)
                gen.log(f"  {name}: {gen.timings[name]:.1f} s")

        return _Phase()

    # --- the run ---------------------------------------------------------------------------------------------
    def run(self):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("SET synchronous_commit = off")
        self.loader = Loader()
        with self.phase("organisaties, gebruikers, rollen, 2FA"):
            self.users()
            self.budget()
        self.mdo_dates()
        with self.phase("meldingen, personen, betrokkenen, triages"):
            self.meldingen()
        with self.phase("casussen, rechten, plannen, journaal, escalaties, MDO"):
            self.casussen()
        with self.phase("sequences"):
            self.reset_sequences()
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
        with self.phase("VACUUM ANALYZE"):
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
        self.timings["totaal"] = round(time.perf_counter() - started, 1)
        self.meta["timings"] = self.timings
        self.meta["rows"] = self.row_counts()
        self.meta["copy_seconds"] = {k: round(v, 2) for k, v in sorted(self.loader.copy_seconds.items())}
        return self.meta

    def row_counts(self):
        counts = {}
        for table in self.loader.tables:
            counts[table.name] = table.rows
            if table.hist is not None:
                counts[table.hist] = table.hrows
        return counts

    # --- organisations and users (ORM) ---------------------------------------------------------------------------
    def users(self):
        from faker.providers.person.nl_NL import Provider as Names

        from bzt.audit import acting_as, system_user
        from bzt.models import Organisatie, User

        rng = self.rng
        systeem = system_user()
        when = datetime(2015, 12, 1, 9, 0, tzinfo=UTC)
        with acting_as(systeem, reason="bench"):
            self.region()
            orgs = [
                Organisatie(naam=naam, soort=soort, expertise=expertise) for naam, soort, _, expertise in ORGANISATIES
            ]
            # the municipal organisation of every other gemeente of the region (its gemeente-bound accounts)
            orgs += [Organisatie(naam=f"Gemeente {g.naam}", soort="gemeente", expertise=[]) for g in self.gemeenten[1:]]
            Organisatie.objects.bulk_create(orgs)
            Organisatie.history.bulk_history_create(orgs, default_user=systeem, default_date=when)
            self.orgs = orgs
            self.org_ids = [o.pk for o in orgs]
            regie_orgs = [o for o, (_, _, w, _) in zip(orgs, ORGANISATIES, strict=False) if w]
            regie_weights = [w for (_, _, w, _) in ORGANISATIES if w]
            gemeente_org = {self.gemeenten[0].pk: orgs[14]}
            gemeente_org.update({g.pk: o for g, o in zip(self.gemeenten[1:], orgs[len(ORGANISATIES) :], strict=True)})

            hashed = make_password(PASSWORD)
            first = list(Names.first_names_male) + list(Names.first_names_female)
            last = list(Names.last_names)
            users, roles = [], []

            def make(username, org, role, gemeente=None):
                u = User(
                    username=username,
                    gemeente=gemeente,
                    first_name=rng.choice(first),
                    last_name=clean(rng.choice(last)),
                    email=f"{username}@bench.invalid",
                    organisatie=org,
                    password=hashed,
                    is_active=True,
                    date_joined=when,
                )
                users.append(u)
                roles.append(role)
                return u

            eigen = self.gemeenten[0]
            gemeente = orgs[14]
            groot, klein = self.gemeente_by_code[GEMEENTE_GROOT], self.gemeente_by_code[GEMEENTE_KLEIN]
            make("bench_procesmanager", gemeente, "procesmanager")
            make("bench_meldpunt", gemeente, "meldpunt")
            make("bench_narrow", orgs[1], "casusregisseur")
            make("bench_broad", orgs[3], "casusregisseur")
            make("bench_beleid", gemeente, "beleidsambtenaar", eigen)
            # gemeente-bound accounts of the largest and the smallest gemeente (workloads 15-17)
            for label, g in (("groot", groot), ("klein", klein)):
                for prefix, role in (
                    ("wethouder", "wethouder"),
                    ("coordinator", "coordinerend_ambtenaar"),
                    ("beleid", "beleidsambtenaar"),
                ):
                    make(f"bench_{prefix}_{label}", gemeente_org[g.pk], role, g)
            n_bench = len(users)
            bound = set(GEMEENTE_ROLLEN)
            for role, count in ROLLEN.items():
                for i in range(count - (1 if role in ("procesmanager", "meldpunt", "beleidsambtenaar") else 0)):
                    make(f"{role}_{i + 1:03d}", gemeente, role, eigen if role in bound else None)
            for g in self.gemeenten[1:]:
                slug = g.naam.lower().replace("-", "_")
                for role in GEMEENTE_ROLLEN:
                    make(f"{role}_{slug}", gemeente_org[g.pk], role, g)
            for i in range(N_REGISSEURS - 2):
                make(f"regisseur_{i + 1:04d}", rng.choices(regie_orgs, regie_weights)[0], "casusregisseur")
            professionals = [
                # betrokken professionals hold per-casus grants, which only casus work may (CONTRACT.md)
                make(f"professional_{i + 1:04d}", rng.choice(orgs), "casusregisseur")
                for i in range(N_PROFESSIONALS)
            ]
            User.objects.bulk_create(users)
            User.history.bulk_history_create(users, default_user=systeem, default_date=when)
            groups = {g.name: g for g in Group.objects.all()}
            through = User.groups.through
            through.objects.bulk_create(
                [through(user_id=u.pk, group_id=groups[r].pk) for u, r in zip(users, roles, strict=True) if r]
            )
            by_role = {}
            for u, r in zip(users, roles, strict=True):
                by_role.setdefault(r, []).append(u)
            self.user_org = {u.pk: u.organisatie_id for u in users}
            self.pm = users[0].pk
            self.meldpunt_ids = [u.pk for u in by_role["meldpunt"]]
            self.narrow = users[2].pk
            self.broad = users[3].pk
            self.professionals = [u.pk for u in professionals]
            self.regisseurs = [
                u.pk for u in by_role["casusregisseur"] if u.pk != self.narrow and u.pk not in set(self.professionals)
            ]
            self.pm_ids = [u.pk for u in by_role["procesmanager"]]
            bench_users = users[:n_bench]
            devices = [None] * len(bench_users)
            if apps.is_installed("django_otp.plugins.otp_totp"):
                from django_otp.plugins.otp_totp.models import TOTPDevice

                for k, u in enumerate(bench_users):
                    device = TOTPDevice(user=u, name="bench", confirmed=True)
                    device.save()  # with history, as the app's enrolment does
                    devices[k] = device
            self.meta["users"] = {
                u.username: {"id": u.pk, "otp_device": d.persistent_id if d else None}
                for u, d in zip(bench_users, devices, strict=True)
            }
            self.meta["aantal_gebruikers"] = len(users)
            self.meta["aantal_organisaties"] = len(orgs)

        from casusregie.models import AfsluitReden, EscalatieNiveau

        self.afsluitredenen = list(AfsluitReden.objects.order_by("volgorde").values_list("pk", "code"))
        self.niveaus = list(EscalatieNiveau.objects.order_by("volgorde").values_list("pk", flat=True))
        perms = {
            p.codename: p.pk
            for p in Permission.objects.filter(
                content_type__app_label="casusregie",
                codename__in=["view_casus", "change_casus", "escaleren_casus", "beheren_betrokkenen"],
            )
        }
        self.perm = perms

    # --- the region: 20 gemeenten (bench/vocabulary.py REGIO) ------------------------------------------------------
    def region(self):
        """The own gemeente (made by migrate) and the 19 others, with their wijken; populations as weights."""
        from bzt.audit import system_user
        from bzt.gemeenten import ensure_eigen_gemeente
        from bzt.models import Gemeente

        ensure_eigen_gemeente()
        eigen = Gemeente.objects.get(code=settings.BZT_GEMEENTE_CODE)
        nieuw = [
            Gemeente(code=code, naam=naam, wijken=wijken, documentnaam=f"Gemeente {naam}")
            for code, naam, _, _, wijken in REGIO
            if code != eigen.code
        ]
        Gemeente.objects.bulk_create(nieuw)
        Gemeente.history.bulk_history_create(
            nieuw, default_user=system_user(), default_date=datetime(2015, 12, 1, 9, 0, tzinfo=UTC)
        )
        self.gemeenten = [eigen, *nieuw]
        self.gemeente_by_code = {g.code: g for g in self.gemeenten}
        info = {code: (inwoners, postcode) for code, _, inwoners, postcode, _ in REGIO}
        self.inwoners = [info[g.code][0] for g in self.gemeenten]
        self.postcode = {g.pk: info[g.code][1] for g in self.gemeenten}
        self.meta["gemeenten"] = {
            g.code: {"id": g.pk, "naam": g.naam, "inwoners": info[g.code][0]} for g in self.gemeenten
        }
        self.meta["gemeente_groot"], self.meta["gemeente_klein"] = GEMEENTE_GROOT, GEMEENTE_KLEIN

    def budget(self):
        """Budget lines per gemeente and year, in proportion to its inhabitants (the jaarmonitor's budget per
        casus divides a gemeente's own lines over its casussen)."""
        from bzt.audit import system_user
        from monitor.models import BudgetRegel

        totaal = sum(self.inwoners)
        regels = []
        for g, inwoners in zip(self.gemeenten, self.inwoners, strict=True):
            per_jaar = inwoners / totaal * self.n / (END.year - START.year + 1)  # the gemeente's meldingen a year
            for jaar in range(START.year, END.year + 1):
                for categorie, omschrijving, per_melding in (
                    ("procesregie", "Procesregie en meldpunt (bijdrage)", 350),
                    ("casusregie", "Casusregie OGGZ", 1_200),
                    ("casusregie", "Casusregie huiselijk geweld", 500),
                    ("maatwerk", "Doorbraakfonds", 100),
                ):
                    regels.append(
                        BudgetRegel(
                            jaar=jaar,
                            categorie=categorie,
                            omschrijving=omschrijving,
                            bedrag=f"{max(1_000, round(per_jaar * per_melding, -2)):.2f}",
                            gemeente=g,
                        )
                    )
        BudgetRegel.objects.bulk_create(regels)
        BudgetRegel.history.bulk_history_create(
            regels, default_user=system_user(), default_date=datetime(2015, 12, 1, 9, 0, tzinfo=UTC)
        )

    # --- the weekly MDO --------------------------------------------------------------------------------------------
    def mdo_dates(self):
        first = START + timedelta(days=(1 - START.weekday()) % 7)  # Tuesdays
        self.mdo_ordinals = []
        day = first
        while day <= END:
            self.mdo_ordinals.append(day.toordinal())
            day += timedelta(days=7)
        self.mdo_planned = [self.mdo_ordinals[-1] + 7 * (i + 1) for i in range(4)]
        self.mdo_ids = {o: i + 1 for i, o in enumerate(self.mdo_ordinals + self.mdo_planned)}

    def next_mdo(self, ordinal):
        i = bisect_left(self.mdo_ordinals, ordinal)
        return self.mdo_ordinals[i] if i < len(self.mdo_ordinals) else None

    # --- meldingen, personen, betrokkenen, triages ----------------------------------------------------------------
    def meldingen(self):
        from faker import Faker
        from faker.providers.person.nl_NL import Provider as Names

        from meldpunt.models import Betrokkene, Melding, Persoon, Triage

        rng = self.rng
        n = self.n
        start, end = START.toordinal(), END.toordinal()
        ordinals = sorted(rng.randrange(start, end + 1) for _ in range(n))

        faker = Faker("nl_NL")
        faker.seed_instance(SEED)
        straten = sorted({clean(faker.street_name()) for _ in range(3000)} | set(STRATEN_EXTRA))
        last = [clean(x) for x in Names.last_names]
        last_pool = Pool(rng, last, [1 / (i + 8) for i in range(len(last))])
        male, female = Pool(rng, Names.first_names_male), Pool(rng, Names.first_names_female)
        straat = Pool(rng, straten)
        # the gemeente where the household lives, by population; its wijken (Deventer's last one, "Buiten de
        # gemeente", rare)
        gemeente = Pool(rng, self.gemeenten, self.inwoners)
        wijken = {
            g.pk: Pool(rng, g.wijken, [6] * (len(g.wijken) - 1) + [1] if k == 0 else None)
            for k, g in enumerate(self.gemeenten)
        }
        self.melding_gemeente = [0] * (n + 1)
        route = Pool(rng, [r for r, _ in AANMELDROUTES], [w for _, w in AANMELDROUTES])
        aanleiding = Pool(rng, AANLEIDINGEN)
        melder_type = Pool(rng, ["professional", "burger", "anoniem"], [60, 30, 10])
        urgentie = Pool(rng, ["normaal", "hoog", "acuut"], [85, 12, 3])
        inkomen = Pool(rng, ["werk", "uitkering", "geen", "overig", "onbekend"], [15, 45, 12, 8, 20])
        org_naam = Pool(rng, [clean(o[0]) for o in ORGANISATIES])
        registrar = Pool(rng, self.meldpunt_ids)
        household = Pool(rng, [1, 2, 3, 4, 5], [75, 14, 6, 4, 1])
        tussen = Pool(rng, ["", "van", "de", "van der", "van den", "ten"], [88, 4, 3, 3, 1, 1])
        non_mdo = Pool(rng, ["regulier", "advies", "geen_actie"], [30, 16, 10])
        regulier_org = Pool(rng, self.org_ids[:14])
        adult_lo, adult_hi = date(1940, 1, 1).toordinal(), date(2006, 1, 1).toordinal()
        kid_lo, kid_hi = date(2008, 1, 1).toordinal(), date(2024, 1, 1).toordinal()

        t_melding = Table(
            self.loader,
            Melding,
            "id status ontvangen_op aanmeldroute aanleiding overlast urgentie melder_type melder_naam "
            "melder_organisatie wvggz wvggz_uitkomst wvggz_uitkomst_op terugkoppeling_op terugkoppeling_wijze "
            "geregistreerd_door_id geregistreerd_op status_sinds gemeente_id".split(),
        )
        t_persoon = Table(
            self.loader,
            Persoon,
            "id voornaam tussenvoegsel achternaam geboortedatum geslacht bsn adres postcode woonplaats wijk inkomen",
        )
        t_betrokkene = Table(self.loader, Betrokkene, ["id", "melding_id", "persoon_id", "rol"])
        t_triage = Table(
            self.loader,
            Triage,
            "id melding_id datum score besluit regulier_organisatie_id ggsr getrieerd_door_id".split() + LEEFGEBIEDEN,
        )

        # BSN: unique 8-digit prefixes (a permutation), the ninth digit from the elfproef; ~9% of prefixes
        # have no valid check digit and are skipped.
        bsn_k = [0]

        def next_bsn():
            while True:
                k = bsn_k[0]
                bsn_k[0] += 1
                prefix = f"{(k * 7919 + 1_234_567) % 90_000_000 + 10_000_000:08d}"
                total = sum(int(c) * w for c, w in zip(prefix, range(9, 1, -1), strict=True))
                check = total % 11
                if check < 10:
                    return prefix + str(check)

        # Statuses. The newest triaged meldingen without a casus wait on the next MDO agendas (80 of them).
        n_agenda = min(80, n // 50)
        self.casussen_list = []
        self.verwezen = []  # (melding id, triage ordinal)
        self.agenda_meldingen = []
        persoon_id = 0
        betrokkene_id = 0
        triage_id = 0
        self.bsn_samples = []
        kinderen = 0
        status_draw = Pool(
            rng,
            ["ontvangen", "in_triage", "casus", "verwezen", "mdo_wacht", "getrieerd"],
            [12, 8, 20, 2.5, 1.5, 56],
        )
        pending_agenda = []
        for idx in range(n):
            mid = idx + 1
            o = ordinals[idx]
            kind = status_draw()
            g = gemeente()
            self.melding_gemeente[mid] = g.pk
            triage_o = min(o + rng.randint(1, 10), end) if kind not in ("ontvangen", "in_triage") else 0
            toegewezen = 0
            if kind == "casus":
                toegewezen = self.next_mdo(triage_o + 2) or 0
                if not toegewezen:
                    kind = "mdo_wacht"
            if kind == "verwezen" and not self.next_mdo(triage_o + 2):
                kind = "mdo_wacht"
            status = {
                "ontvangen": "ontvangen",
                "in_triage": "in_triage",
                "casus": "toegewezen",
                "verwezen": "verwezen",
                "mdo_wacht": "wacht_op_mdo",
                "getrieerd": "getrieerd",
            }[kind]
            if kind in ("mdo_wacht", "getrieerd") and idx >= n - 400:
                pending_agenda.append(idx)
            mtype = melder_type()
            registrar_id = registrar()
            reg_ts = self.ts(o)
            wvggz = rng.random() < 0.02
            uitkomst = ("verzoek_ovj" if rng.random() < 0.4 else "geen_verzoek") if wvggz and o < end - 14 else ""
            if mtype == "anoniem" or (not triage_o and rng.random() < 0.5):
                terug, wijze = None, ""
            else:
                terug, wijze = self.d(min(o + rng.randint(1, 5), end)), "telefoon"
            last_change = triage_o or o
            melding_values = [
                mid,
                status,
                self.d(o),
                route(),
                aanleiding(),
                rng.random() < 0.35,
                urgentie(),
                mtype,
                "" if mtype == "anoniem" else f"{female()} {last_pool()}",
                org_naam() if mtype == "professional" else "",
                wvggz,
                uitkomst,
                self.d(o + 10) if uitkomst else None,
                terug,
                wijze,
                registrar_id,
                reg_ts,
                self.ts(last_change),
                g.pk,
            ]
            t_melding.add(melding_values, registrar_id, reg_ts)

            # the household
            size = household()
            hoofd = 0
            for slot in range(size):
                if slot == 0 and persoon_id > 100 and rng.random() < 0.12:
                    pid = rng.randint(1, persoon_id)  # known before: reused
                else:
                    persoon_id += 1
                    pid = persoon_id
                    is_kid = slot >= 2 or (slot == 1 and size > 2 and rng.random() < 0.3)
                    geslacht = "vrouw" if rng.random() < 0.45 else "man"
                    voornaam = female() if geslacht == "vrouw" else male()
                    geboren = (
                        None
                        if rng.random() < 0.05
                        else self.d(rng.randint(kid_lo, kid_hi) if is_kid else rng.randint(adult_lo, adult_hi))
                    )
                    bsn = next_bsn() if rng.random() < 0.7 else ""
                    achternaam = last_pool()
                    if bsn and len(self.bsn_samples) < 50 and rng.random() < 0.01:
                        self.bsn_samples.append((pid, bsn, voornaam, achternaam))
                    t_persoon.add(
                        [
                            pid,
                            voornaam,
                            tussen(),
                            achternaam,
                            geboren,
                            geslacht,
                            bsn,
                            f"{straat()} {rng.randint(1, 180)}",
                            f"{self.postcode[g.pk]}{rng.randint(11, 99)} {chr(65 + rng.randrange(26))}"
                            f"{chr(65 + rng.randrange(26))}",
                            g.naam,
                            wijken[g.pk](),
                            inkomen(),
                        ],
                        registrar_id,
                        reg_ts,
                    )
                    if is_kid:
                        kinderen += 1
                if slot == 0:
                    hoofd = pid
                rol = "hoofdpersoon" if slot == 0 else ("partner" if slot == 1 else "kind")
                betrokkene_id += 1
                t_betrokkene.add([betrokkene_id, mid, pid, rol], registrar_id, reg_ts)

            if triage_o:
                triage_id += 1
                if kind in ("casus", "verwezen", "mdo_wacht"):
                    besluit = "mdo"
                    scored = rng.sample(LEEFGEBIEDEN, rng.randint(3, 7))
                else:
                    besluit = non_mdo()
                    scored = rng.sample(LEEFGEBIEDEN, rng.randint(0, 4))
                score = len(scored)
                door = registrar()
                t_triage.add(
                    [
                        triage_id,
                        mid,
                        self.d(triage_o),
                        score,
                        besluit,
                        regulier_org() if besluit == "regulier" else None,
                        is_ggsr(score, heeft_kinderen=size > 2),  # a household of 3+ taken as one with children
                        door,
                        *[lg in scored for lg in LEEFGEBIEDEN],
                    ],
                    door,
                    self.ts(triage_o),
                )
            if kind == "casus":
                self.casussen_list.append(CasusRow(len(self.casussen_list) + 1, mid, hoofd, toegewezen, gemeente=g.pk))
            elif kind == "verwezen":
                self.verwezen.append((mid, self.next_mdo(triage_o + 2)))
        # The newest triaged meldingen wait on the planned MDOs: status op_mdo_agenda (a history '~' row too).
        self.agenda_meldingen = []
        for idx in reversed(pending_agenda):
            if len(self.agenda_meldingen) >= n_agenda:
                break
            self.agenda_meldingen.append(idx + 1)
        self.persons = persoon_id
        self.meta["personen"] = persoon_id
        self.meta["betrokkenen"] = betrokkene_id
        self.meta["triages"] = triage_id
        self.meta["kinderen"] = kinderen
        sample = self.bsn_samples[len(self.bsn_samples) // 2]
        self.meta["zoek_bsn"] = sample[1]
        self.meta["zoek_naam"] = f"{sample[2]} {sample[3]}"
        self.loader.flush_all()
        if self.agenda_meldingen:
            with connection.cursor() as cursor:
                # A triaged melding with besluit mdo becomes op_mdo_agenda once it is put on an agenda; they were
                # drawn as "getrieerd", so the besluit is set to mdo here too.
                cursor.execute(
                    "UPDATE meldpunt_melding SET status = 'op_mdo_agenda' WHERE id = ANY(%s)", [self.agenda_meldingen]
                )
                cursor.execute(
                    "UPDATE meldpunt_triage SET besluit = 'mdo', regulier_organisatie_id = NULL, score = 4, "
                    "verslaving = true, psychiatrie = true, schulden = true, dakloos = true WHERE melding_id = ANY(%s)",
                    [self.agenda_meldingen],
                )

    # --- after the load ----------------------------------------------------------------------------------------------
    def reset_sequences(self):
        statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
