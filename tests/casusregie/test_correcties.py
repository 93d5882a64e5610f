"""Issue 15: after the MDO the casusregisseur corrects the melding, persons and household of their own casus
(never a triage or MDO besluit), the corrections show in the timeline, and a waiting list is solved with a date
and an outcome, after which the dashboard and the signals no longer count it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from bzt.models import Organisatie
from bzt.workflow import TransitionNotAllowed
from casusregie import correcties, services, signals
from casusregie.models import Casus, Signaal, Wachtlijst
from casusregie.selectors import huishouden_ids
from casusregie.timeline import tijdlijn
from meldpunt.codes import Rol
from meldpunt.models import Triage
from tests import factories

VANDAAG = timezone.localdate()


def _hoofd(casus):
    return casus.melding.betrokkenen.get(rol=Rol.HOOFDPERSOON).persoon


def test_the_regisseur_corrects_a_person_of_their_casus_and_the_timeline_shows_it(demo):
    c = factories.casus(demo)
    p = _hoofd(c)
    triage_voor = Triage.objects.get(melding=c.melding).history.count()
    correcties.persoon_corrigeren(
        door=demo["regisseur_dimence"],
        casus=c,
        persoon=p,
        wijzigingen={"adres": "Nieuwstraat 1", "wijk": "Colmschate"},
        reden="Verhuisd",
    )
    p.refresh_from_db()
    assert (p.adres, p.wijk) == ("Nieuwstraat 1", "Colmschate")
    assert p.history.first().history_user == demo["regisseur_dimence"]
    event = next(e for e in tijdlijn(c) if e.soort == "correctie")
    assert "Persoonsgegevens gecorrigeerd" in event.tekst and "Reden: Verhuisd" in event.tekst
    assert "de casusregisseur" in event.tekst and event.door == demo["regisseur_dimence"]
    assert Triage.objects.get(melding=c.melding).history.count() == triage_voor  # the triage is untouched


@pytest.mark.parametrize("wie", ["regisseur_tactus", "procesmanager", "meldpunt"])
def test_only_the_regisseur_of_the_casus_corrects_its_household(demo, wie):
    c = factories.casus(demo)
    with pytest.raises(PermissionDenied):
        correcties.persoon_corrigeren(
            door=demo[wie], casus=c, persoon=_hoofd(c), wijzigingen={"achternaam": "Anders"}, reden="x"
        )
    assert _hoofd(c).achternaam != "Anders"


def test_a_person_of_another_household_is_refused(demo):
    c = factories.casus(demo)
    ander = _hoofd(factories.casus(demo))
    with pytest.raises(ValidationError, match="hoort niet bij het huishouden van deze casus"):
        correcties.persoon_corrigeren(
            door=demo["regisseur_dimence"], casus=c, persoon=ander, wijzigingen={"achternaam": "X"}, reden="x"
        )


def test_a_closed_casus_is_not_corrected(demo):
    c = factories.casus(demo)
    Casus.objects.filter(pk=c.pk).update(status=Casus.Status.AFGESLOTEN)
    with pytest.raises(TransitionNotAllowed, match="afgesloten"):
        correcties.melding_corrigeren(
            door=demo["regisseur_dimence"], casus=c, wijzigingen={"urgentie": "hoog"}, reden="x"
        )


def test_the_regisseur_adds_a_baby_and_the_bsn_of_another_record_is_not_named(demo):
    c = factories.casus(demo)
    uitkomst = correcties.huishoudlid_toevoegen(
        door=demo["regisseur_dimence"],
        casus=c,
        rol=Rol.KIND,
        reden="Kind geboren",
        gegevens=factories.persoon_gegevens(voornaam="Sem", geboortedatum=VANDAAG),
    )
    assert uitkomst.correctie.via == "casusregie"
    assert uitkomst.correctie.persoon.pk in huishouden_ids(c)
    bsn = factories.bsn(77)
    anders = factories.melding(demo["meldpunt"], huishouden=[(Rol.HOOFDPERSOON, factories.persoon_gegevens(bsn=bsn))])
    with pytest.raises(ValidationError) as refused:
        correcties.persoon_corrigeren(
            door=demo["regisseur_dimence"], casus=c, persoon=_hoofd(c), wijzigingen={"bsn": bsn}, reden="x"
        )
    melding = refused.value.message_dict["bsn"][0]
    ander = anders.betrokkenen.get().persoon
    assert "vraag het meldpunt" in melding and f"#{ander.pk}" not in melding and ander.naam not in melding


def test_the_web_form_of_the_dossier_corrects_a_birth_date(client, demo):
    c = factories.casus(demo)
    p = _hoofd(c)
    client.force_login(demo["regisseur_dimence"])
    dossier = client.get(reverse("casusregie:dossier", args=[c.pk])).content.decode()
    url = reverse("casusregie:persoon_corrigeren", args=[c.pk, p.pk])
    assert url in dossier
    data = {
        veld: getattr(p, veld)
        for veld in ("voornaam", "achternaam", "geslacht", "adres", "postcode", "woonplaats", "wijk", "inkomen")
    }
    response = client.post(url, {**data, "geboortedatum": "01-02-1980", "reden": "Typefout"}, follow=True)
    p.refresh_from_db()
    assert p.geboortedatum.isoformat() == "1980-02-01"
    assert "Persoonsgegevens gecorrigeerd" in response.content.decode()  # the dossier's timeline
    client.force_login(demo["regisseur_tactus"])
    assert client.get(url).status_code == 404


# --- waiting lists ------------------------------------------------------------------------------------------------


def _wachtlijst(c, dagen=5):
    return services.wachtlijst_melden(
        door=c.casusregisseur,
        casus=c,
        organisatie=Organisatie.objects.get(naam="Iriszorg"),
        voorziening="Beschermd wonen",
        sinds=VANDAAG - timedelta(days=dagen),
    )


def test_a_waiting_list_is_solved_with_date_and_outcome_and_no_longer_counted(client, demo):
    c = factories.casus(demo)
    w = _wachtlijst(c)
    signals.signalen_berekenen(today=VANDAAG)
    assert Signaal.objects.filter(casus=c, soort=Signaal.Soort.WACHTLIJST).exists()
    client.force_login(demo["procesmanager"])
    rijen = client.get(reverse("casusregie:dashboard")).context["wachtlijsten"]
    assert [r["aantal"] for r in rijen] == [1]

    with pytest.raises(ValidationError) as refused:
        correcties.wachtlijst_afsluiten(door=c.casusregisseur, wachtlijst=w, datum=VANDAAG, uitkomst="")
    assert "uitkomst" in refused.value.message_dict
    with pytest.raises(ValidationError):
        correcties.wachtlijst_afsluiten(
            door=c.casusregisseur, wachtlijst=w, datum=VANDAAG - timedelta(days=9), uitkomst="geplaatst"
        )
    with pytest.raises(PermissionDenied):
        correcties.wachtlijst_afsluiten(
            door=demo["regisseur_tactus"], wachtlijst=w, datum=VANDAAG, uitkomst="geplaatst"
        )

    correcties.wachtlijst_afsluiten(door=c.casusregisseur, wachtlijst=w, datum=VANDAAG, uitkomst="alternatief")
    w.refresh_from_db()
    assert (w.opgelost_op, w.uitkomst) == (VANDAAG, Wachtlijst.Uitkomst.ALTERNATIEF)
    assert w.history.first().history_user == c.casusregisseur
    signals.signalen_berekenen(today=VANDAAG)
    assert not Signaal.objects.filter(casus=c, soort=Signaal.Soort.WACHTLIJST).exists()
    assert client.get(reverse("casusregie:dashboard")).context["wachtlijsten"] == []
    with pytest.raises(TransitionNotAllowed, match="al opgelost"):
        correcties.wachtlijst_afsluiten(door=c.casusregisseur, wachtlijst=w, datum=VANDAAG, uitkomst="geplaatst")


def test_the_web_form_solves_a_waiting_list(client, demo):
    c = factories.casus(demo)
    w = _wachtlijst(c)
    client.force_login(demo["regisseur_dimence"])
    url = reverse("casusregie:wachtlijst_opgelost", args=[c.pk, w.pk])
    assert url in client.get(reverse("casusregie:dossier", args=[c.pk])).content.decode()
    response = client.post(url, {"datum": VANDAAG.strftime("%d-%m-%Y")})
    assert response.status_code == 200 and "Kies de uitkomst" in response.content.decode()
    response = client.post(url, {"datum": VANDAAG.strftime("%d-%m-%Y"), "uitkomst": "geplaatst"}, follow=True)
    assert "opgelost" in response.content.decode() and "geplaatst" in response.content.decode()
    w.refresh_from_db()
    assert w.uitkomst == "geplaatst"
    client.force_login(demo["procesmanager"])
    assert client.post(url, {"datum": VANDAAG.strftime("%d-%m-%Y"), "uitkomst": "geplaatst"}).status_code == 403


def test_the_regisseur_never_sees_nor_changes_the_melder(client, demo):
    c = factories.casus(demo)
    client.force_login(demo["regisseur_dimence"])
    url = reverse("casusregie:melding_corrigeren", args=[c.pk])
    html = client.get(url).content.decode()
    assert "Piet Melder" not in html and "melder_naam" not in html and "Aanleiding" in html
    with pytest.raises(PermissionDenied):
        correcties.melding_corrigeren(
            door=demo["regisseur_dimence"], casus=c, wijzigingen={"melder_naam": "Iemand"}, reden="x"
        )
    client.post(
        url,
        {
            "ontvangen_op": c.melding.ontvangen_op.isoformat(),
            "aanmeldroute": "oggz",
            "urgentie": "hoog",
            "aanleiding": "Zorgen.",
            "eerdere_hulp": "onbekend",
            "melder_naam": "Iemand",
            "reden": "Urgenter",
        },
    )
    c.melding.refresh_from_db()
    assert (c.melding.urgentie, c.melding.melder_naam) == ("hoog", "Piet Melder")
