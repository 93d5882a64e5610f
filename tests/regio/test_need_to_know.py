"""Need-to-know over the gemeente dimension, on every page, download and fragment a gemeente-bound role can reach
(the URL list of the permission matrix): the wethouder of Deventer never sees a Zutphen escalation, the
beleidsambtenaar of Lochem never a Raalte figure. And the scoped pages keep their query count."""

import json
from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keten.importer import import_meldingen
from tests.security.test_permission_matrix import MATRIX, url_names

from .conftest import casus_in, naar_wethouder

pytestmark = pytest.mark.django_db

JAAR = date.today().year - 1
# account → its column in the permission matrix
ANDEREN = {
    "wethouder": "wethouder",  # Deventer
    "coordinator": "coordinator",
    "burgemeester": "burgemeester",
    "wethouder_lochem": "wethouder",
    "coordinator_lochem": "coordinator",
    "burgemeester_raalte": "burgemeester",
    "beleid_lochem": "beleid",
}


def _url(name, pattern, escalatie):
    route = str(pattern.pattern)
    if "<int:pk>" in route and name == "casusregie:escalatie":
        return reverse(name, kwargs={"pk": escalatie.pk})
    if "<int:jaar>" in route:
        return reverse(name, kwargs={"jaar": JAAR})
    if "<" in route:
        return None  # an object of another kind: not the escalation's
    return reverse(name)


def test_no_page_download_or_fragment_shows_another_gemeentes_escalation(regio, client):
    casus = casus_in(regio, "GM0301")
    e = naar_wethouder(regio, casus)
    merk = casus.nummer
    client.force_login(regio["wethouder_zutphen"])
    assert merk in client.get(reverse("casusregie:escalaties")).content.decode()
    assert client.get(reverse("casusregie:escalatie", args=[e.pk])).status_code == 200
    gezien = set()
    for username, kolom in ANDEREN.items():
        client.force_login(regio[username])
        for name, pattern in url_names():
            if name.startswith("admin:") or name in ("logout",):
                continue
            method, expected = MATRIX[name]
            if expected[kolom] != "ok" and name != "casusregie:escalatie":
                continue
            url = _url(name, pattern, e)
            if url is None:
                continue
            gezien.add(name)
            with transaction.atomic():
                for request in ("GET", "POST") if name == "casusregie:escalatie" else (method,):
                    data = {"actie": "antwoord", "antwoord": "Ja", "besluit": "Doen"} if request == "POST" else None
                    response = client.post(url, data) if request == "POST" else client.get(url, HTTP_HX_REQUEST="true")
                    body = b"".join(response.streaming_content) if response.streaming else response.content
                    assert merk.encode() not in body, (username, name)
                    if name == "casusregie:escalatie":
                        assert response.status_code == 404, (username, request)
                transaction.set_rollback(True)
    e.refresh_from_db()
    assert e.status == "open" and not e.antwoord  # nobody else answered it
    # the pages these roles reach were all visited: home, escalations, notifications, the jaarmonitor
    assert {"home", "casusregie:escalaties", "casusregie:escalatie", "notificaties", "monitor:voorbeeld"} <= gezien


def _import(tmp_path, gemeenten):
    regels = [
        {
            "extern_id": f"N-{i}",
            "ontvangen_op": f"{JAAR}-03-{1 + i % 27:02d}",
            "melder": {"type": "burger", "organisatie": None},
            "aanmeldroute": route,
            "overlast": False,
            "gemeente": code,
            "personen": [{"extern_id": f"NP-{i}", "achternaam": "X", "rol": "hoofdpersoon"}],
        }
        for i, (code, route) in enumerate(gemeenten)
    ]
    pad = tmp_path / "m.jsonl"
    pad.write_text("\n".join(json.dumps(r) for r in regels))
    import_meldingen(pad)


def test_the_beleidsambtenaar_of_lochem_never_gets_a_raalte_figure_on_any_page_or_download(regio, client, tmp_path):
    # Raalte: 23 meldingen by route 'hooligans'; Lochem: 7 by route 'oggz'. A Raalte figure would show 23 or
    # the hooligans route counted.
    _import(tmp_path, [("GM0177", "hooligans")] * 23 + [("GM0262", "oggz")] * 7)
    client.force_login(regio["beleid_lochem"])
    for name, pattern in url_names():
        if name.startswith("admin:") or MATRIX[name][1]["beleid"] != "ok" or not name.startswith("monitor:"):
            continue
        if "<int:pk>" in str(pattern.pattern):
            continue  # the reports: tests/regio/test_monitor.py (another gemeente's report is a 404)
        url = _url(name, pattern, None)
        response = client.get(url)
        assert response.status_code == 200, name
        body = response.content
        if name == "monitor:csv":
            tekst = body.decode()
            assert ";7;meldingen.totaal\r\n" in tekst and "hooligans" not in tekst, tekst
        if name == "monitor:voorbeeld":
            assert response.context["cijfers"]["meldingen"]["totaal"] == 7
            assert response.context["cijfers"]["meldingen"]["per_aanmeldroute"].get("hooligans", 0) == 0
        assert b"Raalte" not in body, name


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_scoped_pages_keep_their_query_count_as_the_region_grows(regio, client, tmp_path):
    """The wethouder's escalations and the beleidsambtenaar's monitor: the same number of queries with one
    escalation of their own or several, among escalations of other gemeenten."""
    eerste = naar_wethouder(regio, casus_in(regio, "GM0301"))
    client.force_login(regio["wethouder_zutphen"])
    _queries(client, reverse("casusregie:escalaties"))  # warm: session, caches
    een = _queries(client, reverse("casusregie:escalaties"))
    for code in ("GM0301", "GM0301", "GM0262", "GM0150"):
        naar_wethouder(regio, casus_in(regio, code, regisseur="regisseur_tactus"))
    client.force_login(regio["wethouder_zutphen"])
    _queries(client, reverse("casusregie:escalaties"))
    drie = _queries(client, reverse("casusregie:escalaties"))
    page = client.get(reverse("casusregie:escalaties")).content.decode()
    assert eerste.casus.nummer in page
    assert drie == een
    # the monitor of a small and of a larger gemeente: the same queries (figures are computed in the database)
    _import(tmp_path, [("GM0262", "oggz")] * 6 + [("GM0177", "oggz")] * 9 + [("GM0177", "woonoverlast")] * 7)
    url = reverse("monitor:voorbeeld", args=[JAAR])
    tellingen = []
    for username in ("beleid_lochem", "beleid_raalte"):
        client.force_login(regio[username])
        _queries(client, url)  # the month's stand is computed once
        tellingen.append(_queries(client, url))
    assert tellingen[0] == tellingen[1]
