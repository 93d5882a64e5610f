"""Functioneel beheer of the reference lists and settings (issue 15; docs/beheer.md § Afsluitredenen,
§ Instellingen): the services called directly (with their refusals), the web forms, the history naming the
beheerder, and the one accessor of the settings (database value, else the environment value)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from bzt import instellingen
from bzt.models import Instelling
from casusregie import referentie
from casusregie.models import AfsluitReden, Casus
from casusregie.selectors import caseload_vol


def fout(error):
    return (
        " ".join(m for ms in error.value.message_dict.values() for m in ms)
        if hasattr(error.value, "error_dict")
        else " ".join(error.value.messages)
    )


# --- the settings: the accessor ---------------------------------------------------------------------------------


def test_without_a_row_the_accessor_gives_the_environment_value_and_follows_the_settings_fixture(db, settings):
    settings.BZT_MAX_CASELOAD = 7
    assert instellingen.waarde("BZT_MAX_CASELOAD") == 7
    assert caseload_vol(7) and not caseload_vol(6)
    settings.BZT_MAX_CASELOAD = 3
    assert instellingen.waarde("BZT_MAX_CASELOAD") == 3


def test_a_value_set_by_beheer_wins_over_the_environment_until_set_back_to_the_default(demo, settings):
    settings.BZT_MAX_CASELOAD = 15
    instellingen.instelling_wijzigen(door=demo["beheer"], sleutel="BZT_MAX_CASELOAD", waarde=20, reden="besluit MT")
    assert instellingen.waarde("BZT_MAX_CASELOAD") == 20
    assert caseload_vol(20) and not caseload_vol(19)
    instellingen.instelling_wijzigen(
        door=demo["beheer"], sleutel="BZT_MAX_CASELOAD", waarde=None, reden="terug naar de norm"
    )
    assert instellingen.waarde("BZT_MAX_CASELOAD") == 15
    records = list(Instelling.objects.get(sleutel="BZT_MAX_CASELOAD").history.order_by("history_id"))
    assert [r.waarde for r in records] == [20, None]
    assert all(r.history_user == demo["beheer"] for r in records)
    assert "besluit MT" in records[0].history_change_reason and "15" in records[0].history_change_reason
    assert "terug naar de norm" in records[1].history_change_reason


def test_an_unknown_key_is_a_programming_error_not_a_silent_default(db):
    with pytest.raises(KeyError):
        instellingen.waarde("BZT_BESTAAT_NIET")


@pytest.mark.parametrize(
    ("sleutel", "waarde", "melding"),
    [
        ("BZT_MAX_CASELOAD", 0, "van 1 tot en met 60"),
        ("BZT_MAX_CASELOAD", 61, "van 1 tot en met 60"),
        ("BZT_BEWAARTERMIJN_CASUS_JAREN", 0, "van 1 tot en met 20"),
        ("BZT_TRIAGE_NORM_WERKDAGEN", "5", "heel getal"),
    ],
)
def test_a_value_out_of_bounds_is_refused_in_dutch_and_nothing_is_written(demo, sleutel, waarde, melding):
    with pytest.raises(ValidationError) as error:
        instellingen.instelling_wijzigen(door=demo["beheer"], sleutel=sleutel, waarde=waarde, reden="een reden")
    assert melding in fout(error)
    assert not Instelling.objects.exists()


def test_a_change_needs_a_reason_and_functioneel_beheer(demo):
    with pytest.raises(ValidationError) as error:
        instellingen.instelling_wijzigen(door=demo["beheer"], sleutel="BZT_MAX_CASELOAD", waarde=12, reden="")
    assert "reden" in fout(error)
    for username in ("procesmanager", "regisseur_dimence", "beleid"):
        with pytest.raises(PermissionDenied):
            instellingen.instelling_wijzigen(
                door=demo[username], sleutel="BZT_MAX_CASELOAD", waarde=12, reden="een reden"
            )
    assert not Instelling.objects.exists()


def test_the_screen_shows_default_and_current_value_and_a_change_through_the_form_is_in_the_history(
    client, demo, settings
):
    settings.BZT_TRIAGE_NORM_WERKDAGEN = 5
    client.force_login(demo["beheer"])
    url = reverse("beheer:instelling", args=["BZT_TRIAGE_NORM_WERKDAGEN"])
    response = client.post(url, {"waarde": "99", "reden": "te streng"})
    assert "van 1 tot en met 30 werkdagen" in response.content.decode()
    response = client.post(url, {"waarde": "", "reden": "te streng"})
    assert "Vul een waarde in, of kies voor de standaardwaarde." in response.content.decode()
    response = client.post(url, {"waarde": "8", "reden": "afspraak met de ketenpartners"})
    assert response.status_code == 302
    assert instellingen.waarde("BZT_TRIAGE_NORM_WERKDAGEN") == 8
    html = client.get(reverse("beheer:instellingen")).content.decode()
    assert "8 werkdagen" in html and "5 werkdagen" in html and "aangepast" in html
    html = client.get(url).content.decode()
    assert "afspraak met de ketenpartners" in html and demo["beheer"].username in html
    client.post(url, {"standaard_gebruiken": "on", "reden": "terug naar de omgeving"})
    assert instellingen.waarde("BZT_TRIAGE_NORM_WERKDAGEN") == 5
    assert client.get(reverse("beheer:instelling", args=["SECRET_KEY"])).status_code == 404


def test_the_queue_norm_follows_the_setting_of_beheer(demo, settings):
    """A reader of the setting (the meldpunt queue) sees beheer's value at once."""
    from types import SimpleNamespace

    from meldpunt.models import Melding
    from meldpunt.selectors import wachtrij_regels

    settings.BZT_TRIAGE_NORM_WERKDAGEN = 5
    vandaag = datetime.date(2026, 3, 13)  # a Friday
    melding = SimpleNamespace(ontvangen_op=datetime.date(2026, 3, 4), status=Melding.Status.ONTVANGEN)
    assert wachtrij_regels([melding], today=vandaag)[0].over_norm
    instellingen.instelling_wijzigen(
        door=demo["beheer"], sleutel="BZT_TRIAGE_NORM_WERKDAGEN", waarde=9, reden="drukke periode"
    )
    assert not wachtrij_regels([melding], today=vandaag)[0].over_norm


