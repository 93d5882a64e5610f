"""Notifications (keten/notificaties.py): per kind who gets it and who does not, never someone who may not see
what it is about, never the one who did it, once per key; after commit only; the list, the count and opening one.
The e-mail over a real SMTP server: tests/test_notificatie_mail.py."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bzt.models import Notificatie
from casusregie import services as cs
from casusregie.models import EscalatieNiveau
from keten.notificaties import attenties_berekenen
from mdo import services as mdo_services
from tests import factories


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block as if its transaction committed: the notifications are made after commit."""

    class Runner:
        def __call__(self, function, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return function(*args, **kwargs)

    return Runner()


def teksten(user):
    return list(Notificatie.objects.filter(ontvanger=user).values_list("tekst", flat=True))


def test_the_casusregisseur_is_told_a_casus_is_assigned_and_the_procesmanager_who_did_it_is_not(demo, committed):
    c = committed(factories.casus, demo)
    assert teksten(demo["regisseur_dimence"]) == [f"Casus {c.nummer} is aan u toegewezen als casusregisseur."]
    assert teksten(demo["procesmanager"]) == []
    assert teksten(demo["regisseur_tactus"]) == []
    notificatie = Notificatie.objects.get(ontvanger=demo["regisseur_dimence"])
    assert notificatie.link == reverse("casusregie:dossier", args=[c.pk])


def test_nothing_is_told_when_the_change_is_rolled_back(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            factories.casus(demo)
            transaction.set_rollback(True)
    assert callbacks == [] or not Notificatie.objects.exists()
    assert not Notificatie.objects.exists()


def test_a_betrokkene_is_told_and_the_texts_never_name_a_person(demo, committed):
    c = factories.casus(demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam="Zichtbaarman"))])
    committed(
        cs.betrokkene_toevoegen,
        door=demo["regisseur_dimence"],
        casus=c,
        professional=demo["regisseur_tactus"],
        rol="Verslavingszorg",
        grondslag="convenant",
    )
    assert teksten(demo["regisseur_tactus"]) == [f"U bent als professional betrokken bij casus {c.nummer}."]
    assert not Notificatie.objects.filter(tekst__icontains="Zichtbaarman").exists()


def test_an_escalation_reaches_its_level_and_the_answer_reaches_the_regisseur(demo, committed):
    c = factories.casus(demo)
    factories.vastgesteld_plan(demo, c)
    Notificatie.objects.all().delete()
    escalatie = committed(cs.casus_escaleren, door=demo["regisseur_dimence"], casus=c, reden="stagnatie", vraag="Hulp")
    assert teksten(demo["procesmanager"]) == [f"Er is een escalatie op uw niveau: casus {c.nummer}."]
    assert teksten(demo["coordinator"]) == [] and teksten(demo["wethouder"]) == []
    assert teksten(demo["regisseur_dimence"]) == []  # who escalated is not told of their own escalation

    naar = EscalatieNiveau.objects.get(code="coordinerend_ambtenaar")
    committed(cs.escalatie_opschalen, door=demo["procesmanager"], escalatie=escalatie, naar=naar, toelichting="Hoger")
    assert teksten(demo["coordinator"]) == [f"Er is een escalatie op uw niveau: casus {c.nummer}."]
    assert f"Uw escalatie in casus {c.nummer} is verder opgeschaald." in teksten(demo["regisseur_dimence"])

    escalatie.refresh_from_db()
    committed(cs.escalatie_beantwoorden, door=demo["coordinator"], escalatie=escalatie, antwoord="Ja", besluit="Doen")
    assert f"Er is een antwoord op uw escalatie in casus {c.nummer}." in teksten(demo["regisseur_dimence"])
    assert teksten(demo["wethouder"]) == []


