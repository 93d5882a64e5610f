"""The access-log viewer: only the procesmanager and the privacy officer; per client, per user, per period;
a client's own log as CSV for an AVG inzage request."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bzt.audit import acting_as
from bzt.models import InzageRegel
from tests import factories

from .conftest import household_ids, rows

LOG = reverse("inzagelog")
EXPORT = reverse("inzagelog_export")


@pytest.fixture
def bekeken(client, demo, casus):
    """The dossier seen by the regisseur and the procesmanager, the melding by the meldpunt; another client's
    melding seen by the meldpunt."""
    for username in ("regisseur_dimence", "procesmanager"):
        client.force_login(demo[username])
        client.get(reverse("casusregie:dossier", args=[casus.pk]))
    client.force_login(demo["meldpunt"])
    client.get(reverse("meldpunt:melding", args=[casus.melding_id]))
    ander = factories.melding(demo["meldpunt"], huishouden=[("hoofdpersoon", factories.persoon_gegevens())])
    client.get(reverse("meldpunt:melding", args=[ander.pk]))
    client.logout()
    hoofdpersoon = casus.melding.betrokkenen.get(rol="hoofdpersoon").persoon
    return {"hoofdpersoon": hoofdpersoon, "ander": ander.betrokkenen.get().persoon}


@pytest.mark.parametrize(
    "username, allowed",
    [
        ("procesmanager", True),
        ("privacy", True),
        ("meldpunt", False),
        ("regisseur_dimence", False),
        ("coordinator", False),
        ("wethouder", False),
        ("beleid", False),
        ("beheer", False),
    ],
)
def test_who_may_see_the_log(client, demo, privacy, username, allowed):
    client.force_login(privacy if username == "privacy" else demo[username])
    expected = 200 if allowed else 403
    assert client.get(LOG).status_code == expected
    assert client.get(EXPORT, {"persoon": 1}).status_code == expected
    assert ("Inzagelog" in client.get(reverse("home")).content.decode()) == allowed  # the menu item


def test_the_privacy_officer_sees_the_log_but_no_case_content(client, demo, casus, privacy):
    client.force_login(privacy)
    assert client.get(reverse("casusregie:dossier", args=[casus.pk])).status_code == 404
    assert client.get(reverse("meldpunt:melding", args=[casus.melding_id])).status_code == 404
    assert client.get(reverse("meldpunt:wachtrij")).status_code == 403
    assert client.get(reverse("casusregie:dashboard")).status_code == 403
    html = client.get(reverse("home")).content.decode()
    assert "Privacy officer / FG" in html and reverse("inzagelog") in html


def test_find_a_client_by_name_or_bsn_then_see_only_their_log(client, demo, privacy, bekeken):
    hoofdpersoon = bekeken["hoofdpersoon"]
    client.force_login(privacy)
    for q in ("Hoofdpersoonsen", hoofdpersoon.bsn):
        html = client.get(LOG, {"q": q}).content.decode()
        assert "Kies de cliënt" in html and f"persoon={hoofdpersoon.pk}" in html

    response = client.get(LOG, {"persoon": hoofdpersoon.pk})
    shown = [r for r, _ in response.context["regels"]]
    assert {r.persoon_id for r in shown} == {hoofdpersoon.pk}
    # ... including the privacy officer's own two searches that found this client.
    assert {r.gebruikersnaam for r in shown} == {"regisseur_dimence", "procesmanager", "meldpunt", "privacy"}
    assert {r.actie for r in shown if r.gebruikersnaam == "privacy"} == {"zoeken"}
    html = response.content.decode()
    assert hoofdpersoon.naam in html and "CSV voor een AVG-inzageverzoek" in html
    # Looking at a client's log is itself logged (and shown from the next look on).
    (eigen,) = rows(gebruiker=privacy, actie="bekijken")
    assert (eigen.persoon_id, eigen.object_type, eigen.actie, eigen.grond) == (
        hoofdpersoon.pk,
        "inzagelog",
        "bekijken",
        "privacy",
    )


def test_filter_by_user_period_grond_and_action(client, demo, casus, privacy, bekeken):
    client.force_login(privacy)
    shown = client.get(LOG, {"gebruiker": "meldpunt"}).context["regels"]
    assert {r.gebruikersnaam for r, _ in shown} == {"meldpunt"} and len(shown) == 4
    shown = client.get(LOG, {"grond": "regisseur"}).context["regels"]
    assert {(r.gebruikersnaam, r.persoon_id) for r, _ in shown} == {
        ("regisseur_dimence", pid) for pid in household_ids(casus)
    }
    vandaag = timezone.localdate()
    shown = client.get(LOG, {"van": vandaag, "tot": vandaag}).context["regels"]
    assert len([r for r, _ in shown if r.gebruikersnaam != "privacy"]) == 10  # the viewer's own reads are logged too
    gisteren = vandaag - timedelta(days=1)
    assert client.get(LOG, {"tot": gisteren}).context["regels"] == []
    assert client.get(LOG, {"actie": "exporteren"}).context["regels"] == []


def test_the_csv_for_an_avg_request_holds_only_that_clients_rows_and_is_logged(client, demo, privacy, bekeken):
    hoofdpersoon = bekeken["hoofdpersoon"]
    client.force_login(privacy)
    response = client.get(EXPORT, {"persoon": hoofdpersoon.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"inzagelog-persoon-{hoofdpersoon.pk}-" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, data = lines[0], lines[1:]
    assert header[0] == "moment" and header[-1] == "persoon-id"
    assert {line[-1] for line in data} == {str(hoofdpersoon.pk)}
    assert [line[1] for line in data] == ["regisseur_dimence", "procesmanager", "meldpunt", "privacy"]
    assert data[0][4] == "Casusregisseur" and data[0][8] == "Casusregisseur"
    assert data[-1][5] == "Geëxporteerd"  # the export itself is in it
    assert str(bekeken["ander"].pk) not in {line[-1] for line in data}
    export = InzageRegel.objects.get(actie="exporteren")
    assert (export.persoon_id, export.grond, export.gebruiker_id, export.toelichting) == (
        hoofdpersoon.pk,
        "privacy",
        privacy.pk,
        "AVG-inzageverzoek",
    )


def test_the_export_needs_a_client(client, privacy):
    client.force_login(privacy)
    assert client.get(EXPORT).status_code == 404
    assert client.get(EXPORT, {"persoon": "abc"}).status_code == 404
    assert InzageRegel.objects.count() == 0


def test_linked_records_of_the_same_person_are_included(client, demo, privacy, bekeken):
    from meldpunt.services import personen_koppelen

    hoofdpersoon, ander = bekeken["hoofdpersoon"], bekeken["ander"]
    personen_koppelen(door=demo["meldpunt"], persoon=hoofdpersoon, gekoppeld_aan=ander, reden="Zelfde persoon.")
    client.force_login(privacy)
    shown = client.get(LOG, {"persoon": hoofdpersoon.pk}).context["regels"]
    assert {r.persoon_id for r, _ in shown} == {hoofdpersoon.pk, ander.pk}


def test_a_csv_cell_never_starts_a_formula(demo, privacy, client):
    from keten.inzage_views import _csv_cell

    assert _csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _csv_cell("Dimence") == "Dimence"


# --- the viewer's own reads are logged (issue 12, finding 6) ----------------------------------------------------


def test_searching_a_client_in_the_viewer_is_logged_for_the_person_found(client, demo, privacy, bekeken):
    hoofdpersoon = bekeken["hoofdpersoon"]
    client.force_login(privacy)
    for q in (hoofdpersoon.bsn, "Hoofdpersoonsen"):
        before = InzageRegel.objects.count()
        html = client.get(LOG, {"q": q}).content.decode()
        assert hoofdpersoon.naam in html
        nieuw = list(InzageRegel.objects.order_by("id")[before:])
        assert [(r.persoon_id, r.actie, r.object_type, r.grond, r.gebruiker_id) for r in nieuw] == [
            (hoofdpersoon.pk, "zoeken", "inzagelog", "privacy", privacy.pk)
        ]


def test_a_search_that_finds_nobody_writes_nothing(client, demo, privacy):
    client.force_login(privacy)
    html = client.get(LOG, {"q": "Niemandsen"}).content.decode()
    assert "Geen cliënt gevonden" in html
    assert client.get(LOG).context["regels"] == []  # an empty log names nobody either
    assert InzageRegel.objects.count() == 0


def test_the_list_logs_every_client_it_names(client, demo, casus, privacy, bekeken):
    client.force_login(privacy)
    response = client.get(LOG)
    genoemd = {r.persoon_id for r, p in response.context["regels"] if p is not None}
    assert genoemd == household_ids(casus) | {bekeken["ander"].pk}
    eigen = rows(gebruiker=privacy)
    assert sorted(r.persoon_id for r in eigen) == sorted(genoemd)  # one row per client named, not per line
    assert {(r.actie, r.object_type, r.grond) for r in eigen} == {("bekijken", "inzagelog", "privacy")}

    # A filtered list logs only the clients it shows.
    before = InzageRegel.objects.count()
    response = client.get(LOG, {"gebruiker": "meldpunt", "grond": "meldpunt"})
    genoemd = {r.persoon_id for r, _ in response.context["regels"]}
    assert {r.persoon_id for r in InzageRegel.objects.order_by("id")[before:]} == genoemd


def test_a_deleted_client_in_the_list_is_not_named_and_not_logged(client, demo, privacy, rf):
    from bzt.inzage import log_inzage

    request = rf.get("/meldpunt/personen/999999/")
    request.user = demo["meldpunt"]
    log_inzage(request, object_type="persoon", personen=[999999], grond="meldpunt")  # a record since deleted
    client.force_login(privacy)
    response = client.get(LOG)
    assert [p for _, p in response.context["regels"]] == [None]
    assert "verwijderd record" in response.content.decode()
    assert rows(gebruiker=privacy) == []


def _log_rows(user, personen, **kwargs):
    from django.test import RequestFactory

    from bzt.inzage import log_inzage

    request = RequestFactory().get("/casussen/1/")
    request.user = user
    return log_inzage(request, object_type="casus", personen=personen, grond="regisseur", **kwargs)


def test_the_list_pages_by_key_through_every_row_once_forward_and_back(client, demo, privacy):
    _log_rows(demo["regisseur_dimence"], range(1, 121))
    client.force_login(privacy)
    seen, pages, params = [], [], {"gebruiker": "regisseur_dimence"}
    while True:
        page = client.get(LOG, params).context["page"]
        pages.append(page)
        seen += [r.pk for r in page.object_list]
        if not page.volgende:
            break
        params = {"gebruiker": "regisseur_dimence", "na": page.volgende}
    expected = list(InzageRegel.objects.filter(gebruikersnaam="regisseur_dimence").order_by("-moment", "-id"))
    assert seen == [r.pk for r in expected] and [len(p.object_list) for p in pages] == [50, 50, 20]
    assert pages[0].vorige is None and pages[-1].volgende is None
    terug = client.get(LOG, {"gebruiker": "regisseur_dimence", "voor": pages[-1].vorige}).context["page"]
    assert [r.pk for r in terug.object_list] == [r.pk for r in pages[1].object_list]
    html = client.get(LOG, {"gebruiker": "regisseur_dimence", "na": pages[0].volgende}).content.decode()
    assert "Vorige (nieuwer)" in html and "Volgende (ouder)" in html


def test_the_count_stops_at_500(client, demo, privacy):
    _log_rows(demo["regisseur_dimence"], range(1, 500))
    client.force_login(privacy)
    response = client.get(LOG, {"gebruiker": "regisseur_dimence"})
    assert response.context["page"].aantal_tekst == "499"
    _log_rows(demo["regisseur_dimence"], [600, 601])
    response = client.get(LOG, {"gebruiker": "regisseur_dimence"})
    assert "Inzagen (meer dan 500)" in response.content.decode()


def test_the_user_filter_is_the_exact_username(client, demo, privacy):
    _log_rows(demo["regisseur_dimence"], [1])
    _log_rows(demo["regisseur_iriszorg"], [2])
    client.force_login(privacy)
    assert client.get(LOG, {"gebruiker": "regisseur"}).context["regels"] == []
    shown = client.get(LOG, {"gebruiker": " regisseur_iriszorg "}).context["regels"]
    assert [r.persoon_id for r, _ in shown] == [2]


def test_the_gemeente_filter_shows_only_with_more_than_one_gemeente(client, demo, privacy, monkeypatch):
    from bzt import inzage
    from bzt.models import Gemeente

    _log_rows(demo["regisseur_dimence"], [1])
    client.force_login(privacy)
    assert 'name="gemeente"' not in client.get(LOG).content.decode()
    monkeypatch.setattr(inzage, "gemeente_van", lambda obj: "0150")
    _log_rows(demo["regisseur_dimence"], [2, 3])
    assert 'name="gemeente"' not in client.get(LOG).content.decode()  # two values, but one gemeente
    with acting_as(demo["beheer"]):
        Gemeente.objects.create(code="GM0301", naam="Zutphen", wijken=["Centrum"])
    assert 'name="gemeente"' in client.get(LOG).content.decode()
    shown = client.get(LOG, {"gemeente": "0150"}).context["regels"]
    assert sorted(r.persoon_id for r, _ in shown) == [2, 3]
    shown = client.get(LOG, {"gemeente": "-", "gebruiker": "regisseur_dimence"}).context["regels"]
    assert [r.persoon_id for r, _ in shown] == [1]
    assert client.get(LOG, {"gemeente": "9999"}).status_code == 400


def test_two_large_filters_together_are_not_counted(client, demo, privacy):
    _log_rows(demo["regisseur_dimence"], range(1, 4))
    client.force_login(privacy)
    page = client.get(LOG, {"gebruiker": "regisseur_dimence", "grond": "regisseur"}).context["page"]
    assert page.aantal is None and len(page.object_list) == 3  # the rows are shown, only not counted
    html = client.get(LOG, {"gebruiker": "regisseur_dimence", "grond": "regisseur"}).content.decode()
    assert "Inzagen, nieuwste eerst" in html
    assert client.get(LOG, {"grond": "regisseur"}).context["page"].aantal == 3


def test_a_logged_casus_carries_the_cbs_code_of_its_gemeente(client, demo, casus):
    """The gemeente column (issue 20) is the casus's gemeente (issue 18): a regional install is audited per gemeente."""
    from bzt.models import Gemeente, InzageRegel

    with acting_as(demo["beheer"]):
        zutphen = Gemeente.objects.create(code="GM0301", naam="Zutphen", wijken=["Centrum"])
    client.force_login(demo["procesmanager"])
    client.get(reverse("casusregie:dossier", args=[casus.pk]))
    assert set(InzageRegel.objects.filter(object_id=casus.pk).values_list("gemeente", flat=True)) == {"GM0150"}
    type(casus).objects.filter(pk=casus.pk).update(gemeente=zutphen)
    client.get(reverse("casusregie:dossier", args=[casus.pk]))
    assert InzageRegel.objects.filter(object_id=casus.pk).order_by("-id").first().gemeente == "GM0301"


def test_rows_not_chained_yet_are_shown_and_exported_at_once(client, demo, privacy):
    """The request writes its row unchained; the viewer and the client's CSV show it before the minute job."""
    from bzt.inzage import ketenen

    (regel,) = _log_rows(demo["regisseur_dimence"], [4242])
    assert InzageRegel.objects.get(pk=regel.pk).hash is None
    client.force_login(privacy)
    assert "regisseur_dimence" in client.get(LOG, {"persoon": 4242}).content.decode()
    export = client.get(EXPORT, {"persoon": 4242})
    assert export.status_code == 200 and "regisseur_dimence" in export.content.decode()
    assert ketenen() >= 1
    assert "regisseur_dimence" in client.get(LOG, {"persoon": 4242}).content.decode()
