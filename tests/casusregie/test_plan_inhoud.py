"""The plan as the documents describe it (issue 14): goals and actions changed and removed until the plan is
submitted (every path, under the plan's lock, in the history), a named person on an action, the household's
own part and the client's agreement, and the result of each goal at evaluation, counted by the jaarmonitor."""

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bzt.models import Organisatie
from bzt.workflow import TransitionNotAllowed
from casusregie import services
from casusregie.models import AfsluitReden, Plan, PlanActie, PlanDoel
from casusregie.selectors import plan_wijzigingen
from casusregie.services import StalePlan
from monitor import figures
from tests import factories

TODAY = timezone.localdate


def _concept(demo):
    """A casus whose first plan is a draft with one goal and one action tied to it."""
    c = factories.casus(demo)
    plan = c.plannen.get()
    regisseur = c.casusregisseur
    doel = services.doel_toevoegen(
        door=regisseur, plan=plan, lock_version=plan.lock_version, leefgebied="schulden", omschrijving="Schulden."
    )
    plan.refresh_from_db()
    actie = services.actie_toevoegen(
        door=regisseur,
        plan=plan,
        lock_version=plan.lock_version,
        omschrijving="Aanmelden schuldhulp",
        eigenaar=Organisatie.objects.get(naam="Gemeente Deventer"),
        uitvoerder_naam="Schuldhulpverlener",
        deadline=TODAY() + timedelta(days=14),
        doel=doel,
    )
    plan.refresh_from_db()
    return plan, doel, actie, regisseur


def _actie_kwargs(actie, **changes):
    kwargs = {
        "omschrijving": actie.omschrijving,
        "eigenaar": actie.eigenaar,
        "deadline": actie.deadline,
        "doel": actie.doel,
        "uitvoerder_naam": actie.uitvoerder_naam,
    }
    kwargs.update(changes)
    return kwargs


# --- editing and removing until submitted: the services ------------------------------------------------------


def test_goals_and_actions_of_a_draft_are_changed_and_removed_each_in_the_history_with_who(demo):
    plan, doel, actie, regisseur = _concept(demo)
    doel = services.doel_wijzigen(
        door=regisseur, doel=doel, lock_version=plan.lock_version, leefgebied="psychiatrie", omschrijving="Inkomen."
    )
    plan.refresh_from_db()
    actie = services.actie_wijzigen(
        door=regisseur, actie=actie, lock_version=plan.lock_version, **_actie_kwargs(actie, uitvoerder_naam="Anouk")
    )
    plan.refresh_from_db()
    assert (doel.leefgebied, doel.omschrijving, actie.uitvoerder_naam) == ("psychiatrie", "Inkomen.", "Anouk")

    services.doel_verwijderen(door=regisseur, doel=doel, lock_version=plan.lock_version)
    plan.refresh_from_db()
    actie.refresh_from_db()
    assert actie.doel is None  # the action stays in the plan, without a goal
    services.actie_verwijderen(door=regisseur, actie=actie, lock_version=plan.lock_version)
    assert not plan.doelen.exists() and not plan.acties.exists()

    doel_history = PlanDoel.history.filter(id=doel.pk).order_by("history_date")
    assert [h.history_type for h in doel_history] == ["+", "~", "-"]
    assert {h.history_user for h in doel_history} == {regisseur}
    actie_history = PlanActie.history.filter(id=actie.pk).order_by("history_date")
    assert [h.history_type for h in actie_history][-1] == "-"
    assert actie_history.last().history_user == regisseur
    # the plan page lists the removals under "Wie wijzigde wat"
    wat = [w for _, _, w in plan_wijzigingen(plan)]
    assert "doel “Inkomen.” verwijderd" in wat and "actie “Aanmelden schuldhulp” verwijderd" in wat


