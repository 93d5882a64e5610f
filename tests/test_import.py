"""import_meldingen: the format of CONTRACT.md, all or nothing, idempotent, audited as the import run."""

import copy
import json
import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from casusregie.models import (
    Casus,
    CasusToegang,
    CasusUserObjectPermission,
    Escalatie,
    EscalatieStap,
    Plan,
)
from casusregie.selectors import casussen_for
from keten import importer
from meldpunt.models import Betrokkene, Melding, Persoon, Triage
from meldpunt.services import NieuweBetrokkene, melding_registreren

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(demo):
    """The convenant organisations (mdo.organisatie) and the demo accounts (mdo.casusregisseur)."""
    return demo


CONTRACT_LINE = {
    "extern_id": "VIS2-2025-0001",
    "ontvangen_op": "2025-03-14",
    "melder": {"type": "professional", "organisatie": "Politie"},
    "aanmeldroute": "oggz",
    "overlast": True,
    "personen": [
        {
            "extern_id": "P-77",
            "voornaam": "Jan",
            "achternaam": "Jansen",
            "geboortedatum": "1970-05-01",
            "geslacht": "man",
            "bsn": "123456782",
            "wijk": "Rivierenwijk",
            "inkomen": "uitkering",
            "rol": "hoofdpersoon",
        }
    ],
    "triage": {"datum": "2025-03-20", "leefgebieden": ["verslaving", "schulden", "dakloos"], "besluit": "mdo"},
    "mdo": {"datum": "2025-03-27", "organisatie": "Dimence", "casusregisseur": "regisseur_dimence"},
    "plan_vastgesteld_op": "2025-04-24",
    "escalaties": [{"datum": "2025-06-01", "niveau": "procesmanager"}],
    "afgesloten_op": None,
    "afsluitreden": None,
}
CASUS_KEYS = {"mdo": None, "plan_vastgesteld_op": None, "escalaties": [], "afgesloten_op": None, "afsluitreden": None}
# The contract example before the MDO: for the tests of the meldpunt part (one person in several lines).
MELDING_LINE = CONTRACT_LINE | CASUS_KEYS
MODELS = (Melding, Persoon, Betrokkene, Triage, Casus, Plan, Escalatie, EscalatieStap)
TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()


def melding(extern_id, **changes):
    return copy.deepcopy(MELDING_LINE) | {"extern_id": extern_id} | changes


def casus_line(extern_id, bsn, **changes):
    """The contract example (with its casus) for another person."""
    line = copy.deepcopy(CONTRACT_LINE) | {"extern_id": extern_id}
    line["personen"][0] |= {"extern_id": f"P-{extern_id}", "bsn": bsn}
    return line | changes


def persoon(**changes):
    return copy.deepcopy(CONTRACT_LINE["personen"][0]) | changes


