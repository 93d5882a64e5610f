"""Besluiten per agenda item: assign a casusregisseur, refer, postpone, approve or return a plan, evaluate."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from casusregie import services as casus_services
from casusregie.models import Casus, Plan
from casusregie.selectors import casussen_for
from mdo import services
from mdo.models import AgendaPunt
from meldpunt.models import Melding
from tests import factories
from tests.mdo.conftest import agenda_url, besluit_url


@pytest.fixture
def punt(demo):
    """An open melding item on a planned MDO (triaged on verslaving, criminaliteit and psychiatrie)."""
    factories.mdo_melding(
        demo,
        codes=("verslaving", "criminaliteit", "psychiatrie"),
        huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam="Toewijs"))],
    )
    return factories.overleg(demo).agendapunten.get()


def toewijzen(client, punt, regisseur, notulen="Past bij de problematiek.", reden=""):
    return client.post(
        besluit_url(punt),
        {
            "actie": "toewijzen",
            f"t{punt.pk}-casusregisseur": regisseur.pk,
            f"t{punt.pk}-notulen": notulen,
            f"t{punt.pk}-reden_boven_maximum": reden,
        },
    )


def test_candidates_best_fit_first_with_their_caseload(chair, demo, punt):
    factories.casus(demo, regisseur="regisseur_tactus")
    html = chair.get(agenda_url(punt.overleg)).content.decode()
    tactus, dimence, mee = (str(demo[u]) for u in ("regisseur_tactus", "regisseur_dimence", "regisseur_mee"))
    # Tactus: verslaving + criminaliteit; Dimence: psychiatrie; MEE: none of the three
    assert html.index(tactus) < html.index(dimence) < html.index(mee)
    assert "1 van 15" in html and "0 van 15" in html
    assert "passend: Verslaving, Criminaliteit" in html


def test_assigning_creates_the_casus_with_the_chosen_regisseur_and_gives_access(chair, demo, punt):
    regisseur = demo["regisseur_tactus"]
    assert not casussen_for(regisseur).exists()
    response = toewijzen(chair, punt, regisseur)
    assert response.status_code == 302 and response.url.endswith(f"#punt-{punt.pk}")

    casus = Casus.objects.get(melding=punt.melding)
    assert (casus.casusregisseur, casus.organisatie.naam) == (regisseur, "Tactus Verslavingszorg")
    assert casussen_for(regisseur).filter(pk=casus.pk).exists()
    assert not casussen_for(demo["regisseur_dimence"]).filter(pk=casus.pk).exists()
    punt.refresh_from_db()
    assert (punt.besluit, punt.casus, punt.besloten_door) == ("toegewezen", casus, demo["procesmanager"])
    assert punt.melding.status == Melding.Status.TOEGEWEZEN
    html = chair.get(response.url).content.decode()
    assert f"is casusregisseur van casus {casus.nummer}" in html
    assert "Besloten door" in html and "Past bij de problematiek." in html


def test_at_the_maximum_the_chair_must_give_a_reason(chair, demo, punt, settings):
    settings.BZT_MAX_CASELOAD = 1
    factories.casus(demo, regisseur="regisseur_tactus")
    regisseur = demo["regisseur_tactus"]
    assert "1 van 1" in chair.get(agenda_url(punt.overleg)).content.decode()

    response = toewijzen(chair, punt, regisseur, notulen="Enige met ervaring in dit gezin.")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_t{punt.pk}-reden_boven_maximum_error"' in html
    assert "Bevestig met een reden." in html
    assert "Enige met ervaring in dit gezin." in html  # what was typed is kept
    assert f'value="{regisseur.pk}" id="id_t{punt.pk}-casusregisseur_k{regisseur.pk}" checked' in html
    assert not Casus.objects.filter(melding=punt.melding).exists()

    response = toewijzen(chair, punt, regisseur, reden="Kent het gezin al jaren.")
    assert response.status_code == 302
    casus = Casus.objects.get(melding=punt.melding)
    assert casus.casusregisseur == regisseur
    assert casus.history.earliest().history_change_reason == "Kent het gezin al jaren."


def test_a_candidate_must_be_chosen(chair, demo, punt):
    response = chair.post(besluit_url(punt), {"actie": "toewijzen"})
    assert response.status_code == 200 and "Kies een casusregisseur." in response.content.decode()


def test_referring_to_regular_care_needs_notulen(chair, demo, punt):
    response = chair.post(besluit_url(punt), {"actie": "regulier", f"b{punt.pk}-notulen": "  "})
    assert response.status_code == 200
    assert "Noteer het besluit en de reden in de notulen." in response.content.decode()
    response = chair.post(
        besluit_url(punt), {"actie": "regulier", f"b{punt.pk}-notulen": "Naar de huisarts en POH-GGZ."}
    )
    assert response.status_code == 302
    punt.refresh_from_db()
    assert (punt.besluit, punt.notulen) == ("regulier", "Naar de huisarts en POH-GGZ.")
    assert punt.melding.status == Melding.Status.VERWEZEN
    assert not Casus.objects.exists()


def test_postponing_puts_the_item_on_the_next_mdo(chair, demo, punt):
    volgende = factories.overleg(demo, dagen=14)
    response = chair.post(besluit_url(punt), {"actie": "aanhouden", f"b{punt.pk}-notulen": "Eerst huisbezoek."})
    assert response.status_code == 302
    punt.refresh_from_db()
    assert (punt.besluit, punt.notulen) == ("aangehouden", "Eerst huisbezoek.")
    nieuw = volgende.agendapunten.get()
    assert (nieuw.melding, nieuw.open) == (punt.melding, True)
    assert punt.melding.status == Melding.Status.OP_MDO_AGENDA


def test_a_decided_item_is_not_decided_again(chair, demo, punt):
    toewijzen(chair, punt, demo["regisseur_tactus"])
    response = chair.post(besluit_url(punt), {"actie": "regulier", f"b{punt.pk}-notulen": "x"}, follow=True)
    assert "Over dit agendapunt is al besloten." in response.content.decode()
    punt.refresh_from_db()
    assert punt.besluit == "toegewezen"


def test_an_action_that_does_not_fit_the_item_is_refused(chair, demo, punt):
    response = chair.post(besluit_url(punt), {"actie": "vaststellen", f"b{punt.pk}-notulen": "x"}, follow=True)
    assert "Kies een besluit." in response.content.decode()
    punt.refresh_from_db()
    assert punt.open


@pytest.fixture
def plan_punt(demo):
    """A submitted plan, on the agenda of the planned MDO for approval."""
    overleg = factories.overleg(demo)
    plan = factories.ingediend_plan(demo, factories.casus(demo))
    punt = overleg.agendapunten.get()
    assert (punt.soort, punt.plan) == (AgendaPunt.Soort.PLAN_VASTSTELLEN, plan)
    return punt


def test_the_mdo_sees_the_plan_and_approves_it(chair, demo, plan_punt):
    html = chair.get(agenda_url(plan_punt.overleg)).content.decode()
    assert "Een vaste woonplek binnen drie maanden." in html
    assert "Urgentieaanvraag bij de woningcorporatie" in html and "Woonbedrijf Ieder1" in html
    assert str(demo["regisseur_dimence"]) in html

    response = chair.post(
        besluit_url(plan_punt), {"actie": "vaststellen", f"b{plan_punt.pk}-notulen": "Akkoord, evaluatie over 3 mnd."}
    )
    assert response.status_code == 302
    plan = Plan.objects.get(pk=plan_punt.plan_id)
    assert plan.status == Plan.Status.VASTGESTELD and plan.vastgesteld_op == timezone.localdate()
    assert plan.casus.status == Casus.Status.IN_UITVOERING
    plan_punt.refresh_from_db()
    assert plan_punt.besluit == "plan_vastgesteld"


def test_returning_a_plan_needs_a_reason(chair, demo, plan_punt):
    response = chair.post(besluit_url(plan_punt), {"actie": "terugsturen", f"b{plan_punt.pk}-notulen": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Geef aan wat er aan het plan moet veranderen." in html
    assert f'id="id_b{plan_punt.pk}-notulen_error"' in html
    assert Plan.objects.get(pk=plan_punt.plan_id).status == Plan.Status.INGEDIEND

    chair.post(besluit_url(plan_punt), {"actie": "terugsturen", f"b{plan_punt.pk}-notulen": "Doel schulden ontbreekt."})
    plan = Plan.objects.get(pk=plan_punt.plan_id)
    assert (plan.status, plan.teruggestuurd_reden) == (Plan.Status.CONCEPT, "Doel schulden ontbreekt.")
    plan_punt.refresh_from_db()
    assert (plan_punt.besluit, plan_punt.notulen) == ("plan_teruggestuurd", "Doel schulden ontbreekt.")


def test_a_plan_due_for_evaluation_is_discussed_and_a_postponed_one_comes_back(chair, demo):
    c = factories.casus(demo)
    plan = c.plannen.get()
    casus_services.plan_opslaan(
        door=c.casusregisseur,
        plan=plan,
        lock_version=plan.lock_version,
        samenvatting="Wonen eerst.",
        afspraken="",
        evaluatie_op=timezone.localdate() + timedelta(days=3),
    )
    casus_services.plan_vaststellen(door=demo["procesmanager"], plan=factories.ingediend_plan(demo, c))
    overleg = factories.overleg(demo)
    punt = overleg.agendapunten.get()
    assert punt.soort == AgendaPunt.Soort.PLAN_EVALUEREN
    # postponed while no next MDO is planned: it comes back on the next one
    services.besluit_aanhouden(door=demo["procesmanager"], punt=punt, notulen="Geen tijd.")
    volgende = factories.overleg(demo, dagen=14)
    terug = volgende.agendapunten.get()
    assert (terug.soort, terug.plan_id) == (AgendaPunt.Soort.PLAN_EVALUEREN, plan.pk)

    response = chair.post(besluit_url(terug), {"actie": "besproken", f"b{terug.pk}-notulen": "Loopt volgens plan."})
    assert response.status_code == 302
    terug.refresh_from_db()
    assert terug.besluit == "besproken"
    assert services.agenda_vullen(door=demo["procesmanager"], overleg=volgende) == 0  # evaluated: not again


def test_a_household_with_an_open_casus_gets_no_second_one(chair, demo):
    c = factories.casus(demo)
    lid = c.melding.betrokkenen.get().persoon
    factories.mdo_melding(demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens()), ("partner", lid)])
    punt = factories.overleg(demo).agendapunten.get()
    response = toewijzen(chair, punt, demo["regisseur_tactus"], notulen="Getypt blijft staan.")
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 huishouden, 1 plan, 1 regisseur" in html and "Getypt blijft staan." in html
    assert Casus.objects.count() == 1


# --- services.besluit_nemen, the one entry the besluit view calls, called directly ---------------------------------


def test_besluit_nemen_picks_the_service_of_the_actie(demo, punt):
    door, regisseur = demo["procesmanager"], demo["regisseur_tactus"]
    gegevens = {"casusregisseur": regisseur, "notulen": "Past.", "reden_boven_maximum": ""}
    assert services.besluit_nemen(door=door, punt=punt, actie="toewijzen", gegevens=gegevens) is punt
    punt.refresh_from_db()
    assert (punt.besluit, punt.casus.casusregisseur, punt.besloten_door) == ("toegewezen", regisseur, door)
    assert punt.notulen == "Past."


def test_besluit_nemen_refers(demo, punt):
    door = demo["procesmanager"]
    services.besluit_nemen(door=door, punt=punt, actie="regulier", gegevens={"notulen": "Naar de huisarts."})
    punt.refresh_from_db()
    assert punt.besluit == "regulier" and punt.melding.status == Melding.Status.VERWEZEN


@pytest.mark.parametrize("actie", ["vaststellen", "besproken", "onbekend", ""])
def test_besluit_nemen_refuses_an_actie_the_item_does_not_allow(demo, punt, actie):
    with pytest.raises(ValidationError):
        services.besluit_nemen(door=demo["procesmanager"], punt=punt, actie=actie, gegevens={"notulen": "x"})
    punt.refresh_from_db()
    assert punt.besluit == ""


def test_besluit_nemen_refuses_who_does_not_chair(demo, punt):
    with pytest.raises(PermissionDenied):
        services.besluit_nemen(
            door=demo["regisseur_tactus"], punt=punt, actie="aanhouden", gegevens={"notulen": "Later."}
        )
    punt.refresh_from_db()
    assert punt.besluit == ""
