"""The client's AVG rights (avg/, docs/avg.md): registering a request with its deadline, the narrow lookup, the
inzage export without the melder and without household members the client may not see, review and release
logged in the access log, verlenging, afwijzing with its ground, verwijdering through the retention machinery."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from avg import services
from avg.models import AvgExport, AvgVerzoek
from avg.signalen import termijnen_signaleren
from bzt.models import InzageRegel, Notificatie
from bzt.workflow import TransitionNotAllowed
from tests.helpers import pdf_via_taak
from tests.monitor.conftest import pdf_text

from .conftest import GERECHTIGD, MELDER, NIET_GERECHTIGD

pytestmark = pytest.mark.django_db


def _avg_blok(html):
    """The start page's section of AVG requests (the messages above it may name the request too)."""
    return html.split('id="kop-avg"', 1)[1].split("</section>", 1)[0]


def _afwezig(tekst, verboden):
    return [v for v in verboden if v.lower() in tekst.lower()]


def test_lookup_is_narrow_and_logged_and_registering_sets_the_legal_deadline(client, privacy, personen):
    client.force_login(privacy)
    klant = personen[0]
    # A name alone is not enough: only an exact BSN, or surname together with birth date
    page = client.get(reverse("avg:nieuw"), {"achternaam": klant.achternaam})
    assert "BSN in, of de achternaam én de geboortedatum" in page.content.decode()
    assert klant.voornaam not in page.content.decode()
    page = client.get(reverse("avg:nieuw"), {"achternaam": "cliëntsma", "geboortedatum": klant.geboortedatum})
    assert "Clara Cliëntsma" in page.content.decode() and NIET_GERECHTIGD["achternaam"] not in page.content.decode()
    gezocht = InzageRegel.objects.filter(grond="avg_verzoek", actie="zoeken")
    assert list(gezocht.values_list("persoon_id", flat=True)) == [klant.pk]

    ontvangen = timezone.localdate().replace(day=31) if timezone.localdate().day == 31 else timezone.localdate()
    response = client.post(
        reverse("avg:nieuw"), {"persoon": klant.pk, "soort": "inzage", "ontvangen_op": ontvangen.isoformat()}
    )
    verzoek = AvgVerzoek.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("avg:verzoek", args=[verzoek.pk])
    assert verzoek.termijn > ontvangen and (verzoek.termijn - ontvangen).days in range(28, 32)  # one month
    assert verzoek.history.first().history_user == privacy