def write_jsonl(tmp_path, *lines, name="meldingen.jsonl"):
    path = tmp_path / name
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def run_import(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_meldingen", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rejected_import(path):
    err = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_meldingen", str(path), stdout=StringIO(), stderr=err)
    assert excinfo.value.returncode == 1
    return err.getvalue()


def bad_lines(stderr):
    return {int(number) for number in re.findall(r"^regel (\d+):", stderr, flags=re.MULTILINE)}


def counts():
    """Rows and history records of every model the import writes; access rows (no history of their own)."""
    return {model.__name__: (model.objects.count(), model.history.count()) for model in MODELS} | {
        "toegang": (CasusToegang.objects.count(), CasusUserObjectPermission.objects.count())
    }


NOTHING = {model.__name__: (0, 0) for model in MODELS} | {"toegang": (0, 0)}


# --- a valid file ------------------------------------------------------------------------------------------


def test_the_contract_example_is_imported_as_melding_persoon_betrokkene_and_triage(tmp_path):
    out, _ = run_import(write_jsonl(tmp_path, CONTRACT_LINE))

    assert "1 meldingen geïmporteerd, 0 overgeslagen (al aanwezig)" in out
    m = Melding.objects.get(extern_id="VIS2-2025-0001")
    assert m.status == Melding.Status.TOEGEWEZEN
    assert timezone.localtime(m.status_sinds).date() == date(2025, 3, 27)
    assert (str(m.ontvangen_op), m.aanmeldroute, m.overlast) == ("2025-03-14", "oggz", True)
    assert (m.melder_type, m.melder_organisatie) == ("professional", "Politie")
    assert m.aanleiding == "Geïmporteerd uit VIS2-2025-0001"
    assert m.geregistreerd_door.username == "systeem"

    (betrokkene,) = m.betrokkenen.all()
    p = betrokkene.persoon
    assert betrokkene.rol == "hoofdpersoon"
    assert (p.extern_id, p.voornaam, p.achternaam, str(p.geboortedatum)) == ("P-77", "Jan", "Jansen", "1970-05-01")
    assert (p.geslacht, p.bsn, p.wijk, p.inkomen) == ("man", "123456782", "Rivierenwijk", "uitkering")

    t = m.triage
    assert (str(t.datum), t.score, t.besluit, t.motivatie, t.ggsr) == ("2025-03-20", 3, "mdo", "", False)
    assert [code for code, _, ja, _ in t.leefgebieden() if ja] == ["verslaving", "schulden", "dakloos"]
    assert t.getrieerd_door.username == "systeem"


def test_every_history_record_names_the_system_account_and_the_run(tmp_path):
    out, _ = run_import(write_jsonl(tmp_path, CONTRACT_LINE, name="vis2-export.jsonl"))

    run_id = re.search(r"Importrun ([0-9a-f]{8})", out).group(1)
    reason = f"import_meldingen vis2-export.jsonl run {run_id}"
    for model in MODELS:
        (record,) = model.history.all()
        assert record.history_user.username == "systeem"
        assert record.history_change_reason == reason
    (toegang,) = CasusToegang.objects.all()
    assert (toegang.door.username, toegang.gebruiker.username) == ("systeem", "regisseur_dimence")
    assert toegang.reden == f"import: toegewezen als casusregisseur ({reason})"


def test_status_ggsr_motivatie_and_hoofdpersoon_follow_the_line(tmp_path):
    gezin = melding(
        "GEZIN",
        personen=[persoon(rol="partner"), {"achternaam": "Jansen", "voornaam": "Kim", "rol": "kind"}],
        triage={"datum": "2025-03-20", "leefgebieden": ["verslaving", "schulden", "dakloos", "psychiatrie"]}
        | {"besluit": "regulier"},
    )
    zonder_triage = melding("NOG-NIET-GETRIEERD", personen=[persoon(extern_id="P-1", bsn=None)], triage=None)
    run_import(write_jsonl(tmp_path, gezin, zonder_triage))

    m = Melding.objects.get(extern_id="GEZIN")
    assert m.status == Melding.Status.GETRIEERD
    assert list(m.betrokkenen.values_list("rol", flat=True)) == ["hoofdpersoon", "kind"]
    assert m.triage.ggsr is True
    assert m.triage.motivatie == importer.IMPORT_MOTIVATIE
    assert Melding.objects.get(extern_id="NOG-NIET-GETRIEERD").status == Melding.Status.ONTVANGEN


# --- the casus: mdo, plan, escalaties, afsluiting ----------------------------------------------------------


def test_the_contract_example_becomes_a_casus_of_its_casusregisseur(tmp_path, demo):
    run_import(write_jsonl(tmp_path, CONTRACT_LINE))

    casus = Casus.objects.get(melding__extern_id="VIS2-2025-0001")
    assert casus.casusregisseur == demo["regisseur_dimence"]
    assert casus.organisatie.naam == "Dimence"
    assert (casus.toegewezen_op, casus.plan_vastgesteld_op) == (date(2025, 3, 27), date(2025, 4, 24))
    assert casus.status == Casus.Status.OPGESCHAALD
    assert timezone.localtime(casus.status_sinds).date() == date(2025, 6, 1)
    assert (casus.afgesloten_op, casus.afsluitreden) == (None, None)

    (plan,) = casus.plannen.all()
    assert (plan.versie, plan.status, plan.vastgesteld_op) == (1, Plan.Status.VASTGESTELD, date(2025, 4, 24))
    assert plan.opgesteld_door.username == "systeem"

    (escalatie,) = casus.escalaties.all()
    assert (escalatie.niveau.code, escalatie.status) == ("procesmanager", Escalatie.Status.OPEN)
    assert (escalatie.gestart_op, escalatie.niveau_sinds, escalatie.gesloten_op) == (date(2025, 6, 1),) * 2 + (None,)
    assert (escalatie.reden_id, escalatie.vraag) == ("stagnatie", "Historische escalatie (import)")
    (stap,) = escalatie.stappen.all()
    assert (stap.soort, stap.niveau, stap.datum) == ("opgeschaald", escalatie.niveau, date(2025, 6, 1))

    assert list(casussen_for(demo["regisseur_dimence"])) == [casus]
    assert demo["regisseur_dimence"].has_perm("casusregie.change_casus", casus)
    assert not casussen_for(demo["regisseur_tactus"]).exists()


@pytest.mark.parametrize("username", ["oud_medewerker", "procesmanager"])
def test_a_casusregisseur_who_is_no_user_here_leaves_only_the_organisation(tmp_path, demo, username):
    line = copy.deepcopy(CONTRACT_LINE)
    line["mdo"]["casusregisseur"] = username

    run_import(write_jsonl(tmp_path, line))

    casus = Casus.objects.get()
    assert (casus.casusregisseur, casus.organisatie.naam) == (None, "Dimence")
    assert counts()["toegang"] == (0, 0)
    assert not casussen_for(demo["regisseur_dimence"]).exists()


def test_a_closed_casus_has_its_reason_closed_escalations_and_no_access(tmp_path, demo):
    line = CONTRACT_LINE | {
        "escalaties": [
            {"datum": "2025-08-01", "niveau": "wethouder"},
            {"datum": "2025-06-01", "niveau": "procesmanager"},
        ],
        "afgesloten_op": "2025-09-15",
        "afsluitreden": "doel_bereikt",
    }

    run_import(write_jsonl(tmp_path, line))

    casus = Casus.objects.get()
    assert casus.status == Casus.Status.AFGESLOTEN
    assert (casus.afgesloten_op, casus.afsluitreden.code) == (date(2025, 9, 15), "doel_bereikt")
    assert casus.casusregisseur == demo["regisseur_dimence"]
    escalaties = casus.escalaties.order_by("gestart_op")
    assert [(e.niveau.code, e.status, e.gesloten_op) for e in escalaties] == [
        ("procesmanager", "gedeescaleerd", date(2025, 6, 1)),
        ("wethouder", "gedeescaleerd", date(2025, 8, 1)),
    ]
    assert counts()["toegang"] == (0, 0)
    assert not casussen_for(demo["regisseur_dimence"]).exists()


def test_only_the_last_escalation_of_an_open_casus_stays_open(tmp_path):
    line = CONTRACT_LINE | {
        "escalaties": [
            {"datum": "2025-07-01", "niveau": "coordinerend_ambtenaar"},
            {"datum": "2025-05-01", "niveau": "procesmanager"},
        ]
    }

    run_import(write_jsonl(tmp_path, line))

    escalaties = Escalatie.objects.order_by("gestart_op")
    assert [(e.niveau.code, e.status) for e in escalaties] == [
        ("procesmanager", "gedeescaleerd"),
        ("coordinerend_ambtenaar", "open"),
    ]
    assert Casus.objects.get().status == Casus.Status.OPGESCHAALD


def test_every_configured_level_of_the_ladder_is_accepted(tmp_path):
    """No level is hard-coded in the import: the seeded higher levels (AVE) and a level functioneel beheer
    adds are accepted; the escalation lands at that level with the kind for historical escalations."""
    from django.contrib.auth.models import Group

    from casusregie.models import EscalatieNiveau

    EscalatieNiveau.objects.bulk_create(
        [EscalatieNiveau(code="doorbraakteam", naam="Doorbraakteam", volgorde=90, behandelaars=Group.objects.first())]
    )
    lines = [
        casus_line(f"L-{code}", bsn, escalaties=[{"datum": "2025-06-01", "niveau": code}])
        for code, bsn in (
            ("burgemeester", "111222333"),
            ("regionale_mandaatcommissie", "123456782"),
            ("doorbraakteam", "111111110"),
        )
    ]

    run_import(write_jsonl(tmp_path, *lines))

    assert sorted(Escalatie.objects.values_list("niveau__code", "reden_id")) == [
        ("burgemeester", "stagnatie"),
        ("doorbraakteam", "stagnatie"),
        ("regionale_mandaatcommissie", "stagnatie"),
    ]


def test_an_unknown_level_rejects_only_its_own_line_number(tmp_path):
    goed = casus_line("GOED", "111222333", escalaties=[{"datum": "2025-06-01", "niveau": "burgemeester"}])
    fout = casus_line("FOUT", "123456782", escalaties=[{"datum": "2025-06-01", "niveau": "gouverneur"}])

    stderr = rejected_import(write_jsonl(tmp_path, goed, fout))

    assert "regel 2: escalaties[0].niveau: 'gouverneur' is geen escalatieniveau" in stderr
    assert bad_lines(stderr) == {2}
    assert counts() == NOTHING


@pytest.mark.parametrize(
    ("changes", "casus_status", "plan_status"),
    [
        ({"escalaties": []}, "in_uitvoering", "vastgesteld"),
        ({"escalaties": None, "plan_vastgesteld_op": None}, "plan_in_opstelling", "concept"),
        ({"plan_vastgesteld_op": None}, "opgeschaald", "concept"),
        ({"afgesloten_op": "2025-05-01", "afsluitreden": "verhuisd", "escalaties": []}, "afgesloten", "vastgesteld"),
    ],
)
def test_the_casus_status_follows_how_far_the_record_got(tmp_path, changes, casus_status, plan_status):
    run_import(write_jsonl(tmp_path, CONTRACT_LINE | changes))

    casus = Casus.objects.get()
    assert casus.status == casus_status
    assert casus.plannen.get().status == plan_status
    assert (casus.plan_vastgesteld_op is None) == (plan_status == "concept")


ZONDER_CASUS = {"mdo": None, "escalaties": None, "plan_vastgesteld_op": None}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"escalaties": [{"datum": "2025-06-01", "niveau": "koning"}]},
            "escalaties[0].niveau: 'koning' is geen escalatieniveau "
            "(kies uit: procesmanager, coordinerend_ambtenaar, wethouder, burgemeester, regionale_mandaatcommissie)",
        ),
        (
            {"afgesloten_op": "2025-09-01", "afsluitreden": "opgelost", "escalaties": []},
            "afsluitreden: 'opgelost' is geen afsluitreden (kies uit: regulier_overgedragen, ",
        ),
        (
            {"mdo": CONTRACT_LINE["mdo"] | {"organisatie": "dimence"}},
            "mdo.organisatie: 'dimence' is geen organisatie in BZT",
        ),
        ({"triage": None}, "mdo: een melding met mdo moet een triage met besluit 'mdo' hebben"),
        (
            {"triage": CONTRACT_LINE["triage"] | {"besluit": "regulier"}},
            "mdo: een melding met mdo moet triagebesluit 'mdo' hebben, niet 'regulier'",
        ),
        (
            {"mdo": CONTRACT_LINE["mdo"] | {"datum": "2025-03-19"}},
            "mdo.datum: 2025-03-19 ligt vóór triage.datum (2025-03-20)",
        ),
        ({"mdo": CONTRACT_LINE["mdo"] | {"datum": None}}, "mdo.datum: ontbreekt"),
        ({"mdo": CONTRACT_LINE["mdo"] | {"organisatie": ""}}, "mdo.organisatie: mag niet leeg zijn"),
        (
            {"plan_vastgesteld_op": "2025-03-26"},
            "plan_vastgesteld_op: 2025-03-26 ligt vóór mdo.datum (2025-03-27)",
        ),
        (
            {"escalaties": [{"datum": "2025-03-01", "niveau": "procesmanager"}]},
            "escalaties[0].datum: 2025-03-01 ligt vóór mdo.datum (2025-03-27)",
        ),
        ({"escalaties": [{"niveau": "procesmanager"}]}, "escalaties[0].datum: ontbreekt"),
        ({"escalaties": ["procesmanager"]}, "escalaties[0]: moet een object zijn"),
        (
            {"afgesloten_op": "2025-05-01", "afsluitreden": "verhuisd"},
            "escalaties[0].datum: 2025-06-01 ligt na afgesloten_op (2025-05-01)",
        ),
        (
            {"afgesloten_op": "2025-04-01", "afsluitreden": "verhuisd", "escalaties": []},
            "plan_vastgesteld_op: 2025-04-24 ligt na afgesloten_op (2025-04-01)",
        ),
        (
            {"afgesloten_op": "2025-03-26", "afsluitreden": "verhuisd", "escalaties": [], "plan_vastgesteld_op": None},
            "afgesloten_op: 2025-03-26 ligt vóór mdo.datum (2025-03-27)",
        ),
        ({"afgesloten_op": "2025-09-01", "escalaties": []}, "afsluitreden: ontbreekt (afgesloten_op is gegeven)"),
        ({"afsluitreden": "verhuisd", "escalaties": []}, "afgesloten_op: ontbreekt (afsluitreden is gegeven)"),
        ({"afgesloten_op": TOMORROW, "afsluitreden": "verhuisd"}, f"afgesloten_op: {TOMORROW} ligt in de toekomst"),
        (
            ZONDER_CASUS | {"plan_vastgesteld_op": "2025-04-24"},
            "plan_vastgesteld_op: kan alleen bij een melding met mdo",
        ),
        (
            ZONDER_CASUS | {"escalaties": [{"datum": "2025-06-01", "niveau": "procesmanager"}]},
            "escalaties: kan alleen bij een melding met mdo",
        ),
        (
            ZONDER_CASUS | {"afgesloten_op": "2025-09-01", "afsluitreden": "verhuisd"},
            "afgesloten_op: kan alleen bij een melding met mdo",
        ),
    ],
)
def test_a_bad_casus_part_rejects_the_file_with_its_line_number(tmp_path, changes, message):
    path = write_jsonl(tmp_path, casus_line("GOED", "111222333"), CONTRACT_LINE | changes)

    stderr = rejected_import(path)

    assert f"regel 2: {message}" in stderr
    assert bad_lines(stderr) == {2}
    assert counts() == NOTHING


