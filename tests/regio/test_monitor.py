"""The jaarmonitor per gemeente and for the region (CONTRACT.md § Region, docs/jaarmonitor.md § Per gemeente)."""

import json
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casusregie import services
from casusregie.models import Casus
from keten.importer import import_meldingen
from monitor.figures import compute, compute_per_gemeente
from monitor.regio import compute_regio, suppress_regio
from monitor.services import budgetregel_opslaan
from monitor.suppression import SUPPRESSED

pytestmark = pytest.mark.django_db

JAAR = 2025
CODES = ["GM0150", "GM0175", "GM0177", "GM0301", "GM0262"]
NIVEAUS = ["procesmanager", "coordinerend_ambtenaar", "wethouder"]
# the counts CONTRACT.md says add up over the gemeenten (personen do not: a person may live in two)
OPTELLEND = {
    "meldingen": ["totaal", "per_aanmeldroute", "per_melder_type", "per_maand", "overlast", "gezinnen"],
    "triage": ["totaal", "per_besluit", "doelgroep_3_uit_8", "per_leefgebied"],
    "casussen": ["nieuw", "per_organisatie", "afgesloten", "afsluitredenen", "open_einde_jaar", "caseload_einde_jaar"],
    "escalaties": ["totaal", "per_niveau"],
}


def _optellen(waarden):
    if isinstance(waarden[0], dict):
        keys = set().union(*waarden)
        return {k: sum(w.get(k, 0) for w in waarden) for k in keys}
    return sum(waarden)


def _zonder_nul(waarde):
    return {k: v for k, v in waarde.items() if v} if isinstance(waarde, dict) else waarde


def _regel(i, r):
    """One import line from a drawn record."""
    ontvangen = date(JAAR, 1, 1) + timedelta(days=r["dag"])
    regel = {
        "extern_id": f"H-{i}",
        "ontvangen_op": ontvangen.isoformat(),
        "melder": {"type": "burger", "organisatie": None},
        "aanmeldroute": r["route"],
        "overlast": r["overlast"],
        "personen": [{"extern_id": f"HP-{i}", "achternaam": "Achternaam", "rol": "hoofdpersoon"}],
    }
    if r["gemeente"] != "GM0150" or r["expliciet"]:
        regel["gemeente"] = r["gemeente"]
    if r["stadium"] >= 1:
        regel["triage"] = {
            "datum": (ontvangen + timedelta(days=2)).isoformat(),
            "leefgebieden": ["verslaving", "schulden", "dakloos"][: r["stadium"] + 1],
            "besluit": "mdo" if r["stadium"] >= 2 else "advies",
        }
    if r["stadium"] >= 2:
        toegewezen = ontvangen + timedelta(days=9)
        regel["mdo"] = {"datum": toegewezen.isoformat(), "organisatie": r["organisatie"], "casusregisseur": None}
        regel["escalaties"] = [
            {"datum": (toegewezen + timedelta(days=10 + 30 * n)).isoformat(), "niveau": NIVEAUS[n % 3]}
            for n in range(r["escalaties"])
        ]
        if r["dicht"]:
            regel["plan_vastgesteld_op"] = (toegewezen + timedelta(days=5)).isoformat()
            regel["afgesloten_op"] = (toegewezen + timedelta(days=120)).isoformat()
            regel["afsluitreden"] = "doel_bereikt"
    return regel