# --- afsluitredenen ---------------------------------------------------------------------------------------------


def nieuwe_reden(demo, **changes):
    values = {"code": "detentie", "naam": "Detentie", "vraagt_organisatie": False, "volgorde": 10}
    values.update(changes)
    return referentie.afsluitreden_aanmaken(door=demo["beheer"], **values)


def test_a_new_reason_is_offered_when_closing_and_its_history_names_the_beheerder(demo):
    from casusregie.forms import AfsluitenForm

    reden = nieuwe_reden(demo)
    assert reden.history.get().history_user == demo["beheer"]
    assert reden in AfsluitenForm().fields["reden"].queryset


def test_a_reason_is_refused_with_a_duplicate_or_bad_code_or_name(demo):
    with pytest.raises(ValidationError) as error:
        nieuwe_reden(demo, code="doel_bereikt", naam="Doelen bereikt")
    assert "Deze code bestaat al" in fout(error) and "al een afsluitreden met deze naam" in fout(error)
    with pytest.raises(ValidationError) as error:
        nieuwe_reden(demo, code="met spatie", naam="")
    assert "kleine letters" in fout(error) and "Vul de naam in" in fout(error)


def test_only_functioneel_beheer_manages_reasons(demo):
    with pytest.raises(PermissionDenied):
        referentie.afsluitreden_aanmaken(door=demo["procesmanager"], code="x", naam="X", volgorde=1)
    reden = AfsluitReden.objects.get(code="overig")
    with pytest.raises(PermissionDenied):
        referentie.afsluitreden_deactiveren(door=demo["regisseur_dimence"], afsluitreden=reden, reden="niet nodig")
    assert AfsluitReden.objects.get(code="overig").actief


