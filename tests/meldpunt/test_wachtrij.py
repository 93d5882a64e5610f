import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meldpunt import selectors, services
from meldpunt.models import Melding
from tests import factories

URL = reverse("meldpunt:wachtrij")


@pytest.fixture
def meldpunt_client(client, demo):
    client.force_login(demo["meldpunt"])
    return client


def dagen_geleden(n):
    return timezone.localdate() - timedelta(days=n)


def test_the_queue_shows_waiting_meldingen_oldest_first_and_marks_those_over_the_norm(meldpunt_client, demo):
    oud = factories.melding(demo["meldpunt"], ontvangen_op=dagen_geleden(20))
    nieuw = factories.melding(demo["meldpunt"], ontvangen_op=dagen_geleden(0))
    klaar = factories.melding(demo["meldpunt"])
    factories.triage(demo["meldpunt"], klaar)
    html = meldpunt_client.get(URL).content.decode()
    assert html.index(oud.nummer) < html.index(nieuw.nummer)
    assert klaar.nummer not in html
    assert html.count("boven norm") == 1
    assert "Werkdagen wachtend" in html


def test_sorting_by_urgency_and_filters(meldpunt_client, demo):
    normaal = factories.melding(demo["meldpunt"], ontvangen_op=dagen_geleden(5))
    acuut = factories.melding(
        demo["meldpunt"],
        urgentie="acuut",
        aanmeldroute="woonoverlast",
        ontvangen_op=dagen_geleden(1),
        huishouden=[("hoofdpersoon", factories.persoon_gegevens(wijk="Zandweerd"))],
    )
    html = meldpunt_client.get(URL + "?sort=urgentie").content.decode()
    assert html.index(acuut.nummer) < html.index(normaal.nummer)
    for query in ("urgentie=acuut", "aanmeldroute=woonoverlast", "wijk=Zandweerd"):
        html = meldpunt_client.get(f"{URL}?{query}").content.decode()
        assert acuut.nummer in html and normaal.nummer not in html, query
    html = meldpunt_client.get(URL + "?wijk=Colmschate").content.decode()
    assert "Er staan geen meldingen in deze wachtrij met deze filters" in html


def _filterformulier(html):
    """The values the queue's filter form sends as the browser would: hidden inputs and each select's chosen
    option (the first when none is marked selected)."""
    form = re.search(r'<form method="get" class="bzt-inline bzt-filters".*?</form>', html, re.S).group(0)
    waarden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    for naam, opties in re.findall(r'<select[^>]*name="([^"]+)">(.*?)</select>', form, re.S):
        gekozen = re.findall(r'<option value="([^"]*)"\s*selected', opties) or re.findall(
            r'<option value="([^"]*)"', opties
        )
        waarden[naam] = gekozen[0]
    return waarden


def test_changing_a_filter_keeps_the_sort_chosen_from_a_column_header(meldpunt_client, demo):
    wijk = [("hoofdpersoon", factories.persoon_gegevens(wijk="Zandweerd"))]
    woonoverlast = factories.melding(
        demo["meldpunt"], aanmeldroute="woonoverlast", ontvangen_op=dagen_geleden(1), huishouden=wijk
    )
    cjg = factories.melding(demo["meldpunt"], aanmeldroute="cjg", ontvangen_op=dagen_geleden(9), huishouden=wijk)
    html = meldpunt_client.get(URL + "?sort=-route").content.decode()
    assert html.index(woonoverlast.nummer) < html.index(cjg.nummer)
    assert "Aanmeldroute, aflopend (gekozen in de tabel)" in html

    waarden = _filterformulier(html)
    assert waarden["sort"] == "-route"
    waarden["wijk"] = "Zandweerd"  # the user changes a filter: htmx sends the form as it stands
    html = meldpunt_client.get(URL, waarden, headers={"HX-Request": "true", "HX-Target": "wachtrij-resultaat"})
    html = html.content.decode()
    assert html.index(woonoverlast.nummer) < html.index(cjg.nummer)  # still by route, not oldest first
    assert 'aria-sort="descending"' in html


def test_the_mdo_queue(meldpunt_client, demo):
    m = factories.melding(demo["meldpunt"])
    factories.triage(demo["meldpunt"], m)
    assert m.nummer in meldpunt_client.get(URL + "?wachtrij=mdo").content.decode()
    services.melding_op_mdo_agenda_zetten(door=demo["meldpunt"], melding=m)
    assert m.nummer in meldpunt_client.get(URL + "?wachtrij=mdo").content.decode()
    assert m.nummer not in meldpunt_client.get(URL).content.decode()