def test_other_roles_cannot_register_or_see_requests(client, demo, verzoek):
    for username in ("procesmanager", "meldpunt", "regisseur_dimence", "beheer"):
        client.force_login(demo[username])
        assert client.get(reverse("avg:verzoek", args=[verzoek.pk])).status_code == 403
        assert client.post(reverse("avg:actie", args=[verzoek.pk, "exporteren"])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.verzoek_registreren(
            door=demo["procesmanager"], persoon=verzoek.persoon, soort="inzage", ontvangen_op=timezone.localdate()
        )


def test_export_leaves_out_the_melder_and_members_the_client_may_not_see(
    client, privacy, verzoek, personen, media, django_capture_on_commit_callbacks
):
    klant, verborgen, toegestaan = personen
    client.force_login(privacy)
    client.post(reverse("avg:actie", args=[verzoek.pk, "in_behandeling"]))
    client.post(reverse("avg:actie", args=[verzoek.pk, "huisgenoten"]), {"personen": [toegestaan.pk]})
    response = client.post(reverse("avg:actie", args=[verzoek.pk, "exporteren"]))
    export = AvgExport.objects.get()
    assert response["Location"] == reverse("avg:export", args=[export.pk])
    assert export.status == AvgExport.Status.CONCEPT

    verboden = [*MELDER.values(), NIET_GERECHTIGD["voornaam"], NIET_GERECHTIGD["achternaam"], NIET_GERECHTIGD["bsn"]]
    pdf = pdf_via_taak(
        client, reverse("avg:export_download", args=[export.pk, "pdf"]), django_capture_on_commit_callbacks
    )
    assert f"avg-inzage-{verzoek.nummer}-{export.pk}-concept.pdf" in pdf["Content-Disposition"]
    tekst = pdf_text(pdf.pdf)
    data = client.get(reverse("avg:export_download", args=[export.pk, "json"])).content.decode()
    scherm = client.get(reverse("avg:export", args=[export.pk])).content.decode()
    for inhoud in (tekst, data, scherm):
        assert _afwezig(inhoud, verboden) == []
        assert GERECHTIGD["achternaam"] in inhoud and "Cliëntsma" in inhoud  # the entitled child, the client
        assert "Huisbezoek afgelegd" in inhoud  # the journal
    inhoud = json.loads(data)
    assert inhoud["persoon"]["bsn"] == klant.bsn
    assert inhoud["meldingen"][0]["andere_huisgenoten_niet_getoond"] == 1
    assert inhoud["casussen"][0]["organisatie_casusregisseur"] == "Dimence"
    # who looked: organisation, role, date and what; never a user's name (art. 15(1)(c): recipients)
    assert inhoud["inzagen"] and all(
        set(i) == {"datum", "organisatie", "rol", "actie", "onderdeel"} for i in inhoud["inzagen"]
    )
    assert "Privacy officer / FG" in {i["rol"] for i in inhoud["inzagen"]}
    # every generation and download is in the access log, about the client and the entitled member only
    gelogd = InzageRegel.objects.filter(grond="avg_verzoek", object_type="avg_export")
    assert set(gelogd.values_list("persoon_id", flat=True)) == {klant.pk, toegestaan.pk}
    assert gelogd.filter(actie="exporteren").count() == 3 * 2  # made, PDF, JSON; two persons each


def test_release_is_logged_and_shown_in_the_access_log_viewer(client, privacy, verzoek, personen):
    services.in_behandeling_nemen(door=privacy, verzoek=verzoek)
    export = services.export_maken(door=privacy, verzoek=verzoek)
    client.force_login(privacy)
    response = client.post(reverse("avg:export_vrijgeven", args=[export.pk]))
    assert response.status_code == 302
    export.refresh_from_db()
    assert export.status == AvgExport.Status.VRIJGEGEVEN and export.vrijgegeven_door == privacy
    assert InzageRegel.objects.filter(actie="vrijgeven", persoon_id=personen[0].pk, grond="avg_verzoek").count() == 1
    viewer = client.get(reverse("inzagelog"), {"persoon": personen[0].pk}).content.decode()
    assert "Vrijgegeven aan de cliënt" in viewer and "AVG-verzoek van de cliënt" in viewer
    with pytest.raises(TransitionNotAllowed):  # released once
        services.export_vrijgeven(door=privacy, export=export)
    services.verzoek_afhandelen(door=privacy, verzoek=verzoek, uitkomst="Export per post verstuurd.")
    verzoek.refresh_from_db()
    assert verzoek.status == AvgVerzoek.Status.AFGEHANDELD


def test_inzage_cannot_be_closed_without_a_released_export_and_a_new_concept_replaces_the_old(privacy, verzoek):
    services.in_behandeling_nemen(door=privacy, verzoek=verzoek)
    eerste = services.export_maken(door=privacy, verzoek=verzoek)
    services.export_maken(door=privacy, verzoek=verzoek)
    eerste.refresh_from_db()
    assert eerste.status == AvgExport.Status.VERVANGEN
    with pytest.raises(ValidationError, match="Geef eerst een export vrij"):
        services.verzoek_afhandelen(door=privacy, verzoek=verzoek, uitkomst="klaar")


def test_verlengen_needs_a_reason_and_adds_two_months_once(privacy, verzoek):
    with pytest.raises(ValidationError):
        services.termijn_verlengen(door=privacy, verzoek=verzoek, reden="  ")
    services.termijn_verlengen(door=privacy, verzoek=verzoek, reden="Veel gegevens bij drie partners.")
    verzoek.refresh_from_db()
    assert verzoek.status == AvgVerzoek.Status.VERLENGD
    assert (verzoek.termijn - verzoek.ontvangen_op).days in range(89, 93)
    with pytest.raises(TransitionNotAllowed):
        services.termijn_verlengen(door=privacy, verzoek=verzoek, reden="nog eens")


def test_overdue_request_is_signalled_on_the_home_page_and_by_notification(client, privacy, personen):
    oud = timezone.localdate() - timedelta(days=40)
    verzoek = services.verzoek_registreren(door=privacy, persoon=personen[0], soort="bezwaar", ontvangen_op=oud)
    client.force_login(privacy)
    home = _avg_blok(client.get(reverse("home")).content.decode())
    assert verzoek.nummer in home and "1 te laat" in home
    assert termijnen_signaleren() == 1 and termijnen_signaleren() == 0  # once per key
    assert "te laat" in Notificatie.objects.get(ontvanger=privacy).tekst
    services.verzoek_afwijzen(door=privacy, verzoek=verzoek, grond="wettelijke_taak", uitkomst="Noodzakelijk.")
    assert verzoek.nummer not in _avg_blok(client.get(reverse("home")).content.decode())  # handled: gone


def test_refusal_needs_a_legal_ground(privacy, personen):
    verzoek = services.verzoek_registreren(
        door=privacy, persoon=personen[0], soort="verwijdering", ontvangen_op=timezone.localdate()
    )
    with pytest.raises(ValidationError) as fout:
        services.verzoek_afwijzen(door=privacy, verzoek=verzoek, grond="", uitkomst="")
    assert set(fout.value.message_dict) == {"grond", "uitkomst"}
    services.verzoek_afwijzen(door=privacy, verzoek=verzoek, grond="bewaartermijn", uitkomst="Casus loopt nog.")
    verzoek.refresh_from_db()
    assert verzoek.status == AvgVerzoek.Status.AFGEWEZEN and verzoek.grond == "bewaartermijn"


def test_granted_erasure_goes_through_retention_and_is_refused_while_care_runs(demo, privacy, personen, casus):
    klant = personen[0]
    verzoek = services.verzoek_registreren(
        door=privacy, persoon=klant, soort="verwijdering", ontvangen_op=timezone.localdate()
    )
    services.in_behandeling_nemen(door=privacy, verzoek=verzoek)
    with pytest.raises(ValidationError, match="Er loopt nog zorg"):
        services.verzoek_afhandelen(door=privacy, verzoek=verzoek, uitkomst="Gewist.")
    klant.refresh_from_db()
    assert klant.geanonimiseerd_op is None

    # Another person, whose only melding ended without a casus: erasure is carried out by keten.retention
    from meldpunt.codes import Besluit
    from tests import factories

    m = factories.melding(demo["meldpunt"], **MELDER)
    factories.triage(demo["meldpunt"], m, codes=(), besluit=Besluit.GEEN_ACTIE)
    alleen = m.betrokkenen.get().persoon
    ander = services.verzoek_registreren(
        door=privacy, persoon=alleen, soort="verwijdering", ontvangen_op=timezone.localdate()
    )
    services.in_behandeling_nemen(door=privacy, verzoek=ander)
    services.verzoek_afhandelen(door=privacy, verzoek=ander, uitkomst="Gegevens geanonimiseerd.")
    alleen.refresh_from_db()
    m.refresh_from_db()
    ander.refresh_from_db()
    assert alleen.geanonimiseerd_op is not None and alleen.bsn == "" and alleen.voornaam == "Geanonimiseerd"
    assert m.melder_naam == "" and m.geanonimiseerd_op is not None
    assert ander.bewaartermijn_run is not None and ander.status == AvgVerzoek.Status.AFGEHANDELD


# --- two requests at the same moment ----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_releases_of_one_export_at_once_release_it_once(privacy, verzoek):
    """Two tabs press "vrijgeven" together: the second waits for the request's row lock, then finds the export
    released and is refused; the access log has one release."""
    import threading
    import time

    from django.db import connection, transaction

    services.in_behandeling_nemen(door=privacy, verzoek=verzoek)
    export = services.export_maken(door=privacy, verzoek=verzoek)
    bezig, results = threading.Event(), {}

    def eerste():
        try:
            with transaction.atomic():
                services.export_vrijgeven(door=privacy, export=AvgExport.objects.get(pk=export.pk))
                bezig.set()
                time.sleep(1)  # the second release arrives now, before this commits
            results["eerste"] = "ok"
        finally:
            bezig.set()
            connection.close()

    def tweede():
        try:
            bezig.wait(timeout=30)
            services.export_vrijgeven(door=privacy, export=AvgExport.objects.get(pk=export.pk))
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
    assert InzageRegel.objects.filter(actie="vrijgeven", persoon_id=verzoek.persoon_id).count() == 1


def test_the_exports_copy_of_the_data_is_emptied_after_its_term_and_on_erasure(client, privacy, verzoek):
    from avg.signalen import EXPORT_BEWAREN_DAGEN, exports_opruimen
    from avg.tasks import exports_opruimen as taak

    services.in_behandeling_nemen(door=privacy, verzoek=verzoek)
    export = services.export_vrijgeven(door=privacy, export=services.export_maken(door=privacy, verzoek=verzoek))
    services.verzoek_afhandelen(door=privacy, verzoek=verzoek, uitkomst="Verstuurd.")
    assert taak.delay().get() == 0  # handled today: kept for the client's questions
    later = timezone.localdate() + timedelta(days=EXPORT_BEWAREN_DAGEN + 1)
    assert exports_opruimen(door=privacy, vandaag=later) == 1
    export.refresh_from_db()
    assert "Cliëntsma" not in json.dumps(export.inhoud) and export.status == AvgExport.Status.VRIJGEGEVEN
    client.force_login(privacy)
    assert client.get(reverse("avg:export_download", args=[export.pk, "json"])).status_code == 404
    assert "is opgeruimd" in client.get(reverse("avg:export", args=[export.pk])).content.decode()


def test_lookup_refuses_an_invalid_bsn_and_never_finds_an_anonymised_person(client, privacy, personen):
    client.force_login(privacy)
    page = client.get(reverse("avg:nieuw"), {"bsn": "123456789"}).content.decode()  # fails the elfproef
    assert "Clara" not in page and "Dit is geen geldig BSN" in page
    klant = personen[0]
    from avg.selectors import persoon_opzoeken

    assert persoon_opzoeken(bsn=klant.bsn) == [klant]
    type(klant).objects.filter(pk=klant.pk).update(geanonimiseerd_op=timezone.now())
    assert persoon_opzoeken(bsn=klant.bsn) == []
    assert not InzageRegel.objects.filter(actie="zoeken").exists()  # nothing shown, nothing logged
