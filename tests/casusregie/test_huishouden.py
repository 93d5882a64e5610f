"""1 huishouden, 1 plan, 1 regisseur (seed 002): one open casus per household, on every path — the MDO besluit
(web and service), the import and two besluiten at once — following linked person records and the meldingen
added to a casus; a new melding about that household joins the open casus (meldpunt or MDO) and its
casusregisseur sees it, and sees who else reports about the client (never what)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from bzt.workflow import TransitionNotAllowed
from casusregie import services
from casusregie.models import Casus, CasusMelding
from casusregie.timeline import tijdlijn
from mdo import services as mdo_services
from meldpunt import services as meldpunt_services
from meldpunt.models import Melding
from tests import factories
from tests.mdo.conftest import besluit_url


def koppelen(demo, a, b):
    return meldpunt_services.personen_koppelen(door=demo["meldpunt"], persoon=a, gekoppeld_aan=b, reden="Zelfde.")


def toewijzen_web(client, punt, regisseur):
    return client.post(
        besluit_url(punt),
        {"actie": "toewijzen", f"t{punt.pk}-casusregisseur": regisseur.pk, f"t{punt.pk}-notulen": "Past."},
    )


@pytest.fixture
def casus(demo):
    """An open casus of regisseur_dimence for the household of Anna (hoofdpersoon)."""
    return factories.casus(
        demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens(voornaam="Anna", achternaam="Huisman"))]
    )


@pytest.fixture
def lid(casus):
    return casus.melding.betrokkenen.get().persoon


# --- the reported bug: a linked record got a second open casus through the MDO --------------------------------------


def test_a_linked_record_of_a_client_gets_no_second_casus_through_the_mdo(client, demo, lid):
    """The report: a person record linked to a person with an open casus got a second open casus through the MDO."""
    m = factories.mdo_melding(demo)
    koppelen(demo, m.betrokkenen.get().persoon, lid)
    punt = factories.overleg(demo).agendapunten.get()
    client.force_login(demo["procesmanager"])
    response = toewijzen_web(client, punt, demo["regisseur_tactus"])
    assert response.status_code == 200
    assert "1 huishouden, 1 plan, 1 regisseur" in response.content.decode()
    assert Casus.objects.count() == 1
    punt.refresh_from_db()
    assert punt.besluit == "" and Melding.objects.get(pk=m.pk).status == Melding.Status.OP_MDO_AGENDA


def test_a_person_of_a_melding_added_to_a_casus_gets_no_second_casus(demo, casus, lid):
    kind = factories.persoon_gegevens(voornaam="Kees")
    toegevoegd = factories.melding(demo["meldpunt"], huishouden=[("hoofdpersoon", lid), ("kind", kind)])
    services.melding_bij_casus_voegen(door=demo["meldpunt"], melding=toegevoegd)
    kees = toegevoegd.betrokkenen.get(rol="kind").persoon
    # a melding about Kees alone, and one about a record linked to Kees: both are the casus household
    alleen_kees = factories.mdo_melding(demo, huishouden=[("hoofdpersoon", kees)])
    with pytest.raises(ValidationError, match="1 huishouden, 1 plan, 1 regisseur"):
        services.casus_toewijzen(
            door=demo["procesmanager"], melding=alleen_kees, casusregisseur=demo["regisseur_tactus"]
        )
    ander_record = factories.mdo_melding(demo)
    koppelen(demo, ander_record.betrokkenen.get().persoon, kees)
    with pytest.raises(ValidationError, match=casus.nummer):
        services.casus_toewijzen(
            door=demo["procesmanager"], melding=ander_record, casusregisseur=demo["regisseur_tactus"]
        )
    assert Casus.objects.count() == 1


def test_after_closing_the_household_may_get_a_new_casus(demo, casus, lid):
    Casus.objects.filter(pk=casus.pk).update(status=Casus.Status.AFGESLOTEN)
    m = factories.mdo_melding(demo, huishouden=[("hoofdpersoon", lid)])
    assert services.open_casus_van_huishouden(m) is None
    services.casus_toewijzen(door=demo["procesmanager"], melding=m, casusregisseur=demo["regisseur_tactus"])
    assert Casus.objects.exclude(status=Casus.Status.AFGESLOTEN).count() == 1


# --- a new melding joins the open casus: the meldpunt at triage ----------------------------------------------------


def test_the_meldpunt_adds_a_new_melding_to_the_open_casus_and_the_regisseur_sees_it(client, demo, casus, lid):
    nieuw = factories.melding(
        demo["meldpunt"], huishouden=[("hoofdpersoon", lid)], aanleiding="Geheime inhoud van de nieuwe melding."
    )
    client.force_login(demo["meldpunt"])
    pagina = client.get(reverse("meldpunt:melding", args=[nieuw.pk])).content.decode()
    assert f"Casus {casus.nummer}" in pagina and "Bij de open casus voegen" in pagina

    response = client.post(reverse("casusregie:melding_bij_casus", args=[nieuw.pk]))
    assert response.status_code == 302
    nieuw.refresh_from_db()
    assert nieuw.status == Melding.Status.BIJ_CASUS
    toegevoegd = CasusMelding.objects.get(melding=nieuw)
    assert (toegevoegd.casus, toegevoegd.via, toegevoegd.toegevoegd_door) == (casus, "meldpunt", demo["meldpunt"])
    assert nieuw.history.first().history_user == demo["meldpunt"]
    assert any(nieuw.nummer in g.tekst and "het meldpunt" in g.tekst for g in tijdlijn(casus))

    regisseur = demo["regisseur_dimence"]
    client.force_login(regisseur)
    home = client.get(reverse("home")).content.decode()
    assert f"melding {nieuw.nummer} is bij uw casus gevoegd" in home
    dossier = client.get(reverse("casusregie:dossier", args=[casus.pk])).content.decode()
    assert nieuw.nummer in dossier and "Later bij deze casus gevoegde meldingen" in dossier
    assert f"melding {nieuw.nummer} is bij uw casus gevoegd" not in client.get(reverse("home")).content.decode()
    toegevoegd.refresh_from_db()
    assert toegevoegd.gezien_op is not None


def test_opening_the_dossier_as_someone_else_keeps_the_signal(client, demo, casus, lid):
    nieuw = factories.melding(demo["meldpunt"], huishouden=[("hoofdpersoon", lid)])
    services.melding_bij_casus_voegen(door=demo["meldpunt"], melding=nieuw)
    client.force_login(demo["procesmanager"])
    client.get(reverse("casusregie:dossier", args=[casus.pk]))
    assert CasusMelding.objects.get(melding=nieuw).gezien_op is None


def test_joining_needs_an_open_casus_of_the_household(demo):
    m = factories.melding(demo["meldpunt"])
    with pytest.raises(ValidationError, match="geen open casus"):
        services.melding_bij_casus_voegen(door=demo["meldpunt"], melding=m)
    assert Melding.objects.get(pk=m.pk).status == Melding.Status.ONTVANGEN


def test_joining_is_for_the_meldpunt_and_only_before_the_mdo(client, demo, casus, lid):
    nieuw = factories.melding(demo["meldpunt"], huishouden=[("hoofdpersoon", lid)])
    with pytest.raises(PermissionDenied):
        services.melding_bij_casus_voegen(door=demo["regisseur_dimence"], melding=nieuw)
    client.force_login(demo["regisseur_dimence"])
    assert client.post(reverse("casusregie:melding_bij_casus", args=[nieuw.pk])).status_code == 403
    op_agenda = factories.mdo_melding(demo, huishouden=[("hoofdpersoon", lid)])
    with pytest.raises(TransitionNotAllowed):  # on the MDO agenda: the MDO decides
        services.melding_bij_casus_voegen(door=demo["meldpunt"], melding=op_agenda)
    assert not CasusMelding.objects.exists()


# --- a new melding joins the open casus: the MDO besluit ---------------------------------------------------------


def test_the_mdo_adds_a_melding_to_the_open_casus_of_its_household(client, demo, casus, lid):
    m = factories.mdo_melding(demo, huishouden=[("hoofdpersoon", lid), ("kind", factories.persoon_gegevens())])
    punt = factories.overleg(demo).agendapunten.get()
    client.force_login(demo["procesmanager"])
    response = client.post(
        besluit_url(punt), {"actie": "bij_casus", f"b{punt.pk}-notulen": "Hoort bij de lopende casus."}
    )
    assert response.status_code == 302
    punt.refresh_from_db()
    assert (punt.besluit, punt.casus) == ("bij_casus", casus)
    m.refresh_from_db()
    assert m.status == Melding.Status.BIJ_CASUS and CasusMelding.objects.get(melding=m).via == "mdo"
    assert Casus.objects.count() == 1


def test_the_mdo_cannot_add_a_melding_of_a_household_without_open_casus(client, demo):
    factories.mdo_melding(demo)
    punt = factories.overleg(demo).agendapunten.get()
    with pytest.raises(ValidationError, match="geen open casus"):
        mdo_services.besluit_nemen(
            door=demo["procesmanager"], punt=punt, actie="bij_casus", gegevens={"notulen": "Erbij."}
        )
    punt.refresh_from_db()
    assert punt.besluit == "" and not CasusMelding.objects.exists()


# --- "already known" for the casusregisseur: who reported, not what ----------------------------------------------


def test_the_regisseur_sees_who_else_reports_about_the_client_not_what(client, demo, casus, lid):
    ander_record = factories.melding(
        demo["meldpunt"],
        huishouden=[("hoofdpersoon", factories.persoon_gegevens())],
        melder_organisatie="Woningcorporatie IJsselland",
        aanleiding="Vertrouwelijke inhoud.",
        melder_naam="Karel Geheim",
        ontvangen_op=timezone.localdate(),
    )
    koppelen(demo, ander_record.betrokkenen.get().persoon, lid)
    anoniem = factories.melding(
        demo["meldpunt"],
        huishouden=[("hoofdpersoon", lid)],
        melder_type="anoniem",
        melder_naam="",
        melder_organisatie="",
        ontvangen_op=timezone.localdate(),
    )
    client.force_login(demo["regisseur_dimence"])
    for url in (reverse("home"), reverse("casusregie:dossier", args=[casus.pk])):
        html = client.get(url).content.decode()
        vandaag = f"{timezone.localdate():%d-%m-%Y}"
        assert f"Nieuwe melding over uw cliënt(huishouden) van Woningcorporatie IJsselland op {vandaag}" in html
        assert f"van een anonieme melder op {vandaag}" in html
        assert "Vertrouwelijke inhoud" not in html and "Karel Geheim" not in html
        assert ander_record.nummer not in html and anoniem.nummer not in html
    client.force_login(demo["regisseur_tactus"])  # not their client
    assert "Woningcorporatie IJsselland" not in client.get(reverse("home")).content.decode()


def test_a_melding_from_before_the_casus_is_no_new_melding(demo, casus, lid):
    factories.melding(
        demo["meldpunt"], huishouden=[("hoofdpersoon", lid)], ontvangen_op=casus.toegewezen_op - timedelta(days=3)
    )
    from casusregie.selectors import nieuwe_meldingen_over_huishouden

    assert nieuwe_meldingen_over_huishouden([casus]) == []


# --- two besluiten at the same moment (PostgreSQL) ---------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_mdo_besluiten_at_once_give_one_casus(demo):
    """Two meldingen about one person (two linked records), assigned by two MDO besluiten at the same moment: the
    second waits for the lock on the persons and then sees the first one's casus. Without the lock both checks ran
    before either casus existed and the household got two open casussen."""
    import threading
    import time

    from django.db import connection, transaction

    eerste_melding = factories.mdo_melding(demo)
    tweede_melding = factories.mdo_melding(demo)
    koppelen(demo, tweede_melding.betrokkenen.get().persoon, eerste_melding.betrokkenen.get().persoon)
    bezig, uitkomst = threading.Event(), {}

    def eerste():
        try:
            with transaction.atomic():
                services.casus_toewijzen(
                    door=demo["procesmanager"], melding=eerste_melding, casusregisseur=demo["regisseur_dimence"]
                )
                bezig.set()
                time.sleep(1)  # the second besluit arrives now, before this one commits
            uitkomst["eerste"] = "casus"
        finally:
            bezig.set()
            connection.close()

    def tweede():
        try:
            bezig.wait(timeout=30)
            services.casus_toewijzen(
                door=demo["procesmanager"],
                melding=Melding.objects.get(pk=tweede_melding.pk),
                casusregisseur=demo["regisseur_tactus"],
            )
            uitkomst["tweede"] = "casus"
        except ValidationError as error:
            uitkomst["tweede"] = " ".join(error.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=eerste), threading.Thread(target=tweede)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert uitkomst["eerste"] == "casus"
    assert "1 huishouden, 1 plan, 1 regisseur" in uitkomst["tweede"]
    assert Casus.objects.exclude(status=Casus.Status.AFGESLOTEN).count() == 1


def test_a_melding_added_to_a_casus_is_known_with_the_regisseur_as_contact(demo, casus, lid):
    from meldpunt.selectors import bekend_signalen

    toegevoegd = factories.melding(demo["meldpunt"], huishouden=[("hoofdpersoon", lid)])
    services.melding_bij_casus_voegen(door=demo["meldpunt"], melding=toegevoegd)
    signalen = {s.melding: s.contact for s in bekend_signalen([lid])}
    assert set(signalen) == {casus.melding, toegevoegd}
    assert (
        "casusregisseur" in signalen[toegevoegd] and str(demo["regisseur_dimence"].organisatie) in signalen[toegevoegd]
    )


def test_an_added_melding_leaves_the_triage_queue_and_its_melder_is_due_to_be_told(demo, casus, lid):
    from meldpunt.selectors import wachtrij_queryset

    nieuw = factories.melding(demo["meldpunt"], huishouden=[("hoofdpersoon", lid)], ontvangen_op=timezone.localdate())
    assert nieuw in wachtrij_queryset(demo["meldpunt"], wachtrij="triage")
    assert nieuw not in wachtrij_queryset(demo["meldpunt"], wachtrij="terugkoppeling")
    services.melding_bij_casus_voegen(door=demo["meldpunt"], melding=nieuw)
    assert nieuw not in wachtrij_queryset(demo["meldpunt"], wachtrij="triage")
    assert nieuw in wachtrij_queryset(demo["meldpunt"], wachtrij="terugkoppeling")


def test_opening_the_dossier_logs_the_persons_of_an_added_melding_too(client, demo, casus, lid):
    from bzt.models import InzageRegel

    kind = factories.persoon_gegevens(voornaam="Kees")
    nieuw = factories.melding(demo["meldpunt"], huishouden=[("hoofdpersoon", lid), ("kind", kind)])
    services.melding_bij_casus_voegen(door=demo["meldpunt"], melding=nieuw)
    kees = nieuw.betrokkenen.get(rol="kind").persoon
    client.force_login(demo["regisseur_dimence"])
    client.get(reverse("casusregie:dossier", args=[casus.pk]))
    gelogd = set(
        InzageRegel.objects.filter(object_type="casus", object_id=casus.pk).values_list("persoon_id", flat=True)
    )
    assert gelogd == {lid.pk, kees.pk}
