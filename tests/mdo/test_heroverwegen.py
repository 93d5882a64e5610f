"""A mistake in an MDO besluit is corrected by a new, motivated besluit, never by editing the old one (issue 15):
a melding referred to regular care goes back on the agenda of the next MDO; the old item and its besluit stay."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from bzt.workflow import TransitionNotAllowed
from mdo import services
from mdo.models import AgendaPunt
from meldpunt.models import Melding
from tests import factories


@pytest.fixture
def verwezen(demo):
    melding = factories.mdo_melding(demo)
    overleg = factories.overleg(demo)
    punt = overleg.agendapunten.get(melding=melding)
    services.besluit_regulier(door=demo["procesmanager"], punt=punt, notulen="Naar de huisarts")
    services.overleg_afronden(door=demo["procesmanager"], overleg=overleg)
    melding.refresh_from_db()
    assert melding.status == Melding.Status.VERWEZEN
    return melding, punt


def test_the_referral_is_reconsidered_at_the_next_mdo_and_the_old_besluit_stays(demo, verwezen):
    melding, oud = verwezen
    volgend = factories.overleg(demo, dagen=14)
    nieuw = services.besluit_heroverwegen(
        door=demo["procesmanager"], melding=melding, motivering="De huisarts kan dit niet alleen: 4 leefgebieden."
    )
    melding.refresh_from_db()
    assert melding.status == Melding.Status.OP_MDO_AGENDA
    assert nieuw.overleg == volgend and nieuw.melding == melding and nieuw.open
    oud.refresh_from_db()
    assert (oud.besluit, oud.notulen) == (AgendaPunt.Besluit.REGULIER, "Naar de huisarts")
    laatste = melding.history.first()
    assert laatste.history_user == demo["procesmanager"]
    assert laatste.history_change_reason == "MDO-besluit heroverwogen: De huisarts kan dit niet alleen: 4 leefgebieden."


def test_without_motivation_by_another_role_or_in_another_state_it_is_refused(demo, verwezen):
    melding, _ = verwezen
    with pytest.raises(ValidationError, match="Schrijf waarom"):
        services.besluit_heroverwegen(door=demo["procesmanager"], melding=melding, motivering="  ")
    with pytest.raises(PermissionDenied):
        services.besluit_heroverwegen(door=demo["meldpunt"], melding=melding, motivering="Vergissing")
    services.besluit_heroverwegen(door=demo["procesmanager"], melding=melding, motivering="Vergissing")
    with pytest.raises(TransitionNotAllowed):  # already back on the agenda
        services.besluit_heroverwegen(door=demo["procesmanager"], melding=melding, motivering="Nog eens")


def test_the_melding_page_offers_it_to_the_chair_only_and_the_form_works(client, demo, verwezen):
    melding, _ = verwezen
    client.force_login(demo["meldpunt"])
    assert "MDO-besluit heroverwegen" not in client.get(reverse("meldpunt:melding", args=[melding.pk])).content.decode()
    client.force_login(demo["procesmanager"])
    pagina = client.get(reverse("meldpunt:melding", args=[melding.pk])).content.decode()
    assert "MDO-besluit heroverwegen" in pagina
    url = reverse("mdo:heroverwegen", args=[melding.pk])
    leeg = client.post(url, {"motivering": ""}, follow=True).content.decode()
    assert "Schrijf waarom het MDO zijn besluit heroverweegt." in leeg
    ok = client.post(url, {"motivering": "Toch vier leefgebieden."}, follow=True).content.decode()
    assert f"Melding {melding.nummer} staat weer op de agenda voor een nieuw besluit" in ok