def test_a_household_gets_one_open_casus(tmp_path, demo):
    tweede = casus_line("VIS2-2025-0002", "123456782")
    tweede["personen"][0]["extern_id"] = "P-77"
    gesloten = tweede | {"extern_id": "VIS2-2025-0003", "afgesloten_op": "2025-09-01", "afsluitreden": "verhuisd"}
    gesloten["escalaties"] = []

    stderr = rejected_import(write_jsonl(tmp_path, CONTRACT_LINE, tweede, gesloten))

    assert "regel 2: personen[0]: heeft ook een open casus in regel 1; 1 huishouden, 1 casus" in stderr
    assert bad_lines(stderr) == {2}

    run_import(write_jsonl(tmp_path, CONTRACT_LINE, gesloten, name="goed.jsonl"))
    stderr = rejected_import(write_jsonl(tmp_path, tweede, name="later.jsonl"))
    nummer = Casus.objects.get(melding__extern_id="VIS2-2025-0001").nummer
    assert f"regel 1: personen[0]: heeft in BZT al een open casus ({nummer}); 1 huishouden, 1 casus" in stderr


def test_a_second_run_changes_no_casus_and_grants_nothing_again(tmp_path):
    closed = casus_line("GESLOTEN", "111222333", afgesloten_op="2025-09-01", afsluitreden="zorgmijding")
    path = write_jsonl(tmp_path, CONTRACT_LINE, closed, casus_line("OPEN", "111222448", escalaties=[]))
    run_import(path)
    after_first_run = counts()
    assert after_first_run["Casus"] == (3, 3)
    assert after_first_run["toegang"] == (2, 8)

    out, _ = run_import(path)

    assert counts() == after_first_run
    assert "0 meldingen geïmporteerd, 3 overgeslagen (al aanwezig)" in out