def test_the_code_of_a_default_reason_or_one_in_use_cannot_change_but_its_name_can(demo):
    standaard = AfsluitReden.objects.get(code="verhuisd")
    with pytest.raises(ValidationError) as error:
        referentie.afsluitreden_wijzigen(
            door=demo["beheer"], afsluitreden=standaard, code="verhuizing", naam="Verhuisd", vraagt_organisatie=False,
            volgorde=2, reden="andere code",
        )  # fmt: skip
    assert "standaardreden" in fout(error)
    referentie.afsluitreden_wijzigen(
        door=demo["beheer"], afsluitreden=standaard, code="verhuisd", naam="Verhuisd naar elders",
        vraagt_organisatie=False, volgorde=2, reden="duidelijker naam",
    )  # fmt: skip
    assert AfsluitReden.objects.get(code="verhuisd").naam == "Verhuisd naar elders"

    eigen = nieuwe_reden(demo)
    referentie.afsluitreden_wijzigen(
        door=demo["beheer"], afsluitreden=eigen, code="detentie_lang", naam="Detentie", vraagt_organisatie=False,
        volgorde=10, reden="code verduidelijkt",
    )  # fmt: skip
    eigen.refresh_from_db()
    assert eigen.code == "detentie_lang"
    casus = Casus.objects.first()
    if casus is None:
        from tests import factories

        casus = factories.casus(demo)
    Casus.objects.filter(pk=casus.pk).update(afsluitreden=eigen)
    with pytest.raises(ValidationError) as error:
        referentie.afsluitreden_wijzigen(
            door=demo["beheer"], afsluitreden=eigen, code="detentie", naam="Detentie", vraagt_organisatie=False,
            volgorde=10, reden="toch terug",
        )  # fmt: skip
    assert "al gebruikt bij afgesloten casussen" in fout(error)
    with pytest.raises(ValidationError) as error:
        referentie.afsluitreden_wijzigen(
            door=demo["beheer"], afsluitreden=eigen, code="detentie_lang", naam="Detentie", vraagt_organisatie=False,
            volgorde=10, reden="",
        )  # fmt: skip
    assert "reden" in fout(error)


def test_a_deactivated_reason_is_not_offered_and_the_service_refuses_it_and_it_comes_back(demo):
    from casusregie import services
    from casusregie.forms import AfsluitenForm

    reden = AfsluitReden.objects.get(code="zorgmijding")
    referentie.afsluitreden_deactiveren(door=demo["beheer"], afsluitreden=reden, reden="niet meer gebruiken")
    reden.refresh_from_db()
    assert not reden.actief and reden not in AfsluitenForm().fields["reden"].queryset
    record = reden.history.latest("history_id")
    assert record.history_user == demo["beheer"] and "niet meer gebruiken" in record.history_change_reason
    with pytest.raises(ValidationError) as error:
        referentie.afsluitreden_deactiveren(door=demo["beheer"], afsluitreden=reden, reden="nogmaals")
    assert "al gedeactiveerd" in fout(error)
    with pytest.raises(ValidationError) as error:
        referentie.afsluitreden_deactiveren(door=demo["beheer"], afsluitreden=reden, reden="")
    assert "reden" in fout(error)

    from tests import factories

    casus = factories.casus(demo)
    with pytest.raises(ValidationError) as error:
        services.casus_afsluiten(door=casus.casusregisseur, casus=casus, reden=reden)
    assert "gedeactiveerd" in fout(error)
    referentie.afsluitreden_heractiveren(door=demo["beheer"], afsluitreden=reden, reden="toch nodig")
    assert AfsluitReden.objects.get(pk=reden.pk).actief


def test_the_last_active_reason_cannot_be_deactivated(demo):
    *andere, laatste = list(AfsluitReden.objects.filter(actief=True))
    for reden in andere:
        referentie.afsluitreden_deactiveren(door=demo["beheer"], afsluitreden=reden, reden="opschonen")
    with pytest.raises(ValidationError) as error:
        referentie.afsluitreden_deactiveren(door=demo["beheer"], afsluitreden=laatste, reden="opschonen")
    assert "laatste actieve afsluitreden" in fout(error)