def test_an_answer_does_not_reach_a_former_regisseur_who_may_no_longer_see_the_casus(demo, committed):
    c = factories.casus(demo)
    factories.vastgesteld_plan(demo, c)
    escalatie = cs.casus_escaleren(door=demo["regisseur_dimence"], casus=c, reden="stagnatie", vraag="Hulp")
    cs.casus_overdragen(door=demo["procesmanager"], casus=c, nieuwe_regisseur=demo["regisseur_tactus"], reden="ziek")
    Notificatie.objects.all().delete()
    committed(cs.escalatie_beantwoorden, door=demo["procesmanager"], escalatie=escalatie, antwoord="Ja", besluit="Doen")
    assert teksten(demo["regisseur_dimence"]) == []  # started it, but lost access with the transfer
    assert teksten(demo["regisseur_tactus"]) == [f"Er is een antwoord op uw escalatie in casus {c.nummer}."]


def test_the_regisseur_is_told_when_the_plan_is_approved(demo, committed):
    c = factories.casus(demo)
    Notificatie.objects.all().delete()
    committed(factories.vastgesteld_plan, demo, c)
    assert teksten(demo["regisseur_dimence"]) == [f"Het plan van aanpak van casus {c.nummer} is vastgesteld."]


def test_the_meldpunt_is_told_of_the_mdo_besluit_on_its_melding(demo, committed):
    m = factories.mdo_melding(demo)
    committed(cs.casus_toewijzen, door=demo["procesmanager"], melding=m, casusregisseur=demo["regisseur_dimence"])
    assert teksten(demo["meldpunt"]) == [
        f"Het MDO heeft over melding {m.nummer} besloten: er is een casusregisseur. Koppel terug aan de melder."
    ]
    verwezen = factories.mdo_melding(demo)
    overleg = factories.overleg(demo)
    punt = overleg.agendapunten.get(melding=verwezen)
    committed(mdo_services.besluit_regulier, door=demo["procesmanager"], punt=punt, notulen="Naar de huisarts")
    assert f"Het MDO heeft over melding {verwezen.nummer} besloten: verwezen naar reguliere zorg. " in " ".join(
        teksten(demo["meldpunt"])
    )


def test_a_new_melding_about_the_household_reaches_its_casusregisseur_only(demo, committed):
    c = factories.casus(demo)
    persoon = c.melding.betrokkenen.get().persoon
    Notificatie.objects.all().delete()
    committed(factories.melding, demo["meldpunt"], huishouden=[("hoofdpersoon", persoon)])
    assert teksten(demo["regisseur_dimence"]) == [
        f"Er is een nieuwe melding binnengekomen over het huishouden van casus {c.nummer}."
    ]
    assert teksten(demo["regisseur_tactus"]) == [] and teksten(demo["meldpunt"]) == []


def test_due_actions_and_ending_access_are_told_once(demo, committed):
    c = factories.casus(demo)
    plan = factories.vastgesteld_plan(demo, c)
    actie = plan.acties.get()
    betrokkene = cs.betrokkene_toevoegen(
        door=demo["regisseur_dimence"],
        casus=c,
        professional=demo["regisseur_tactus"],
        rol="Verslavingszorg",
        grondslag="convenant",
        einddatum=timezone.localdate() + timedelta(days=5),
    )
    Notificatie.objects.all().delete()
    vandaag = actie.deadline + timedelta(days=1)  # the action is overdue; the betrokkenheid ended earlier
    assert attenties_berekenen(vandaag=actie.deadline - timedelta(days=1)) == 1
    assert attenties_berekenen(vandaag=actie.deadline - timedelta(days=1)) == 0  # once per key
    assert attenties_berekenen(vandaag=vandaag) == 1  # now overdue: a new key
    assert [t.split(" (")[0] for t in teksten(demo["regisseur_dimence"])] == [
        f"Een actie in het plan van casus {c.nummer} is verlopen",
        f"Een actie in het plan van casus {c.nummer} verloopt bijna",
    ]
    assert attenties_berekenen(vandaag=timezone.localdate()) == 1
    assert teksten(demo["regisseur_tactus"]) == [
        f"Uw betrokkenheid bij casus {c.nummer} eindigt op {betrokkene.einddatum:%d-%m-%Y}."
    ]