def test_dry_run_checks_and_writes_nothing(tmp_path):
    out, _ = run_import(write_jsonl(tmp_path, CONTRACT_LINE), "--dry-run")
    assert "1 meldingen te importeren" in out
    assert counts() == NOTHING


# --- invalid files import nothing --------------------------------------------------------------------------


def test_a_bad_bsn_on_line_2_rejects_the_whole_file(tmp_path):
    path = write_jsonl(tmp_path, CONTRACT_LINE, melding("VIS2-2025-0002", personen=[persoon(bsn="123456789")]))

    stderr = rejected_import(path)

    assert "regel 2: personen[0].bsn: '123456789' is geen geldig BSN (elfproef)" in stderr
    assert bad_lines(stderr) == {2}
    assert counts() == NOTHING


def test_every_bad_line_is_listed(tmp_path):
    path = write_jsonl(
        tmp_path,
        melding("M-1"),
        melding("M-2", triage=CONTRACT_LINE["triage"] | {"leefgebieden": ["schulden", "geld"]}),
        melding("M-3"),
        melding("M-4", ontvangen_op=TOMORROW),
        '{"extern_id": "M-5", ',
        "",
        melding("M-7", personen=[persoon(achternaam=None)]),
    )

    stderr = rejected_import(path)

    assert bad_lines(stderr) == {2, 4, 5, 7}
    assert counts() == NOTHING


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"triage": CONTRACT_LINE["triage"] | {"leefgebieden": ["verslaving", "geld"]}},
            "triage.leefgebieden[1]: 'geld' is geen bekend leefgebied",
        ),
        ({"ontvangen_op": TOMORROW}, f"ontvangen_op: {TOMORROW} ligt in de toekomst"),
        ({"ontvangen_op": "14-03-2025"}, "ontvangen_op: '14-03-2025' is geen geldige datum (JJJJ-MM-DD)"),
        ({"triage": CONTRACT_LINE["triage"] | {"datum": TOMORROW}}, "triage.datum:"),
        (
            {"triage": CONTRACT_LINE["triage"] | {"datum": "2025-03-01"}},
            "triage.datum: 2025-03-01 ligt vóór ontvangen_op (2025-03-14)",
        ),
        ({"triage": CONTRACT_LINE["triage"] | {"besluit": "later"}}, "triage.besluit: 'later' is geen geldige"),
        ({"personen": [persoon(geboortedatum=TOMORROW)]}, "personen[0].geboortedatum:"),
        ({"personen": [persoon(wijk="Atlantis")]}, "personen[0].wijk: 'Atlantis' is geen wijk"),
        ({"personen": [persoon(rol="buurman")]}, "personen[0].rol: 'buurman' is geen geldige waarde"),
        ({"personen": [persoon(geslacht="m")]}, "personen[0].geslacht:"),
        ({"personen": [persoon(inkomen="loon")]}, "personen[0].inkomen:"),
        ({"personen": []}, "personen: moet ten minste één persoon bevatten"),
        ({"personen": [persoon(), persoon()]}, "personen[1]: is dezelfde persoon als personen[0]"),
        ({"melder": {"type": "buurman"}}, "melder.type: 'buurman' is geen geldige waarde"),
        ({"melder": None}, "melder: ontbreekt"),
        ({"aanmeldroute": "telefoon"}, "aanmeldroute: 'telefoon' is geen geldige waarde"),
        ({"overlast": "ja"}, "overlast: moet true of false zijn"),
        ({"extern_id": None}, "extern_id: ontbreekt"),
        ({"mdo": "Dimence"}, "mdo: moet een object of null zijn"),
        ({"escalaties": {"niveau": "wethouder"}}, "escalaties: moet een lijst of null zijn"),
        ({"afgesloten_op": 20250601}, "afgesloten_op: moet tekst (datum) of null zijn"),
    ],
)
def test_an_invalid_field_is_reported_with_its_path(tmp_path, changes, message):
    stderr = rejected_import(write_jsonl(tmp_path, CONTRACT_LINE | changes))
    assert f"regel 1: {message}" in stderr
    assert counts() == NOTHING


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"extern_id": "M-1",', "geen geldige JSON"),
        ("[1, 2]", "moet één JSON-object zijn"),
        (b"\xff\xfe{}", "geen geldige UTF-8-tekst"),
    ],
)
def test_a_line_that_is_no_json_object_is_a_bad_line_not_a_crash(tmp_path, line, message):
    path = tmp_path / "meldingen.jsonl"
    raw = line if isinstance(line, bytes) else line.encode()
    path.write_bytes(json.dumps(CONTRACT_LINE).encode() + b"\n" + raw + b"\n")

    stderr = rejected_import(path)

    assert f"regel 2: {message}" in stderr
    assert bad_lines(stderr) == {2}