def test_the_web_forms_create_edit_and_deactivate_a_reason_with_confirmation(client, demo):
    client.force_login(demo["beheer"])
    response = client.post(
        reverse("beheer:afsluitreden_nieuw"), {"code": "Fout code", "naam": "Detentie", "volgorde": "3"}
    )
    assert "kleine letters" in response.content.decode()
    response = client.post(
        reverse("beheer:afsluitreden_nieuw"), {"code": "detentie", "naam": "Detentie", "volgorde": "3"}
    )
    assert response.status_code == 302
    reden = AfsluitReden.objects.get(code="detentie")
    url = reverse("beheer:afsluitreden", args=[reden.pk])
    response = client.post(url, {"code": "detentie", "naam": "Detentie of opname", "volgorde": "3", "reden": ""})
    assert "Geef een reden" in response.content.decode()
    client.post(url, {"code": "detentie", "naam": "Detentie of opname", "volgorde": "3", "reden": "verzoek team"})
    assert AfsluitReden.objects.get(pk=reden.pk).naam == "Detentie of opname"
    # A default reason: the code field is fixed, even when a changed code is posted.
    standaard = AfsluitReden.objects.get(code="overleden")
    client.post(
        reverse("beheer:afsluitreden", args=[standaard.pk]),
        {"code": "dood", "naam": "Overleden", "volgorde": "3", "reden": "poging"},
    )
    assert AfsluitReden.objects.filter(code="overleden").exists()
    # Deactivating asks for confirmation first: a GET changes nothing.
    deactiveren = reverse("beheer:afsluitreden_deactiveren", args=[reden.pk])
    assert "Afsluitreden deactiveren?" in client.get(deactiveren).content.decode()
    assert AfsluitReden.objects.get(pk=reden.pk).actief
    assert client.post(deactiveren, {"reden": "loopt via reguliere zorg"}).status_code == 302
    assert not AfsluitReden.objects.get(pk=reden.pk).actief
    html = client.get(reverse("beheer:afsluitredenen"), {"status": "inactief"}).content.decode()
    assert "Detentie of opname" in html and "Doelen bereikt" not in html
    html = client.get(url).content.decode()
    assert "verzoek team" in html and "loopt via reguliere zorg" in html


@pytest.mark.parametrize("naam", ["beheer:afsluitredenen", "beheer:afsluitreden_nieuw", "beheer:instellingen"])
def test_other_roles_get_403_on_the_reference_screens(client, demo, naam):
    for username in ("procesmanager", "regisseur_dimence", "beleid", "meldpunt"):
        client.force_login(demo[username])
        assert client.get(reverse(naam)).status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_beheerders_deactivating_the_last_two_reasons_at_once_leave_one(demo):
    """The second waits for the lock on the active reasons, then sees it would leave none: refused."""
    import threading
    import time

    from django.db import connection, transaction

    eerste, tweede = AfsluitReden.objects.filter(actief=True)[:2]
    AfsluitReden.objects.exclude(pk__in=[eerste.pk, tweede.pk]).update(actief=False)
    bezig, uitkomst = threading.Event(), {}

    def a():
        try:
            with transaction.atomic():
                referentie.afsluitreden_deactiveren(door=demo["beheer"], afsluitreden=eerste, reden="opschonen")
                bezig.set()
                time.sleep(1)
            uitkomst["a"] = "ok"
        finally:
            bezig.set()
            connection.close()

    def b():
        try:
            bezig.wait(timeout=30)
            referentie.afsluitreden_deactiveren(door=demo["beheer"], afsluitreden=tweede, reden="opschonen")
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
    assert "laatste actieve afsluitreden" in uitkomst["b"]
    assert AfsluitReden.objects.filter(actief=True).count() == 1


