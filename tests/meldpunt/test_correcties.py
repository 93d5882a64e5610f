"""Issue 15, correcting data: the meldpunt corrects a melding, its persons and household until the MDO decided;
each correction asks a reason, keeps the old value in the history, re-runs what depends on it and never rewrites
a triage. A mistake in a triage is corrected by a motivated hertriage."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from bzt.workflow import TransitionNotAllowed
from meldpunt import correcties
from meldpunt.codes import Besluit, Leefgebied, Rol
from meldpunt.models import Betrokkene, Correctie, Melding, Persoon, PersoonKoppeling, Triage
from tests import factories

VANDAAG = timezone.localdate()


def _hoofd(melding):
    return melding.betrokkenen.get(rol=Rol.HOOFDPERSOON).persoon


def _triage_snapshot(melding):
    triage = Triage.objects.get(melding=melding)
    return (triage.besluit, triage.score, triage.ggsr, triage.datum, triage.history.count())


def test_a_typo_in_a_birth_date_is_corrected_with_reason_and_the_history_keeps_the_old_value(demo):
    m = factories.melding(demo["meldpunt"])
    p = _hoofd(m)
    oud = p.geboortedatum
    nieuw = oud.replace(year=oud.year + 1)

    uitkomst = correcties.persoon_corrigeren(
        door=demo["meldpunt"], melding=m, persoon=p, wijzigingen={"geboortedatum": nieuw}, reden="Typefout: 1984"
    )

    p.refresh_from_db()
    assert p.geboortedatum == nieuw
    laatste = p.history.first()
    assert laatste.history_user == demo["meldpunt"]
    assert laatste.history_change_reason == "Correctie: Typefout: 1984"
    assert laatste.prev_record.geboortedatum == oud
    c = uitkomst.correctie
    assert (c.soort, c.velden, c.reden, c.door, c.persoon) == (
        "persoon",
        "geboortedatum",
        "Typefout: 1984",
        demo["meldpunt"],
        p,
    )


@pytest.mark.parametrize("reden", ["", "   "])
def test_a_correction_without_reason_is_refused_and_nothing_is_written(demo, reden):
    m = factories.melding(demo["meldpunt"])
    p = _hoofd(m)
    with pytest.raises(ValidationError) as refused:
        correcties.persoon_corrigeren(
            door=demo["meldpunt"], melding=m, persoon=p, wijzigingen={"achternaam": "Anders"}, reden=reden
        )
    assert refused.value.message_dict == {"reden": ["Geef de reden van de correctie."]}
    p.refresh_from_db()
    assert p.achternaam != "Anders" and p.history.count() == 1 and not Correctie.objects.exists()


def test_nothing_changed_is_no_correction(demo):
    m = factories.melding(demo["meldpunt"])
    with pytest.raises(ValidationError, match="Er is niets gewijzigd"):
        correcties.melding_corrigeren(door=demo["meldpunt"], melding=m, wijzigingen={"urgentie": m.urgentie}, reden="x")


@pytest.mark.parametrize("wie", ["procesmanager", "regisseur_dimence", "beheer"])
def test_only_the_meldpunt_corrects_before_the_mdo(demo, wie):
    m = factories.melding(demo["meldpunt"])
    with pytest.raises(PermissionDenied):
        correcties.melding_corrigeren(door=demo[wie], melding=m, wijzigingen={"urgentie": "hoog"}, reden="x")
    m.refresh_from_db()
    assert m.urgentie == "normaal"


def test_after_the_mdo_decided_the_meldpunt_no_longer_corrects(demo):
    c = factories.casus(demo)
    m = c.melding
    with pytest.raises(TransitionNotAllowed, match="de casusregisseur corrigeert"):
        correcties.persoon_corrigeren(
            door=demo["meldpunt"], melding=m, persoon=_hoofd(m), wijzigingen={"achternaam": "Anders"}, reden="x"
        )
    assert _hoofd(m).achternaam != "Anders"


@pytest.mark.parametrize("status", ["ontvangen", "in_triage", "getrieerd", "wacht_op_mdo", "op_mdo_agenda"])
def test_the_meldpunt_corrects_in_every_state_up_to_the_mdo_agenda(demo, status):
    m = factories.melding(demo["meldpunt"])
    Melding.objects.filter(pk=m.pk).update(status=status)
    correcties.melding_corrigeren(door=demo["meldpunt"], melding=m, wijzigingen={"urgentie": "hoog"}, reden="x")
    m.refresh_from_db()
    assert m.urgentie == "hoog" and m.status == status


def test_a_newborn_and_an_expected_child_join_the_household_and_the_triage_is_not_rewritten(demo):
    m = factories.melding(demo["meldpunt"])
    factories.triage(demo["meldpunt"], m, codes=("verslaving", "schulden", "dakloos", "psychiatrie"))
    voor = _triage_snapshot(m)
    assert voor[2] is False  # no children at triage: no GGSR

    baby = factories.persoon_gegevens(voornaam="Noor", geboortedatum=VANDAAG - timedelta(days=3))
    uitkomst = correcties.huishoudlid_toevoegen(
        door=demo["meldpunt"], melding=m, rol=Rol.KIND, reden="Kind geboren", gegevens=baby
    )
    assert m.betrokkenen.filter(rol=Rol.KIND, persoon__voornaam="Noor").exists()
    # GGSR re-run: a signal, the stored triage stays as decided
    assert "GGSR volgens het huishouden nu: ja (bij de triage: nee)" in uitkomst.ggsr_signaal
    assert uitkomst.correctie.toelichting == uitkomst.ggsr_signaal
    assert _triage_snapshot(m) == voor

    verwacht = factories.persoon_gegevens(voornaam="", verwacht=True, geboortedatum=VANDAAG + timedelta(days=90))
    correcties.huishoudlid_toevoegen(door=demo["meldpunt"], melding=m, rol=Rol.KIND, reden="Zwanger", gegevens=verwacht)
    kind = m.betrokkenen.get(persoon__verwacht=True).persoon
    assert kind.geboortedatum > VANDAAG
    assert Betrokkene.history.filter(persoon_id=kind.pk).get().history_change_reason == "Correctie: Zwanger"
    assert _triage_snapshot(m) == voor


def test_a_new_partner_from_the_known_persons_and_no_second_hoofdpersoon(demo):
    m = factories.melding(demo["meldpunt"])
    ander = _hoofd(factories.melding(demo["meldpunt"]))
    correcties.huishoudlid_toevoegen(
        door=demo["meldpunt"], melding=m, rol=Rol.PARTNER, reden="Nieuwe partner", persoon=ander
    )
    assert m.betrokkenen.filter(persoon=ander, rol=Rol.PARTNER).exists()
    with pytest.raises(ValidationError, match="hoort al bij dit huishouden"):
        correcties.huishoudlid_toevoegen(door=demo["meldpunt"], melding=m, rol=Rol.KIND, reden="x", persoon=ander)
    with pytest.raises(ValidationError, match="Er is al een hoofdpersoon"):
        correcties.huishoudlid_toevoegen(
            door=demo["meldpunt"], melding=m, rol=Rol.HOOFDPERSOON, reden="x", gegevens=factories.persoon_gegevens()
        )


def test_someone_leaves_the_household_the_history_keeps_them_and_the_hoofdpersoon_stays(demo):
    m = factories.melding(
        demo["meldpunt"],
        huishouden=[
            (Rol.HOOFDPERSOON, factories.persoon_gegevens()),
            (Rol.KIND, factories.persoon_gegevens(geboortedatum=VANDAAG - timedelta(days=3000))),
        ],
    )
    factories.triage(demo["meldpunt"], m, codes=("verslaving", "schulden", "dakloos", "psychiatrie"))
    assert Triage.objects.get(melding=m).ggsr
    voor = _triage_snapshot(m)
    kind = m.betrokkenen.get(rol=Rol.KIND)
    uitkomst = correcties.huishoudlid_verwijderen(door=demo["meldpunt"], betrokkene=kind, reden="Woont bij vader")
    assert not m.betrokkenen.filter(rol=Rol.KIND).exists()
    weg = Betrokkene.history.filter(id=kind.pk, history_type="-").get()
    assert (weg.history_user, weg.history_change_reason) == (demo["meldpunt"], "Correctie: Woont bij vader")
    assert "GGSR volgens het huishouden nu: nee (bij de triage: ja)" in uitkomst.ggsr_signaal
    assert _triage_snapshot(m) == voor
    with pytest.raises(ValidationError, match="hoofdpersoon kan niet"):
        correcties.huishoudlid_verwijderen(door=demo["meldpunt"], betrokkene=m.betrokkenen.get(), reden="x")


def test_a_bsn_found_later_passes_the_elfproef_and_is_never_merged_with_another_record(demo):
    m = factories.melding(demo["meldpunt"])
    p = _hoofd(m)
    with pytest.raises(ValidationError, match="elfproef"):
        correcties.persoon_corrigeren(
            door=demo["meldpunt"], melding=m, persoon=p, wijzigingen={"bsn": "123456789"}, reden="x"
        )
    bsn = factories.bsn(15)
    correcties.persoon_corrigeren(
        door=demo["meldpunt"], melding=m, persoon=p, wijzigingen={"bsn": bsn}, reden="BSN bekend"
    )
    p.refresh_from_db()
    assert p.bsn == bsn

    # the same BSN on a second record: refused, the meldpunt is pointed to linking; nothing merged
    m2 = factories.melding(demo["meldpunt"])
    p2 = _hoofd(m2)
    with pytest.raises(ValidationError) as refused:
        correcties.persoon_corrigeren(
            door=demo["meldpunt"], melding=m2, persoon=p2, wijzigingen={"bsn": bsn}, reden="x"
        )
    assert refused.value.message_dict["bsn"] == [
        f"Dit BSN staat al bij het record van {p.naam}; koppel de twee records op de persoonspagina "
        "als het dezelfde persoon is."
    ]
    p2.refresh_from_db()
    assert p2.bsn == "" and not PersoonKoppeling.objects.exists()


def test_a_corrected_name_and_birth_date_that_match_a_known_person_are_offered_for_linking(demo):
    bekend = _hoofd(
        factories.melding(
            demo["meldpunt"],
            huishouden=[
                (Rol.HOOFDPERSOON, factories.persoon_gegevens(voornaam="Jan", tussenvoegsel="van", achternaam="Dijk"))
            ],
        )
    )
    m = factories.melding(demo["meldpunt"])
    p = _hoofd(m)
    uitkomst = correcties.persoon_corrigeren(
        door=demo["meldpunt"],
        melding=m,
        persoon=p,
        wijzigingen={
            "voornaam": "jan",
            "tussenvoegsel": "",
            "achternaam": "Van Dijk",
            "geboortedatum": bekend.geboortedatum,
        },
        reden="Naam verkeerd overgenomen",
    )
    assert uitkomst.mogelijk_dezelfde == [bekend]
    assert uitkomst.correctie.mogelijk_dezelfde == [bekend.pk]
    assert not PersoonKoppeling.objects.exists() and Persoon.objects.filter(pk=p.pk).exists()


def test_a_corrected_date_of_receipt_moves_the_wvggz_deadline_but_not_past_the_triage(demo):
    m = factories.melding(demo["meldpunt"], wvggz=True, ontvangen_op=VANDAAG - timedelta(days=2))
    correcties.melding_corrigeren(
        door=demo["meldpunt"],
        melding=m,
        wijzigingen={"ontvangen_op": VANDAAG - timedelta(days=5)},
        reden="Datum verkeerd",
    )
    m.refresh_from_db()
    assert m.wvggz_deadline == VANDAAG - timedelta(days=5) + timedelta(days=14)
    assert m.correcties.get().toelichting == f"Termijn verkennend onderzoek Wvggz nu tot {m.wvggz_deadline:%d-%m-%Y}."
    assert m.history.first().prev_record.ontvangen_op == VANDAAG - timedelta(days=2)

    factories.triage(demo["meldpunt"], m, datum=VANDAAG - timedelta(days=1))
    with pytest.raises(ValidationError, match="na de triagedatum"):
        correcties.melding_corrigeren(
            door=demo["meldpunt"], melding=m, wijzigingen={"ontvangen_op": VANDAAG}, reden="x"
        )


def _leefgebieden(codes):
    return {code: (code in codes, "") for code in Leefgebied.values}


def test_a_hertriage_is_a_new_motivated_besluit_and_the_first_triage_stays_in_the_history(demo):
    m = factories.melding(demo["meldpunt"])
    factories.triage(demo["meldpunt"], m)  # 3 leefgebieden: naar het MDO
    m.refresh_from_db()
    assert m.status == Melding.Status.WACHT_OP_MDO
    with pytest.raises(ValidationError) as refused:
        correcties.hertriageren(
            door=demo["meldpunt"],
            melding=m,
            datum=VANDAAG,
            leefgebieden=_leefgebieden(("schulden",)),
            besluit=Besluit.ADVIES,
            motivatie="",
        )
    assert "motivatie" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        correcties.hertriageren(
            door=demo["procesmanager"],
            melding=m,
            datum=VANDAAG,
            leefgebieden=_leefgebieden(("schulden",)),
            besluit=Besluit.ADVIES,
            motivatie="x",
        )

    correcties.hertriageren(
        door=demo["meldpunt"],
        melding=m,
        datum=VANDAAG,
        leefgebieden=_leefgebieden(("schulden",)),
        besluit=Besluit.ADVIES,
        motivatie="Verslaving en dakloosheid waren van een ander huishouden.",
    )
    m.refresh_from_db()
    triage = Triage.objects.get(melding=m)
    assert m.status == Melding.Status.GETRIEERD
    assert (triage.besluit, triage.score) == (Besluit.ADVIES, 1)
    eerste = triage.history.order_by("history_date").first()
    assert (eerste.besluit, eerste.score) == (Besluit.MDO, 3)
    assert triage.history.first().history_change_reason.startswith("Hertriage: Verslaving")
    c = m.correcties.get(soort="hertriage")
    assert c.velden == "besluit naar het mdo → advies, 3 → 1 leefgebieden"

    # back to the MDO; once on the agenda the MDO decides: no hertriage any more
    correcties.hertriageren(
        door=demo["meldpunt"],
        melding=m,
        datum=VANDAAG,
        leefgebieden=_leefgebieden(("schulden", "dakloos", "verslaving")),
        besluit=Besluit.MDO,
        motivatie="Toch wel",
    )
    m.refresh_from_db()
    assert m.status == Melding.Status.WACHT_OP_MDO
    from meldpunt import services

    services.melding_op_mdo_agenda_zetten(door=demo["meldpunt"], melding=m)
    with pytest.raises(TransitionNotAllowed):
        correcties.hertriageren(
            door=demo["meldpunt"],
            melding=m,
            datum=VANDAAG,
            leefgebieden=_leefgebieden(()),
            besluit=Besluit.GEEN_ACTIE,
            motivatie="x",
        )
    assert Triage.objects.get(melding=m).besluit == Besluit.MDO


def test_a_correction_from_a_stale_page_does_not_undo_a_colleagues_correction(demo):
    m = factories.melding(demo["meldpunt"])
    oud = _hoofd(m)  # loaded before the colleague's correction
    correcties.persoon_corrigeren(
        door=demo["meldpunt"], melding=m, persoon=_hoofd(m), wijzigingen={"adres": "Nieuwstraat 2"}, reden="Verhuisd"
    )
    correcties.persoon_corrigeren(
        door=demo["meldpunt"], melding=m, persoon=oud, wijzigingen={"voornaam": "Johanna"}, reden="Typefout"
    )
    p = _hoofd(m)
    assert (p.voornaam, p.adres) == ("Johanna", "Nieuwstraat 2")


def test_a_web_correction_on_a_page_older_than_a_colleagues_correction_is_refused(meldpunt_client, demo):
    m = factories.melding(demo["meldpunt"])
    p = _hoofd(m)
    url = reverse("meldpunt:persoon_corrigeren", args=[m.pk, p.pk])
    gezien = meldpunt_client.get(url).context["form"]["versie"].value()
    correcties.persoon_corrigeren(
        door=demo["meldpunt"], melding=m, persoon=p, wijzigingen={"adres": "Nieuwstraat 2"}, reden="Verhuisd"
    )
    response = meldpunt_client.post(url, _persoon_post(p, voornaam="Johanna", reden="Typefout", versie=gezien))
    assert response.status_code == 200 and "intussen door iemand anders gewijzigd" in response.content.decode()
    p.refresh_from_db()
    assert (p.voornaam, p.adres) == (p.voornaam, "Nieuwstraat 2") and p.voornaam != "Johanna"


# --- the web forms ---------------------------------------------------------------------------------------------


@pytest.fixture
def meldpunt_client(client, demo):
    client.force_login(demo["meldpunt"])
    return client


def _persoon_post(p, **changes):
    data = {
        veld: getattr(p, veld)
        for veld in (
            "voornaam",
            "tussenvoegsel",
            "achternaam",
            "geslacht",
            "bsn",
            "adres",
            "postcode",
            "woonplaats",
            "wijk",
            "inkomen",
        )
    }
    data["geboortedatum"] = p.geboortedatum.strftime("%d-%m-%Y")
    data.update(changes)
    return data


def test_the_web_form_corrects_a_birth_date_and_asks_for_the_reason(meldpunt_client, demo):
    m = factories.melding(demo["meldpunt"])
    p = _hoofd(m)
    url = reverse("meldpunt:persoon_corrigeren", args=[m.pk, p.pk])
    assert "Reden van de correctie" in meldpunt_client.get(url).content.decode()

    response = meldpunt_client.post(url, _persoon_post(p, geboortedatum="02-03-1984"))
    assert response.status_code == 200
    assert "Geef de reden van de correctie." in response.content.decode()
    oorspronkelijk = p.geboortedatum
    p.refresh_from_db()
    assert p.geboortedatum == oorspronkelijk  # nothing saved without a reason

    response = meldpunt_client.post(url, _persoon_post(p, geboortedatum="02-03-1984", reden="Typefout"), follow=True)
    p.refresh_from_db()
    assert p.geboortedatum.isoformat() == "1984-03-02"
    html = response.content.decode()
    assert "De correctie is opgeslagen" in html and "Persoonsgegevens gecorrigeerd" in html and "Typefout" in html


def test_the_web_form_adds_a_newborn_and_offers_a_known_person_first(meldpunt_client, demo):
    m = factories.melding(demo["meldpunt"])
    url = reverse("meldpunt:huishoudlid_toevoegen", args=[m.pk])
    baby = {
        "rol": "kind",
        "voornaam": "Noor",
        "achternaam": "Jansen",
        "geboortedatum": (VANDAAG - timedelta(days=2)).strftime("%d-%m-%Y"),
        "geslacht": "vrouw",
        "inkomen": "onbekend",
        "reden": "Kind geboren",
    }
    response = meldpunt_client.post(url, baby, follow=True)
    assert "De correctie is opgeslagen" in response.content.decode()
    noor = m.betrokkenen.get(rol="kind").persoon
    assert noor.voornaam == "Noor"

    # the same baby on another melding: offered as known, then chosen (not a second record)
    m2 = factories.melding(demo["meldpunt"])
    url2 = reverse("meldpunt:huishoudlid_toevoegen", args=[m2.pk])
    response = meldpunt_client.post(url2, baby)
    assert response.status_code == 200 and f"Gebruik bestaande persoon: {noor.naam}" in response.content.decode()
    assert not m2.betrokkenen.filter(rol="kind").exists()
    meldpunt_client.post(url2, {**baby, "keuze": f"bestaand:{noor.pk}"})
    assert m2.betrokkenen.get(rol="kind").persoon == noor
    assert Persoon.objects.filter(voornaam="Noor").count() == 1


def test_the_melding_page_shows_the_correction_links_only_while_the_meldpunt_may(meldpunt_client, demo):
    m = factories.melding(demo["meldpunt"])
    html = meldpunt_client.get(reverse("meldpunt:melding", args=[m.pk])).content.decode()
    assert reverse("meldpunt:melding_corrigeren", args=[m.pk]) in html
    c = factories.casus(demo)
    html = meldpunt_client.get(reverse("meldpunt:melding", args=[c.melding.pk])).content.decode()
    assert reverse("meldpunt:melding_corrigeren", args=[c.melding.pk]) not in html


def test_someone_leaves_through_a_confirmation_page_with_reason(meldpunt_client, demo):
    m = factories.melding(
        demo["meldpunt"],
        huishouden=[(Rol.HOOFDPERSOON, factories.persoon_gegevens()), (Rol.PARTNER, factories.persoon_gegevens())],
    )
    partner = m.betrokkenen.get(rol=Rol.PARTNER)
    url = reverse("meldpunt:huishoudlid_verwijderen", args=[m.pk, partner.pk])
    assert "Bevestigen: uit het huishouden" in meldpunt_client.get(url).content.decode()
    assert m.betrokkenen.count() == 2  # a GET changes nothing
    meldpunt_client.post(url, {"reden": "Uit elkaar"})
    assert m.betrokkenen.count() == 1


def test_the_procesmanager_may_not_open_the_correction_forms(client, demo):
    m = factories.melding(demo["meldpunt"])
    client.force_login(demo["procesmanager"])
    assert client.get(reverse("meldpunt:melding_corrigeren", args=[m.pk])).status_code == 403
    assert (
        client.post(
            reverse("meldpunt:melding_corrigeren", args=[m.pk]), {"urgentie": "acuut", "reden": "x"}
        ).status_code
        == 403
    )


def test_the_web_hertriage_keeps_the_first_triage_visible(meldpunt_client, demo):
    m = factories.melding(demo["meldpunt"])
    factories.triage(demo["meldpunt"], m)
    url = reverse("meldpunt:hertriage", args=[m.pk])
    data = {"datum": VANDAAG.strftime("%d-%m-%Y"), "besluit": "advies", "schulden": "on"}
    response = meldpunt_client.post(url, data)
    assert response.status_code == 200 and "Motiveer de hertriage." in response.content.decode()
    response = meldpunt_client.post(url, {**data, "motivatie": "Verkeerd huishouden gescoord"}, follow=True)
    html = response.content.decode()
    assert "De hertriage is vastgelegd" in html and "Hertriage" in html and "Verkeerd huishouden gescoord" in html
    assert Triage.objects.get(melding=m).besluit == "advies"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_corrections_of_the_same_page_at_once_save_one_and_refuse_the_other(demo):
    """Two colleagues correct the same person from the same page (the same version): the second waits for the row
    lock of the first, then finds a newer version and is refused — nothing of the first is overwritten."""
    import threading
    import time

    from django.db import connection, transaction

    m = factories.melding(demo["meldpunt"])
    p = _hoofd(m)
    gezien = correcties.versie(p)
    bezig, uitkomst = threading.Event(), {}

    def eerste():
        try:
            with transaction.atomic():
                correcties.persoon_corrigeren(
                    door=demo["meldpunt"], melding=m, persoon=p, wijzigingen={"adres": "Eerste 1"}, reden="a",
                    versie=gezien,
                )  # fmt: skip
                bezig.set()
                time.sleep(1)  # the second correction arrives now, before this commits
            uitkomst["eerste"] = "opgeslagen"
        finally:
            bezig.set()
            connection.close()

    def tweede():
        try:
            bezig.wait(timeout=30)
            try:
                correcties.persoon_corrigeren(
                    door=demo["meldpunt"], melding=Melding.objects.get(pk=m.pk), persoon=p,
                    wijzigingen={"adres": "Tweede 2"}, reden="b", versie=gezien,
                )  # fmt: skip
                uitkomst["tweede"] = "opgeslagen"
            except ValidationError as error:
                uitkomst["tweede"] = error.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=eerste), threading.Thread(target=tweede)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert uitkomst == {"eerste": "opgeslagen", "tweede": correcties.GEWIJZIGD}
    p.refresh_from_db()
    assert p.adres == "Eerste 1" and Correctie.objects.filter(persoon=p).count() == 1
