"""Functioneel beheer: accounts and organisations (bzt.beheer, docs/beheer.md).

The rules are tested on the services directly (every path goes through them) and through the web forms; every
write leaves a history row naming the beheerder and the reason."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from bzt import beheer
from bzt.audit import acting_as, system_user
from bzt.auth.services import tweestaps_verplicht
from bzt.models import Organisatie, User
from bzt.services import inactive_accounts
from tests import factories
from tests.helpers import totp_device

WACHTWOORD = "Een-lang-nieuw-wachtwoord-42"

# An organisation of seed_demo without accounts (the police has the partner_melder demo account since issue 19).
ZONDER_ACCOUNTS = "Onderwijs (Samenwerkingsverband Deventer)"


def nieuw_account(demo, **changes):
    values = {
        "username": "nieuwe_regisseur",
        "first_name": "Noor",
        "last_name": "Nieuw",
        "email": "noor@bzt.example",
        "organisatie": Organisatie.objects.get(naam="Iriszorg"),
        "rollen": ["casusregisseur"],
    }
    values.update(changes)
    return beheer.account_aanmaken(door=demo["beheer"], **values)


def fout(error):
    return (
        " ".join(m for ms in error.value.message_dict.values() for m in ms)
        if hasattr(error.value, "error_dict")
        else " ".join(error.value.messages)
    )


# --- accounts: services ---------------------------------------------------------------------------------------


def test_a_new_account_has_no_password_its_role_and_a_history_row_naming_the_beheerder(demo):
    nieuw = nieuw_account(demo)
    gebruiker = User.objects.get(username="nieuwe_regisseur")
    assert not gebruiker.has_usable_password()
    assert list(gebruiker.groups.values_list("name", flat=True)) == ["casusregisseur"]
    assert not gebruiker.is_superuser and not gebruiker.is_staff
    record = gebruiker.history.get()
    assert record.history_user == demo["beheer"]
    assert "account aangemaakt" in record.history_change_reason and "casusregisseur" in record.history_change_reason
    assert nieuw.inloglink.startswith("/account/wachtwoord-instellen/")


def test_the_one_time_link_sets_a_password_once(client, demo):
    nieuw = nieuw_account(demo)
    response = client.get(nieuw.inloglink)
    assert response.status_code == 302  # Django moves the token into the session
    response = client.post(response.url, {"new_password1": WACHTWOORD, "new_password2": WACHTWOORD})
    assert response.status_code == 302 and response.url == reverse("beheer:wachtwoord_ingesteld")
    gebruiker = User.objects.get(username="nieuwe_regisseur")
    assert gebruiker.check_password(WACHTWOORD)
    # The link is used up: a second visit says so and sets nothing.
    client.logout()
    response = client.get(nieuw.inloglink, follow=True)
    assert "Deze link werkt niet (meer)" in response.content.decode()


def test_the_link_refuses_a_weak_password_in_dutch(client, demo):
    nieuw = nieuw_account(demo)
    url = client.get(nieuw.inloglink).url
    response = client.post(url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dit wachtwoord is te kort: gebruik minstens 12 tekens." in html and "alleen cijfers" in html
    assert not User.objects.get(username="nieuwe_regisseur").has_usable_password()


def test_a_new_account_is_refused_with_clear_dutch_reasons(demo):
    inactief = Organisatie.objects.get(naam=ZONDER_ACCOUNTS)
    beheer.organisatie_deactiveren(door=demo["beheer"], organisatie=inactief, reden="convenant opgezegd")
    with pytest.raises(ValidationError) as error:
        nieuw_account(demo, username="MELDPUNT", organisatie=inactief, rollen=[], email="geen-adres")
    messages = error.value.message_dict
    assert "bestaat al" in messages["username"][0]
    assert "gedeactiveerd" in messages["organisatie"][0]
    assert messages["rollen"] == ["Kies minstens één rol."]
    assert messages["email"] == ["Dit is geen geldig e-mailadres."]
    with pytest.raises(ValidationError) as error:
        nieuw_account(demo, rollen=["functioneel_beheer", "meldpunt"])
    assert "functiescheiding" in error.value.message_dict["rollen"][0]
    with pytest.raises(ValidationError) as error:
        nieuw_account(demo, rollen=["superuser"])
    assert "Onbekende rol" in error.value.message_dict["rollen"][0]
    assert not User.objects.filter(username="nieuwe_regisseur").exists()


@pytest.mark.parametrize("wie", ["meldpunt", "procesmanager", "beleid", "privacy"])
def test_only_functioneel_beheer_may_manage_accounts(demo, wie):
    door = demo.get(wie) or User.objects.get(username="privacy")
    with pytest.raises(PermissionDenied):
        beheer.account_aanmaken(
            door=door,
            username="x",
            first_name="X",
            last_name="Y",
            email="x@bzt.example",
            organisatie=door.organisatie,
            rollen=["meldpunt"],
        )
    with pytest.raises(PermissionDenied):
        beheer.account_deactiveren(door=door, gebruiker=demo["regisseur_tactus"], reden="niet toegestaan")


def test_beheer_cannot_change_their_own_roles_nor_deactivate_or_reset_themselves(demo):
    zelf = demo["beheer"]
    with pytest.raises(ValidationError) as error:
        beheer.account_wijzigen(
            door=zelf,
            gebruiker=zelf,
            first_name=zelf.first_name,
            last_name=zelf.last_name,
            email=zelf.email,
            organisatie=zelf.organisatie,
            rollen=["meldpunt"],
            reden="ik wil meekijken",
        )
    assert "eigen rollen" in error.value.message_dict["rollen"][0]
    with pytest.raises(ValidationError, match="eigen account"):
        beheer.account_deactiveren(door=zelf, gebruiker=zelf, reden="uit dienst")
    with pytest.raises(ValidationError, match="eigen tweestapsverificatie"):
        beheer.tweestaps_resetten(door=zelf, gebruiker=zelf, reden="telefoon kwijt")
    zelf.refresh_from_db()
    assert zelf.is_active and list(zelf.groups.values_list("name", flat=True)) == ["functioneel_beheer"]
    # Their own name may be corrected.
    beheer.account_wijzigen(
        door=zelf,
        gebruiker=zelf,
        first_name="Beheerder",
        last_name=zelf.last_name,
        email=zelf.email,
        organisatie=zelf.organisatie,
        rollen=["functioneel_beheer"],
        reden="naam gecorrigeerd",
    )
    assert User.objects.get(pk=zelf.pk).first_name == "Beheerder"


def test_operator_accounts_are_outside_functioneel_beheer(demo):
    with acting_as(system_user()):
        operator = User.objects.create_superuser("operator", "op@bzt.example", WACHTWOORD)
    assert operator not in beheer.accounts_zoeken()
    with pytest.raises(PermissionDenied):
        beheer.account_deactiveren(door=demo["beheer"], gebruiker=operator, reden="opruimen")
    with pytest.raises(PermissionDenied):
        beheer.tweestaps_resetten(door=demo["beheer"], gebruiker=system_user(), reden="opruimen")


def test_edit_needs_a_reason_and_records_the_role_change(demo):
    doel = demo["meldpunt2"]
    args = {
        "first_name": "Mila",
        "last_name": doel.last_name,
        "email": "mila@bzt.example",
        "organisatie": Organisatie.objects.get(naam="GGD IJsselland"),
        "rollen": ["procesmanager"],
    }
    with pytest.raises(ValidationError) as error:
        beheer.account_wijzigen(door=demo["beheer"], gebruiker=doel, reden="  ", **args)
    assert "reden" in error.value.message_dict
    beheer.account_wijzigen(door=demo["beheer"], gebruiker=doel, reden="TOPdesk 815: nieuwe functie", **args)
    doel = User.objects.get(pk=doel.pk)
    assert doel.first_name == "Mila" and doel.organisatie.naam == "GGD IJsselland"
    assert list(doel.groups.values_list("name", flat=True)) == ["procesmanager"]
    record = doel.history.first()
    assert record.history_user == demo["beheer"]
    assert record.history_change_reason == "TOPdesk 815: nieuwe functie (rollen: meldpunt → procesmanager)"


def test_a_regisseur_who_directs_an_open_casus_keeps_the_role_until_it_is_transferred(demo):
    factories.casus(demo)  # assigned to regisseur_dimence
    doel = demo["regisseur_dimence"]
    with pytest.raises(ValidationError) as error:
        beheer.account_wijzigen(
            door=demo["beheer"],
            gebruiker=doel,
            first_name=doel.first_name,
            last_name=doel.last_name,
            email=doel.email,
            organisatie=doel.organisatie,
            rollen=["beleidsambtenaar"],
            reden="andere functie",
        )
    assert "draag die eerst over" in error.value.message_dict["rollen"][0]
    assert list(User.objects.get(pk=doel.pk).groups.values_list("name", flat=True)) == ["casusregisseur"]
    with pytest.raises(ValidationError, match="draag die eerst over"):
        beheer.account_deactiveren(door=demo["beheer"], gebruiker=doel, reden="uit dienst")
    assert User.objects.get(pk=doel.pk).is_active


def _betrokken(demo, professional):
    from casusregie import services as casus_services

    casus = factories.casus(demo)
    casus_services.betrokkene_toevoegen(
        door=demo["regisseur_dimence"],
        casus=casus,
        professional=professional,
        rol="Woonbegeleider",
        grondslag="convenant",
    )
    return casus


def test_leaving_casus_work_ends_the_per_casus_grants(demo):
    from casusregie.permissions import houdt_casusrecht

    doel = demo["regisseur_iriszorg"]
    casus = _betrokken(demo, doel)
    assert houdt_casusrecht(doel)
    beheer.account_wijzigen(
        door=demo["beheer"],
        gebruiker=doel,
        first_name=doel.first_name,
        last_name=doel.last_name,
        email=doel.email,
        organisatie=doel.organisatie,
        rollen=["beleidsambtenaar"],
        reden="andere functie",
    )
    assert not houdt_casusrecht(doel)
    assert casus.betrokken_professionals.get(professional=doel).beeindigd_op is not None


def test_deactivating_ends_grants_and_reactivating_does_not_bring_them_back(demo):
    from casusregie.permissions import houdt_casusrecht

    doel = demo["regisseur_iriszorg"]
    _betrokken(demo, doel)
    with pytest.raises(ValidationError) as error:
        beheer.account_deactiveren(door=demo["beheer"], gebruiker=doel, reden="")
    assert "reden" in error.value.message_dict
    beheer.account_deactiveren(door=demo["beheer"], gebruiker=doel, reden="uit dienst per 1 mei")
    doel = User.objects.get(pk=doel.pk)
    assert not doel.is_active and not houdt_casusrecht(doel)
    record = doel.history.first()
    assert (
        record.history_user == demo["beheer"] and record.history_change_reason == "gedeactiveerd: uit dienst per 1 mei"
    )

    # Long unused: the nightly block would catch it again right after reactivating, unless it counts from then.
    User.objects.filter(pk=doel.pk).update(last_login=timezone.now() - datetime.timedelta(days=400))
    beheer.account_heractiveren(door=demo["beheer"], gebruiker=doel, reden="terug in dienst")
    doel = User.objects.get(pk=doel.pk)
    assert doel.is_active and not houdt_casusrecht(doel)
    assert doel not in inactive_accounts()
    assert doel in inactive_accounts(now=timezone.now() + datetime.timedelta(days=100))
    assert doel.history.first().history_change_reason == "heractiveerd: terug in dienst"


def test_an_account_of_an_inactive_organisation_is_not_reactivated(demo):
    doel = demo["regisseur_mee"]
    beheer.account_deactiveren(door=demo["beheer"], gebruiker=doel, reden="organisatie stopt")
    beheer.organisatie_deactiveren(door=demo["beheer"], organisatie=doel.organisatie, reden="convenant opgezegd")
    with pytest.raises(ValidationError, match="gedeactiveerd"):
        beheer.account_heractiveren(door=demo["beheer"], gebruiker=doel, reden="toch terug")


# --- the second factor ----------------------------------------------------------------------------------------


def test_a_2fa_reset_removes_the_devices_logs_who_and_why_and_flags_the_user(demo, django_capture_on_commit_callbacks):
    doel = demo["meldpunt"]
    device = totp_device(doel)
    with pytest.raises(ValidationError):
        beheer.tweestaps_resetten(door=demo["beheer"], gebruiker=doel, reden="")
    with django_capture_on_commit_callbacks(execute=True):
        assert beheer.tweestaps_resetten(door=demo["beheer"], gebruiker=doel, reden="telefoon kwijt, teruggebeld") == 1
    # the user is told (in BZT and, by their setting, by e-mail): someone else resetting it is noticed
    (bericht,) = doel.notificaties.all()
    assert bericht.tekst.startswith("Functioneel beheer heeft de tweestapsverificatie van uw account hersteld")
    assert not TOTPDevice.objects.filter(user=doel).exists()
    verwijderd = TOTPDevice.history.filter(id=device.pk, history_type="-").get()
    assert verwijderd.history_user == demo["beheer"]
    assert "telefoon kwijt, teruggebeld" in verwijderd.history_change_reason
    doel = User.objects.get(pk=doel.pk)
    assert doel.tweestaps_hersteld_op is not None
    assert doel.history.first().history_user == demo["beheer"]
    with pytest.raises(ValidationError, match="niets te herstellen"):
        beheer.tweestaps_resetten(door=demo["beheer"], gebruiker=doel, reden="nog een keer")


def test_after_a_2fa_reset_the_login_forces_enrolment_and_tells_the_user(client, demo, settings):
    doel = demo["meldpunt"]
    with acting_as(system_user()):
        doel.set_password(WACHTWOORD)
        doel.save()
    totp_device(doel)
    beheer.tweestaps_resetten(door=demo["beheer"], gebruiker=doel, reden="telefoon kwijt")

    response = client.post(reverse("login"), {"username": "meldpunt", "password": WACHTWOORD})
    assert response.status_code == 302
    response = client.get("/meldpunt/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("tweestaps_instellen"))
    html = response.content.decode()
    assert "Functioneel beheer heeft op" in html and "tweestapsverificatie hersteld" in html
    assert User.objects.get(pk=doel.pk).tweestaps_hersteld_op is None  # told once
    response = client.get(reverse("tweestaps_instellen"))
    assert "Functioneel beheer heeft op" not in response.content.decode()


def test_functioneel_beheer_itself_passes_the_second_factor(demo):
    assert tweestaps_verplicht(User.objects.get(pk=demo["beheer"].pk))


# --- accounts: the web screens --------------------------------------------------------------------------------


def test_the_account_list_searches_and_shows_role_last_login_and_2fa(client, demo):
    totp_device(demo["regisseur_dimence"])
    client.force_login(demo["beheer"])
    html = client.get(reverse("beheer:accounts"), {"q": "dimence"}).content.decode()
    assert "regisseur_dimence" in html and "Casusregisseur" in html and "Dimence" in html
    assert "regisseur_tactus" not in html
    assert ">Ja<" in html  # 2FA enrolled
    assert "Geen accounts gevonden" in client.get(reverse("beheer:accounts"), {"q": "systeem"}).content.decode()
    html = client.get(reverse("beheer:accounts"), {"q": "bestaat-niet"}).content.decode()
    assert "Geen accounts gevonden" in html


def test_creating_an_account_in_the_browser_shows_the_link_once(client, demo):
    client.force_login(demo["beheer"])
    iriszorg = Organisatie.objects.get(naam="Iriszorg")
    response = client.post(
        reverse("beheer:account_nieuw"),
        {
            "username": "web_regisseur",
            "first_name": "Wim",
            "last_name": "Web",
            "email": "wim@bzt.example",
            "organisatie": iriszorg.pk,
            "rollen": ["casusregisseur"],
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Account web_regisseur is aangemaakt." in html
    assert "/account/wachtwoord-instellen/" in html
    gebruiker = User.objects.get(username="web_regisseur")
    assert gebruiker.history.get().history_user == demo["beheer"]
    again = client.get(reverse("beheer:account", args=[gebruiker.pk])).content.decode()
    assert "/account/wachtwoord-instellen/" not in again


def test_the_web_form_shows_dutch_errors_and_keeps_beheer_from_superuser(client, demo):
    client.force_login(demo["beheer"])
    response = client.post(
        reverse("beheer:account_nieuw"),
        {
            "username": "meldpunt",
            "first_name": "",
            "last_name": "X",
            "email": "x@bzt.example",
            "organisatie": Organisatie.objects.get(naam="Dimence").pk,
            "rollen": ["casusregisseur"],
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dit veld is verplicht" in html or "Vul de voornaam in" in html
    doel = demo["regisseur_tactus"]
    response = client.post(
        reverse("beheer:account", args=[doel.pk]),
        {
            "first_name": doel.first_name,
            "last_name": doel.last_name,
            "email": doel.email,
            "organisatie": doel.organisatie_id,
            "rollen": ["casusregisseur"],
            "reden": "test superuser",
            "is_superuser": "on",
        },
    )
    assert response.status_code == 302
    assert not User.objects.filter(is_superuser=True).exists()


def test_deactivating_in_the_browser_asks_for_confirmation_and_a_reason(client, demo):
    doel = demo["regisseur_tactus"]
    client.force_login(demo["beheer"])
    url = reverse("beheer:account_deactiveren", args=[doel.pk])
    assert "Account deactiveren?" in client.get(url).content.decode()
    assert User.objects.get(pk=doel.pk).is_active
    response = client.post(url, {"reden": ""})
    assert "Geef een reden" in response.content.decode()
    response = client.post(url, {"reden": "uit dienst"}, follow=True)
    assert "Het account is gedeactiveerd." in response.content.decode()
    assert not User.objects.get(pk=doel.pk).is_active
    # Never deleted, and not for oneself:
    response = client.post(reverse("beheer:account_deactiveren", args=[demo["beheer"].pk]), {"reden": "uit dienst"})
    assert "eigen account" in response.content.decode()


def test_a_2fa_reset_in_the_browser(client, demo):
    doel = demo["procesmanager"]
    totp_device(doel)
    client.force_login(demo["beheer"])
    response = client.post(
        reverse("beheer:tweestaps_resetten", args=[doel.pk]), {"reden": "nieuwe telefoon, teruggebeld"}, follow=True
    )
    assert "De tweestapsverificatie is hersteld" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=doel).exists()


def test_the_beheer_screens_show_no_case_content(client, demo):
    casus = factories.casus(demo)
    naam = casus.melding.betrokkenen.first().persoon.achternaam
    client.force_login(demo["beheer"])
    for url in [
        reverse("beheer:accounts"),
        reverse("beheer:account", args=[demo["regisseur_dimence"].pk]),
        reverse("beheer:organisatie", args=[demo["regisseur_dimence"].organisatie_id]),
    ]:
        assert naam not in client.get(url).content.decode()


# --- organisations --------------------------------------------------------------------------------------------


def test_organisation_create_edit_and_the_signing_date(demo):
    door = demo["beheer"]
    org = beheer.organisatie_aanmaken(
        door=door,
        naam="Leger des Heils",
        soort="zorg",
        convenantpartner=True,
        convenant_getekend_op=datetime.date(2025, 3, 1),
    )
    assert org.history.get().history_user == door
    with pytest.raises(ValidationError) as error:
        beheer.organisatie_aanmaken(door=door, naam="leger des heils")
    assert "bestaat al" in error.value.message_dict["naam"][0]
    with pytest.raises(ValidationError) as error:
        beheer.organisatie_wijzigen(
            door=door,
            organisatie=org,
            naam="Leger des Heils",
            soort="zorg",
            convenantpartner=False,
            convenant_getekend_op=datetime.date(2025, 3, 1),
            reden="convenant",
        )
    assert "convenantpartner" in error.value.message_dict["convenant_getekend_op"][0]
    beheer.organisatie_wijzigen(
        door=door,
        organisatie=org,
        naam="Leger des Heils Oost",
        soort="zorg",
        convenantpartner=True,
        convenant_getekend_op=datetime.date(2025, 4, 1),
        reden="datum gecorrigeerd",
    )
    record = Organisatie.objects.get(pk=org.pk).history.first()
    assert record.history_user == door and record.history_change_reason == "datum gecorrigeerd"
    assert record.naam == "Leger des Heils Oost"


def test_an_organisation_with_active_accounts_is_not_deactivated_and_an_inactive_one_is_not_offered(client, demo):
    from bzt.beheer_forms import AccountForm
    from casusregie.forms import AfsluitenForm

    door = demo["beheer"]
    dimence = Organisatie.objects.get(naam="Dimence")
    with pytest.raises(ValidationError, match="actie"):
        beheer.organisatie_deactiveren(door=door, organisatie=dimence, reden="convenant opgezegd")
    politie = Organisatie.objects.get(naam=ZONDER_ACCOUNTS)
    beheer.organisatie_deactiveren(door=door, organisatie=politie, reden="convenant opgezegd")
    assert politie not in AccountForm().fields["organisatie"].queryset
    assert politie not in AfsluitenForm.base_fields["overgedragen_aan"].queryset
    beheer.organisatie_heractiveren(door=door, organisatie=politie, reden="weer aangesloten")
    assert Organisatie.objects.get(pk=politie.pk).actief
    # In the browser: the confirmation page, then the list shows it.
    client.force_login(door)
    response = client.post(
        reverse("beheer:organisatie_deactiveren", args=[politie.pk]), {"reden": "convenant opgezegd"}, follow=True
    )
    assert "De organisatie is gedeactiveerd." in response.content.decode()
    assert "Gedeactiveerd" in client.get(reverse("beheer:organisaties"), {"q": ZONDER_ACCOUNTS}).content.decode()


# --- the first account of a fresh installation ----------------------------------------------------------------


def test_beheerder_aanmaken_makes_the_first_functioneel_beheer_account(db, capsys):
    call_command(
        "beheerder_aanmaken",
        "eerste_beheerder",
        "--organisatie",
        "Gemeente Deventer",
        "--email",
        "fb@example.nl",
        "--naam",
        "Fenna Beheer",
    )
    gebruiker = User.objects.get(username="eerste_beheerder")
    assert list(gebruiker.groups.values_list("name", flat=True)) == ["functioneel_beheer"]
    assert gebruiker.organisatie.naam == "Gemeente Deventer" and not gebruiker.is_superuser
    assert gebruiker.history.get().history_user.username == "systeem"
    assert "/account/wachtwoord-instellen/" in capsys.readouterr().out
    assert Group.objects.filter(name="functioneel_beheer").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_account_made_while_its_organisation_is_deactivated_keeps_the_organisation_active(demo):
    """An account is created in an organisation while, at that moment, beheer deactivates that organisation. The
    deactivation waits for the lock on the organisation and then sees the new active account: it is refused.
    Without the lock it counted no active account, and an active account worked for an inactive organisation."""
    import threading
    import time

    from django.db import connection, transaction

    politie = Organisatie.objects.get(naam=ZONDER_ACCOUNTS)
    assert not politie.medewerkers.exists()
    bezig, uitkomst = threading.Event(), {}

    def aanmaken():
        try:
            with transaction.atomic():
                nieuw_account(demo, organisatie=politie, rollen=["meldpunt"])
                bezig.set()
                time.sleep(1)  # the deactivation arrives now, before this commits
            uitkomst["aanmaken"] = "ok"
        finally:
            bezig.set()
            connection.close()

    def deactiveren():
        try:
            bezig.wait(timeout=30)
            beheer.organisatie_deactiveren(door=demo["beheer"], organisatie=politie, reden="convenant opgezegd")
            uitkomst["deactiveren"] = "ok"
        except ValidationError as error:
            uitkomst["deactiveren"] = " ".join(error.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=aanmaken), threading.Thread(target=deactiveren)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert uitkomst["aanmaken"] == "ok"
    assert "1 actief account" in uitkomst["deactiveren"]
    assert Organisatie.objects.get(pk=politie.pk).actief


def test_the_last_active_functioneel_beheer_account_is_not_taken_away(demo):
    """Through the operator path (acting as systeem) the only beheerder could be deactivated or re-roled: refused.
    A second beheerder makes it possible."""
    enige = demo["beheer"]
    with pytest.raises(ValidationError, match="laatste actieve account voor functioneel beheer"):
        beheer.account_deactiveren(door=system_user(), gebruiker=enige, reden="uit dienst")
    with pytest.raises(ValidationError, match="laatste actieve account voor functioneel beheer"):
        beheer.account_wijzigen(
            door=system_user(),
            gebruiker=enige,
            first_name=enige.first_name,
            last_name=enige.last_name,
            email=enige.email,
            organisatie=enige.organisatie,
            rollen=["beleidsambtenaar"],
            reden="andere functie",
        )
    tweede = nieuw_account(demo, username="beheer2", rollen=["functioneel_beheer"]).gebruiker
    beheer.account_deactiveren(door=tweede, gebruiker=enige, reden="uit dienst")
    assert not User.objects.get(pk=enige.pk).is_active


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_beheerders_deactivating_each_other_at_once_leave_one(demo):
    """The only two beheerders deactivate each other at the same moment. The second waits for the lock on the
    role and then sees it would leave nobody: refused. Without the lock both counted the other as remaining."""
    import threading
    import time

    from django.db import connection, transaction

    eerste = demo["beheer"]
    tweede = nieuw_account(demo, username="beheer2", rollen=["functioneel_beheer"]).gebruiker
    bezig, uitkomst = threading.Event(), {}

    def a():
        try:
            with transaction.atomic():
                beheer.account_deactiveren(door=eerste, gebruiker=tweede, reden="uit dienst")
                bezig.set()
                time.sleep(1)
            uitkomst["a"] = "ok"
        finally:
            bezig.set()
            connection.close()

    def b():
        try:
            bezig.wait(timeout=30)
            beheer.account_deactiveren(door=User.objects.get(pk=tweede.pk), gebruiker=eerste, reden="uit dienst")
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
    assert uitkomst["a"] == "ok"
    assert "laatste actieve account" in uitkomst["b"]
    assert User.objects.filter(is_active=True, groups__name="functioneel_beheer").count() == 1
