"""Mijn casussen: the casussen a casusregisseur directs or takes part in, driven by the permission rows."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casusregie import selectors, services
from casusregie.models import AfsluitReden, Casus, CasusUserObjectPermission
from tests import factories

URL = reverse("casusregie:mijn_casussen")
REDEN = "Acute zorgen over de veiligheid van de kinderen; regisseur niet bereikbaar."


def mijn(user):
    casussen, aantal = selectors.mijn_casussen(user)
    ids = [c.pk for c in casussen]
    assert aantal == len(ids)
    return ids


def betrek(demo, casus, username, **kwargs):
    return services.betrokkene_toevoegen(
        door=demo["procesmanager"],
        casus=casus,
        professional=demo[username],
        rol="wijkverpleging",
        grondslag="convenant",
        **kwargs,
    )


def sluit(casus):
    factories.afsluitklaar(None, casus)
    return services.casus_afsluiten(
        door=casus.casusregisseur, casus=casus, reden=AfsluitReden.objects.get(code="doel_bereikt")
    )


def test_the_regisseur_and_the_active_betrokkenen_see_the_casus_and_nobody_else(demo):
    eigen = factories.casus(demo)
    andermans = factories.casus(demo, regisseur="regisseur_tactus")
    betrokkenheid = betrek(demo, andermans, "regisseur_dimence")
    assert set(mijn(demo["regisseur_dimence"])) == {eigen.pk, andermans.pk}
    assert mijn(demo["regisseur_tactus"]) == [andermans.pk]

    services.betrokkene_verwijderen(door=demo["procesmanager"], betrokkene=betrokkenheid, reden="klaar")
    assert mijn(demo["regisseur_dimence"]) == [eigen.pk]


def test_a_closed_casus_stays_during_the_read_term_then_goes(demo):
    c = factories.casus(demo)
    sluit(c)
    assert mijn(demo["regisseur_dimence"]) == [c.pk]
    services.verlopen_toegang_intrekken(door=demo["procesmanager"], vandaag=timezone.localdate() + timedelta(days=60))
    assert mijn(demo["regisseur_dimence"]) == []


def test_noodtoegang_alone_does_not_make_a_casus_mine(demo):
    c = factories.casus(demo)
    services.noodtoegang_openen(door=demo["meldpunt"], casus=c, reden=REDEN)
    assert selectors.casussen_for(demo["meldpunt"]).filter(pk=c.pk).exists()
    regisseur_en_meldpunt = demo["regisseur_tactus"]
    regisseur_en_meldpunt.groups.add(Group.objects.get(name="meldpunt"))
    services.noodtoegang_openen(door=regisseur_en_meldpunt, casus=c, reden=REDEN)
    assert mijn(regisseur_en_meldpunt) == []


def test_ones_own_closed_casus_opened_with_noodtoegang_after_the_read_term_is_still_listed(demo):
    """As before: a casus the user directs and may see (here through noodtoegang) is in mijn casussen."""
    regisseur = demo["regisseur_dimence"]
    regisseur.groups.add(Group.objects.get(name="meldpunt"))
    c = factories.casus(demo)
    sluit(c)
    services.verlopen_toegang_intrekken(door=demo["procesmanager"], vandaag=timezone.localdate() + timedelta(days=60))
    regisseur = type(regisseur).objects.get(pk=regisseur.pk)  # fresh permission cache
    services.noodtoegang_openen(door=regisseur, casus=c, reden=REDEN)
    assert mijn(regisseur) == [c.pk]


def test_open_casussen_come_first_newest_first(demo):
    oud_gesloten = factories.casus(demo)
    Casus.objects.filter(pk=oud_gesloten.pk).update(toegewezen_op=timezone.localdate() - timedelta(days=30))
    oud_gesloten.refresh_from_db()
    sluit(oud_gesloten)
    oud_open = factories.casus(demo)
    Casus.objects.filter(pk=oud_open.pk).update(toegewezen_op=timezone.localdate() - timedelta(days=10))
    nieuw_open = factories.casus(demo)
    assert mijn(demo["regisseur_dimence"]) == [nieuw_open.pk, oud_open.pk, oud_gesloten.pk]
    alle = [c.pk for c in selectors.alle_casussen(demo["procesmanager"])]
    assert alle == [nieuw_open.pk, oud_open.pk, oud_gesloten.pk]


@pytest.mark.postgres
def test_open_casussen_come_first_on_postgresql_along_the_list_index(demo):
    """PostgreSQL sorts NULL last in ascending order: the lists ask for NULLS FIRST, and the index matches."""
    test_open_casussen_come_first_newest_first(demo)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'casus_lijst_volgorde'")
        (indexdef,) = cursor.fetchone()
    assert "afgesloten_op NULLS FIRST, toegewezen_op DESC, id DESC" in indexdef


def _page_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return response, len(queries)


def test_the_page_runs_the_same_queries_for_one_casus_or_many(client, demo, django_assert_num_queries):
    regisseur = demo["regisseur_dimence"]
    eerste = factories.casus(demo)
    client.force_login(regisseur)
    client.get(URL)  # the session's first request does some once-only work
    response, n = _page_queries(client)
    assert eerste.nummer in response.content.decode()
    assert n == 13  # incl. the header's unread-notifications count

    for _ in range(3):
        factories.casus(
            demo,
            huishouden=[("hoofdpersoon", factories.persoon_gegevens()), ("kind", factories.persoon_gegevens())],
        )
    betrek(demo, factories.casus(demo, regisseur="regisseur_tactus"), "regisseur_dimence")
    with django_assert_num_queries(13):  # incl. the header's unread-notifications count
        response = client.get(URL)
    assert response.content.decode().count("/casussen/") >= 5


def test_the_paginator_counts_from_the_permission_rows(client, demo, settings):
    settings.BZT_MAX_CASELOAD = 40
    ids = {factories.casus(demo).pk for _ in range(27)}
    assert set(mijn(demo["regisseur_dimence"])) == ids
    client.force_login(demo["regisseur_dimence"])
    html = client.get(URL + "?pagina=2").content.decode()
    assert "Pagina 2 van 2 (27 resultaten)" in html


@pytest.mark.parametrize("grens", [2, 10], ids=["long-list", "short-list"])
def test_a_grant_whose_reason_ended_is_neither_listed_nor_counted_on_either_query_shape(demo, monkeypatch, grens):
    """Up to TELLEN_TOT valid grants the page query reads their ids; beyond it, an EXISTS over the grants."""
    monkeypatch.setattr(selectors, "TELLEN_TOT", grens)
    regisseur = demo["regisseur_dimence"]
    geldig = [factories.casus(demo) for _ in range(3)]
    verlopen = factories.casus(demo)
    sluit(verlopen)
    Casus.objects.filter(pk=verlopen.pk).update(leesrecht_regisseur_tot=timezone.localdate() - timedelta(days=1))
    assert CasusUserObjectPermission.objects.filter(user=regisseur, content_object=verlopen).exists()  # not tidied
    casussen, aantal = selectors.mijn_casussen(regisseur)
    assert {c.pk for c in casussen} == {c.pk for c in geldig}
    assert aantal == (3 if grens == 10 else grens + 1)  # above the bound: "more than grens"


def test_a_long_list_shows_more_than_the_bound_and_the_pages_up_to_it(client, demo, monkeypatch, settings):
    settings.BZT_MAX_CASELOAD = 40
    monkeypatch.setattr(selectors, "TELLEN_TOT", 26)
    for _ in range(30):
        factories.casus(demo)
    client.force_login(demo["regisseur_dimence"])
    html = client.get(URL + "?pagina=2").content.decode()
    assert "Pagina 2 van 2 (meer dan 26 resultaten)" in html
    assert "Meer dan 26 casussen" in html
    assert html.count('<tr class="utrecht-table__row">') == 1 + 1  # the header and the 26th casus

    html = client.get(URL + "?status=open").content.decode()  # filtered: counted up to the bound too
    assert "Pagina 1 van 2 (meer dan 26 resultaten)" in html
    monkeypatch.setattr(selectors, "TELLEN_TOT", 500)
    html = client.get(URL + "?status=open").content.decode()
    assert "Pagina 1 van 2 (30 resultaten)" in html and "Meer dan" not in html


def test_the_prebuilt_ids_statement_answers_for_each_user_and_for_today(demo, monkeypatch):
    """geldige_casus_ids runs a statement built once with stand-ins: the user and the date must be the real ones."""
    eigen = factories.casus(demo)
    andermans = factories.casus(demo, regisseur="regisseur_tactus")
    betrek(demo, andermans, "regisseur_dimence", einddatum=timezone.localdate())  # the last day counts
    dimence, tactus = demo["regisseur_dimence"], demo["regisseur_tactus"]
    assert sorted(selectors.geldige_casus_ids(dimence, 10)) == sorted([eigen.pk, andermans.pk])
    assert selectors.geldige_casus_ids(tactus, 10) == [andermans.pk]
    assert selectors.geldige_casus_ids(dimence, 1) == [min(eigen.pk, andermans.pk)]

    morgen = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(selectors.timezone, "localdate", lambda: morgen)
    assert selectors.geldige_casus_ids(dimence, 10) == [eigen.pk]
    assert set(selectors.geldige_rechten(dimence).values_list("content_object_id", flat=True)) == {eigen.pk}
