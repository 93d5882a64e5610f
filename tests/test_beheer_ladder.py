"""Functioneel beheer of the escalation ladder and the kinds of escalation (issue 15; docs/beheer.md
§ Escalatieladder, § Soorten escalatie): the services called directly with their refusals, the web forms, and the
history naming the beheerder and the reason."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from bzt.gemeenten import eigen_gemeente
from casusregie import permissions, rechten, referentie
from casusregie import services as casus_services
from casusregie.models import CasusUserObjectPermission, EscalatieNiveau, EscalatieSoort, ExpertTeam
from tests import factories


def fout(error):
    return (
        " ".join(m for ms in error.value.message_dict.values() for m in ms)
        if hasattr(error.value, "error_dict")
        else " ".join(error.value.messages)
    )


def niveau(code):
    return EscalatieNiveau.objects.get(code=code)


# --- the ladder: services --------------------------------------------------------------------------------------


def test_a_new_level_joins_the_ladder_in_order_with_its_answering_role_and_history(demo):
    nieuw = referentie.escalatieniveau_aanmaken(
        door=demo["beheer"],
        code="doorbraakteam",
        naam="Doorbraakteam",
        volgorde=6,
        behandelaars=Group.objects.get(name="procesmanager"),
        reden="AVE doorbraakteam",
    )
    assert [n.code for n in referentie.escalatieniveaus()][-2:] == ["regionale_mandaatcommissie", "doorbraakteam"]
    eigen = eigen_gemeente()
    assert niveau("regionale_mandaatcommissie").volgende(eigen) == nieuw and nieuw.volgende(eigen) is None
    record = nieuw.history.get()
    assert record.history_user == demo["beheer"] and record.history_change_reason == "AVE doorbraakteam"


@pytest.mark.parametrize(
    ("velden", "melding"),
    [
        ({"code": "procesmanager"}, "bestaat al"),
        ({"code": "Met Spatie"}, "kleine letters"),
        ({"naam": " "}, "Vul de naam"),
        ({"naam": "wethouder"}, "al een niveau met deze naam"),
        ({"volgorde": 1}, "heeft deze plaats"),
        ({"volgorde": 0}, "van 1 tot en met 999"),
        ({"behandelaars": None}, "Kies de rol"),
        ({"behandelaars": "meldpunt"}, "kan geen escalaties behandelen"),
    ],
)
def test_a_level_is_refused_with_a_clear_message(demo, velden, melding):
    data = {
        "code": "nieuw",
        "naam": "Nieuw niveau",
        "volgorde": 50,
        "behandelaars": Group.objects.get(name="procesmanager"),
    }
    if isinstance(velden.get("behandelaars"), str):
        velden = {"behandelaars": Group.objects.get(name=velden["behandelaars"])}
    with pytest.raises(ValidationError) as error:
        referentie.escalatieniveau_aanmaken(door=demo["beheer"], **(data | velden))
    assert melding in fout(error)
    assert not EscalatieNiveau.objects.filter(code="nieuw").exists()


def test_only_functioneel_beheer_manages_the_ladder(demo):
    for username in ("procesmanager", "regisseur_dimence"):
        with pytest.raises(PermissionDenied):
            referentie.escalatieniveau_deactiveren(door=demo[username], niveau=niveau("wethouder"), reden="mag niet")
    assert niveau("wethouder").actief


def test_editing_a_level_changes_name_order_and_role_with_a_reason_in_the_history(demo):
    wethouder = niveau("wethouder")
    with pytest.raises(ValidationError) as error:
        referentie.escalatieniveau_wijzigen(
            door=demo["beheer"], niveau=wethouder, naam="Wethouder zorg", volgorde=30,
            behandelaars=wethouder.behandelaars, reden="",
        )  # fmt: skip
    assert "reden" in fout(error)
    groep = Group.objects.get(name="coordinerend_ambtenaar")
    referentie.escalatieniveau_wijzigen(
        door=demo["beheer"], niveau=wethouder, naam="Wethouder zorg", volgorde=30, behandelaars=groep,
        reden="portefeuille verschoven",
    )  # fmt: skip
    wethouder.refresh_from_db()
    assert (wethouder.naam, wethouder.volgorde, wethouder.behandelaars, wethouder.code) == (
        "Wethouder zorg", 30, groep, "wethouder",
    )  # fmt: skip
    record = wethouder.history.order_by("-history_id").first()
    assert record.history_user == demo["beheer"] and record.history_change_reason == "portefeuille verschoven"


def test_a_level_with_open_escalations_waiting_there_cannot_be_deactivated(demo):
    casus = factories.casus(demo)
    factories.vastgesteld_plan(demo, casus)
    escalatie = casus_services.casus_escaleren(
        door=demo["regisseur_dimence"], casus=casus, reden="wachtlijst", vraag="Kan de wachtlijst sneller?"
    )
    assert escalatie.niveau == niveau("procesmanager")
    with pytest.raises(ValidationError) as error:
        referentie.escalatieniveau_deactiveren(door=demo["beheer"], niveau=niveau("procesmanager"), reden="opgeheven")
    assert "1 open escalatie" in fout(error)
    assert niveau("procesmanager").actief
    # Another level without waiting escalations can go.
    referentie.escalatieniveau_deactiveren(door=demo["beheer"], niveau=niveau("wethouder"), reden="opgeheven")
    assert not niveau("wethouder").actief


def test_the_last_active_level_cannot_be_deactivated_and_a_level_comes_back_with_history(demo):
    laatste = niveau("regionale_mandaatcommissie")
    EscalatieNiveau.objects.exclude(pk=laatste.pk).update(actief=False)
    with pytest.raises(ValidationError) as error:
        referentie.escalatieniveau_deactiveren(door=demo["beheer"], niveau=laatste, reden="alles weg")
    assert "laatste actieve niveau" in fout(error)
    wethouder = niveau("wethouder")
    with pytest.raises(ValidationError):
        referentie.escalatieniveau_heractiveren(door=demo["beheer"], niveau=wethouder, reden="ko")  # too short
    referentie.escalatieniveau_heractiveren(door=demo["beheer"], niveau=wethouder, reden="weer nodig")
    referentie.escalatieniveau_deactiveren(door=demo["beheer"], niveau=laatste, reden="commissie opgeheven")
    assert niveau("wethouder").actief and not niveau("regionale_mandaatcommissie").actief
    redenen = [h.history_change_reason for h in EscalatieNiveau.history.filter(history_user=demo["beheer"])]
    assert "heractiveerd: weer nodig" in redenen and "gedeactiveerd: commissie opgeheven" in redenen
    with pytest.raises(ValidationError) as error:
        referentie.escalatieniveau_deactiveren(door=demo["beheer"], niveau=laatste, reden="nog eens")
    assert "al gedeactiveerd" in fout(error)


def test_a_kind_whose_start_level_is_deactivated_starts_at_the_next_active_level(demo):
    juridisch = EscalatieSoort.objects.get(code="juridisch")
    assert juridisch.start_niveau.code == "coordinerend_ambtenaar"
    referentie.escalatieniveau_deactiveren(
        door=demo["beheer"], niveau=niveau("coordinerend_ambtenaar"), reden="functie vervalt"
    )
    assert EscalatieSoort.objects.get(code="juridisch").startniveau(eigen_gemeente()) == niveau("wethouder")


# --- the kinds of escalation: services -------------------------------------------------------------------------


def test_a_kind_is_created_and_edited_only_with_an_active_start_level(demo):
    referentie.escalatieniveau_deactiveren(door=demo["beheer"], niveau=niveau("burgemeester"), reden="tijdelijk")
    with pytest.raises(ValidationError) as error:
        referentie.escalatiesoort_aanmaken(
            door=demo["beheer"], code="huisvesting", naam="Huisvesting", start_niveau=niveau("burgemeester")
        )
    assert "actief niveau" in fout(error)
    with pytest.raises(ValidationError) as error:
        referentie.escalatiesoort_aanmaken(
            door=demo["beheer"], code="stagnatie", naam="Stagnatie twee", start_niveau=niveau("wethouder")
        )
    assert "bestaat al" in fout(error)
    soort = referentie.escalatiesoort_aanmaken(
        door=demo["beheer"], code="huisvesting", naam="Huisvesting", start_niveau=niveau("wethouder"), volgorde=9
    )
    with pytest.raises(ValidationError) as error:
        referentie.escalatiesoort_wijzigen(
            door=demo["beheer"], soort=soort, naam="Huisvesting", start_niveau=niveau("burgemeester"), volgorde=9,
            reden="hoger beginnen",
        )  # fmt: skip
    assert "actief niveau" in fout(error)
    referentie.escalatiesoort_wijzigen(
        door=demo["beheer"], soort=soort, naam="Huisvesting en woonruimte", start_niveau=niveau("procesmanager"),
        volgorde=2, reden="lager beginnen",
    )  # fmt: skip
    soort.refresh_from_db()
    assert (soort.code, soort.naam, soort.start_niveau.code, soort.volgorde) == (
        "huisvesting", "Huisvesting en woonruimte", "procesmanager", 2,
    )  # fmt: skip
    record = soort.history.order_by("-history_id").first()
    assert record.history_user == demo["beheer"] and record.history_change_reason == "lager beginnen"


def test_an_inactive_kind_cannot_be_chosen_and_the_last_active_kind_stays(demo):
    stagnatie = EscalatieSoort.objects.get(code="stagnatie")
    referentie.escalatiesoort_deactiveren(door=demo["beheer"], soort=stagnatie, reden="opgegaan in afspraken")
    casus = factories.casus(demo)
    factories.vastgesteld_plan(demo, casus)
    with pytest.raises(ValidationError):
        casus_services.casus_escaleren(door=demo["regisseur_dimence"], casus=casus, reden="stagnatie", vraag="Hulp?")
    laatste = EscalatieSoort.objects.get(code="veiligheid")
    EscalatieSoort.objects.exclude(pk=laatste.pk).update(actief=False)
    with pytest.raises(ValidationError) as error:
        referentie.escalatiesoort_deactiveren(door=demo["beheer"], soort=laatste, reden="alles weg")
    assert "laatste actieve soort" in fout(error)
    referentie.escalatiesoort_heractiveren(door=demo["beheer"], soort=stagnatie, reden="toch nodig")
    assert EscalatieSoort.objects.get(code="stagnatie").actief
    redenen = list(stagnatie.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert redenen[-2:] == ["gedeactiveerd: opgegaan in afspraken", "heractiveerd: toch nodig"]


# --- the web forms -----------------------------------------------------------------------------------------------


def test_the_ladder_screens_add_edit_and_deactivate_a_level_with_confirmation(client, demo):
    client.force_login(demo["beheer"])
    html = client.get(reverse("beheer:escalatieniveaus")).content.decode()
    assert html.index("Procesmanager") < html.index("Wethouder") < html.index("Regionale mandaatcommissie")
    groep = Group.objects.get(name="procesmanager")
    response = client.post(
        reverse("beheer:escalatieniveau_nieuw"),
        {"code": "doorbraak", "naam": "Doorbraakteam", "volgorde": "1", "behandelaars": groep.pk},
    )
    assert "heeft deze plaats" in response.content.decode()
    response = client.post(
        reverse("beheer:escalatieniveau_nieuw"),
        {"code": "doorbraak", "naam": "Doorbraakteam", "volgorde": "25", "behandelaars": groep.pk},
    )
    assert response.status_code == 302
    nieuw = niveau("doorbraak")
    url = reverse("beheer:escalatieniveau", args=[nieuw.pk])
    data = {"naam": "Doorbraakteam AVE", "volgorde": "26", "behandelaars": groep.pk, "code": "anders"}
    assert "Geef een reden" in client.post(url, data | {"reden": ""}).content.decode()
    assert client.post(url, data | {"reden": "naam volgens AVE"}).status_code == 302
    nieuw.refresh_from_db()
    assert (nieuw.naam, nieuw.volgorde, nieuw.code) == ("Doorbraakteam AVE", 26, "doorbraak")  # code stays
    deactiveren = reverse("beheer:escalatieniveau_deactiveren", args=[nieuw.pk])
    assert "Escalatieniveau deactiveren?" in client.get(deactiveren).content.decode()
    assert niveau("doorbraak").actief  # a GET changes nothing
    assert client.post(deactiveren, {"reden": "team opgeheven"}).status_code == 302
    assert not niveau("doorbraak").actief
    html = client.get(url).content.decode()
    assert "naam volgens AVE" in html and "gedeactiveerd: team opgeheven" in html and "beheer" in html


def test_the_confirmation_page_shows_the_refusal_for_a_level_with_waiting_escalations(client, demo):
    casus = factories.casus(demo)
    factories.vastgesteld_plan(demo, casus)
    casus_services.casus_escaleren(door=demo["regisseur_dimence"], casus=casus, reden="wachtlijst", vraag="Sneller?")
    client.force_login(demo["beheer"])
    response = client.post(
        reverse("beheer:escalatieniveau_deactiveren", args=[niveau("procesmanager").pk]), {"reden": "opgeheven"}
    )
    assert response.status_code == 200 and "open escalatie" in response.content.decode()
    assert niveau("procesmanager").actief


def test_the_kind_screens_create_edit_and_deactivate_a_kind(client, demo):
    client.force_login(demo["beheer"])
    referentie.escalatieniveau_deactiveren(door=demo["beheer"], niveau=niveau("burgemeester"), reden="tijdelijk")
    html = client.get(reverse("beheer:escalatiesoort_nieuw")).content.decode()
    assert "Wethouder" in html and "Burgemeester" not in html  # only active levels offered
    response = client.post(
        reverse("beheer:escalatiesoort_nieuw"),
        {"code": "huisvesting", "naam": "Huisvesting", "start_niveau": niveau("burgemeester").pk, "volgorde": "0"},
    )
    assert "actief niveau" in response.content.decode()
    response = client.post(
        reverse("beheer:escalatiesoort_nieuw"),
        {"code": "huisvesting", "naam": "Huisvesting", "start_niveau": niveau("wethouder").pk, "volgorde": "0"},
    )
    assert response.status_code == 302
    soort = EscalatieSoort.objects.get(code="huisvesting")
    url = reverse("beheer:escalatiesoort", args=[soort.pk])
    client.post(
        url, {"naam": "Huisvesting", "start_niveau": niveau("procesmanager").pk, "volgorde": "4", "reden": "sneller"}
    )
    soort.refresh_from_db()
    assert (soort.start_niveau.code, soort.volgorde) == ("procesmanager", 4)
    deactiveren = reverse("beheer:escalatiesoort_deactiveren", args=[soort.pk])
    assert client.post(deactiveren, {"reden": "valt onder wachtlijst"}).status_code == 302
    html = client.get(reverse("beheer:escalatiesoorten"), {"status": "inactief"}).content.decode()
    assert "Huisvesting" in html and "Stagnatie" not in html
    assert "valt onder wachtlijst" in client.get(url).content.decode()


@pytest.mark.parametrize("naam", ["beheer:escalatieniveaus", "beheer:escalatiesoorten", "beheer:escalatiesoort_nieuw"])
def test_other_roles_get_403_on_the_ladder_screens(client, demo, naam):
    for username in ("procesmanager", "regisseur_dimence", "beleid"):
        client.force_login(demo[username])
        assert client.get(reverse(naam)).status_code == 403


# --- the expert teams ----------------------------------------------------------------------------------------------


def _lid(demo, username="expert_lid"):
    from bzt.audit import acting_as, system_user
    from bzt.models import User

    with acting_as(system_user()):
        return User.objects.create_user(username, organisatie=demo["procesmanager"].organisatie)


def _leest(lid, casus):
    return CasusUserObjectPermission.objects.filter(user=lid, content_object=casus).exists() and (
        permissions.expertvraag_open(lid, casus)
    )


def test_deactivating_a_team_ends_the_members_access_and_reactivating_gives_it_back(demo):
    lid = _lid(demo)
    team = referentie.expertteam_aanmaken(door=demo["beheer"], naam="Verslavingszorg", leden=[lid], reden="")
    casus = factories.casus(demo)
    vraag = casus_services.expertvraag_stellen(
        door=demo["regisseur_dimence"], casus=casus, team=team, vraag="Past klinische opname?"
    )
    assert _leest(lid, casus) and rechten.mag(lid, "expertvraag_beantwoorden", vraag)
    with pytest.raises(ValidationError):
        referentie.expertteam_deactiveren(door=demo["beheer"], team=team, reden="")
    referentie.expertteam_deactiveren(door=demo["beheer"], team=team, reden="team opgeheven")
    assert not ExpertTeam.objects.get(pk=team.pk).actief
    assert not _leest(lid, casus)
    assert not CasusUserObjectPermission.objects.filter(user=lid, content_object=casus).exists()
    assert list(team.leden.all()) == [lid]  # the members stay, for a reactivation
    with pytest.raises(ValidationError) as error:
        referentie.expertteam_deactiveren(door=demo["beheer"], team=team, reden="nog eens")
    assert "al gedeactiveerd" in fout(error)
    referentie.expertteam_heractiveren(door=demo["beheer"], team=team, reden="team weer bemand")
    assert _leest(lid, casus)
    redenen = set(ExpertTeam.history.filter(id=team.pk).values_list("history_change_reason", flat=True))
    assert {"gedeactiveerd: team opgeheven", "heractiveerd: team weer bemand"} <= redenen
    assert set(ExpertTeam.history.filter(id=team.pk).values_list("history_user", flat=True)) == {demo["beheer"].pk}


def test_a_member_taken_out_of_the_team_loses_access_and_edits_need_a_reason(demo):
    lid, ander = _lid(demo), _lid(demo, "expert_ander")
    team = referentie.expertteam_aanmaken(door=demo["beheer"], naam="Schulden", leden=[lid])
    casus = factories.casus(demo)
    casus_services.expertvraag_stellen(door=demo["regisseur_dimence"], casus=casus, team=team, vraag="Schuldhulp?")
    with pytest.raises(ValidationError) as error:
        referentie.expertteam_wijzigen(door=demo["beheer"], team=team, naam="Schulden", leden=[ander], reden="")
    assert "reden" in fout(error)
    referentie.expertteam_wijzigen(
        door=demo["beheer"], team=team, naam="Schulden en inkomen", leden=[ander], reden="wisseling van de wacht"
    )
    assert not _leest(lid, casus) and _leest(ander, casus)
    assert ExpertTeam.objects.get(pk=team.pk).naam == "Schulden en inkomen"
    record = ExpertTeam.history.filter(id=team.pk).order_by("-history_id").first()
    assert record.history_user == demo["beheer"] and record.history_change_reason == "wisseling van de wacht"


def test_expert_team_refusals(demo):
    lid = _lid(demo)
    with pytest.raises(PermissionDenied):
        referentie.expertteam_aanmaken(door=demo["procesmanager"], naam="Eigen team", leden=[lid])
    referentie.expertteam_aanmaken(door=demo["beheer"], naam="Wonen", leden=[lid])
    with pytest.raises(ValidationError) as error:
        referentie.expertteam_aanmaken(door=demo["beheer"], naam="wonen", leden=[])
    assert "al een expertteam" in fout(error)
    with pytest.raises(ValidationError) as error:
        referentie.expertteam_aanmaken(door=demo["beheer"], naam="  ", leden=[])
    assert "naam" in fout(error)
    lid.is_active = False
    lid.save()
    with pytest.raises(ValidationError) as error:
        referentie.expertteam_aanmaken(door=demo["beheer"], naam="Werk", leden=[lid])
    assert "actieve medewerkers" in fout(error)


def test_the_expert_team_screens_search_add_members_and_warn_before_deactivating(client, demo):
    lid = _lid(demo)
    client.force_login(demo["beheer"])
    html = client.get(reverse("beheer:expertteam_nieuw"), {"lid_zoek": "expert_lid"}).content.decode()
    assert f'value="{lid.pk}"' in html
    response = client.post(reverse("beheer:expertteam_nieuw"), {"naam": "Jeugd", "leden": [lid.pk]})
    assert response.status_code == 302
    team = ExpertTeam.objects.get(naam="Jeugd")
    assert list(team.leden.all()) == [lid]
    url = reverse("beheer:expertteam", args=[team.pk])
    html = client.get(url).content.decode()
    assert f'value="{lid.pk}" id="lid_{lid.pk}" checked' in html
    # Taking the member out (no checkbox sent) needs a reason.
    assert "Geef een reden" in client.post(url, {"naam": "Jeugd", "reden": ""}).content.decode()
    assert client.post(url, {"naam": "Jeugd", "reden": "lid vertrokken"}).status_code == 302
    assert not team.leden.exists()
    # A deactivated account cannot be posted as a member.
    ex = _lid(demo, "expert_ex")
    ex.is_active = False
    ex.save()
    response = client.post(url, {"naam": "Jeugd", "leden": [ex.pk], "reden": "poging"})
    assert "Alleen actieve medewerkers" in response.content.decode() and not team.leden.exists()
    deactiveren = reverse("beheer:expertteam_deactiveren", args=[team.pk])
    html = client.get(deactiveren).content.decode()
    assert "Expertteam deactiveren?" in html and "verliezen direct hun leestoegang" in html
    assert ExpertTeam.objects.get(pk=team.pk).actief
    assert client.post(deactiveren, {"reden": "samengevoegd"}).status_code == 302
    assert not ExpertTeam.objects.get(pk=team.pk).actief
    html = client.get(reverse("beheer:expertteams"), {"status": "inactief"}).content.decode()
    assert "Jeugd" in html
    assert "gedeactiveerd: samengevoegd" in client.get(url).content.decode()


# --- concurrency (PostgreSQL) ----------------------------------------------------------------------------------


def _gelijktijdig(eerst, daarna):
    """`eerst` runs in a transaction that stays open a second after it did its write; `daarna` starts meanwhile."""
    import threading
    import time

    from django.db import connection, transaction

    bezig, uitkomst = threading.Event(), {}

    def a():
        try:
            with transaction.atomic():
                eerst()
                bezig.set()
                time.sleep(1)
            uitkomst["a"] = "ok"
        finally:
            bezig.set()
            connection.close()

    def b():
        try:
            bezig.wait(timeout=30)
            daarna()
            uitkomst["b"] = "ok"
        except ValidationError as error:
            uitkomst["b"] = " ".join(error.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return uitkomst


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_level_is_not_deactivated_while_an_escalation_is_being_raised_to_it(demo):
    """The deactivation waits for the escalation's transaction (its foreign key locks the level), then counts it."""
    casus = factories.casus(demo)
    factories.vastgesteld_plan(demo, casus)
    uitkomst = _gelijktijdig(
        lambda: casus_services.casus_escaleren(
            door=demo["regisseur_dimence"], casus=casus, reden="wachtlijst", vraag="Kan het sneller?"
        ),
        lambda: referentie.escalatieniveau_deactiveren(
            door=demo["beheer"], niveau=niveau("procesmanager"), reden="opgeheven"
        ),
    )
    assert uitkomst["a"] == "ok"
    assert "open escalatie" in uitkomst["b"]
    assert niveau("procesmanager").actief


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_beheerders_deactivating_the_last_two_levels_at_once_leave_one(demo):
    EscalatieNiveau.objects.exclude(code__in=["wethouder", "burgemeester"]).update(actief=False)
    uitkomst = _gelijktijdig(
        lambda: referentie.escalatieniveau_deactiveren(
            door=demo["beheer"], niveau=niveau("wethouder"), reden="opgeheven"
        ),
        lambda: referentie.escalatieniveau_deactiveren(
            door=demo["beheer"], niveau=niveau("burgemeester"), reden="ook weg"
        ),
    )
    assert uitkomst["a"] == "ok"
    assert "laatste actieve niveau" in uitkomst["b"]
    assert EscalatieNiveau.objects.filter(actief=True).count() == 1
