"""Casussen and everything hanging off them: access rows, betrokkenen, plans, journaal, escalations, MDO."""

from dataclasses import dataclass

from django.conf import settings

from .copying import Pool, Table
from .vocabulary import ACTIES, DOELEN, END, JOURNAAL, LEEFGEBIEDEN


@dataclass
class CasusRow:
    id: int
    melding: int
    persoon: int  # hoofdpersoon
    toegewezen: int  # ordinal
    regisseur: int = 0
    organisatie: int = 0
    status: str = "plan_in_opstelling"
    plan_vastgesteld: int = 0
    afgesloten: int = 0
    special: str = ""  # "fresh" or "long" for the casussen workload 3 measures
    ingediend_plan: int = 0  # a plan waiting for approval on the next MDO
    gemeente: int = 0  # where the household lives (the melding's gemeente); after a move: the new one
    verhuisd: int = 0  # ordinal of a move within the region (CasusVerhuizing), 0: none
    gemeente_voor: int = 0  # the gemeente before that move
    niveau: int = -1  # the escalation level forced for the gemeente-bound bench accounts (-1: drawn)


class CasussenMixin:
    """Generator.casussen (split off to keep the modules small)."""

    def casussen(self):
        from casusregie.models import (
            Casus,
            CasusBetrokkene,
            CasusToegang,
            CasusUserObjectPermission,
            CasusVerhuizing,
            Escalatie,
            EscalatieStap,
            JournaalRegel,
            Plan,
            PlanActie,
            PlanDoel,
            Signaal,
            Wachtlijst,
        )
        from mdo.models import AgendaPunt, Overleg

        rng = self.rng
        end = END.toordinal()
        rows = self.casussen_list
        n_cas = len(rows)
        pm = self.pm
        perm = self.perm

        # who directs what: a narrow regisseur (~700 casussen), the rest spread over 800 regisseurs
        n_narrow = min(700, max(20, int(n_cas * 0.035)))
        narrow_set = set(rng.sample(range(n_cas), n_narrow))
        regisseur = Pool(rng, self.regisseurs)
        for i, row in enumerate(rows):
            row.regisseur = self.narrow if i in narrow_set else regisseur()
            row.organisatie = self.user_org[row.regisseur]
        # the newest of the narrow regisseur: a fresh casus; the three before it: a long history
        narrow_rows = sorted((rows[i] for i in narrow_set), key=lambda r: (r.toegewezen, r.id))
        narrow_rows[-1].special = "fresh"
        for row in narrow_rows[-4:-1]:
            row.special = "long"

        # open or closed, and the status
        open_status = Pool(
            rng, ["plan_in_opstelling", "plan_vastgesteld", "in_uitvoering", "opgeschaald"], [30, 15, 45, 10]
        )
        for row in rows:
            age = end - row.toegewezen
            p_open = 0.85 if age < 365 else (0.4 if age < 730 else 0.03)
            is_open = rng.random() < p_open or bool(row.special) or row.toegewezen + 60 > end
            if is_open:
                row.status = "plan_in_opstelling" if row.special == "fresh" else open_status()
                if row.special == "long":
                    row.status = "in_uitvoering"
                if row.status != "plan_in_opstelling":
                    row.plan_vastgesteld = self.next_mdo(row.toegewezen + rng.randint(14, 90)) or 0
                    if not row.plan_vastgesteld:
                        row.status = "plan_in_opstelling"
            else:
                row.status = "afgesloten"
                row.afgesloten = min(row.toegewezen + rng.randint(60, 700), end - 1)
                if rng.random() < 0.9:
                    pv = self.next_mdo(row.toegewezen + rng.randint(14, 90)) or 0
                    row.plan_vastgesteld = pv if pv and pv < row.afgesloten else 0
        # about 1.5% of the households move within the region (to a neighbour, by population) while their casus
        # runs; the special casussen stay put
        naar = Pool(rng, [g.pk for g in self.gemeenten], self.inwoners)
        for row in rows:
            last = row.afgesloten or end
            if not row.special and last - row.toegewezen > 60 and rng.random() < 0.015:
                target = naar()
                if target != row.gemeente:
                    row.verhuisd = rng.randint(row.toegewezen + 30, last - 1)
                    row.gemeente_voor, row.gemeente = row.gemeente, target
        # the largest and the smallest gemeente have open escalations at the coördinator's and the wethouder's
        # level at every size (workload 15 opens them as those gemeenten's bench accounts)
        for code in (self.meta["gemeente_groot"], self.meta["gemeente_klein"]):
            gid = self.gemeente_by_code[code].pk
            kandidaten = [
                r
                for r in rows
                if r.gemeente == gid
                and r.status != "afgesloten"
                and r.plan_vastgesteld
                and not (r.special or r.verhuisd)
            ]
            for row, level in zip(kandidaten[-4:], (1, 1, 2, 2), strict=False):
                row.status, row.niveau = "opgeschaald", level
        if n_cas:
            # the fresh casus was assigned in the last MDO before "today"
            fresh = narrow_rows[-1]
            fresh.toegewezen = max(fresh.toegewezen, self.mdo_ordinals[-1])

        # the broad user: betrokken (and allowed to read) on 35% of all casussen
        broad_set = {i for i in rng.sample(range(n_cas), int(n_cas * 0.35)) if rows[i].regisseur != self.broad}
        others = [u for u in self.regisseurs + self.professionals if u != self.broad]
        other = Pool(rng, others)
        n_betrokken = Pool(rng, [0, 1, 2, 3], [35, 35, 20, 10])

        t_casus = Table(
            self.loader,
            Casus,
            "id melding_id status status_sinds casusregisseur_id organisatie_id toegewezen_op plan_vastgesteld_op "
            "afgesloten_op afsluitreden_id overgedragen_aan_id leesrecht_regisseur_tot gemeente_id",
        )
        t_verhuizing = Table(self.loader, CasusVerhuizing, "casus_id van_id naar_id datum reden door_id vastgelegd_op")
        t_perm = Table(self.loader, CasusUserObjectPermission, ["permission_id", "user_id", "content_object_id"])
        t_cb = Table(
            self.loader,
            CasusBetrokkene,
            "id casus_id professional_id rol mag_wijzigen grondslag toegevoegd_door_id toegevoegd_op beeindigd_op",
        )
        t_toegang = Table(self.loader, CasusToegang, "casus_id gebruiker_id actie rechten reden door_id op")
        t_plan = Table(
            self.loader,
            Plan,
            "id casus_id versie status samenvatting opgesteld_door_id ingediend_op vastgesteld_op evaluatie_op "
            "lock_version",
        )
        t_doel = Table(self.loader, PlanDoel, ["id", "plan_id", "leefgebied", "omschrijving"])
        t_actie = Table(self.loader, PlanActie, "id plan_id doel_id omschrijving eigenaar_id deadline status")
        t_journaal = Table(self.loader, JournaalRegel, ["id", "casus_id", "auteur_id", "op", "tekst"])
        t_esc = Table(
            self.loader,
            Escalatie,
            "id casus_id niveau_id status reden_id vraag antwoord gestart_door_id gestart_op niveau_sinds gesloten_op "
            "maatwerkbudget legitimiteit betrokkenheid rendement gemeente_id",
        )
        t_stap = Table(
            self.loader, EscalatieStap, ["escalatie_id", "soort", "niveau_id", "datum", "door_id", "toelichting"]
        )
        t_wacht = Table(self.loader, Wachtlijst, "casus_id organisatie_id voorziening sinds opgelost_op gemeld_door_id")
        t_signaal = Table(self.loader, Signaal, ["casus_id", "soort", "sinds", "toelichting", "berekend_op"])
        t_overleg = Table(self.loader, Overleg, ["id", "datum", "locatie", "voorzitter_id", "status"])
        t_punt = Table(
            self.loader,
            AgendaPunt,
            "overleg_id volgorde soort melding_id casus_id plan_id besluit notulen besloten_door_id",
        )

        # the meetings
        for o in self.mdo_ordinals + self.mdo_planned:
            status = "afgerond" if o <= end else "gepland"
            t_overleg.add([self.mdo_ids[o], self.d(o), "Stadhuis, zaal 2", pm, status], pm, self.ts(o - 7))
        volgorde = {}

        def punt(o, soort, melding, casus, plan, besluit):
            oid = self.mdo_ids[o]
            volgorde[oid] = volgorde.get(oid, 0) + 1
            notulen = "Besproken; zie besluit." if besluit else ""
            t_punt.add(
                [oid, volgorde[oid], soort, melding, casus, plan, besluit, notulen, pm if besluit else None],
                pm,
                self.ts(o - 3),
            )

        for mid, o in self.verwezen:
            punt(o, "melding", mid, None, None, "regulier")

        afsluit = Pool(rng, self.afsluitredenen)
        grondslag = Pool(rng, ["toestemming", "wettelijke_taak", "convenant"])
        esc_reden = Pool(rng, ["stagnatie", "afspraken", "wachtlijst", "juridisch", "financieel", "veiligheid"])
        journaal_tekst = Pool(rng, JOURNAAL)
        doel_tekst = Pool(rng, DOELEN)
        actie_tekst = Pool(rng, ACTIES)
        signaal_soort = Pool(
            rng, ["geen_plan", "acties_verlopen", "geen_journaal", "wachtlijst", "escalatie_lang_open"]
        )
        partner = Pool(rng, self.org_ids[:14] + self.org_ids[15:18])
        niveau_draw = Pool(rng, [0, 1, 2], [70, 20, 10])
        plan_id = doel_id = actie_id = journaal_id = esc_id = cb_id = 0
        ingediend_left = 20
        counts = {"open": 0, "afgesloten": 0}
        self.meta["long_casussen"] = []
        overgedragen_code = "regulier_overgedragen"

        for i, row in enumerate(rows):
            cid = row.id
            t0 = row.toegewezen
            is_open = row.status != "afgesloten"
            counts["open" if is_open else "afgesloten"] += 1
            last_day = row.afgesloten or end
            reden_pk, reden_code = afsluit() if not is_open else (None, "")
            changed = row.afgesloten or row.plan_vastgesteld or t0
            assigned_ts = self.ts(t0, 11 * 60)
            casus_values = [
                cid,
                row.melding,
                row.status,
                self.ts(changed),
                row.regisseur,
                row.organisatie,
                self.d(t0),
                self.d(row.plan_vastgesteld) if row.plan_vastgesteld else None,
                self.d(row.afgesloten) if row.afgesloten else None,
                reden_pk,
                partner() if reden_code == overgedragen_code else None,
                self.d(row.afgesloten + settings.BZT_LEESRECHT_NA_AFSLUITEN_DAGEN) if row.afgesloten else None,
                row.gemeente,
            ]
            if row.verhuisd:
                # the live row in the new gemeente; its history: made in the old one, changed at the move
                moved_ts = self.ts(row.verhuisd)
                t_casus.add(casus_values)
                t_casus.history([*casus_values[:-1], row.gemeente_voor], "+", pm, assigned_ts)
                t_casus.history(casus_values, "~", row.regisseur, moved_ts)
                t_verhuizing.add(
                    [
                        cid,
                        row.gemeente_voor,
                        row.gemeente,
                        self.d(row.verhuisd),
                        "Huishouden verhuisd binnen de regio.",
                        row.regisseur,
                        moved_ts,
                    ],
                    row.regisseur,
                    moved_ts,
                )
            else:
                t_casus.add(casus_values, pm, assigned_ts)
            punt(t0, "melding", row.melding, cid, None, "toegewezen")

            # access: the regisseur (all four while open; read only after closing, see README), betrokkenen
            if is_open:
                for codename in ("view_casus", "change_casus", "escaleren_casus", "beheren_betrokkenen"):
                    t_perm.add([perm[codename], row.regisseur, cid])
            else:
                t_perm.add([perm["view_casus"], row.regisseur, cid])
            t_toegang.add(
                [
                    cid,
                    row.regisseur,
                    "verleend",
                    "lezen, wijzigen, opschalen, betrokkenen beheren",
                    "toegewezen als casusregisseur",
                    pm,
                    assigned_ts,
                ]
            )
            if not is_open:
                t_toegang.add(
                    [
                        cid,
                        row.regisseur,
                        "ingetrokken",
                        "wijzigen, opschalen, betrokkenen beheren",
                        "casus afgesloten",
                        pm,
                        self.ts(row.afgesloten),
                    ]
                )
            if row.special == "fresh":
                count = 0
            elif row.special == "long":
                count = 10
            else:
                count = n_betrokken()
            chosen = set()
            for _ in range(count):
                prof = other()
                if prof == row.regisseur or prof in chosen or prof == self.narrow:
                    continue
                chosen.add(prof)
                cb_id += 1
                added = rng.randint(t0, max(t0, last_day - 1))
                ended = (row.special == "long" and len(chosen) > 6) or not is_open
                mag = rng.random() < 0.3
                t_cb.add(
                    [
                        cb_id,
                        cid,
                        prof,
                        "Hulpverlener",
                        mag,
                        grondslag(),
                        row.regisseur,
                        self.ts(added),
                        self.ts(row.afgesloten or added + 30) if ended else None,
                    ],
                    row.regisseur,
                    self.ts(added),
                )
                rechten = "lezen, wijzigen" if mag else "lezen"
                t_toegang.add(
                    [cid, prof, "verleend", rechten, "betrokken als Hulpverlener", row.regisseur, self.ts(added)]
                )
                if ended:
                    t_toegang.add([cid, prof, "ingetrokken", rechten, "betrokkenheid beeindigd", pm, self.ts(last_day)])
                else:
                    t_perm.add([perm["view_casus"], prof, cid])
                    if mag:
                        t_perm.add([perm["change_casus"], prof, cid])
            if i in broad_set:
                cb_id += 1
                t_cb.add(
                    [cb_id, cid, self.broad, "Ketenregisseur", False, "convenant", pm, assigned_ts, None],
                    pm,
                    assigned_ts,
                )
                t_perm.add([perm["view_casus"], self.broad, cid])
                t_toegang.add([cid, self.broad, "verleend", "lezen", "betrokken als Ketenregisseur", pm, assigned_ts])

            # the plan van aanpak: version 1, sometimes a version 2
            versions = []
            if row.plan_vastgesteld:
                if rng.random() < 0.3 and row.plan_vastgesteld + 120 < last_day:
                    v2_day = self.next_mdo(row.plan_vastgesteld + rng.randint(90, 200))
                    v2_status = "vastgesteld" if (v2_day and v2_day < last_day) else "concept"
                    if not is_open and v2_status == "concept":
                        versions = [("vastgesteld", row.plan_vastgesteld)]
                    else:
                        versions = [
                            ("vervangen", row.plan_vastgesteld),
                            (v2_status, v2_day if v2_status == "vastgesteld" else 0),
                        ]
                else:
                    versions = [("vastgesteld", row.plan_vastgesteld)]
            else:
                ingediend = is_open and ingediend_left > 0 and row.special == "" and t0 > end - 120
                if ingediend:
                    ingediend_left -= 1
                versions = [("ingediend" if ingediend else "concept", 0)]
            for versie, (status, vastgesteld) in enumerate(versions, start=1):
                plan_id += 1
                created = t0 if versie == 1 else versions[0][1]
                values = [
                    plan_id,
                    cid,
                    versie,
                    status,
                    "Samen met het huishouden naar een stabiele situatie met reguliere zorg.",
                    row.regisseur,
                    self.d(vastgesteld - 7) if vastgesteld else (self.d(end - 3) if status == "ingediend" else None),
                    self.d(vastgesteld) if vastgesteld else None,
                    self.d(vastgesteld + 182) if vastgesteld else None,
                    1 if vastgesteld else 0,
                ]
                t_plan.add(values, row.regisseur, self.ts(created))
                if vastgesteld:
                    t_plan.history(values, "~", pm, self.ts(vastgesteld))
                    punt(vastgesteld, "plan_vaststellen", None, cid, plan_id, "plan_vastgesteld")
                if status == "ingediend":
                    row.ingediend_plan = plan_id
                if row.special == "long" and versie == 1:
                    for k in range(200):
                        t_plan.history(values, "~", row.regisseur, self.ts(t0 + k % max(1, end - t0)))
                for lg in rng.sample(LEEFGEBIEDEN, rng.randint(1, 3)):
                    doel_id += 1
                    t_doel.add([doel_id, plan_id, lg, doel_tekst()], row.regisseur, self.ts(created))
                    for _ in range(rng.randint(1, 2)):
                        actie_id += 1
                        if not is_open or status == "vervangen":
                            astatus = "gereed"
                        else:
                            astatus = ("open", "loopt", "gereed")[rng.randrange(3)]
                        t_actie.add(
                            [
                                actie_id,
                                plan_id,
                                doel_id,
                                actie_tekst(),
                                partner(),
                                self.d(created + rng.randint(14, 180)),
                                astatus,
                            ],
                            row.regisseur,
                            self.ts(created),
                        )

            # journaal
            if row.special == "fresh":
                n_journaal = 0
            elif row.special == "long":
                n_journaal = 500
                self.meta["long_casussen"].append(cid)
            else:
                n_journaal = rng.randint(0, 8) if is_open else rng.randint(2, 8)
            span = max(1, last_day - t0)
            for _ in range(n_journaal):
                journaal_id += 1
                when = self.ts(t0 + rng.randrange(span))
                author = row.regisseur if rng.random() < 0.85 or not chosen else next(iter(chosen))
                t_journaal.add([journaal_id, cid, author, when, journaal_tekst()], author, when)
            if row.special == "long":
                base = [cid, row.melding, row.status]
                for k in range(40):  # a long casus history too (status changes, transfers)
                    t_casus.history(
                        [
                            *base,
                            self.ts(t0 + k),
                            row.regisseur,
                            row.organisatie,
                            self.d(t0),
                            self.d(row.plan_vastgesteld) if row.plan_vastgesteld else None,
                            None,
                            None,
                            None,
                            None,
                            row.gemeente,
                        ],
                        "~",
                        row.regisseur,
                        self.ts(t0 + k),
                    )

            # escalations
            escalate_open = row.status == "opgeschaald"
            escalate_closed = not escalate_open and row.plan_vastgesteld and rng.random() < 0.06
            if escalate_open or escalate_closed:
                esc_id += 1
                level = niveau_draw() if escalate_open else rng.randint(0, 1)
                level = row.niveau if row.niveau >= 0 else level
                start_day = rng.randint(row.plan_vastgesteld or t0, max(row.plan_vastgesteld or t0, last_day - 1))
                doorbraak = rng.random() < 0.1
                closed_day = None if escalate_open else min(start_day + rng.randint(7, 60), last_day)
                t_esc.add(
                    [
                        esc_id,
                        cid,
                        self.niveaus[level],
                        "open" if escalate_open else "gedeescaleerd",
                        esc_reden(),
                        "Partners komen afspraken niet na; graag interventie.",
                        "" if escalate_open else "Afspraken gemaakt met de betrokken partner.",
                        row.regisseur,
                        self.d(start_day),
                        self.d(min(start_day + level * 7, end)),
                        self.d(closed_day) if closed_day else None,
                        f"{rng.randint(5, 250) * 100}.00" if doorbraak else None,
                        "Legitiem: veiligheid in het geding." if doorbraak else "",
                        "Alle partners gecommitteerd." if doorbraak else "",
                        "Voorkomt uithuiszetting." if doorbraak else "",
                        # the ladder of the gemeente where the household lived when it was escalated
                        row.gemeente_voor if row.verhuisd and start_day < row.verhuisd else row.gemeente,
                    ],
                    row.regisseur,
                    self.ts(start_day),
                )
                for lv in range(level + 1):
                    day = min(start_day + lv * 7, end)
                    t_stap.add(
                        [esc_id, "opgeschaald", self.niveaus[lv], self.d(day), row.regisseur, ""],
                        row.regisseur,
                        self.ts(day),
                    )
                if closed_day:
                    t_stap.add(
                        [esc_id, "gedeescaleerd", self.niveaus[level], self.d(closed_day), pm, ""],
                        pm,
                        self.ts(closed_day),
                    )
            if rng.random() < 0.04:
                since = rng.randint(t0, max(t0, last_day - 1))
                opgelost = (
                    None if (is_open and rng.random() < 0.5) else self.d(min(since + rng.randint(20, 200), last_day))
                )
                t_wacht.add(
                    [cid, partner(), "Beschermd wonen", self.d(since), opgelost, row.regisseur],
                    row.regisseur,
                    self.ts(since),
                )
            if is_open and rng.random() < 0.15 and row.special == "":
                t_signaal.add(
                    [
                        cid,
                        signaal_soort(),
                        self.d(max(t0, end - rng.randint(1, 90))),
                        "Berekend door de periodieke taak.",
                        self.ts(end, 6 * 60),
                    ]
                )

        # the planned MDOs: 20 meldingen, 5 plans to approve and 5 casusbesprekingen each (the first is measured)
        planned = self.mdo_planned
        ingediend_plans = [(r.id, r.ingediend_plan) for r in rows if r.ingediend_plan]
        open_rows = [r for r in rows if r.status in ("in_uitvoering", "opgeschaald") and r.special == ""]
        for k, mid in enumerate(self.agenda_meldingen):
            punt(planned[k // 20 % 4], "melding", mid, None, None, "")
        for k, (cid, pid) in enumerate(ingediend_plans):
            punt(planned[k // 5 % 4], "plan_vaststellen", None, cid, pid, "")
        for k, r in enumerate(rng.sample(open_rows, min(20, len(open_rows)))):
            punt(planned[k // 5], "casusbespreking", None, r.id, None, "")

        # attendees of every meeting
        self.loader.flush_all()
        attendees = self.pm_ids + self.regisseurs[:12]
        lines = []
        for o in self.mdo_ordinals + self.mdo_planned:
            for u in rng.sample(attendees, 8):
                lines.append(f"{self.mdo_ids[o]}\t{u}\n")
        through = Overleg.aanwezigen.through._meta
        cols = [through.get_field("overleg").column, through.get_field("user").column]
        self.loader.copy(through.db_table, cols, lines)

        self.meta["casussen"] = n_cas
        self.meta["casussen_open"] = counts["open"]
        self.meta["narrow_zichtbaar"] = n_narrow
        self.meta["broad_zichtbaar"] = len(broad_set) + sum(1 for r in rows if r.regisseur == self.broad)
        self.meta["fresh_casus"] = narrow_rows[-1].id if n_cas else None
        self.meta["mdo"] = self.mdo_ids[planned[0]]
        self.meta["mdo_punten"] = volgorde.get(self.mdo_ids[planned[0]], 0)
        self.meta["journaal"] = journaal_id
        self.meta["plannen"] = plan_id
        self.meta["escalaties"] = esc_id
        self.meta["verhuizingen"] = t_verhuizing.rows