RECORD = st.fixed_dictionaries(
    {
        "gemeente": st.sampled_from(CODES),
        "expliciet": st.booleans(),
        "dag": st.integers(0, 300),
        "route": st.sampled_from(["oggz", "woonoverlast", "veelplegers"]),
        "overlast": st.booleans(),
        "stadium": st.integers(0, 2),
        "organisatie": st.sampled_from(["Dimence", "Tactus Verslavingszorg"]),
        "escalaties": st.integers(0, 2),
        "dicht": st.booleans(),
        # a move within the region: to which gemeente, how many days after the assignment
        "verhuizing": st.one_of(st.none(), st.tuples(st.sampled_from(CODES), st.integers(0, 400))),
    }
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(RECORD, min_size=1, max_size=14))
def test_the_figures_of_the_gemeenten_add_up_to_the_region(regio, tmp_path_factory, records):
    with transaction.atomic():
        pad = tmp_path_factory.mktemp("regio") / "meldingen.jsonl"
        pad.write_text("\n".join(json.dumps(_regel(i, r)) for i, r in enumerate(records)))
        import_meldingen(pad)
        for i, r in enumerate(records):
            casus = Casus.objects.filter(melding__extern_id=f"H-{i}").first()
            if casus is None or r["verhuizing"] is None:
                continue
            naar, dagen = r["verhuizing"]
            datum = min(casus.toegewezen_op + timedelta(days=dagen), casus.afgesloten_op or date.today())
            if naar != casus.gemeente.code and casus.open:
                services.verhuizen(
                    casus=casus, naar_gemeente=naar, datum=datum, door=regio["procesmanager"], reden="Verhuisd."
                )
        for code, bedrag in [("GM0301", "10000"), ("GM0262", "3000"), ("GM0150", "25000")]:
            budgetregel_opslaan(
                door=regio["beheer"], jaar=JAAR, categorie="casusregie", omschrijving=code, bedrag=Decimal(bedrag),
                gemeente=code,
            )  # fmt: skip
        regio_cijfers = compute(JAAR)
        per_gemeente = [compute(JAAR, gemeente=g.pk) for g in regio["gemeenten"].values()]
        for sectie, sleutels in OPTELLEND.items():
            for sleutel in sleutels:
                som = _optellen([g[sectie][sleutel] for g in per_gemeente])
                assert _zonder_nul(som) == _zonder_nul(regio_cijfers[sectie][sleutel]), (sectie, sleutel)
        assert regio_cijfers["meldingen"]["totaal"] == len(records)
        # the region report computes every gemeente and the region in one pass: exactly the same figures
        for tot_en_met in (None, date(JAAR, 6, 30)):
            alle = list(regio["gemeenten"].values())
            per, totaal = compute_per_gemeente(JAAR, alle, tot_en_met=tot_en_met)
            assert totaal == compute(JAAR, tot_en_met=tot_en_met)
            for g in alle:
                assert per[g.pk] == compute(JAAR, tot_en_met=tot_en_met, gemeente=g.pk), g.code
        transaction.set_rollback(True)


def test_a_casus_counts_where_it_was_on_the_day_counted(regio, tmp_path):
    pad = tmp_path / "m.jsonl"
    r = {
        "gemeente": "GM0301",
        "expliciet": True,
        "dag": 10,
        "route": "oggz",
        "overlast": False,
        "stadium": 2,
        "organisatie": "Dimence",
        "escalaties": 1,
        "dicht": False,
        "verhuizing": None,
    }
    pad.write_text(json.dumps(_regel(1, r)))
    import_meldingen(pad)
    casus = Casus.objects.get(melding__extern_id="H-1")
    escalatie = casus.escalaties.get()
    services.escalatie_deescaleren(door=regio["procesmanager"], escalatie=escalatie, toelichting="Klaar.")
    services.verhuizen(
        casus=casus,
        naar_gemeente="GM0262",
        datum=date(JAAR, 6, 1),
        door=regio["procesmanager"],
        reden="Verhuisd naar Lochem.",
    )
    zutphen = compute(JAAR, gemeente=regio["gemeenten"]["GM0301"].pk)
    lochem = compute(JAAR, gemeente=regio["gemeenten"]["GM0262"].pk)
    # assigned in January in Zutphen; open at the end of the year in Lochem; the melding and the escalation
    # (on Zutphen's ladder, in January) stay Zutphen's
    assert (zutphen["casussen"]["nieuw"], lochem["casussen"]["nieuw"]) == (1, 0)
    assert (zutphen["casussen"]["open_einde_jaar"], lochem["casussen"]["open_einde_jaar"]) == (0, 1)
    assert (zutphen["meldingen"]["totaal"], lochem["meldingen"]["totaal"]) == (1, 0)
    assert (zutphen["escalaties"]["totaal"], lochem["escalaties"]["totaal"]) == (1, 0)
    # on the end of May the casus was still Zutphen's
    mei = compute(JAAR, tot_en_met=date(JAAR, 5, 31), gemeente=regio["gemeenten"]["GM0301"].pk)
    assert mei["casussen"]["open_einde_jaar"] == 1