def test_a_melding_extern_id_twice_in_one_file_is_rejected(tmp_path):
    stderr = rejected_import(write_jsonl(tmp_path, CONTRACT_LINE, CONTRACT_LINE))
    assert "regel 2: extern_id: 'VIS2-2025-0001' staat ook al in regel 1" in stderr


def test_one_person_extern_id_with_two_bsns_in_the_file_is_rejected(tmp_path):
    path = write_jsonl(tmp_path, CONTRACT_LINE, melding("VIS2-2025-0002", personen=[persoon(bsn="111222333")]))

    stderr = rejected_import(path)

    assert "regel 2: personen[0].bsn: persoon 'P-77' heeft in regel 1 een ander BSN ('123456782')" in stderr


def test_a_missing_file_exits_with_code_2(tmp_path):
    with pytest.raises(CommandError) as excinfo:
        call_command("import_meldingen", str(tmp_path / "bestaat-niet.jsonl"), stdout=StringIO(), stderr=StringIO())
    assert excinfo.value.returncode == 2


# --- idempotence and persons ---------------------------------------------------------------------------------


def test_a_second_run_changes_nothing(tmp_path):
    path = write_jsonl(tmp_path, CONTRACT_LINE, melding("VIS2-2025-0002", triage=None))
    run_import(path)
    after_first_run = counts()

    out, _ = run_import(path)

    assert counts() == after_first_run
    assert "0 meldingen geïmporteerd, 2 overgeslagen (al aanwezig)" in out


def test_a_longer_file_imports_only_the_new_lines(tmp_path):
    run_import(write_jsonl(tmp_path, CONTRACT_LINE))
    out, _ = run_import(write_jsonl(tmp_path, CONTRACT_LINE, melding("VIS2-2025-0002"), name="vervolg.jsonl"))

    assert "1 meldingen geïmporteerd, 1 overgeslagen (al aanwezig)" in out
    assert Persoon.objects.count() == 1
    assert Melding.objects.get(extern_id="VIS2-2025-0002").personen.get().extern_id == "P-77"


