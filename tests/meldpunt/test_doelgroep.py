"""One source for the 3-uit-8 threshold and the GGSR rule (meldpunt.doelgroep): every path follows it.

The thresholds are changed here on purpose: a path with its own copy of the number would keep the old one.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from meldpunt import doelgroep
from meldpunt.codes import Besluit, Rol
from meldpunt.models import Melding
from monitor import figures
from tests import factories
from tests.test_import import MELDING_LINE, write_jsonl


@pytest.fixture
def drempels(monkeypatch):
    monkeypatch.setattr(doelgroep, "DOELGROEP_DREMPEL", 2)
    monkeypatch.setattr(doelgroep, "GGSR_DREMPEL", 3)


def gezin(door):
    return factories.melding(
        door,
        huishouden=[(Rol.HOOFDPERSOON, factories.persoon_gegevens()), (Rol.KIND, factories.persoon_gegevens())],
    )


def test_the_triage_service_and_the_model_follow_the_one_threshold(demo, drempels):
    meldpunt = demo["meldpunt"]
    t = factories.triage(meldpunt, factories.melding(meldpunt), codes=("verslaving", "schulden"))
    assert t.doelgroep and not t.motivatie  # 2 leefgebieden to the MDO follows the rule now
    assert factories.triage(meldpunt, gezin(meldpunt), codes=("verslaving", "schulden", "dakloos")).ggsr


def test_the_import_follows_the_one_ggsr_rule(demo, drempels, tmp_path):
    line = json.loads(json.dumps(MELDING_LINE))
    line["personen"].append(line["personen"][0] | {"extern_id": "P-kind", "bsn": None, "rol": "kind"})
    call_command("import_meldingen", str(write_jsonl(tmp_path, line)), stdout=StringIO(), stderr=StringIO())
    triage = Melding.objects.get(extern_id=line["extern_id"]).triage
    assert (triage.score, triage.ggsr, triage.motivatie) == (3, True, "")


def test_the_jaarmonitor_counts_the_doelgroep_with_the_one_threshold(demo, drempels):
    meldpunt = demo["meldpunt"]
    twee = factories.melding(meldpunt)
    factories.triage(meldpunt, twee, codes=("verslaving", "schulden"))
    een = factories.melding(meldpunt)
    factories.triage(meldpunt, een, codes=("verslaving",), besluit=Besluit.ADVIES)
    jaar = twee.ontvangen_op.year
    assert figures.compute(jaar)["triage"]["doelgroep_3_uit_8"] == 1
    assert figures.kopcijfers(jaar)["doelgroep_3_uit_8"] == 1


def test_the_live_count_on_the_triage_form_gets_the_threshold_from_the_server(client, demo, drempels):
    client.force_login(demo["meldpunt"])
    m = factories.melding(demo["meldpunt"], ontvangen_op=timezone.localdate())
    html = client.get(reverse("meldpunt:melding_triage", args=[m.pk])).content.decode()
    assert 'data-drempel="2"' in html
    assert "Bij 2 of meer hoort de persoon tot de doelgroep" in html