def test_each_gemeente_divides_its_own_budget_lines(regio, tmp_path):
    pad = tmp_path / "m.jsonl"
    regels = [
        _regel(
            i,
            {
                "gemeente": code,
                "expliciet": True,
                "dag": 20 + i,
                "route": "oggz",
                "overlast": False,
                "stadium": 2,
                "organisatie": "Dimence",
                "escalaties": 0,
                "dicht": False,
                "verhuizing": None,
            },
        )
        for i, code in enumerate(["GM0301", "GM0301", "GM0262"])
    ]
    pad.write_text("\n".join(json.dumps(r) for r in regels))
    import_meldingen(pad)
    for code, bedrag in [("GM0301", "10000"), ("GM0262", "3000")]:
        budgetregel_opslaan(
            door=regio["beheer"],
            jaar=JAAR,
            categorie="casusregie",
            omschrijving=code,
            bedrag=Decimal(bedrag),
            gemeente=code,
        )
    zutphen = compute(JAAR, gemeente=regio["gemeenten"]["GM0301"].pk)["budget"]
    lochem = compute(JAAR, gemeente=regio["gemeenten"]["GM0262"].pk)["budget"]
    totaal = compute(JAAR)["budget"]
    assert (zutphen["totaal"], zutphen["casussen_in_behandeling"], zutphen["per_casus"]) == (10000.0, 2, 5000.0)
    assert (lochem["totaal"], lochem["per_casus"]) == (3000.0, 3000.0)
    assert (totaal["totaal"], totaal["per_casus"]) == (13000.0, round(13000 / 3, 2))


@settings(max_examples=200, deadline=None)
@given(
    rijen=st.lists(st.lists(st.integers(0, 40), min_size=5, max_size=5), min_size=1, max_size=4),
)
def test_the_region_report_never_lets_a_hidden_cell_be_worked_out_from_the_region_total(rijen):
    """Complementary suppression: a gemeente's hidden count is never its row's region total minus the shown ones."""
    from monitor.regio import RIJEN

    def figuren(waarden):
        f = {"jaar": JAAR, "budget": {"casussen_in_behandeling": 0, "totaal": 0.0, "per_casus": None}}
        for (sectie, sleutel, _), waarde in zip(RIJEN, waarden + [0] * len(RIJEN), strict=False):
            f.setdefault(sectie, {})[sleutel] = waarde
        return f

    kolommen = [[r[g] for r in rijen] for g in range(5)]
    exact = {
        "jaar": JAAR,
        "gemeenten": [{"code": CODES[g], "naam": CODES[g], "cijfers": figuren(kolommen[g])} for g in range(5)],
        "regio": figuren([sum(r) for r in rijen]),
    }
    shown = suppress_regio(exact)
    for (sectie, sleutel, _), rij in zip(RIJEN, rijen, strict=False):
        cellen = [k["cijfers"][sectie][sleutel] for k in shown["gemeenten"]]
        verborgen = [g for g, c in enumerate(cellen) if c == SUPPRESSED]
        assert all(c == SUPPRESSED for c, v in zip(cellen, rij, strict=True) if 0 < v < 5)
        if verborgen:
            assert shown["regio"][sectie][sleutel] == SUPPRESSED
        else:
            assert shown["regio"][sectie][sleutel] in (sum(rij), SUPPRESSED)


def test_jaarmonitor_command_per_gemeente_and_region(regio, tmp_path):
    pad = tmp_path / "m.jsonl"
    pad.write_text(
        "\n".join(
            json.dumps(
                _regel(
                    i,
                    {
                        "gemeente": code,
                        "expliciet": True,
                        "dag": 40,
                        "route": "oggz",
                        "overlast": False,
                        "stadium": 0,
                        "organisatie": "Dimence",
                        "escalaties": 0,
                        "dicht": False,
                        "verhuizing": None,
                    },
                )
            )
            for i, code in enumerate(["GM0301", "GM0301", "GM0177"])
        )
    )
    import_meldingen(pad)
    out = StringIO()
    call_command("jaarmonitor", jaar=JAAR, gemeente="GM0301", stdout=out)
    zutphen = json.loads(out.getvalue())
    assert zutphen["meldingen"]["totaal"] == 2 and zutphen["gemeente"]["code"] == "GM0301"
    out = StringIO()
    call_command("jaarmonitor", jaar=JAAR, regio=True, stdout=out)
    regio_json = json.loads(out.getvalue())
    assert regio_json["regio"]["meldingen"]["totaal"] == 3
    assert {g["code"]: g["cijfers"]["meldingen"]["totaal"] for g in regio_json["gemeenten"]}["GM0177"] == 1
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="GM9999 is onbekend"):
        call_command("jaarmonitor", jaar=JAAR, gemeente="GM9999", stdout=StringIO())