def test_the_same_person_in_several_lines_is_one_persoon(tmp_path):
    path = write_jsonl(
        tmp_path,
        melding("M-1", personen=[persoon(bsn=None)]),
        melding("M-2", personen=[persoon()]),
        melding("M-3", personen=[persoon(extern_id=None, voornaam="J.")]),
    )

    run_import(path)

    p = Persoon.objects.get()
    assert (p.extern_id, p.bsn, p.voornaam) == ("P-77", "123456782", "Jan")
    assert sorted(p.meldingen.values_list("extern_id", flat=True)) == ["M-1", "M-2", "M-3"]


def test_an_existing_person_with_the_same_bsn_is_reused(tmp_path, demo):
    eerder = melding_registreren(
        door=demo["meldpunt"],
        gegevens={
            "ontvangen_op": "2024-01-10",
            "aanmeldroute": "oggz",
            "aanleiding": "Zorgen",
            "melder_type": "burger",
        },
        betrokkenen=[
            NieuweBetrokkene(
                rol="hoofdpersoon", gegevens={"voornaam": "Jan", "achternaam": "Jansen", "bsn": "123456782"}
            )
        ],
    )
    bestaand = eerder.personen.get()

    run_import(write_jsonl(tmp_path, CONTRACT_LINE))

    assert Persoon.objects.get() == bestaand
    bestaand.refresh_from_db()
    assert bestaand.extern_id == "P-77"
    assert bestaand.history.first().history_change_reason.startswith("import_meldingen meldingen.jsonl run ")
    assert Melding.objects.get(extern_id="VIS2-2025-0001").personen.get() == bestaand


def test_an_existing_person_extern_id_with_another_bsn_is_rejected(tmp_path):
    run_import(write_jsonl(tmp_path, CONTRACT_LINE))
    before = counts()

    stderr = rejected_import(
        write_jsonl(tmp_path, melding("VIS2-2025-0002", personen=[persoon(bsn="111222333")]), name="b.jsonl")
    )

    assert "regel 1: personen[0].bsn: persoon 'P-77' staat in BZT met een ander BSN" in stderr
    assert counts() == before


# --- one transaction ---------------------------------------------------------------------------------------


def test_a_crash_halfway_leaves_nothing(tmp_path, monkeypatch):
    build = importer._build_melding
    built = []

    def crash_on_the_second(line, systeem):
        built.append(line.extern_id)
        if len(built) == 2:
            raise RuntimeError("schijf vol")
        return build(line, systeem)

    monkeypatch.setattr(importer, "BATCH_SIZE", 1)
    monkeypatch.setattr(importer, "_build_melding", crash_on_the_second)
    path = write_jsonl(tmp_path, melding("M-1"), melding("M-2"), melding("M-3"))

    with pytest.raises(RuntimeError, match="schijf vol"):
        run_import(path)

    assert built == ["M-1", "M-2"]
    assert counts() == NOTHING


# --- impossible dates, sizes and characters (issue 12, finding 7) ---------------------------------------------


def _contract_with(path, value):
    """CONTRACT_LINE with `value` at `path` ("ontvangen_op", "triage.datum", "escalaties.0.datum")."""
    line = copy.deepcopy(CONTRACT_LINE)
    *parents, last = path.split(".")
    target = line
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    target[int(last) if last.isdigit() else last] = value
    return line


DATE_PATHS = [
    ("ontvangen_op", "ontvangen_op"),
    ("personen.0.geboortedatum", "personen[0].geboortedatum"),
    ("triage.datum", "triage.datum"),
    ("mdo.datum", "mdo.datum"),
    ("plan_vastgesteld_op", "plan_vastgesteld_op"),
    ("escalaties.0.datum", "escalaties[0].datum"),
    ("afgesloten_op", "afgesloten_op"),
]


@pytest.mark.parametrize(("path", "shown"), DATE_PATHS)
@pytest.mark.parametrize(
    ("value", "reason"),
    [("0001-01-01", "ligt vóór 1900"), ("1899-12-31", "ligt vóór 1900"), (TOMORROW, "ligt in de toekomst")],
)
def test_every_date_of_a_line_must_be_plausible(tmp_path, path, shown, value, reason):
    line = _contract_with(path, value)
    if path == "afgesloten_op":
        line["afsluitreden"] = "verhuisd"
    stderr = rejected_import(write_jsonl(tmp_path, CONTRACT_LINE | {"extern_id": "GOED"}, line))
    assert f"regel 2: {shown}: {value} {reason}" in stderr
    assert counts() == NOTHING