def test_a_change_on_a_version_of_the_plan_someone_else_saved_since_is_refused(demo):
    plan, doel, actie, regisseur = _concept(demo)
    oud = plan.lock_version
    services.plan_opslaan(door=regisseur, plan=plan, lock_version=oud, samenvatting="Nieuw.", afspraken="")
    with pytest.raises(StalePlan):
        services.doel_wijzigen(
            door=regisseur, doel=doel, lock_version=oud, leefgebied="werkloosheid_uitkering", omschrijving="X."
        )
    with pytest.raises(StalePlan):
        services.actie_verwijderen(door=regisseur, actie=actie, lock_version=oud)
    doel.refresh_from_db()
    assert doel.leefgebied == "schulden" and PlanActie.objects.filter(pk=actie.pk).exists()


def test_after_submission_no_goal_or_action_can_be_changed_or_removed_and_after_sending_back_again(demo):
    plan, doel, actie, regisseur = _concept(demo)
    plan = services.plan_indienen(door=regisseur, plan=plan, lock_version=plan.lock_version)
    plan.refresh_from_db()
    v = plan.lock_version
    refused = [
        lambda: services.doel_wijzigen(
            door=regisseur, doel=doel, lock_version=v, leefgebied="werkloosheid_uitkering", omschrijving="X"
        ),
        lambda: services.doel_verwijderen(door=regisseur, doel=doel, lock_version=v),
        lambda: services.actie_wijzigen(door=regisseur, actie=actie, lock_version=v, **_actie_kwargs(actie)),
        lambda: services.actie_verwijderen(door=regisseur, actie=actie, lock_version=v),
    ]
    for call in refused:
        with pytest.raises(TransitionNotAllowed, match="niet meer in concept"):
            call()
    assert PlanDoel.objects.filter(pk=doel.pk, leefgebied="schulden").exists()
    assert PlanActie.objects.filter(pk=actie.pk).exists()

    services.plan_terugsturen(door=demo["procesmanager"], plan=plan, reden="Maak het doel concreter.")
    plan.refresh_from_db()
    services.doel_wijzigen(
        door=regisseur, doel=doel, lock_version=plan.lock_version, leefgebied="schulden", omschrijving="Concreet."
    )
    doel.refresh_from_db()
    assert doel.omschrijving == "Concreet."


def test_only_who_may_change_the_casus_edits_its_plan(demo):
    plan, doel, actie, _ = _concept(demo)
    for username in ("procesmanager", "regisseur_tactus"):
        with pytest.raises(PermissionDenied):
            services.doel_verwijderen(door=demo[username], doel=doel, lock_version=plan.lock_version)
    assert PlanDoel.objects.filter(pk=doel.pk).exists()


# --- the same on the web ----------------------------------------------------------------------------------


def test_the_regisseur_edits_a_goal_and_removes_an_action_after_confirming_on_the_page(client, demo):
    plan, doel, actie, regisseur = _concept(demo)
    client.force_login(regisseur)
    pagina = client.get(reverse("casusregie:plan", args=[plan.pk])).content.decode()
    assert reverse("casusregie:doel_bewerken", args=[doel.pk]) in pagina
    assert "Schuldhulpverlener" in pagina  # the named person next to the organisation

    response = client.post(
        reverse("casusregie:doel_bewerken", args=[doel.pk]),
        {
            "doel-lock_version": plan.lock_version,
            "doel-leefgebied": "werkloosheid_uitkering",
            "doel-omschrijving": "Werk vinden.",
        },
        follow=True,
    )
    assert "Het doel is gewijzigd." in response.content.decode()
    doel.refresh_from_db()
    assert (doel.leefgebied, doel.omschrijving) == ("werkloosheid_uitkering", "Werk vinden.")

    plan.refresh_from_db()
    url = reverse("casusregie:actie_verwijderen", args=[actie.pk])
    response = client.post(url, {"lock_version": plan.lock_version})  # not confirmed
    assert response.status_code == 200 and "Bevestig dat u dit wilt verwijderen." in response.content.decode()
    assert PlanActie.objects.filter(pk=actie.pk).exists()
    response = client.post(url, {"lock_version": plan.lock_version, "bevestigd": "on"}, follow=True)
    assert "De actie is verwijderd." in response.content.decode()
    assert not PlanActie.objects.filter(pk=actie.pk).exists()


