"""meldpunt.selectors.persoon_herkennen, the new-or-known decision of the intake, called directly (not through
the view)."""

import pytest

from meldpunt import selectors
from meldpunt.codes import Rol
from meldpunt.models import Persoon
from tests import factories

BSN = "111222333"


@pytest.fixture
def bekend(demo):
    """A person known from an open melding."""
    gegevens = factories.persoon_gegevens(achternaam="Bekenda", bsn=BSN)
    melding = factories.melding(demo["meldpunt"], huishouden=[(Rol.HOOFDPERSOON, gegevens)])
    return melding.betrokkenen.get().persoon


def rij(**overrides):
    return {"rol": Rol.HOOFDPERSOON, "keuze": "", "DELETE": False, **factories.persoon_gegevens(**overrides)}


def test_a_person_nobody_resembles_is_new_with_the_typed_data(demo, bekend):
    data = rij(achternaam="Onbekendt")
    herkenning = selectors.persoon_herkennen(demo["meldpunt"], data)
    assert herkenning.persoon is None and herkenning.kandidaten == [] and herkenning.fout == ""
    assert herkenning.gegevens["achternaam"] == "Onbekendt"
    assert not {"rol", "keuze", "DELETE"} & set(herkenning.gegevens)


def test_a_resembling_person_is_offered_first_and_new_only_after_confirming(demo, bekend):
    data = rij(voornaam=bekend.voornaam, achternaam="bekenda", geboortedatum=bekend.geboortedatum)
    eerst = selectors.persoon_herkennen(demo["meldpunt"], data)
    assert eerst.kandidaten == [bekend] and not eerst.alleen_bestaand and eerst.gegevens == {}
    assert [s.via for s in eerst.signalen] == [bekend]
    bevestigd = selectors.persoon_herkennen(demo["meldpunt"], data, nieuw_bevestigd=True)
    assert bevestigd.kandidaten == [] and bevestigd.gegevens["achternaam"] == "bekenda"


def test_the_same_bsn_is_never_taken_as_new(demo, bekend):
    herkenning = selectors.persoon_herkennen(demo["meldpunt"], rij(bsn=BSN), nieuw_bevestigd=True)
    assert herkenning.kandidaten == [bekend] and herkenning.alleen_bestaand and herkenning.gegevens == {}


def test_a_chosen_person_must_exist_and_be_visible_to_the_user(demo, bekend):
    assert selectors.persoon_herkennen(demo["meldpunt"], rij(), gekozen_persoon_id=bekend.pk).persoon == bekend
    ontbreekt = selectors.persoon_herkennen(demo["meldpunt"], rij(), gekozen_persoon_id=Persoon.objects.count() + 99)
    assert ontbreekt.persoon is None and ontbreekt.fout == "De gekozen persoon bestaat niet (meer)."
    gebruiker = demo["regisseur_tactus"]
    assert not gebruiker.has_perm("meldpunt.view_persoon")
    verborgen = selectors.persoon_herkennen(gebruiker, rij(), gekozen_persoon_id=bekend.pk)
    assert verborgen.persoon is None and verborgen.fout