def test_0001_01_01_is_a_numbered_error_not_a_crash(tmp_path):
    """It used to be stored (PostgreSQL) with a status_sinds in the year 0 that no page could read back, or
    crash the import with an OverflowError (SQLite)."""
    line = melding("OUD", ontvangen_op="0001-01-01", triage=None)
    stderr = rejected_import(write_jsonl(tmp_path, line))
    assert "regel 1: ontvangen_op: 0001-01-01 ligt vóór 1900" in stderr
    assert Melding.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"aanleiding": "x" * 6000}, "aanleiding: is langer dan 5000 tekens"),
        (
            {"melder": {"type": "professional", "organisatie": "P" * 121}},
            "melder.organisatie: is langer dan 120 tekens",
        ),
        ({"personen": [persoon(voornaam="V" * 81)]}, "personen[0].voornaam: is langer dan 80 tekens"),
        ({"personen": [persoon(achternaam="\u0000")]}, "personen[0].achternaam: bevat een NUL-teken"),
        ({"aanleiding": "a\u0000b"}, "aanleiding: bevat een NUL-teken"),
        (
            {"personen": [persoon(voornaam="\ud800")]},
            "personen[0].voornaam: bevat een ongeldig teken (losse surrogaat)",
        ),
        ({"onbekend\u0000": 1}, "de regel: een veldnaam bevat een NUL-teken"),
    ],
)
def test_text_too_long_or_unstorable_is_a_numbered_error(tmp_path, changes, message):
    stderr = rejected_import(write_jsonl(tmp_path, CONTRACT_LINE | changes))
    assert f"regel 1: {message}" in stderr
    assert counts() == NOTHING


def test_the_length_limits_are_the_models(tmp_path):
    """The import takes its limits from the model fields the forms use: one definition."""
    assert Melding._meta.get_field("aanleiding").max_length == 5000
    from meldpunt.forms import MeldingForm

    assert MeldingForm().fields["aanleiding"].max_length == 5000
    ok = write_jsonl(tmp_path, CONTRACT_LINE | {"aanleiding": "x" * 5000}, name="ok.jsonl")
    run_import(ok)
    assert len(Melding.objects.get().aanleiding) == 5000


@pytest.mark.parametrize("depth", [11, 100_000])
def test_deeply_nested_json_is_a_numbered_error(tmp_path, depth):
    nested = "[" * depth + "]" * depth
    path = tmp_path / "diep.jsonl"
    raw = json.dumps(CONTRACT_LINE | {"extern_id": "GOED"}) + "\n" + '{"extern_id": "D", "x": ' + nested + "}\n"
    path.write_text(raw, encoding="utf-8")
    stderr = rejected_import(path)
    assert "regel 2: de regel is te diep genest (meer dan 10 niveaus)" in stderr
    assert bad_lines(stderr) == {2}
    assert counts() == NOTHING


def test_an_unreadable_status_sinds_is_repaired_and_the_pages_work(client, demo):
    """Migration meldpunt 0009: a status_sinds before 1900 (from an import of 0001-01-01) becomes 1900-01-01,
    and a melding with such a date shows on the queue, in the search and on its page."""
    import importlib
    from datetime import UTC, datetime

    from django.apps import apps
    from django.urls import reverse

    from tests import factories

    herstel = importlib.import_module("meldpunt.migrations.0009_onleesbare_status_sinds")
    m = factories.melding(demo["meldpunt"])
    Melding.objects.filter(pk=m.pk).update(ontvangen_op=date(1, 1, 1), status_sinds=datetime(1, 1, 1, 12, tzinfo=UTC))
    herstel.herstellen(apps, None)
    m.refresh_from_db()
    assert m.status_sinds == datetime(1900, 1, 1, tzinfo=UTC)
    client.force_login(demo["meldpunt"])
    naam = m.betrokkenen.get().persoon.achternaam
    for url, params in [
        (reverse("meldpunt:wachtrij"), {}),
        (reverse("meldpunt:zoeken"), {"q": naam}),
        (reverse("meldpunt:zoeken"), {"q": m.nummer}),
        (reverse("meldpunt:melding", args=[m.pk]), {}),
    ]:
        assert client.get(url, params).status_code == 200


def test_on_postgresql_a_status_sinds_in_the_year_0_breaks_the_pages_until_repaired(client, demo):
    """What the old import stored for 0001-01-01 (midnight in Amsterdam is the year 0 in UTC): PostgreSQL keeps
    it, Python cannot read it back. Migration 0009 makes it readable again."""
    import importlib

    from django.apps import apps
    from django.db import connection
    from django.urls import reverse

    from tests import factories

    if connection.vendor != "postgresql":
        pytest.skip("SQLite cannot hold a moment before the year 1")
    m = factories.melding(demo["meldpunt"])
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE meldpunt_melding SET ontvangen_op = '0001-01-01', "
            "status_sinds = '0001-01-01 00:00:00+00:19:32' WHERE id = %s",
            [m.pk],
        )
    client.force_login(demo["meldpunt"])
    client.raise_request_exception = False
    naam = m.betrokkenen.get().persoon.achternaam
    urls = [
        reverse("meldpunt:melding", args=[m.pk]),
        reverse("meldpunt:wachtrij"),
        f"{reverse('meldpunt:zoeken')}?q={naam}",
    ]
    assert [client.get(url).status_code for url in urls] != [200, 200, 200]
    importlib.import_module("meldpunt.migrations.0009_onleesbare_status_sinds").herstellen(apps, None)
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]


def test_closed_history_without_a_plan_is_accepted_as_it_was_and_marked(tmp_path):
    """History may predate the closing rules (no vastgesteld plan, nothing known about actions or waiting
    lists): the import accepts the closing as it was, marks it as not checked, and sets no nazorg task."""
    closed = casus_line(
        "ZONDER-PLAN", "111222333", plan_vastgesteld_op=None, afgesloten_op="2025-09-01", afsluitreden="doel_bereikt"
    )
    run_import(write_jsonl(tmp_path, closed, casus_line("OPEN", "111222448", escalaties=[])))
    casus = Casus.objects.get(melding__extern_id="ZONDER-PLAN")
    assert casus.status == Casus.Status.AFGESLOTEN and casus.afgesloten_op.isoformat() == "2025-09-01"
    assert not casus.plannen.filter(status="vastgesteld").exists()
    assert casus.afsluiting == Casus.Afsluiting.IMPORT and casus.afgesloten_door is None
    from casusregie.models import Nazorg

    assert not Nazorg.objects.filter(casus=casus).exists()
    open_casus = Casus.objects.get(melding__extern_id="OPEN")
    assert open_casus.afsluiting == ""


