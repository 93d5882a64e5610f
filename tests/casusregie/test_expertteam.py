"""Expert-team consultation (seed 000 "consultatieteam", seed 003 "expertiseteam"): a casusregisseur asks a
configured expert team about their casus; the members read the casus only while the question is open and answer
in the dossier; the answer is in the dossier's timeline. CONTRACT.md: "Only accounts whose role is casus work
(casusregisseur; and, per casus, expert-team members answering a question) can hold a per-casus grant"."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from bzt.audit import acting_as, system_user
from bzt.auth.services import tweestaps_verplicht
from bzt.models import User
from bzt.workflow import TransitionNotAllowed
from casusregie import permissions, selectors, services
from casusregie.models import AfsluitReden, CasusToegang, CasusUserObjectPermission, ExpertVraag
from casusregie.timeline import tijdlijn
from tests import factories
from tests.helpers import force_login_without_2fa


def sees(user, casus):
    user = User.objects.get(pk=user.pk)
    return selectors.casussen_for(user).filter(pk=casus.pk).exists()


def _medewerker(demo, username):
    """An account of an organisation without a casus-work role (not a casusregisseur)."""
    with acting_as(system_user()):
        return User.objects.create_user(
            username, organisatie=demo["procesmanager"].organisatie, first_name="Eva", last_name=username.title()
        )


@pytest.fixture
def team(demo):
    lid = _medewerker(demo, "expert_lid")
    return services.expertteam_opslaan(door=demo["beheer"], naam="Expertiseteam OGGZ", leden=[lid])


@pytest.fixture
def lid(team):
    return team.leden.get()


def _vraag(demo, casus, team, tekst="Is beschermd wonen passend?"):
    return services.expertvraag_stellen(door=demo["regisseur_dimence"], casus=casus, team=team, vraag=tekst)


def test_a_member_reads_the_casus_only_while_the_question_is_open(demo, team, lid):
    c = factories.casus(demo)
    niet_lid = _medewerker(demo, "geen_lid")
    assert not sees(lid, c) and not sees(niet_lid, c)
    with pytest.raises(ValidationError):  # no grant before a question: not casus work
        permissions.grant(c, lid, permissions.LEZEN, door=demo["procesmanager"], reden="zomaar")

    vraag = _vraag(demo, c, team)
    assert sees(lid, c) and not sees(niet_lid, c)
    assert User.objects.get(pk=lid.pk).has_perm("casusregie.view_casus", c)
    assert not User.objects.get(pk=lid.pk).has_perm("casusregie.change_casus", c)  # read only
    with pytest.raises(ValidationError):  # the exception is read access for this casus only
        permissions.grant(c, lid, permissions.LEZEN_EN_SCHRIJVEN, door=demo["procesmanager"], reden="x")
    assert CasusToegang.objects.filter(casus=c, gebruiker=lid, actie="verleend").exists()

    services.expertvraag_beantwoorden(door=lid, vraag=vraag, antwoord="Ja, met begeleiding van Iriszorg.")
    vraag.refresh_from_db()
    assert vraag.status == ExpertVraag.Status.BEANTWOORD and vraag.beantwoord_door == lid
    assert not sees(lid, c) and not sees(niet_lid, c)
    assert not CasusUserObjectPermission.objects.filter(user=lid, content_object=c).exists()
    ingetrokken = CasusToegang.objects.get(casus=c, gebruiker=lid, actie="ingetrokken")
    assert "beantwoord" in ingetrokken.reden and ingetrokken.door == lid
    # the regisseur keeps every right
    assert User.objects.get(pk=demo["regisseur_dimence"].pk).has_perm("casusregie.change_casus", c)


def test_a_member_never_sees_other_casussen_and_only_members_answer(demo, team, lid):
    c, ander = factories.casus(demo), factories.casus(demo, regisseur="regisseur_tactus")
    vraag = _vraag(demo, c, team)
    assert not sees(lid, ander)
    for wie in ("regisseur_dimence", "procesmanager", "regisseur_tactus"):
        with pytest.raises(PermissionDenied):
            services.expertvraag_beantwoorden(door=demo[wie], vraag=vraag, antwoord="Nee.")
    with pytest.raises(ValidationError):
        services.expertvraag_beantwoorden(door=lid, vraag=vraag, antwoord="  ")
    services.expertvraag_beantwoorden(door=lid, vraag=vraag, antwoord="Ja.")
    with pytest.raises(TransitionNotAllowed, match="al beantwoord"):
        services.expertvraag_beantwoorden(door=lid, vraag=vraag, antwoord="Nog iets.")


def test_only_who_may_change_the_casus_asks_and_only_an_active_team_with_members(demo, team):
    c = factories.casus(demo)
    for wie in ("regisseur_tactus", "procesmanager", "coordinator"):
        with pytest.raises(PermissionDenied):
            services.expertvraag_stellen(door=demo[wie], casus=c, team=team, vraag="Vraag")
    with pytest.raises(ValidationError, match="Schrijf de vraag"):
        services.expertvraag_stellen(door=demo["regisseur_dimence"], casus=c, team=team, vraag=" ")
    leeg = services.expertteam_opslaan(door=demo["beheer"], naam="Leeg team", leden=[])
    with pytest.raises(ValidationError, match="geen leden"):
        _vraag(demo, c, leeg)
    services.expertteam_opslaan(door=demo["beheer"], naam=team.naam, leden=team.leden.all(), actief=False, team=team)
    with pytest.raises(ValidationError, match="niet actief"):
        _vraag(demo, c, team)
    with pytest.raises(PermissionDenied):
        services.expertteam_opslaan(door=demo["regisseur_dimence"], naam="Eigen team", leden=[])


def test_leaving_the_team_or_an_inactive_team_ends_the_access_at_once(demo, team, lid):
    c = factories.casus(demo)
    _vraag(demo, c, team)
    assert sees(lid, c)
    services.expertteam_opslaan(door=demo["beheer"], naam=team.naam, leden=[], team=team)
    assert not sees(lid, c)
    assert not CasusUserObjectPermission.objects.filter(user=lid, content_object=c).exists()
    services.expertteam_opslaan(door=demo["beheer"], naam=team.naam, leden=[lid], team=team)
    assert sees(lid, c)  # back in the team while the question is open
    services.expertteam_opslaan(door=demo["beheer"], naam=team.naam, leden=[lid], actief=False, team=team)
    assert not sees(lid, c)


def test_a_closed_casus_is_not_read_through_an_open_question(demo, team, lid):
    c = factories.casus(demo)
    vraag = _vraag(demo, c, team)
    c = factories.afsluitklaar(demo, c)
    services.casus_afsluiten(
        door=demo["regisseur_dimence"], casus=c, reden=AfsluitReden.objects.get(code="doel_bereikt")
    )
    assert not sees(lid, c)
    with pytest.raises(TransitionNotAllowed):
        services.expertvraag_beantwoorden(door=lid, vraag=vraag, antwoord="Te laat.")


def test_a_member_who_also_works_in_the_casus_keeps_that_access_after_answering(demo):
    c = factories.casus(demo)
    services.betrokkene_toevoegen(
        door=demo["regisseur_dimence"],
        casus=c,
        professional=demo["regisseur_iriszorg"],
        rol="Woonbegeleider",
        grondslag="convenant",
    )
    team = services.expertteam_opslaan(
        door=demo["beheer"], naam="Consultatieteam", leden=[demo["regisseur_iriszorg"], demo["regisseur_mee"]]
    )
    vraag = _vraag(demo, c, team)
    assert sees(demo["regisseur_mee"], c)
    services.expertvraag_beantwoorden(door=demo["regisseur_mee"], vraag=vraag, antwoord="Advies gegeven.")
    assert sees(demo["regisseur_iriszorg"], c)  # still a betrokkene
    assert not sees(demo["regisseur_mee"], c)


def test_two_open_questions_keep_the_access_until_both_are_answered(demo, team, lid):
    c = factories.casus(demo)
    eerste, tweede = _vraag(demo, c, team, "Eerste vraag"), _vraag(demo, c, team, "Tweede vraag")
    services.expertvraag_beantwoorden(door=lid, vraag=eerste, antwoord="Antwoord een.")
    assert sees(lid, c)
    services.expertvraag_beantwoorden(door=lid, vraag=tweede, antwoord="Antwoord twee.")
    assert not sees(lid, c)
    assert not CasusUserObjectPermission.objects.filter(user=lid, content_object=c).exists()


def test_the_question_and_the_answer_are_in_the_timeline(demo, team, lid):
    c = factories.casus(demo)
    vraag = _vraag(demo, c, team, "Is beschermd wonen passend?")
    services.expertvraag_beantwoorden(door=lid, vraag=vraag, antwoord="Ja, met begeleiding.")
    teksten = [e.tekst for e in tijdlijn(c) if e.soort == "expertteam"]
    assert "Vraag aan Expertiseteam OGGZ: Is beschermd wonen passend?" in teksten
    assert any("Antwoord van Expertiseteam OGGZ" in t and "Ja, met begeleiding." in t for t in teksten)


def test_members_of_an_active_team_need_2fa(demo, team, lid):
    niet_lid = _medewerker(demo, "geen_lid")
    assert tweestaps_verplicht(User.objects.get(pk=lid.pk))
    assert not tweestaps_verplicht(User.objects.get(pk=niet_lid.pk))


def test_a_member_without_the_second_factor_does_not_get_into_the_dossier(client, demo, team, lid):
    c = factories.casus(demo)
    _vraag(demo, c, team)
    force_login_without_2fa(client, lid)
    response = client.get(reverse("casusregie:dossier", args=[c.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("tweestaps_controleren"))


def test_a_role_change_of_a_member_keeps_the_access_of_the_open_question(demo, team, lid):
    c = factories.casus(demo)
    _vraag(demo, c, team)
    n = services.casusrechten_intrekken(door=demo["beheer"], gebruiker=lid, reden="rol gewijzigd")
    assert n == 0 and sees(lid, c)


# --- the web: the regisseur asks, the member answers in the dossier ------------------------------------------


def test_web_the_regisseur_asks_the_member_answers_and_loses_access(client, demo, team, lid):
    c = factories.casus(demo)
    dossier = reverse("casusregie:dossier", args=[c.pk])
    client.force_login(demo["regisseur_dimence"])
    page = client.get(dossier)
    assert page.context["mag_expertvraag_stellen"] and "Een expertteam om advies vragen" in page.content.decode()

    response = client.post(
        reverse("casusregie:expertvraag_stellen", args=[c.pk]), {"expertvraag-team": "", "expertvraag-vraag": ""}
    )
    assert response.status_code == 200
    assert "Kies het expertteam dat u de vraag stelt." in response.content.decode()
    response = client.post(
        reverse("casusregie:expertvraag_stellen", args=[c.pk]),
        {"expertvraag-team": team.pk, "expertvraag-vraag": "Welke woonvorm past?"},
    )
    assert response.status_code == 302
    vraag = ExpertVraag.objects.get(casus=c)

    client.force_login(lid)
    lijst = client.get(reverse("casusregie:expertvragen"))
    assert lijst.status_code == 200 and c.nummer in lijst.content.decode()
    page = client.get(dossier)
    assert page.status_code == 200 and "Antwoord geven" in page.content.decode()
    assert not page.context["mag_wijzigen"] and not page.context["mag_expertvraag_stellen"]
    antwoord = reverse("casusregie:expertvraag_beantwoorden", args=[vraag.pk])
    response = client.post(antwoord, {"expertantwoord-antwoord": ""})
    assert response.status_code == 200 and "Schrijf het antwoord op de vraag." in response.content.decode()
    response = client.post(antwoord, {"expertantwoord-antwoord": "Beschermd wonen bij Iriszorg."})
    assert response.status_code == 302
    assert client.get(dossier).status_code == 404
    assert client.get(reverse("casusregie:expertvragen")).content.decode().count(c.nummer) == 0

    client.force_login(demo["regisseur_dimence"])
    page = client.get(dossier).content.decode()
    assert "Beschermd wonen bij Iriszorg." in page


def test_web_a_non_member_and_another_regisseur_get_nothing(client, demo, team, lid):
    c = factories.casus(demo)
    vraag = _vraag(demo, c, team)
    niet_lid = _medewerker(demo, "geen_lid")
    antwoord = reverse("casusregie:expertvraag_beantwoorden", args=[vraag.pk])
    for user in (niet_lid, demo["regisseur_tactus"]):
        client.force_login(user)
        assert client.get(reverse("casusregie:dossier", args=[c.pk])).status_code == 404
        assert client.post(antwoord, {"expertantwoord-antwoord": "Ik weet het."}).status_code == 404
        assert client.get(reverse("casusregie:expertvragen")).status_code == 403
    client.force_login(demo["regisseur_dimence"])  # sees the question, may not answer it
    assert client.post(antwoord, {"expertantwoord-antwoord": "Zelf gedaan."}).status_code == 403
    client.force_login(demo["regisseur_tactus"])
    response = client.post(
        reverse("casusregie:expertvraag_stellen", args=[c.pk]),
        {"expertvraag-team": team.pk, "expertvraag-vraag": "Mag ik meekijken?"},
    )
    assert response.status_code == 404
    vraag.refresh_from_db()
    assert vraag.open and ExpertVraag.objects.filter(casus=c).count() == 1


def test_a_member_finds_the_open_question_on_the_start_page(client, demo, team, lid):
    c = factories.casus(demo)
    vraag = _vraag(demo, c, team)
    client.force_login(lid)
    assert c.nummer in client.get(reverse("home")).content.decode()
    services.expertvraag_beantwoorden(door=lid, vraag=vraag, antwoord="Gedaan.")
    body = client.get(reverse("home")).content.decode()
    assert c.nummer not in body and "Er staan geen vragen open voor uw expertteam." in body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_members_answering_at_once_give_one_answer(demo):
    """The row lock of the transition: the second member waits, then finds the question answered."""
    import threading
    import time

    from django.db import connection, transaction

    tweede_lid = _medewerker(demo, "tweede_lid")
    eerste_lid = _medewerker(demo, "eerste_lid")
    team = services.expertteam_opslaan(door=demo["beheer"], naam="Team", leden=[eerste_lid, tweede_lid])
    c = factories.casus(demo)
    vraag = _vraag(demo, c, team)
    bezig, results = threading.Event(), {}

    def eerste():
        try:
            with transaction.atomic():
                services.expertvraag_beantwoorden(
                    door=eerste_lid, vraag=ExpertVraag.objects.get(pk=vraag.pk), antwoord="Eerste antwoord."
                )
                bezig.set()
                time.sleep(1)
            results["eerste"] = "ok"
        finally:
            bezig.set()
            connection.close()

    def tweede():
        try:
            bezig.wait(timeout=30)
            services.expertvraag_beantwoorden(
                door=tweede_lid, vraag=ExpertVraag.objects.get(pk=vraag.pk), antwoord="Tweede antwoord."
            )
            results["tweede"] = "ok"
        except TransitionNotAllowed:
            results["tweede"] = "geweigerd"
        finally:
            connection.close()

    threads = [threading.Thread(target=eerste), threading.Thread(target=tweede)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == {"eerste": "ok", "tweede": "geweigerd"}
    vraag.refresh_from_db()
    assert vraag.antwoord == "Eerste antwoord." and vraag.beantwoord_door == eerste_lid
    assert not sees(eerste_lid, c) and not sees(tweede_lid, c)
