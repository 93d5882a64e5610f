"""Close only when care is arranged, and look back afterwards (issue 14, docs/casusregie.md § Afsluiten).

"we laten een casus pas los als alles geregeld is voor de inwoner" (seed 002): the casusregisseur closes only with
a vastgesteld plan whose actions are done or handed over, no open waiting list, no open escalation and the
organisation named where regular care continues; the procesmanager closes a casus that cannot go on, with a
reason; a nazorg task follows BZT_NAZORG_MAANDEN months later."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bzt.models import Organisatie
from bzt.workflow import TransitionNotAllowed
from casusregie import services
from casusregie.models import AfsluitReden, Casus, Nazorg, PlanActie
from casusregie.services import maanden_later
from monitor import figures
from tests import factories

TODAY = timezone.localdate


def _reden(code="doel_bereikt"):
    return AfsluitReden.objects.get(code=code)


def _org(naam="Carinova"):
    return Organisatie.objects.get(naam=naam)


def _met_plan(demo):
    c = factories.casus(demo)
    factories.vastgesteld_plan(demo, c)
    c.refresh_from_db()
    return c


def _wachtlijst(c):
    return services.wachtlijst_melden(
        door=c.casusregisseur, casus=c, organisatie=_org("Iriszorg"), voorziening="Beschermd wonen", sinds=TODAY()
    )


def _gesloten(demo, **kwargs):
    c = factories.afsluitklaar(demo, factories.casus(demo))
    services.casus_afsluiten(door=c.casusregisseur, casus=c, reden=_reden(), **kwargs)
    c.refresh_from_db()
    return c


# --- the casusregisseur closes only when everything is arranged -------------------------------------------------


def test_the_refusal_lists_every_unmet_condition(demo):
    c = _met_plan(demo)
    _wachtlijst(c)
    with pytest.raises(ValidationError) as refused:
        services.casus_afsluiten(door=c.casusregisseur, casus=c, reden=_reden("regulier_overgedragen"))
    errors = refused.value.message_dict
    assert len(errors[NON_FIELD_ERRORS]) == 2
    actie, wachtlijst = errors[NON_FIELD_ERRORS]
    assert actie.startswith("Actie ‘Aanmelden schuldhulp’ (Gemeente Deventer) is nog open")
    assert wachtlijst == "De wachtlijst bij Iriszorg voor Beschermd wonen is nog niet opgelost."
    assert errors["overgedragen_aan"] == [
        "Geef aan welke organisatie de zorg overneemt (reden ‘Overgedragen aan reguliere zorg’)."
    ]
    c.refresh_from_db()
    assert c.open and not Nazorg.objects.filter(casus=c).exists()


def test_without_a_vastgesteld_plan_and_with_an_open_escalation_the_casus_stays_open(demo):
    c = factories.casus(demo)
    services.casus_escaleren(door=c.casusregisseur, casus=c, reden="stagnatie", vraag="Wie pakt dit op?")
    with pytest.raises(ValidationError) as refused:
        services.casus_afsluiten(door=c.casusregisseur, casus=Casus.objects.get(pk=c.pk), reden=_reden())
    assert refused.value.messages == [
        "Er is geen vastgesteld plan van aanpak: het MDO stelt eerst een plan vast.",
        "Er loopt nog een open escalatie (niveau Procesmanager): de-escaleer eerst.",
    ]
    assert Casus.objects.get(pk=c.pk).status == Casus.Status.OPGESCHAALD


def test_an_action_handed_over_to_a_named_organisation_and_a_solved_waiting_list_let_the_casus_close(demo, settings):
    settings.BZT_NAZORG_MAANDEN = 2
    c = _met_plan(demo)
    wachtlijst = _wachtlijst(c)
    actie = c.plannen.get(status="vastgesteld").acties.get()
    with pytest.raises(ValidationError):  # handing over goes with the organisation, not as a plain status
        services.actie_status_wijzigen(door=c.casusregisseur, actie=actie, status=PlanActie.Status.OVERGEDRAGEN)
    services.actie_overdragen(door=c.casusregisseur, actie=actie, organisatie=_org())
    actie.refresh_from_db()
    assert actie.status == PlanActie.Status.OVERGEDRAGEN and actie.overgedragen_aan == _org()
    assert actie.history.first().history_user == c.casusregisseur
    with pytest.raises(TransitionNotAllowed):
        services.actie_overdragen(door=c.casusregisseur, actie=actie, organisatie=_org("Dimence"))
    services.wachtlijst_opgelost(door=c.casusregisseur, wachtlijst=wachtlijst)
    from casusregie.selectors import afsluitvoorwaarden

    assert afsluitvoorwaarden(c) == []
    services.casus_afsluiten(
        door=c.casusregisseur, casus=c, reden=_reden("regulier_overgedragen"), overgedragen_aan=_org()
    )
    c.refresh_from_db()
    assert c.status == Casus.Status.AFGESLOTEN and c.afsluiting == Casus.Afsluiting.REGIE
    assert c.afgesloten_door == demo["regisseur_dimence"] and c.overgedragen_aan == _org()
    assert c.nazorg.op == maanden_later(TODAY(), 2) and c.nazorg.regisseur == demo["regisseur_dimence"]
    assert c.nazorg.status == Nazorg.Status.OPEN


def test_months_later_keeps_the_day_or_takes_the_last_day_of_a_shorter_month():
    from datetime import date

    assert maanden_later(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert maanden_later(date(2026, 1, 15), 3) == date(2026, 4, 15)
    assert maanden_later(date(2026, 10, 31), 2) == date(2026, 12, 31)


def test_only_the_casusregisseur_closes_not_a_betrokkene_who_may_change_it(demo):
    c = factories.afsluitklaar(demo, factories.casus(demo))
    services.betrokkene_toevoegen(
        door=c.casusregisseur,
        casus=c,
        professional=demo["regisseur_mee"],
        rol="Schuldhulp",
        grondslag="convenant",
        mag_wijzigen=True,
    )
    services.journaal_toevoegen(door=demo["regisseur_mee"], casus=c, tekst="Gesproken.")  # may change it
    for door in (demo["regisseur_mee"], demo["procesmanager"]):
        with pytest.raises(PermissionDenied):
            services.casus_afsluiten(door=door, casus=Casus.objects.get(pk=c.pk), reden=_reden())
    assert Casus.objects.get(pk=c.pk).open


# --- the procesmanager closes a casus that cannot go on ----------------------------------------------------------


def test_the_procesmanager_closes_only_a_casus_that_cannot_go_on_and_with_a_written_reason(demo):
    c = _met_plan(demo)
    _wachtlijst(c)
    pm = demo["procesmanager"]
    with pytest.raises(ValidationError) as refused:
        services.casus_afsluiten_door_procesmanager(door=pm, casus=c, reden=_reden(), motivering="  ")
    assert set(refused.value.message_dict) == {"reden", "motivering"}
    assert "kies uit: Verhuisd buiten de gemeente, Overleden, Zorgmijding" in refused.value.message_dict["reden"][0]
    with pytest.raises(PermissionDenied):
        services.casus_afsluiten_door_procesmanager(
            door=c.casusregisseur, casus=c, reden=_reden("verhuisd"), motivering="Verhuisd."
        )
    services.casus_afsluiten_door_procesmanager(
        door=pm, casus=c, reden=_reden("verhuisd"), motivering="Het gezin is naar Spanje verhuisd."
    )
    c.refresh_from_db()
    assert c.status == Casus.Status.AFGESLOTEN and c.afsluiting == Casus.Afsluiting.PROCESMANAGER
    assert c.afgesloten_door == pm and c.afsluit_motivering == "Het gezin is naar Spanje verhuisd."
    assert c.history.first().history_user == pm
    cijfers = figures.compute(TODAY().year)
    assert cijfers["casussen"]["afgesloten_door_procesmanager"] == 1
    assert cijfers["casussen"]["afgesloten_door_procesmanager_per_reden"] == {"verhuisd": 1}


def test_the_dossier_shows_who_closed_and_why(client, demo):
    c = _met_plan(demo)
    services.casus_afsluiten_door_procesmanager(
        door=demo["procesmanager"], casus=c, reden=_reden("zorgmijding"), motivering="Geen ingang na drie pogingen."
    )
    client.force_login(demo["procesmanager"])
    html = client.get(reverse("casusregie:dossier", args=[c.pk])).content.decode()
    assert "Afgesloten door de procesmanager: de casus kon niet verder" in html
    assert "Reden: Geen ingang na drie pogingen." in html


# --- the web form ---------------------------------------------------------------------------------------------


def test_the_dossier_shows_what_is_missing_before_closing_and_the_refusal_lists_it(client, demo):
    c = _met_plan(demo)
    _wachtlijst(c)
    client.force_login(c.casusregisseur)
    url = reverse("casusregie:dossier", args=[c.pk])
    html = client.get(url).content.decode()
    assert "Nog niet geregeld:" in html
    assert "De wachtlijst bij Iriszorg voor Beschermd wonen is nog niet opgelost." in html
    assert "Aanmelden schuldhulp" in html
    response = client.post(
        reverse("casusregie:afsluiten", args=[c.pk]),
        {"afsluiten-reden": _reden("regulier_overgedragen").pk, "afsluiten-datum": TODAY().isoformat()},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "De casus is niet afgesloten:" in html
    assert "De wachtlijst bij Iriszorg voor Beschermd wonen is nog niet opgelost." in html
    assert "is nog open: zet haar op gereed of draag haar over aan een organisatie." in html
    assert "Geef aan welke organisatie de zorg overneemt" in html
    assert Casus.objects.get(pk=c.pk).open


def test_the_procesmanager_form_needs_a_reason(client, demo):
    c = _met_plan(demo)
    client.force_login(demo["procesmanager"])
    url = reverse("casusregie:afsluiten_procesmanager", args=[c.pk])
    data = {"pm_afsluiten-reden": _reden("overleden").pk, "pm_afsluiten-datum": TODAY().isoformat()}
    response = client.post(url, data)
    assert response.status_code == 200 and Casus.objects.get(pk=c.pk).open
    assert response.context["pm_afsluiten_form"].errors["motivering"]
    response = client.post(url, {**data, "pm_afsluiten-reden": _reden().pk, "pm_afsluiten-motivering": "x"})
    assert response.status_code == 200 and Casus.objects.get(pk=c.pk).open  # not a reason for the procesmanager
    response = client.post(url, {**data, "pm_afsluiten-motivering": "De cliënt is overleden."})
    assert response.status_code == 302
    assert Casus.objects.get(pk=c.pk).afsluiting == Casus.Afsluiting.PROCESMANAGER
    client.force_login(c.casusregisseur)  # the regisseur has no such form
    assert client.post(url, {**data, "pm_afsluiten-motivering": "x"}).status_code == 403


# --- nazorg ---------------------------------------------------------------------------------------------------


def _due(c):
    Nazorg.objects.filter(casus=c).update(op=TODAY())


def test_the_nazorg_task_appears_from_its_date_for_the_former_regisseur_only(client, demo):
    c = _gesloten(demo)
    naam = c.melding.betrokkenen.get(rol="hoofdpersoon").persoon.naam
    client.force_login(c.casusregisseur)
    assert "Nazorg: hoe gaat het?" not in client.get(reverse("home")).content.decode()  # not yet due
    _due(c)
    html = client.get(reverse("home")).content.decode()
    assert "Nazorg: hoe gaat het?" in html and c.nummer in html and naam in html
    for other in ("regisseur_tactus", "procesmanager", "meldpunt"):
        client.force_login(demo[other])
        html = client.get(reverse("home")).content.decode()
        assert c.nummer not in html and naam not in html, other
        response = client.post(reverse("casusregie:nazorg_vastleggen", args=[c.nazorg.pk]), {"uitkomst": "stabiel"})
        assert response.status_code == 404, other
    assert Nazorg.objects.get(casus=c).status == Nazorg.Status.OPEN


def test_without_an_active_former_regisseur_the_procesmanager_gets_the_task(client, demo):
    c = _gesloten(demo)
    _due(c)
    regisseur = c.casusregisseur
    regisseur.is_active = False
    regisseur.save()
    client.force_login(demo["procesmanager"])
    assert c.nummer in client.get(reverse("home")).content.decode()
    with pytest.raises(PermissionDenied):
        services.nazorg_vastleggen(door=regisseur, nazorg=Nazorg.objects.get(casus=c), uitkomst="stabiel")
    services.nazorg_vastleggen(door=demo["procesmanager"], nazorg=Nazorg.objects.get(casus=c), uitkomst="stabiel")
    assert Nazorg.objects.get(casus=c).uitgevoerd_door == demo["procesmanager"]


def test_recording_nazorg_through_the_home_page(client, demo):
    c = _gesloten(demo)
    client.force_login(c.casusregisseur)
    url = reverse("casusregie:nazorg_vastleggen", args=[c.nazorg.pk])
    client.post(url, {"uitkomst": "stabiel"})
    assert Nazorg.objects.get(casus=c).status == Nazorg.Status.OPEN  # not due yet: refused with a message
    _due(c)
    response = client.post(url, {"uitkomst": "opnieuw_melden"}, follow=True)
    assert "Schrijf kort waarom opnieuw melden nodig is" in response.content.decode()
    client.post(url, {"uitkomst": "opnieuw_melden", "notitie": "Huurachterstand is terug."})
    nazorg = Nazorg.objects.get(casus=c)
    assert nazorg.status == Nazorg.Status.UITGEVOERD and nazorg.uitkomst == "opnieuw_melden"
    assert nazorg.uitgevoerd_door == c.casusregisseur and nazorg.history.first().history_user == c.casusregisseur
    assert c.nummer not in client.get(reverse("home")).content.decode()  # done: off the home page
    # the meldpunt sees that a new melding is needed, registers it and marks it
    client.force_login(demo["meldpunt"])
    html = client.get(reverse("home")).content.decode()
    assert "Opnieuw melden na nazorg" in html and "Huurachterstand is terug." in html
    client.post(reverse("casusregie:nazorg_gemeld", args=[nazorg.pk]))
    assert Nazorg.objects.get(pk=nazorg.pk).status == Nazorg.Status.GEMELD
    assert "Huurachterstand is terug." not in client.get(reverse("home")).content.decode()
    cijfers = figures.compute(TODAY().year)
    assert cijfers["nazorg"] == {"uitgevoerd": 1, "per_uitkomst": {"opnieuw_melden": 1}}


def test_the_nazorg_task_gives_no_access_to_the_dossier_after_the_read_term(client, demo):
    c = _gesloten(demo)
    _due(c)
    Casus.objects.filter(pk=c.pk).update(leesrecht_regisseur_tot=TODAY() - timedelta(days=1))
    client.force_login(c.casusregisseur)
    assert c.nummer in client.get(reverse("home")).content.decode()
    assert client.get(reverse("casusregie:dossier", args=[c.pk])).status_code == 404
    services.nazorg_vastleggen(door=c.casusregisseur, nazorg=Nazorg.objects.get(casus=c), uitkomst="stabiel")
    assert client.get(reverse("casusregie:dossier", args=[c.pk])).status_code == 404


# --- two requests at the same moment ----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_waiting_list_reported_while_the_casus_is_being_closed_waits_and_is_refused(demo):
    """The casusregisseur closes; at that moment a waiting list is reported (the form loaded before). It waits
    for the casus row lock and then finds the casus closed: nothing is written, so no waiting list hangs on a
    closed casus."""
    from django.db import transaction

    c = factories.afsluitklaar(demo, factories.casus(demo))
    bezig, results = threading.Event(), {}

    def sluiten():
        try:
            with transaction.atomic():
                services.casus_afsluiten(door=c.casusregisseur, casus=Casus.objects.get(pk=c.pk), reden=_reden())
                bezig.set()
                time.sleep(1)  # the waiting list arrives now, before this commits
            results["sluiten"] = "ok"
        finally:
            bezig.set()
            connection.close()

    def melden():
        try:
            bezig.wait(timeout=30)
            _wachtlijst(Casus.objects.get(pk=c.pk))
            results["wachtlijst"] = "ok"
        except TransitionNotAllowed:
            results["wachtlijst"] = "geweigerd"
        finally:
            connection.close()

    threads = [threading.Thread(target=sluiten), threading.Thread(target=melden)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == {"sluiten": "ok", "wachtlijst": "geweigerd"}
    assert not Casus.objects.get(pk=c.pk).wachtlijsten.exists()
