import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bzt.workflow import TransitionNotAllowed
from meldpunt import services
from meldpunt.codes import Besluit, Rol
from meldpunt.models import Melding
from tests import factories


@pytest.fixture
def meldpunt(demo):
    return demo["meldpunt"]


def test_triage_scores_the_leefgebieden_and_records_who(meldpunt):
    m = factories.melding(meldpunt)
    t = factories.triage(meldpunt, m, codes=("verslaving", "psychiatrie", "schulden"))
    m.refresh_from_db()
    assert (t.score, t.doelgroep, m.status) == (3, True, Melding.Status.WACHT_OP_MDO)
    assert t.getrieerd_door == meldpunt
    assert t.history.first().history_user == meldpunt
    assert m.history.first().history_user == meldpunt


def test_mdo_with_fewer_than_three_needs_a_motivation(meldpunt):
    m = factories.melding(meldpunt)
    with pytest.raises(ValidationError) as error:
        factories.triage(meldpunt, m, codes=("verslaving", "schulden"), besluit=Besluit.MDO)
    assert "motivatie" in error.value.message_dict
    m.refresh_from_db()
    assert m.status == Melding.Status.ONTVANGEN and not hasattr(m, "triage")
    t = factories.triage(meldpunt, m, codes=("verslaving", "schulden"), besluit=Besluit.MDO, motivatie="Acuut gevaar.")
    assert t.motivatie == "Acuut gevaar."


def test_not_mdo_with_three_or_more_needs_a_motivation(meldpunt):
    m = factories.melding(meldpunt)
    with pytest.raises(ValidationError) as error:
        factories.triage(meldpunt, m, besluit=Besluit.ADVIES)
    assert "Niet naar het MDO" in error.value.message_dict["motivatie"][0]


def test_regulier_needs_the_organisation_referred_to(meldpunt):
    m = factories.melding(meldpunt)
    with pytest.raises(ValidationError) as error:
        factories.triage(meldpunt, m, codes=("schulden",), besluit=Besluit.REGULIER)
    assert "regulier_organisatie" in error.value.message_dict


def test_a_family_with_children_and_four_domains_is_ggsr(meldpunt):
    gezin = factories.melding(
        meldpunt,
        huishouden=[(Rol.HOOFDPERSOON, factories.persoon_gegevens()), (Rol.KIND, factories.persoon_gegevens())],
    )
    vier = ("verslaving", "schulden", "dakloos", "psychiatrie")
    assert factories.triage(meldpunt, gezin, codes=vier).ggsr
    zonder_kinderen = factories.melding(meldpunt)
    assert not factories.triage(meldpunt, zonder_kinderen, codes=vier).ggsr
    gezin_drie = factories.melding(
        meldpunt,
        huishouden=[(Rol.HOOFDPERSOON, factories.persoon_gegevens()), (Rol.KIND, factories.persoon_gegevens())],
    )
    assert not factories.triage(meldpunt, gezin_drie).ggsr


def test_a_melding_is_triaged_once(meldpunt):
    m = factories.melding(meldpunt)
    factories.triage(meldpunt, m)
    with pytest.raises(TransitionNotAllowed):
        factories.triage(meldpunt, m)


def test_only_the_meldpunt_may_triage(demo):
    m = factories.melding(demo["meldpunt"])
    for username in ("regisseur_dimence", "procesmanager", "beleid"):
        with pytest.raises(PermissionDenied):
            factories.triage(demo[username], m)


def test_only_an_mdo_besluit_goes_on_the_agenda(meldpunt):
    advies = factories.melding(meldpunt)
    factories.triage(meldpunt, advies, codes=("schulden",), besluit=Besluit.ADVIES)
    with pytest.raises(ValidationError):
        services.melding_op_mdo_agenda_zetten(door=meldpunt, melding=advies)
    mdo = factories.melding(meldpunt)
    factories.triage(meldpunt, mdo)
    services.melding_op_mdo_agenda_zetten(door=meldpunt, melding=mdo)
    assert Melding.objects.get(pk=mdo.pk).status == Melding.Status.OP_MDO_AGENDA


def test_in_triage_then_triage(meldpunt):
    m = factories.melding(meldpunt)
    services.melding_in_triage_nemen(door=meldpunt, melding=m)
    assert m.status == Melding.Status.IN_TRIAGE
    with pytest.raises(TransitionNotAllowed):
        services.melding_in_triage_nemen(door=meldpunt, melding=m)
    factories.triage(meldpunt, m)
    assert m.status == Melding.Status.WACHT_OP_MDO


def test_triage_date_before_the_melding_is_refused(meldpunt):
    m = factories.melding(meldpunt)
    with pytest.raises(ValidationError) as error:
        factories.triage(meldpunt, m, datum=m.ontvangen_op.replace(year=m.ontvangen_op.year - 1))
    assert "datum" in error.value.message_dict


def test_two_colleagues_triaging_the_same_melding_the_second_gets_a_message_not_an_error(meldpunt):
    m = factories.melding(meldpunt)
    eerste, tweede = Melding.objects.get(pk=m.pk), Melding.objects.get(pk=m.pk)  # both opened the form
    factories.triage(meldpunt, eerste, codes=("verslaving", "psychiatrie", "schulden"))
    with pytest.raises(ValidationError) as error:
        factories.triage(meldpunt, tweede, codes=("schulden",), besluit=Besluit.ADVIES)
    assert error.value.messages == ["Deze melding is intussen al getrieerd door een collega."]
    m.refresh_from_db()
    assert m.status == Melding.Status.WACHT_OP_MDO and m.triage.getrieerd_door == meldpunt
