"""Every look at a dossier, plan, escalation, melding, person or MDO agenda is in the access log: one row per
client, with who (user, organisation, role), what, and why access was allowed."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bzt.audit import acting_as
from bzt.inzage import ketenen, log_inzage
from bzt.models import InzageRegel, Organisatie
from casusregie import services
from casusregie.models import EscalatieNiveau
from mdo.models import AgendaPunt
from tests import factories
from tests.helpers import pdf_via_taak

from .conftest import household_ids, rows

GRONDEN = {
    "regisseur_dimence": "regisseur",
    "regisseur_iriszorg": "betrokkene",
    "procesmanager": "procesmanager",
}


@pytest.mark.parametrize("username", sorted(GRONDEN))
def test_every_dossier_view_writes_one_row_per_household_member(client, demo, casus, username):
    user = demo[username]
    url = reverse("casusregie:dossier", args=[casus.pk])
    client.force_login(user)
    assert client.get(url).status_code == 200

    logged = rows()
    assert len(logged) == 3
    assert {r.persoon_id for r in logged} == household_ids(casus)
    for r in logged:
        assert (r.gebruiker_id, r.gebruikersnaam) == (user.pk, username)
        assert r.organisatie == user.organisatie.naam
        assert r.rol == user.rol.label
        assert (r.object_type, r.object_id, r.actie, r.pad) == ("casus", casus.pk, "bekijken", url)
        assert r.grond == GRONDEN[username]
    assert len({r.moment for r in logged}) == 1  # one access

    client.get(url)
    assert InzageRegel.objects.count() == 6  # every view, not only the first


def test_the_organisation_and_role_are_a_snapshot(client, demo, casus):
    client.force_login(demo["regisseur_dimence"])
    client.get(reverse("casusregie:dossier", args=[casus.pk]))
    demo["regisseur_dimence"].organisatie = Organisatie.objects.get(naam="Tactus Verslavingszorg")
    with acting_as(demo["beheer"]):
        demo["regisseur_dimence"].save()
    assert set(InzageRegel.objects.values_list("organisatie", flat=True)) == {"Dimence"}


def test_a_dossier_shown_again_after_a_form_error_is_logged_too(client, demo, casus):
    client.force_login(demo["regisseur_dimence"])
    response = client.post(reverse("casusregie:journaal_toevoegen", args=[casus.pk]), {"journaal-tekst": ""})
    assert response.status_code == 200
    assert len(rows(object_type="casus")) == 3


def test_plan_view_is_logged(client, demo, casus):
    plan = casus.plannen.get()
    client.force_login(demo["regisseur_iriszorg"])
    assert client.get(reverse("casusregie:plan", args=[plan.pk])).status_code == 200
    logged = rows()
    assert {r.persoon_id for r in logged} == household_ids(casus)
    assert {(r.object_type, r.object_id, r.grond) for r in logged} == {("plan", plan.pk, "betrokkene")}


def test_escalation_view_is_logged_with_the_escalation_level_as_grond(client, demo, casus):
    escalatie = services.casus_escaleren(
        door=demo["regisseur_dimence"], casus=casus, reden="wachtlijst", vraag="Wachtlijst doorbreken?"
    )
    services.escalatie_opschalen(
        door=demo["procesmanager"],
        escalatie=escalatie,
        naar=EscalatieNiveau.objects.get(code="wethouder"),
        toelichting="Bestuurlijk besluit nodig",
    )
    url = reverse("casusregie:escalatie", args=[escalatie.pk])
    for username, grond in (("wethouder", "escalatieniveau"), ("procesmanager", "procesmanager")):
        client.force_login(demo[username])
        assert client.get(url).status_code == 200
        logged = rows(gebruiker=demo[username])
        assert {r.persoon_id for r in logged} == household_ids(casus)
        assert {(r.object_type, r.object_id, r.grond) for r in logged} == {("escalatie", escalatie.pk, grond)}


@pytest.mark.parametrize("username, grond", [("meldpunt", "meldpunt"), ("procesmanager", "procesmanager")])
def test_melding_view_is_logged(client, demo, huishouden, username, grond):
    melding = factories.melding(demo["meldpunt"], huishouden=huishouden)
    client.force_login(demo[username])
    assert client.get(reverse("meldpunt:melding", args=[melding.pk])).status_code == 200
    logged = rows()
    assert len(logged) == 3
    assert {r.persoon_id for r in logged} == set(melding.betrokkenen.values_list("persoon_id", flat=True))
    assert {(r.object_type, r.object_id, r.grond, r.rol) for r in logged} == {
        ("melding", melding.pk, grond, demo[username].rol.label)
    }


def test_person_view_and_search_results_are_logged(client, demo, huishouden):
    melding = factories.melding(demo["meldpunt"], huishouden=huishouden)
    persoon = melding.betrokkenen.get(rol="partner").persoon
    client.force_login(demo["meldpunt"])
    assert client.get(reverse("meldpunt:persoon", args=[persoon.pk])).status_code == 200
    assert [(r.object_type, r.object_id, r.persoon_id, r.actie) for r in rows()] == [
        ("persoon", persoon.pk, persoon.pk, "bekijken")
    ]

    assert client.get(reverse("meldpunt:zoeken"), {"q": "Partnersma"}).status_code == 200
    found = rows(actie="zoeken")
    assert [(r.persoon_id, r.object_type, r.grond) for r in found] == [(persoon.pk, "persoon", "meldpunt")]
    client.get(reverse("meldpunt:zoeken"), {"q": "Niemandsma"})
    assert len(rows(actie="zoeken")) == 1  # an empty result shows nobody


def test_the_person_page_logs_the_linked_records_it_names(client, demo, huishouden):
    from meldpunt.services import personen_koppelen

    melding = factories.melding(demo["meldpunt"], huishouden=huishouden)
    persoon = melding.betrokkenen.get(rol="partner").persoon
    ander = factories.melding(demo["meldpunt"]).betrokkenen.get().persoon
    personen_koppelen(door=demo["meldpunt"], persoon=persoon, gekoppeld_aan=ander, reden="Zelfde persoon.")
    client.force_login(demo["meldpunt"])
    html = client.get(reverse("meldpunt:persoon", args=[persoon.pk])).content.decode()
    assert ander.naam in html
    assert {r.persoon_id for r in rows(actie="bekijken")} == {persoon.pk, ander.pk}


def test_the_intake_logs_the_known_persons_it_offers(client, demo):
    from tests.meldpunt.test_intake import URL, form_data

    gegevens = factories.persoon_gegevens(voornaam="Jan", achternaam="Jansen", bsn="123456782")
    jan = factories.melding(demo["meldpunt"], huishouden=[("hoofdpersoon", gegevens)]).betrokkenen.get().persoon
    client.force_login(demo["meldpunt"])
    nieuw = [{"voornaam": "Jan", "achternaam": "Jansen", "bsn": "123456782", "geboortedatum": "1970-05-01"}]
    html = client.post(URL, form_data(nieuw)).content.decode()
    assert f"bestaand:{jan.pk}" in html and jan.naam in html
    assert [(r.persoon_id, r.actie, r.object_type, r.grond) for r in rows()] == [
        (jan.pk, "zoeken", "persoon", "meldpunt")
    ]
    client.post(URL, form_data([{"voornaam": "Piet", "achternaam": "Onbekend"}]))
    assert len(rows()) == 1  # nobody known, nobody offered, nothing logged


@pytest.mark.parametrize(
    "username, url_name",
    [
        ("regisseur_tactus", "casusregie:dossier"),
        ("regisseur_tactus", "casusregie:plan"),
        ("meldpunt", "casusregie:dossier"),
        ("wethouder", "casusregie:dossier"),
        ("privacy", "casusregie:dossier"),
        ("beleid", "meldpunt:melding"),
        ("privacy", "meldpunt:melding"),
        ("privacy", "meldpunt:persoon"),
    ],
)
def test_a_refused_access_writes_nothing(client, demo, casus, privacy, username, url_name):
    user = privacy if username == "privacy" else demo[username]
    arg = {
        "casusregie:dossier": casus.pk,
        "casusregie:plan": casus.plannen.get().pk,
        "meldpunt:melding": casus.melding_id,
        "meldpunt:persoon": next(iter(household_ids(casus))),
    }[url_name]
    client.force_login(user)
    assert client.get(reverse(url_name, args=[arg])).status_code in (403, 404)
    assert InzageRegel.objects.count() == 0


def test_anonymous_and_missing_write_nothing(client, demo, casus):
    client.get(reverse("casusregie:dossier", args=[casus.pk]))
    client.force_login(demo["procesmanager"])
    assert client.get(reverse("casusregie:dossier", args=[casus.pk + 1000])).status_code == 404
    assert InzageRegel.objects.count() == 0


def test_the_mdo_agenda_its_print_and_pdf_log_every_client_on_the_agenda(
    client, demo, media, django_capture_on_commit_callbacks
):
    m1 = factories.mdo_melding(
        demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens()), ("kind", factories.persoon_gegevens())]
    )
    m2 = factories.mdo_melding(demo)
    overleg = factories.overleg(demo)
    assert AgendaPunt.objects.filter(overleg=overleg).count() == 2
    clients = set(m1.betrokkenen.values_list("persoon_id", flat=True)) | set(
        m2.betrokkenen.values_list("persoon_id", flat=True)
    )
    client.force_login(demo["procesmanager"])
    expected = [
        ("mdo:overleg", "bekijken", "agenda"),
        ("mdo:agenda_print", "printen", "agenda"),
        ("mdo:besluiten_print", "printen", "besluitenlijst"),
        ("mdo:besluiten_pdf", "exporteren", "besluitenlijst"),
    ]
    for url_name, actie, object_type in expected:
        before = InzageRegel.objects.count()
        url = reverse(url_name, args=[overleg.pk])
        if url_name.endswith("_pdf"):  # made in the background; the download is the export (bzt.bestandstaken)
            pdf_via_taak(client, url, django_capture_on_commit_callbacks)
        else:
            assert client.get(url).status_code == 200
        logged = list(InzageRegel.objects.order_by("id")[before:])
        assert {r.persoon_id for r in logged} == clients, url_name
        assert {(r.actie, r.object_type, r.object_id, r.grond) for r in logged} == {
            (actie, object_type, overleg.pk, "procesmanager")
        }


def test_the_rows_of_one_access_cost_the_same_queries_for_1_or_6_persons(demo):
    request = RequestFactory().get("/casussen/1/")
    request.user = demo["procesmanager"]
    log_inzage(request, object_type="casus", personen=[1], grond="procesmanager")  # role snapshot cached

    def count(personen):
        with CaptureQueriesContext(connection) as ctx:
            log_inzage(request, object_type="casus", personen=personen, grond="procesmanager")
        return len(ctx.captured_queries)

    assert count([1]) == count([1, 2, 3, 4, 5, 6])
    assert InzageRegel.objects.count() == 1 + 1 + 6


def test_an_access_without_persons_is_still_one_row(demo):
    request = RequestFactory().get("/x/")
    request.user = demo["procesmanager"]
    (regel,) = log_inzage(request, object_type="agenda", personen=[], grond="procesmanager")
    assert regel.persoon_id is None and ketenen() == 1
    regel.refresh_from_db()
    assert regel.volgnummer == 1
