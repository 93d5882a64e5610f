"""The jaarmonitor pages: who may open them, what they show (suppressed only), downloads, budget."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from monitor import exports
from monitor.models import BudgetRegel, Rapport, Stand
from tests import factories

from .conftest import GEHEIM, JAAR

OTHER_ROLES = ["meldpunt", "procesmanager", "regisseur_dimence", "coordinator", "wethouder", "beheer"]


@pytest.fixture
def fake_pdf(monkeypatch):
    monkeypatch.setattr(exports, "render_pdf", lambda shown: b"%PDF-1.7 test")


@pytest.fixture
def rapport_klaar(demo, media, fake_pdf, django_capture_on_commit_callbacks):
    from monitor.services import rapport_aanvragen

    with django_capture_on_commit_callbacks(execute=True):
        rapport = rapport_aanvragen(door=demo["beleid"], jaar=JAAR)
    rapport.refresh_from_db()
    assert rapport.status == Rapport.Status.KLAAR
    return rapport


def urls(rapport_pk, regel_pk):
    return [
        ("get", reverse("monitor:index")),
        ("post", reverse("monitor:index")),
        ("get", reverse("monitor:voorbeeld", args=[JAAR])),
        ("get", reverse("monitor:csv", args=[JAAR])),
        ("get", reverse("monitor:xlsx", args=[JAAR])),
        ("get", reverse("monitor:budget", args=[JAAR])),
        ("post", reverse("monitor:budget", args=[JAAR])),
        ("get", reverse("monitor:rapport_status", args=[rapport_pk])),
        ("post", reverse("monitor:rapport_opnieuw", args=[rapport_pk])),
        ("get", reverse("monitor:rapport_download", args=[rapport_pk])),
    ]


@pytest.mark.parametrize("username", OTHER_ROLES)
def test_every_other_role_gets_403_on_every_page(client, demo, rapport_klaar, username):
    from monitor.services import budgetregel_opslaan

    regel = budgetregel_opslaan(door=demo["beheer"], jaar=JAAR, categorie="overig", omschrijving="x", bedrag=10)
    client.force_login(demo[username])
    for method, url in urls(rapport_klaar.pk, regel.pk):
        assert getattr(client, method)(url).status_code == 403, (method, url)
    assert BudgetRegel.objects.count() == 1 and Rapport.objects.count() == 1
    nav = client.get(reverse("home")).content.decode()
    assert reverse("monitor:index") not in nav


def test_anonymous_visitors_go_to_the_login_page(client, db):
    for url in (
        reverse("monitor:index"),
        reverse("monitor:voorbeeld", args=[JAAR]),
        reverse("monitor:csv", args=[JAAR]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_beleidsambtenaar_cannot_open_any_melding_person_or_dossier(beleid, demo):
    casus = factories.casus(demo)
    melding = casus.melding
    persoon = melding.betrokkenen.first().persoon
    for url in (
        reverse("meldpunt:wachtrij"),
        reverse("meldpunt:zoeken"),
        reverse("meldpunt:melding", args=[melding.pk]),
        reverse("meldpunt:melding_nieuw"),
        reverse("meldpunt:persoon", args=[persoon.pk]),
        reverse("casusregie:dossier", args=[casus.pk]),
        reverse("casusregie:mijn_casussen"),
        reverse("casusregie:dashboard"),
        reverse("mdo:overleggen"),
    ):
        response = beleid.get(url)
        assert response.status_code in (403, 404), url
        assert persoon.achternaam not in response.content.decode(), url


def test_the_start_page_shows_the_latest_reports_and_the_nav_link(beleid, rapport_klaar):
    html = beleid.get(reverse("home")).content.decode()
    assert "De jaarmonitor en geanonimiseerde cijfers." in html
    assert f"Jaarmonitor {JAAR}" in html and reverse("monitor:rapport_download", args=[rapport_klaar.pk]) in html
    assert f'href="{reverse("monitor:index")}"' in html


def test_the_start_page_without_reports(beleid):
    html = beleid.get(reverse("home")).content.decode()
    assert "Er zijn nog geen rapporten gemaakt." in html


def test_the_index_page_empty_state_and_form(beleid):
    html = beleid.get(reverse("monitor:index")).content.decode()
    assert "Er zijn nog geen rapporten gemaakt." in html
    assert "Rapport maken" in html and f'<option value="{JAAR}" selected>' in html
    assert reverse("monitor:voorbeeld", args=[JAAR]) in html and reverse("monitor:budget", args=[JAAR]) in html


def test_rapport_maken_runs_the_job_and_lists_the_report(
    beleid, demo, media, fake_pdf, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = beleid.post(reverse("monitor:index"), {"rapport-jaar": JAAR})
    assert response.status_code == 302
    rapport = Rapport.objects.get()
    assert (rapport.jaar, rapport.status, rapport.aangevraagd_door) == (JAAR, "klaar", demo["beleid"])
    html = beleid.get(reverse("monitor:index")).content.decode()
    assert f"De jaarmonitor {JAAR} is klaar." in html or f"De jaarmonitor {JAAR} wordt gemaakt." in html
    assert "Klaar" in html and reverse("monitor:rapport_download", args=[rapport.pk]) in html
    assert "hx-trigger" not in html  # nothing to poll


def test_an_open_report_polls_its_progress_with_a_progress_element(beleid, demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the job has not started yet
        beleid.post(reverse("monitor:index"), {"rapport-jaar": JAAR})
    rapport = Rapport.objects.get()
    Rapport.objects.filter(pk=rapport.pk).update(status="bezig", voortgang=50, stap="PDF opmaken")
    html = beleid.get(reverse("monitor:index")).content.decode()
    status_url = reverse("monitor:rapport_status", args=[rapport.pk])
    assert f'hx-get="{status_url}" hx-trigger="every 1s"' in html
    assert '<progress id="voortgang-' in html and 'max="100" value="50">50%</progress>' in html
    assert "Vernieuwen" in html and "style=" not in html
    partial = beleid.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith(f'<tr class="utrecht-table__row" id="rapport-{rapport.pk}"')
    assert "pdf opmaken (50%)" in partial
    # A second click while it runs starts nothing new.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = beleid.post(reverse("monitor:index"), {"rapport-jaar": JAAR}, follow=True)
    assert "Er wordt al een jaarmonitor" in response.content.decode() and not callbacks
    assert Rapport.objects.count() == 1
    # Done: the partial stops polling.
    Rapport.objects.filter(pk=rapport.pk).update(status="klaar", voortgang=100)
    partial = beleid.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial and "Klaar" in partial
    # Without htmx the status URL leads back to the page.
    assert beleid.get(status_url).status_code == 302


def test_a_failed_report_shows_the_error_and_can_be_retried(
    beleid, demo, media, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(figures, format):
        raise RuntimeError("intern")

    monkeypatch.setattr(exports, "render", broken)
    with django_capture_on_commit_callbacks(execute=True):
        beleid.post(reverse("monitor:index"), {"rapport-jaar": JAAR})
    rapport = Rapport.objects.get()
    html = beleid.get(reverse("monitor:index")).content.decode()
    assert "Mislukt" in html and "Er ging iets mis bij het maken van het rapport." in html
    assert "Opnieuw proberen" in html and "intern" not in html

    monkeypatch.undo()
    monkeypatch.setattr(exports, "render_pdf", lambda shown: b"%PDF-1.7 test")
    with django_capture_on_commit_callbacks(execute=True):
        response = beleid.post(reverse("monitor:rapport_opnieuw", args=[rapport.pk]))
    assert response.status_code == 302
    rapport.refresh_from_db()
    assert (rapport.status, rapport.pogingen, Rapport.objects.count()) == ("klaar", 2, 1)
    assert beleid.get(reverse("monitor:rapport_opnieuw", args=[rapport.pk])).status_code == 405


def test_the_download_is_an_attachment_of_the_stored_pdf(beleid, rapport_klaar, media):
    response = beleid.get(reverse("monitor:rapport_download", args=[rapport_klaar.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="jaarmonitor-bzt-{JAAR}.pdf"'
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"
    assert "no-store" in response["Cache-Control"]


def test_no_download_before_the_report_is_klaar_or_when_the_file_is_gone(beleid, rapport_klaar, media):
    (Path(media) / rapport_klaar.bestand.name).unlink()
    assert beleid.get(reverse("monitor:rapport_download", args=[rapport_klaar.pk])).status_code == 404
    Rapport.objects.filter(pk=rapport_klaar.pk).update(status="mislukt")
    assert beleid.get(reverse("monitor:rapport_download", args=[rapport_klaar.pk])).status_code == 404
    assert beleid.get(reverse("monitor:rapport_download", args=[999999])).status_code == 404


def test_the_preview_shows_suppressed_figures_with_charts_and_no_person(beleid, jaar_cijfers):
    response = beleid.get(reverse("monitor:voorbeeld", args=[JAAR]))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Jaarmonitor {JAAR}" in html and "<svg" in html and "Definities" in html
    assert "<progress" not in html and "style=" not in html.split("<body", 1)[1]
    # 5 professionals and 2 burgers next to a total of 7: both hidden.
    table = html.split("Meldingen per soort melder", 1)[1].split("</table>", 1)[0]
    assert table.count("&lt;5") == 2 and ">5<" not in table and ">2<" not in table
    assert "€\u00a012.345,00" in html
    for secret in GEHEIM:
        assert secret not in html


def test_the_preview_of_an_empty_year_says_so(beleid):
    html = beleid.get(reverse("monitor:voorbeeld", args=[JAAR])).content.decode()
    assert f"Voor {JAAR} zijn (nog) geen meldingen geregistreerd." in html


@pytest.mark.parametrize("jaar", [1999, timezone.localdate().year + 1])
def test_years_outside_the_range_are_not_found(beleid, jaar):
    for name in ("voorbeeld", "csv", "xlsx", "budget"):
        assert beleid.get(reverse(f"monitor:{name}", args=[jaar])).status_code == 404


def test_the_preview_needs_the_same_number_of_queries_for_more_data(beleid, demo, django_assert_max_num_queries):
    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert beleid.get(reverse("monitor:voorbeeld", args=[JAAR])).status_code == 200
        return len(queries)

    factories.melding(demo["meldpunt"], ontvangen_op=timezone.datetime(JAAR, 5, 1).date())
    few = count()
    for i in range(6):
        m = factories.melding(demo["meldpunt"], ontvangen_op=timezone.datetime(JAAR, 6, 1 + i).date())
        factories.triage(demo["meldpunt"], m, datum=m.ontvangen_op)
    Stand.objects.all().delete()  # as in a new month: the stand is computed again
    assert count() == few
    with django_assert_max_num_queries(120):
        beleid.get(reverse("monitor:voorbeeld", args=[JAAR]))


def test_csv_and_xlsx_downloads(beleid, jaar_cijfers):
    response = beleid.get(reverse("monitor:csv", args=[JAAR]))
    assert response["Content-Disposition"] == f'attachment; filename="jaarmonitor-bzt-{JAAR}.csv"'
    assert response.content.startswith("\ufeff".encode())  # UTF-8 with a BOM: Excel reads the accents
    rows = list(csv.reader(io.StringIO(response.content.decode()[1:]), delimiter=";"))  # ";" for Dutch Excel
    assert ["Meldingen", "Per melder type: Burger", "<5", "meldingen.per_melder_type.burger"] in rows
    response = beleid.get(reverse("monitor:xlsx", args=[JAAR]))
    assert response["Content-Type"] == exports.CONTENT_TYPES["xlsx"]
    assert response.content.startswith(b"PK")


# --- budget ----------------------------------------------------------------------------------------------------


def test_the_beleidsambtenaar_reads_the_budget_lines_and_cannot_change_them(beleid, demo):
    url = reverse("monitor:budget", args=[JAAR])
    assert f"Voor {JAAR} zijn nog geen budgetregels ingevoerd." in beleid.get(url).content.decode()
    from monitor.services import budgetregel_opslaan

    budgetregel_opslaan(
        door=demo["beheer"], jaar=JAAR, categorie="casusregie", omschrijving="Subsidie Dimence",
        bedrag=Decimal("12345.67"), subsidie="OGGZ", aanmeldroute="oggz",
    )  # fmt: skip
    html = beleid.get(url).content.decode()
    assert "Subsidie Dimence" in html and "€\u00a012.345,67" in html and "OGGZ" in html
    assert 'name="budget-omschrijving"' not in html and "Wijzigen" not in html
    response = beleid.post(
        url, {"budget-categorie": "overig", "budget-omschrijving": "Eigen regel", "budget-bedrag": "10"}
    )
    assert response.status_code == 405
    assert BudgetRegel.objects.count() == 1


def test_functioneel_beheer_adds_changes_and_deletes_lines(client, demo):
    client.force_login(demo["beheer"])
    url = reverse("beheer:budget") + f"?jaar={JAAR}"
    assert f"Voor {JAAR} zijn nog geen budgetregels ingevoerd." in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "budget-categorie": "casusregie",
            "budget-omschrijving": "Subsidie Dimence",
            "budget-bedrag": "12.345,67",
            "budget-subsidie": "OGGZ",
            "budget-aanmeldroute": "oggz",
        },
    )
    assert response.status_code == 302
    regel = BudgetRegel.objects.get()
    assert (regel.jaar, str(regel.bedrag), regel.subsidie, regel.aanmeldroute) == (JAAR, "12345.67", "OGGZ", "oggz")
    assert regel.history.get().history_user == demo["beheer"]
    html = client.get(url).content.decode()
    assert "Subsidie Dimence" in html and "€\u00a012.345,67" in html

    edit = reverse("beheer:budgetregel", args=[regel.pk])
    assert 'value="12.345,67"' in client.get(edit).content.decode()
    data = {"budget-categorie": "casusregie", "budget-omschrijving": "Subsidie Dimence", "budget-bedrag": "€ 1.000"}
    assert "Geef een reden" in client.post(edit, data).content.decode()
    client.post(edit, data | {"budget-reden": "begrotingswijziging"})
    regel.refresh_from_db()
    assert str(regel.bedrag) == "1000.00" and regel.subsidie == ""
    assert "begrotingswijziging" in regel.history.latest("history_id").history_change_reason

    delete = reverse("beheer:budgetregel_verwijderen", args=[regel.pk])
    confirm = client.get(delete).content.decode()
    assert "Budgetregel verwijderen?" in confirm and "Ja, verwijderen" in confirm
    assert BudgetRegel.objects.exists()  # asking is not deleting
    assert client.post(delete, {"reden": "dubbel ingevoerd"}).status_code == 302
    assert not BudgetRegel.objects.exists()
    record = BudgetRegel.history.latest("history_id")
    assert record.history_type == "-" and record.history_user == demo["beheer"]
    assert "dubbel ingevoerd" in record.history_change_reason


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"budget-categorie": "", "budget-omschrijving": "x", "budget-bedrag": "10"}, "Kies een categorie."),
        ({"budget-categorie": "overig", "budget-omschrijving": "", "budget-bedrag": "10"}, "Vul een omschrijving in."),
        ({"budget-categorie": "overig", "budget-omschrijving": "x", "budget-bedrag": ""}, "Vul een bedrag in."),
        ({"budget-categorie": "overig", "budget-omschrijving": "x", "budget-bedrag": "tien"}, "Vul een bedrag in euro"),
        ({"budget-categorie": "overig", "budget-omschrijving": "x", "budget-bedrag": "-5"}, "groter zijn dan"),
        ({"budget-categorie": "overig", "budget-omschrijving": "x", "budget-bedrag": "1,005"}, "twee cijfers"),
    ],
)
def test_the_budget_form_explains_errors_in_dutch(client, demo, data, message):
    client.force_login(demo["beheer"])
    response = client.post(reverse("beheer:budget") + f"?jaar={JAAR}", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not BudgetRegel.objects.exists()


def test_budget_amounts_in_dutch_notation():
    from bzt.bedragen import parse_bedrag

    assert str(parse_bedrag("12.345,67")) == "12345.67"
    assert str(parse_bedrag("€ 1.250")) == "1250"
    assert str(parse_bedrag("1250.50")) == "1250.50"
    assert str(parse_bedrag("1.234.567")) == "1234567"
    assert parse_bedrag("twaalf") is None and parse_bedrag("") is None