def test_a_web_edit_with_an_old_version_keeps_the_input_and_says_to_reload(client, demo):
    plan, doel, actie, regisseur = _concept(demo)
    client.force_login(regisseur)
    data = {
        "actie-lock_version": plan.lock_version - 1,
        "actie-omschrijving": "Andere actie",
        "actie-eigenaar": actie.eigenaar_id,
        "actie-uitvoerder_naam": "Iemand",
        "actie-deadline": actie.deadline.isoformat(),
    }
    response = client.post(reverse("casusregie:actie_bewerken", args=[actie.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200 and "door iemand anders gewijzigd" in html and "Andere actie" in html
    actie.refresh_from_db()
    assert actie.omschrijving == "Aanmelden schuldhulp"


def test_after_submission_every_web_path_refuses_to_edit(client, demo):
    plan, doel, actie, regisseur = _concept(demo)
    plan = services.plan_indienen(door=regisseur, plan=plan, lock_version=plan.lock_version)
    plan.refresh_from_db()
    client.force_login(regisseur)
    pagina = client.get(reverse("casusregie:plan", args=[plan.pk])).content.decode()
    assert reverse("casusregie:doel_bewerken", args=[doel.pk]) not in pagina
    response = client.get(reverse("casusregie:actie_bewerken", args=[actie.pk]), follow=True)
    assert "niet meer in concept" in response.content.decode()
    posts = {
        reverse("casusregie:doel_bewerken", args=[doel.pk]): {
            "doel-lock_version": plan.lock_version,
            "doel-leefgebied": "werkloosheid_uitkering",
            "doel-omschrijving": "Anders.",
        },
        reverse("casusregie:doel_verwijderen", args=[doel.pk]): {"lock_version": plan.lock_version, "bevestigd": "on"},
        reverse("casusregie:actie_verwijderen", args=[actie.pk]): {
            "lock_version": plan.lock_version,
            "bevestigd": "on",
        },
    }
    for url, data in posts.items():
        response = client.post(url, data, follow=True)
        assert "niet meer in concept" in response.content.decode(), url
    doel.refresh_from_db()
    assert doel.omschrijving == "Schulden." and PlanActie.objects.filter(pk=actie.pk).exists()


# --- two requests at the same moment (PostgreSQL) -----------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_edits_of_the_same_draft_at_the_same_moment_one_is_refused_nothing_lost(demo):
    """Two users opened the draft at the same version and save a change to the same goal at once: the plan row
    lock serialises them and the second finds the version raised: refused with a message, not overwritten."""
    plan, doel, actie, regisseur = _concept(demo)
    versie = plan.lock_version
    start, results = threading.Barrier(2), {}

    def wijzig(naam, tekst):
        try:
            start.wait(timeout=30)
            services.doel_wijzigen(
                door=regisseur,
                doel=PlanDoel.objects.get(pk=doel.pk),
                lock_version=versie,
                leefgebied="schulden",
                omschrijving=tekst,
            )
            results[naam] = "ok"
        except StalePlan:
            results[naam] = "geweigerd"
        finally:
            connection.close()

    threads = [threading.Thread(target=wijzig, args=(n, t)) for n, t in (("a", "Eerste."), ("b", "Tweede."))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results.values()) == ["geweigerd", "ok"]
    doel.refresh_from_db()
    winnaar = "Eerste." if results["a"] == "ok" else "Tweede."
    assert doel.omschrijving == winnaar
    assert PlanDoel.history.filter(id=doel.pk, history_type="~").count() == 1


# --- the household's own part and the client's agreement -----------------------------------------------------


def test_the_plan_records_the_households_own_part_and_when_the_client_agreed(client, demo):
    plan, doel, actie, regisseur = _concept(demo)
    with pytest.raises(ValidationError, match="wanneer de cliënt"):
        services.plan_opslaan(
            door=regisseur,
            plan=plan,
            lock_version=plan.lock_version,
            samenvatting="",
            afspraken="",
            akkoord_client="ja",
        )
    client.force_login(regisseur)
    url = reverse("casusregie:plan", args=[plan.pk])
    assert "Niet vastgelegd" in client.get(url).content.decode()
    data = {
        "plan-lock_version": plan.lock_version,
        "plan-samenvatting": "Stabiliseren.",
        "plan-afspraken": "",
        "plan-eigen_mogelijkheden": "Mevrouw opent zelf de post.",
        "plan-sociaal_netwerk": "Haar zus helpt met boodschappen.",
        "plan-akkoord_client": "ja",
        "plan-akkoord_op": "",
    }
    response = client.post(url, data)
    assert "Vul in wanneer de cliënt dit antwoord gaf." in response.content.decode()
    data["plan-akkoord_op"] = (TODAY() - timedelta(days=2)).isoformat()
    client.post(url, data)
    plan.refresh_from_db()
    assert plan.eigen_mogelijkheden == "Mevrouw opent zelf de post."
    assert plan.sociaal_netwerk == "Haar zus helpt met boodschappen."
    assert (plan.akkoord_client, plan.akkoord_op) == ("ja", TODAY() - timedelta(days=2))
    assert plan.history.first().history_user == regisseur

    # 'niet gevraagd' has no date; a submitted plan without a 'ja' is allowed (documented) and shown as such
    plan = services.plan_opslaan(
        door=regisseur,
        plan=plan,
        lock_version=plan.lock_version,
        samenvatting="Stabiliseren.",
        afspraken="",
        akkoord_client="niet_gevraagd",
        akkoord_op=TODAY(),
    )
    assert plan.akkoord_op is None
    services.plan_indienen(door=regisseur, plan=plan, lock_version=plan.lock_version)
    assert "Niet gevraagd" in client.get(url).content.decode()


def test_a_new_plan_version_keeps_the_own_part_and_the_named_person_but_asks_agreement_again(demo):
    plan, doel, actie, regisseur = _concept(demo)
    plan = services.plan_opslaan(
        door=regisseur,
        plan=plan,
        lock_version=plan.lock_version,
        samenvatting="",
        afspraken="",
        eigen_mogelijkheden="Zelf de post.",
        akkoord_client="ja",
        akkoord_op=TODAY(),
    )
    plan = services.plan_indienen(door=regisseur, plan=plan, lock_version=plan.lock_version)
    services.plan_vaststellen(door=demo["procesmanager"], plan=plan)
    services.doel_resultaat_vastleggen(door=regisseur, doel=doel, resultaat="deels")
    nieuw = services.nieuwe_planversie(door=regisseur, casus=plan.casus)
    assert nieuw.eigen_mogelijkheden == "Zelf de post." and nieuw.akkoord_client == ""
    assert nieuw.acties.get().uitvoerder_naam == "Schuldhulpverlener"
    assert nieuw.doelen.get().resultaat == ""


# --- results of goals ------------------------------------------------------------------------------------


def test_a_result_is_recorded_on_the_plan_in_force_only_by_who_may_change_the_casus(client, demo):
    plan, doel, actie, regisseur = _concept(demo)
    with pytest.raises(TransitionNotAllowed, match="vastgestelde plan"):
        services.doel_resultaat_vastleggen(door=regisseur, doel=doel, resultaat="behaald")
    plan = services.plan_indienen(door=regisseur, plan=plan, lock_version=plan.lock_version)
    services.plan_vaststellen(door=demo["procesmanager"], plan=plan)
    with pytest.raises(PermissionDenied):
        services.doel_resultaat_vastleggen(door=demo["procesmanager"], doel=doel, resultaat="behaald")
    with pytest.raises(ValidationError, match="toekomst"):
        services.doel_resultaat_vastleggen(
            door=regisseur, doel=doel, resultaat="behaald", datum=TODAY() + timedelta(days=1)
        )

    client.force_login(regisseur)
    response = client.post(
        reverse("casusregie:doel_resultaat", args=[doel.pk]),
        {"resultaat": "niet_behaald", "datum": TODAY().isoformat()},
        follow=True,
    )
    assert "Resultaat van het doel vastgelegd: niet behaald." in response.content.decode()
    doel.refresh_from_db()
    assert (doel.resultaat, doel.resultaat_op) == ("niet_behaald", TODAY())
    assert doel.history.first().history_user == regisseur
    response = client.post(reverse("casusregie:doel_resultaat", args=[doel.pk]), {"resultaat": "gelukt"}, follow=True)
    assert "geen beschikbare keuze" in response.content.decode()

    services.actie_status_wijzigen(door=regisseur, actie=actie, status="gereed")  # arranged before closing
    services.casus_afsluiten(door=regisseur, casus=plan.casus, reden=AfsluitReden.objects.get(code="doel_bereikt"))
    with pytest.raises(TransitionNotAllowed):
        services.doel_resultaat_vastleggen(door=regisseur, doel=doel, resultaat="behaald")


def test_the_jaarmonitor_counts_results_per_leefgebied_in_the_year_they_were_recorded(demo):
    plan, doel, actie, regisseur = _concept(demo)
    tweede = services.doel_toevoegen(
        door=regisseur,
        plan=plan,
        lock_version=plan.lock_version,
        leefgebied="werkloosheid_uitkering",
        omschrijving="Werk.",
    )
    plan.refresh_from_db()
    derde = services.doel_toevoegen(
        door=regisseur,
        plan=plan,
        lock_version=plan.lock_version,
        leefgebied="werkloosheid_uitkering",
        omschrijving="Meer.",
    )
    plan.refresh_from_db()
    plan = services.plan_indienen(door=regisseur, plan=plan, lock_version=plan.lock_version)
    services.plan_vaststellen(door=demo["procesmanager"], plan=plan)
    jaar = TODAY().year
    services.doel_resultaat_vastleggen(door=regisseur, doel=doel, resultaat="behaald")
    services.doel_resultaat_vastleggen(door=regisseur, doel=tweede, resultaat="deels")
    services.doel_resultaat_vastleggen(
        door=regisseur, doel=derde, resultaat="niet_behaald", datum=date(jaar - 1, 12, 31)
    )

    assert figures.compute(jaar)["plan"]["doelresultaten"] == {
        "schulden": {"behaald": 1},
        "werkloosheid_uitkering": {"deels": 1},
    }
    assert figures.compute(jaar - 1)["plan"]["doelresultaten"] == {"werkloosheid_uitkering": {"niet_behaald": 1}}
    services.doel_resultaat_vastleggen(door=regisseur, doel=tweede, resultaat="")  # taken back: running again
    assert figures.compute(jaar)["plan"]["doelresultaten"] == {"schulden": {"behaald": 1}}


def test_the_jaarmonitor_report_shows_the_results_table_suppressed(demo):
    from monitor.report import export_rows, secties
    from monitor.suppression import suppress

    exact = figures.compute(TODAY().year)
    exact["plan"]["doelresultaten"] = {"schulden": {"behaald": 7, "deels": 2}}
    shown = suppress(exact)
    assert shown["plan"]["doelresultaten"] == {"schulden": {"behaald": 7, "deels": "<5"}}
    blok = next(b for s in secties(shown) for b in s.blokken if b.titel == "Resultaten van doelen per leefgebied")
    assert ["Schulden", "7", "<5", "0"] in blok.tabel.rijen
    assert ("plan", "doelresultaten.schulden.behaald", 7) in export_rows(shown)


def test_plan_page_flags_are_unchanged_for_a_replaced_version(demo):
    plan, doel, actie, regisseur = _concept(demo)
    plan = services.plan_indienen(door=regisseur, plan=plan, lock_version=plan.lock_version)
    services.plan_vaststellen(door=demo["procesmanager"], plan=plan)
    nieuw = services.nieuwe_planversie(door=regisseur, casus=plan.casus)
    nieuw = services.plan_indienen(door=regisseur, plan=nieuw, lock_version=nieuw.lock_version)
    services.plan_vaststellen(door=demo["procesmanager"], plan=nieuw)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.VERVANGEN
    with pytest.raises(TransitionNotAllowed):
        services.doel_resultaat_vastleggen(door=regisseur, doel=doel, resultaat="behaald")
