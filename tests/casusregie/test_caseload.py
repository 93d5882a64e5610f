"""One caseload definition (casusregie.selectors.caseload): the toewijzen check against BZT_MAX_CASELOAD, the
MDO kandidaten and the procesmanager's dashboard count the same casussen and agree when the maximum is reached.
The definition is changed here on purpose: a path with its own copy of it would keep counting the old way."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casusregie import selectors, services
from casusregie.models import Casus
from keten import dashboard
from mdo.selectors import kandidaten_pool, regisseurs_met_caseload
from meldpunt.models import Melding
from tests import factories


def tellingen(demo):
    regisseur = demo["regisseur_dimence"]
    pool = next(r for r in kandidaten_pool() if r.pk == regisseur.pk)
    gekozen = regisseurs_met_caseload([regisseur.pk])[0]
    bord = dashboard.caseload_per_regisseur(demo["procesmanager"]).get(pk=regisseur.pk)
    return {selectors.caseload(regisseur), pool.caseload, gekozen.caseload, bord.open_casussen}


def toewijzen_vraagt_reden(demo):
    m = factories.mdo_melding(demo)
    try:
        services.casus_toewijzen(door=demo["procesmanager"], melding=m, casusregisseur=demo["regisseur_dimence"])
    except ValidationError as error:
        return "reden_boven_maximum" in error.message_dict
    Casus.objects.filter(melding=m).update(status=Casus.Status.AFGESLOTEN)  # keep the count as it was
    return False


@pytest.fixture
def drie_casussen(demo, settings):
    settings.BZT_MAX_CASELOAD = 2
    casussen = [factories.casus(demo) for _ in range(2)]
    Casus.objects.filter(pk=casussen[0].pk).update(status=Casus.Status.OPGESCHAALD)
    gesloten = factories.casus(demo, regisseur="regisseur_tactus")
    Casus.objects.filter(pk=gesloten.pk).update(casusregisseur=demo["regisseur_dimence"], status="afgesloten")
    return casussen


def vol_op_dashboard(client, demo):
    client.force_login(demo["procesmanager"])
    return client.get(reverse("casusregie:dashboard")).context["regisseurs_vol"]


def test_every_path_counts_the_open_casussen_of_the_regisseur(client, demo, drie_casussen):
    assert tellingen(demo) == {2}
    assert selectors.caseload_vol(2)
    assert vol_op_dashboard(client, demo) == 1
    assert toewijzen_vraagt_reden(demo)
    assert next(r for r in kandidaten_pool() if r.pk == demo["regisseur_dimence"].pk).caseload == 2
    assert Melding.objects.filter(status=Melding.Status.OP_MDO_AGENDA).count() == 1  # refused: nothing assigned


def test_every_path_follows_the_one_definition(client, demo, drie_casussen, monkeypatch):
    echt = selectors.open_casussen
    monkeypatch.setattr(
        selectors, "open_casussen", lambda casussen=None: echt(casussen).exclude(status=Casus.Status.OPGESCHAALD)
    )
    assert tellingen(demo) == {1}
    assert vol_op_dashboard(client, demo) == 0
    assert not toewijzen_vraagt_reden(demo)