def test_the_region_pdf_shows_the_five_gemeenten_side_by_side(regio, tmp_path):
    from monitor.regio import render_regio_pdf
    from tests.monitor.conftest import pdf_text

    tekst = pdf_text(render_regio_pdf(suppress_regio(compute_regio(JAAR))))
    kop = next(regel for regel in tekst.splitlines() if "Deventer" in regel)
    posities = [kop.index(naam) for naam in ["Deventer", "Lochem", "Olst-Wijhe", "Raalte", "Zutphen", "Regio"]]
    assert posities == sorted(posities)  # one row: the columns side by side, the region last


@pytest.mark.parametrize(("n", "breedtes"), [(5, [5]), (7, [7]), (8, [4, 4]), (20, [7, 7, 6])])
def test_a_region_of_many_gemeenten_gets_several_readable_tables_with_the_region_last(n, breedtes):
    """A GGD region of 20 gemeenten does not squeeze 21 columns into one A4 row: at most 7 per table, every value of
    every gemeente exactly once, in order, and the region's column only in the last table."""
    from monitor.regio import BEDRAGEN, RIJEN, tabel

    def figuren(waarde):
        return {
            sectie: {sleutel: waarde for s, sleutel, _ in RIJEN + BEDRAGEN if s == sectie}
            for sectie, _, _ in RIJEN + BEDRAGEN
        }

    shown = {"gemeenten": [{"naam": f"G{i}", "cijfers": figuren(i)} for i in range(n)], "regio": figuren(999)}
    tabellen = tabel(shown)["tabellen"]
    assert [len(t["kolommen"]) for t in tabellen] == breedtes
    assert [naam for t in tabellen for naam in t["kolommen"]] == [f"G{i}" for i in range(n)]
    for rij in range(len(RIJEN + BEDRAGEN)):
        assert [w for t in tabellen for w in t["rijen"][rij]["waarden"]] == list(range(n))
    assert [t["met_regio"] for t in tabellen] == [False] * (len(breedtes) - 1) + [True]
    assert tabellen[-1]["rijen"][0]["regio"] == 999 and all(
        r["regio"] is None for t in tabellen[:-1] for r in t["rijen"]
    )


def test_the_beleidsambtenaar_of_lochem_sees_only_lochem_in_the_browser(regio, client, settings, tmp_path):
    from monitor import services as monitor_services

    pad = tmp_path / "m.jsonl"
    pad.write_text(
        "\n".join(
            json.dumps(
                _regel(
                    i,
                    {
                        "gemeente": code,
                        "expliciet": True,
                        "dag": 40 + i,
                        "route": "oggz",
                        "overlast": False,
                        "stadium": 0,
                        "organisatie": "Dimence",
                        "escalaties": 0,
                        "dicht": False,
                        "verhuizing": None,
                    },
                )
            )
            for i, code in enumerate(["GM0262"] * 6 + ["GM0177"] * 11)
        )
    )
    import_meldingen(pad)
    budgetregel_opslaan(
        door=regio["beheer"],
        jaar=JAAR,
        categorie="casusregie",
        omschrijving="Subsidie Raalte",
        bedrag=Decimal("777"),
        gemeente="GM0177",
    )
    client.force_login(regio["beleid_lochem"])
    page = client.get(reverse("monitor:voorbeeld", args=[JAAR])).content.decode()
    assert "Gemeente Lochem" in page
    cijfers = monitor_services.cijfers(door=regio["beleid_lochem"], jaar=JAAR)
    assert cijfers["meldingen"]["totaal"] == 6 and cijfers["gemeente"]["code"] == "GM0262"
    csv = client.get(reverse("monitor:csv", args=[JAAR])).content.decode()
    assert ";6;meldingen.totaal\r\n" in csv and ";17;meldingen.totaal" not in csv and ";11;meldingen.totaal" not in csv
    budget = client.get(reverse("monitor:budget", args=[JAAR])).content.decode()
    assert "Subsidie Raalte" not in budget
    client.force_login(regio["beleid_raalte"])
    assert "Subsidie Raalte" in client.get(reverse("monitor:budget", args=[JAAR])).content.decode()
    # a report of Raalte is not Lochem's to see or download
    rapport = monitor_services.rapport_aanvragen(door=regio["beleid_raalte"], jaar=JAAR)
    client.force_login(regio["beleid_lochem"])
    assert client.get(reverse("monitor:rapport_download", args=[rapport.pk])).status_code == 404
    assert client.post(reverse("monitor:rapport_opnieuw", args=[rapport.pk])).status_code == 404
    assert rapport.pk not in [r.pk for r in client.get(reverse("monitor:index")).context["page"]]