# --- issue 14: kanaal and eerdere hulp, optional keys ---------------------------------------------------------


def test_a_line_without_kanaal_or_eerdere_hulp_is_still_accepted_and_lines_with_them_are_stored(tmp_path):
    met = melding(
        "VIS2-K-2",
        kanaal="inloop",
        eerdere_hulp="ja",
        eerdere_hulp_door="Wijkteam",
        personen=[persoon(extern_id="P-K2", bsn=None, voornaam="Kees")],
    )
    run_import(write_jsonl(tmp_path, MELDING_LINE, met))
    oud = Melding.objects.get(extern_id=MELDING_LINE["extern_id"])
    assert (oud.kanaal, oud.eerdere_hulp, oud.eerdere_hulp_door) == ("", "onbekend", "")
    nieuw = Melding.objects.get(extern_id="VIS2-K-2")
    assert (nieuw.kanaal, nieuw.eerdere_hulp, nieuw.eerdere_hulp_door) == ("inloop", "ja", "Wijkteam")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kanaal": "fax"}, "kanaal: 'fax' is geen geldige waarde"),
        ({"eerdere_hulp": "misschien"}, "eerdere_hulp: 'misschien' is geen geldige waarde"),
        ({"eerdere_hulp": "ja"}, "eerdere_hulp_door: Vul in wie al hulp gaf"),
        ({"eerdere_hulp": "nee", "eerdere_hulp_door": "Huisarts"}, "eerdere_hulp_door: Vul alleen in"),
    ],
)
def test_a_bad_kanaal_or_eerdere_hulp_rejects_the_file(tmp_path, changes, message):
    stderr = rejected_import(write_jsonl(tmp_path, MELDING_LINE | changes))
    assert f"regel 1: {message}" in stderr


# --- issue 14: one household, one casus (linked records, added meldingen); expected children ------------------------


def _bzt_casus_met_gekoppeld_record(demo):
    """An open casus in BZT for a person, and a second record of that person (linked) with BSN 111222333."""
    from casusregie.services import melding_bij_casus_voegen
    from meldpunt.services import personen_koppelen
    from tests import factories

    casus = factories.casus(demo)
    lid = casus.melding.betrokkenen.get().persoon
    record = factories.melding(
        demo["meldpunt"], huishouden=[("hoofdpersoon", factories.persoon_gegevens(bsn="111222333"))]
    ).betrokkenen.get()
    personen_koppelen(door=demo["meldpunt"], persoon=record.persoon, gekoppeld_aan=lid, reden="Zelfde persoon.")
    kind = factories.melding(
        demo["meldpunt"],
        huishouden=[("hoofdpersoon", lid), ("kind", factories.persoon_gegevens(bsn="111222448"))],
    )
    melding_bij_casus_voegen(door=demo["meldpunt"], melding=kind)
    return casus


@pytest.mark.parametrize("bsn", ["111222333", "111222448"], ids=["gekoppeld record", "lid van toegevoegde melding"])
def test_a_line_whose_household_has_an_open_casus_in_bzt_is_rejected(tmp_path, demo, bsn):
    """Decision: the import rejects such a line (it cannot ask anyone); the meldpunt imports the melding without
    its mdo part and adds it to the open casus in BZT."""
    casus = _bzt_casus_met_gekoppeld_record(demo)
    stderr = rejected_import(write_jsonl(tmp_path, casus_line("VIS2-2025-0009", bsn)))
    assert f"regel 1: personen[0]: heeft in BZT al een open casus ({casus.nummer}); 1 huishouden, 1 casus" in stderr
    assert "voeg haar in BZT bij de open casus" in stderr
    assert Casus.objects.count() == 1


def _verwacht_kind(dagen, verwacht=True):
    line = melding("VIS2-2025-0010")
    kind = {
        "voornaam": "",
        "achternaam": "Jansen",
        "geboortedatum": (timezone.localdate() + timedelta(days=dagen)).isoformat(),
        "rol": "kind",
    }
    if verwacht is not None:
        kind["verwacht"] = verwacht
    line["personen"].append(kind)
    return line


def test_an_expected_child_is_imported_with_its_expected_date(tmp_path):
    run_import(write_jsonl(tmp_path, _verwacht_kind(90)))
    kind = Persoon.objects.get(betrokkenheden__rol="kind")
    assert kind.verwacht and kind.geboortedatum == timezone.localdate() + timedelta(days=90)


@pytest.mark.parametrize(
    ("dagen", "verwacht", "message"),
    [
        (90, None, "ligt in de toekomst"),
        (90, False, "ligt in de toekomst"),
        (400, True, "meer dan tien maanden in de toekomst"),
    ],
)
def test_a_birth_date_ahead_is_refused_unless_an_expected_child(tmp_path, dagen, verwacht, message):
    stderr = rejected_import(write_jsonl(tmp_path, _verwacht_kind(dagen, verwacht)))
    assert "regel 1: personen[1].geboortedatum" in stderr and message in stderr
    assert counts() == NOTHING