def test_the_list_the_header_count_and_opening_marks_read(client, demo, committed):
    c = committed(factories.casus, demo)
    regisseur = demo["regisseur_dimence"]
    client.force_login(regisseur)
    home = client.get(reverse("home")).content.decode()
    assert 'aria-label="1 ongelezen"' in home
    lijst = client.get(reverse("notificaties")).content.decode()
    assert f"Casus {c.nummer} is aan u toegewezen" in lijst
    notificatie = Notificatie.objects.get(ontvanger=regisseur)
    response = client.get(reverse("notificatie_openen", args=[notificatie.pk]))
    assert response.status_code == 302 and response.url == reverse("casusregie:dossier", args=[c.pk])
    notificatie.refresh_from_db()
    assert notificatie.gelezen_op is not None
    assert "U heeft geen ongelezen berichten." in client.get(reverse("notificaties")).content.decode()
    assert 'ongelezen"' not in client.get(reverse("home")).content.decode().split("<main")[0]
    client.force_login(demo["regisseur_tactus"])
    assert client.get(reverse("notificatie_openen", args=[notificatie.pk])).status_code == 404


def test_a_link_outside_bzt_is_never_followed(client, demo):
    n = Notificatie.objects.create(ontvanger=demo["meldpunt"], soort="x", tekst="x", link="https://evil.example/")
    client.force_login(demo["meldpunt"])
    assert client.get(reverse("notificatie_openen", args=[n.pk])).url == reverse("notificaties")


def test_the_mail_setting_is_saved_with_the_acting_user(client, demo):
    client.force_login(demo["meldpunt"])
    response = client.post(reverse("notificatie_instellingen"), {"notificatie_mail": "dagelijks"})
    assert response.status_code == 302
    demo["meldpunt"].refresh_from_db()
    assert demo["meldpunt"].notificatie_mail == "dagelijks"
    assert demo["meldpunt"].history.first().history_user == demo["meldpunt"]
    fout = client.post(reverse("notificatie_instellingen"), {"notificatie_mail": "elk-uur"}).content.decode()
    assert "Selecteer een geldige keuze" in fout


def test_a_melding_joined_to_the_open_casus_reaches_its_regisseur(demo, committed):
    from casusregie.services import melding_bij_casus_voegen

    c = factories.casus(demo)
    persoon = c.melding.betrokkenen.get().persoon
    nieuw = factories.melding(demo["meldpunt"], huishouden=[("hoofdpersoon", persoon)])
    Notificatie.objects.all().delete()
    committed(melding_bij_casus_voegen, door=demo["meldpunt"], melding=nieuw)
    assert teksten(demo["regisseur_dimence"]) == [
        f"Er is een melding over het huishouden toegevoegd aan casus {c.nummer}."
    ]
    assert teksten(demo["meldpunt"]) == []  # the meldpunt did it itself


def test_a_question_to_an_expert_team_reaches_its_members(demo, committed):
    from bzt.audit import acting_as, system_user
    from bzt.models import User

    with acting_as(system_user()):
        lid = User.objects.create_user("expert_n", organisatie=demo["procesmanager"].organisatie)
    team = cs.expertteam_opslaan(door=demo["beheer"], naam="Expertiseteam", leden=[lid])
    c = factories.casus(demo)
    Notificatie.objects.all().delete()
    committed(cs.expertvraag_stellen, door=demo["regisseur_dimence"], casus=c, team=team, vraag="Beschermd wonen?")
    assert teksten(lid) == [
        f"Er is een vraag aan uw expertteam over casus {c.nummer}; u kunt de casus lezen tot de vraag beantwoord is."
    ]
    assert teksten(demo["regisseur_dimence"]) == []


def test_nazorg_due_reaches_the_former_regisseur_only_and_once(demo, committed):
    from bzt.audit import acting_as, system_user
    from casusregie.models import Nazorg

    c = factories.casus(demo)
    with acting_as(system_user()):  # as casus_afsluiten makes it, due today
        nazorg = Nazorg.objects.create(casus=c, op=timezone.localdate(), regisseur=demo["regisseur_dimence"])
    Notificatie.objects.all().delete()
    assert attenties_berekenen() == 1 and attenties_berekenen() == 0
    assert teksten(demo["regisseur_dimence"]) == [
        f"Nazorg voor casus {c.nummer}: vraag na hoe het gaat en leg de uitkomst vast."
    ]
    assert teksten(demo["procesmanager"]) == [] and teksten(demo["regisseur_tactus"]) == []
    assert nazorg.pk