def test_the_nightly_job_computes_each_gemeentes_stand_so_no_page_has_to(regio, client, monkeypatch):
    """The first page of a month computed the stand in the request (0.9–1.5 s at 1M): the nightly job
    monitor.tasks.standen_berekenen makes the stand of the installation and of every gemeente beforehand, once."""
    from bzt.audit import system_user
    from bzt.gemeenten import actieve_gemeenten
    from monitor import services as monitor_services
    from monitor import tasks
    from monitor.models import Stand

    monkeypatch.setattr(monitor_services, "vandaag", lambda: date(2026, 6, 15))  # a month of the year is over
    assert tasks.standen_berekenen.apply().get() == 1 + actieve_gemeenten().count()  # the installation + 5
    assert Stand.objects.filter(gemeente__isnull=True).count() == 1
    assert set(Stand.objects.values_list("gemeente__code", flat=True)) == {None, *CODES}
    assert all(s.berekend_door == system_user() for s in Stand.objects.all())
    assert monitor_services.standen_berekenen(door=system_user()) == 0  # once: the next night finds them there

    client.force_login(regio["beleid_lochem"])
    aantal = Stand.objects.count()
    page = client.get(reverse("monitor:voorbeeld", args=[monitor_services.laatste_jaar()]))
    assert page.status_code == 200 and "Gemeente Lochem" in page.content.decode()
    assert Stand.objects.count() == aantal  # read, not computed


def test_a_gemeentes_escalation_table_lists_only_the_levels_of_its_ladder(regio, tmp_path):
    """The regional mandaatcommissie is on Zutphen's ladder only: Deventer's monitor has no row of zeros for it,
    Zutphen's and the installation's have it; each table's rows add up to its total."""
    from casusregie import referentie
    from casusregie.models import EscalatieNiveau
    from monitor.report import secties
    from monitor.suppression import suppress

    mandaat = EscalatieNiveau.objects.get(code="regionale_mandaatcommissie")
    referentie.escalatieniveau_wijzigen(
        door=regio["beheer"],
        niveau=mandaat,
        naam=mandaat.naam,
        volgorde=mandaat.volgorde,
        behandelaars=mandaat.behandelaars,
        geldt_voor=EscalatieNiveau.GeldtVoor.ALLEEN,
        gemeenten=[regio["gemeenten"]["GM0301"]],
        reden="Regionale afspraak",
    )
    r = {
        "expliciet": True,
        "dag": 10,
        "route": "oggz",
        "overlast": False,
        "stadium": 2,
        "organisatie": "Dimence",
        "escalaties": 2,
        "dicht": False,
        "verhuizing": None,
    }
    pad = tmp_path / "m.jsonl"
    regels = [_regel(i, r | {"gemeente": code}) for i, code in enumerate(["GM0150"] * 5 + ["GM0301"] * 5)]
    pad.write_text("\n".join(json.dumps(regel) for regel in regels))
    import_meldingen(pad)

    def tabel(totaal, **kwargs):
        shown = suppress(compute(JAAR, **kwargs))
        blok = next(b for s in secties(shown) for b in s.blokken if b.titel == "Escalaties per niveau")
        rijen = {naam: int(n) for naam, n in blok.tabel.rijen}
        assert sum(rijen.values()) == int(blok.tabel.totaal[1]) == totaal
        return rijen

    deventer = tabel(10, gemeente=regio["gemeenten"]["GM0150"].pk)
    zutphen = tabel(10, gemeente=regio["gemeenten"]["GM0301"].pk)
    installatie = tabel(20)
    assert mandaat.naam not in deventer and mandaat.naam in zutphen and mandaat.naam in installatie
    procesmanager = EscalatieNiveau.objects.get(code="procesmanager").naam
    assert deventer[procesmanager] == zutphen[procesmanager] == 5
    assert set(deventer) == set(installatie) - {mandaat.naam} and set(zutphen) == set(installatie)