def test_shortening_a_retention_term_must_be_confirmed_lengthening_need_not(client, demo, settings):
    settings.BZT_BEWAARTERMIJN_CASUS_JAREN = 5
    with pytest.raises(ValidationError) as error:
        instellingen.instelling_wijzigen(
            door=demo["beheer"], sleutel="BZT_BEWAARTERMIJN_CASUS_JAREN", waarde=2, reden="privacyreglement"
        )
    assert "onomkeerbaar" in fout(error) and "5 → 2" in fout(error)
    assert instellingen.waarde("BZT_BEWAARTERMIJN_CASUS_JAREN") == 5
    instellingen.instelling_wijzigen(
        door=demo["beheer"], sleutel="BZT_BEWAARTERMIJN_CASUS_JAREN", waarde=7, reden="langer bewaren"
    )
    client.force_login(demo["beheer"])
    url = reverse("beheer:instelling", args=["BZT_BEWAARTERMIJN_CASUS_JAREN"])
    response = client.post(url, {"waarde": "3", "reden": "privacyreglement"})
    assert "De bewaartermijn wordt korter (7 → 3 jaren)" in response.content.decode()
    assert instellingen.waarde("BZT_BEWAARTERMIJN_CASUS_JAREN") == 7
    client.post(url, {"waarde": "3", "reden": "privacyreglement", "korter_bevestigd": "on"})
    assert instellingen.waarde("BZT_BEWAARTERMIJN_CASUS_JAREN") == 3
    # the caseload form has no such checkbox
    caseload = client.get(reverse("beheer:instelling", args=["BZT_MAX_CASELOAD"])).content.decode()
    assert "korter_bevestigd" not in caseload


def test_beheer_marks_a_reason_as_casus_kan_niet_verder_and_the_procesmanager_may_then_use_it(client, demo):
    client.force_login(demo["beheer"])
    client.post(
        reverse("beheer:afsluitreden_nieuw"),
        {"code": "detentie", "naam": "Langdurige detentie", "volgorde": "7", "casus_kan_niet_verder": "on"},
    )
    reden = AfsluitReden.objects.get(code="detentie")
    assert reden.casus_kan_niet_verder and reden.history.get().history_user == demo["beheer"]
    url = reverse("beheer:afsluitreden", args=[reden.pk])
    client.post(url, {"code": "detentie", "naam": "Langdurige detentie", "volgorde": "7", "reden": "toch niet"})
    assert not AfsluitReden.objects.get(pk=reden.pk).casus_kan_niet_verder
    # a service call that does not name it keeps it
    AfsluitReden.objects.filter(pk=reden.pk).update(casus_kan_niet_verder=True)
    referentie.afsluitreden_wijzigen(
        door=demo["beheer"], afsluitreden=reden, code="detentie", naam="Detentie", vraagt_organisatie=False,
        volgorde=7, reden="kortere naam",
    )  # fmt: skip
    assert AfsluitReden.objects.get(pk=reden.pk).casus_kan_niet_verder


# --- budget lines in the jaarmonitor ------------------------------------------------------------------------------


def test_budget_per_persoon_divides_over_the_persons_in_casussen_not_every_person_reported(demo):
    from decimal import Decimal

    from meldpunt.codes import Rol
    from monitor.figures import compute
    from monitor.services import budgetregel_opslaan
    from tests import factories

    casus = factories.casus(
        demo,
        huishouden=[
            (Rol.HOOFDPERSOON, factories.persoon_gegevens()),
            (Rol.PARTNER, factories.persoon_gegevens(voornaam="Partner")),
        ],
    )
    for _ in range(3):  # persons reported, never in a casus
        factories.melding(demo["meldpunt"], huishouden=[(Rol.HOOFDPERSOON, factories.persoon_gegevens())])
    jaar = casus.toegewezen_op.year
    for subsidie, route, bedrag in (("OGGZ", "oggz", 600), ("Zwerfjongeren", "zwerfjongeren", 400)):
        budgetregel_opslaan(
            door=demo["beheer"], jaar=jaar, categorie="casusregie", omschrijving=subsidie, bedrag=Decimal(bedrag),
            subsidie=subsidie, aanmeldroute=route, organisatie=casus.organisatie,
        )  # fmt: skip
    figures = compute(jaar)
    budget = figures["budget"]
    assert figures["personen"]["uniek"] == 5  # every person reported
    assert budget["personen_in_casussen"] == 2 and budget["casussen_in_behandeling"] == 1
    assert budget["per_persoon"] == 500.0 and budget["per_casus"] == 1000.0
    assert budget["per_subsidie"] == {"OGGZ": 600.0, "Zwerfjongeren": 400.0}
    assert budget["per_aanmeldroute"] == {"oggz": 600.0, "zwerfjongeren": 400.0}
    assert budget["per_organisatie"] == {casus.organisatie.naam: 1000.0}