def test_terugkoppeling_is_due_for_known_melders_only(meldpunt_client, demo):
    due = factories.melding(demo["meldpunt"], ontvangen_op=dagen_geleden(14))
    anoniem = factories.melding(
        demo["meldpunt"], ontvangen_op=dagen_geleden(14), melder_type="anoniem", melder_naam="", melder_organisatie=""
    )
    recent = factories.melding(demo["meldpunt"], ontvangen_op=dagen_geleden(0))
    html = meldpunt_client.get(URL + "?wachtrij=terugkoppeling").content.decode()
    assert due.nummer in html and anoniem.nummer not in html and recent.nummer not in html
    response = meldpunt_client.post(
        reverse("meldpunt:melding_terugkoppeling", args=[due.pk]),
        {"wijze": "telefoon", "datum": timezone.localdate().isoformat()},
        follow=True,
    )
    assert "De terugkoppeling aan de melder is vastgelegd" in response.content.decode()
    assert due.nummer not in meldpunt_client.get(URL + "?wachtrij=terugkoppeling").content.decode()


def test_wvggz_deadline_and_warning_from_day_ten(meldpunt_client, demo):
    loopt = factories.melding(demo["meldpunt"], wvggz=True, ontvangen_op=dagen_geleden(3))
    waarschuwing = factories.melding(demo["meldpunt"], wvggz=True, ontvangen_op=dagen_geleden(10))
    verlopen = factories.melding(demo["meldpunt"], wvggz=True, ontvangen_op=dagen_geleden(15))
    assert [m.wvggz_signaal for m in (loopt, waarschuwing, verlopen)] == ["loopt", "waarschuwing", "verlopen"]
    assert loopt.wvggz_deadline == loopt.ontvangen_op + timedelta(days=14)
    html = meldpunt_client.get(URL + "?wachtrij=wvggz").content.decode()
    assert "(verlopen)" in html
    detail = meldpunt_client.get(reverse("meldpunt:melding", args=[waarschuwing.pk])).content.decode()
    assert "de termijn loopt bijna af" in detail
    meldpunt_client.post(
        reverse("meldpunt:melding_wvggz", args=[waarschuwing.pk]),
        {"uitkomst": "verzoek_ovj", "datum": timezone.localdate().isoformat()},
    )
    waarschuwing.refresh_from_db()
    assert (waarschuwing.wvggz_uitkomst, waarschuwing.wvggz_signaal) == ("verzoek_ovj", "afgerond")
    assert waarschuwing.history.first().history_user == demo["meldpunt"]
    assert waarschuwing.nummer not in meldpunt_client.get(URL + "?wachtrij=wvggz").content.decode()


@pytest.mark.parametrize("wachtrij", ["triage", "mdo", "terugkoppeling", "wvggz"])
def test_the_queue_uses_the_same_number_of_queries_for_3_or_30_rows(
    meldpunt_client, demo, wachtrij, django_assert_num_queries
):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert meldpunt_client.get(f"{URL}?wachtrij={wachtrij}").status_code == 200
        return len(ctx.captured_queries)

    def add(n):
        for _ in range(n):
            m = factories.melding(
                demo["meldpunt"],
                wvggz=True,
                ontvangen_op=dagen_geleden(8),
                huishouden=[("hoofdpersoon", factories.persoon_gegevens()), ("kind", factories.persoon_gegevens())],
            )
            if wachtrij == "mdo":
                factories.triage(demo["meldpunt"], m)

    add(3)
    small = count_queries()
    add(27)
    assert count_queries() == small
    # incl. the header's unread-notifications count, the settings (norms) and the wijken of the gemeenten (issue 18)
    with django_assert_num_queries(17):
        meldpunt_client.get(f"{URL}?wachtrij={wachtrij}")


def test_the_mdo_tab_counts_what_waits_for_the_mdo_and_what_is_on_its_agenda(demo):
    meldpunt = demo["meldpunt"]
    wacht = factories.melding(meldpunt)
    factories.triage(meldpunt, wacht)
    geagendeerd = factories.mdo_melding(demo)
    regulier = factories.melding(meldpunt)
    factories.triage(meldpunt, regulier, codes=("schulden",), besluit="advies")
    assert (wacht.status, geagendeerd.status, regulier.status) == ("wacht_op_mdo", "op_mdo_agenda", "getrieerd")
    assert selectors.wachtrij_tellingen(meldpunt)["mdo"] == 2
    assert {m.pk for m in selectors.wachtrij_queryset(meldpunt, wachtrij="mdo")} == {wacht.pk, geagendeerd.pk}


def test_the_migration_moves_meldingen_waiting_for_the_mdo_to_their_own_status(demo):
    from importlib import import_module

    migratie = import_module("meldpunt.migrations.0004_wacht_op_mdo_wachtrij_indexen")
    meldpunt = demo["meldpunt"]
    wacht = factories.melding(meldpunt)
    factories.triage(meldpunt, wacht)
    regulier = factories.melding(meldpunt)
    factories.triage(meldpunt, regulier, codes=("schulden",), besluit="advies")
    Melding.objects.filter(pk=wacht.pk).update(status="getrieerd")  # as before the migration
    with connection.cursor() as cursor:
        cursor.execute(migratie.WACHT_OP_MDO)
    assert Melding.objects.get(pk=wacht.pk).status == Melding.Status.WACHT_OP_MDO
    assert Melding.objects.get(pk=regulier.pk).status == Melding.Status.GETRIEERD
