"""The running year (issue 12, finding 2): what the beleidsambtenaar sees of a year that is not over is the
stand up to the end of the last complete month, frozen for the month, the same in every format, and
labelled as provisional; the management command stays exact."""

import io
import json
import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from bzt.audit import acting_as
from casusregie.models import Casus
from meldpunt.models import Melding, Triage
from monitor import exports, services
from monitor.figures import compute
from monitor.models import Rapport
from tests import factories

from .conftest import JAAR

# "Today" for these tests: 15 June of JAAR (last year on the real clock, so every date used is in the past).
VANDAAG = date(JAAR, 6, 15)


@pytest.fixture
def vandaag(monkeypatch):
    def zet(dag):
        monkeypatch.setattr(services, "vandaag", lambda: dag, raising=False)

    zet(VANDAAG)
    return zet


@pytest.fixture
def pdf_as_html(monkeypatch):
    """The report job's PDF is the rendered report HTML here: comparable, and no WeasyPrint run."""
    monkeypatch.setattr(exports, "render_pdf", lambda shown: exports.render_html(shown).encode())


def melding_op(demo, dag, *, n=0, **kwargs):
    persoon = factories.persoon_gegevens(bsn=factories.bsn(5000 + n), wijk="Rivierenwijk", inkomen="werk")
    return factories.melding(demo["meldpunt"], huishouden=[("hoofdpersoon", persoon)], ontvangen_op=dag, **kwargs)


def xlsx_values(data):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}


def without_chart_ids(html):
    """Chart ids are numbered per process (grafiek-13-titel): not part of the content."""
    return re.sub(r"grafiek-\d+-", "grafiek-", html)


def preview(client, jaar=JAAR):
    html = client.get(f"/jaarmonitor/{jaar}/").content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # masked anew per response (page chrome)
    return without_chart_ids(html[html.index('<div class="bzt-jm-voorbeeld">') :])


def rapport_pdf(demo, media, capture):
    with capture(execute=True):
        rapport = services.rapport_aanvragen(door=demo["beleid"], jaar=JAAR)
    rapport.refresh_from_db()
    assert rapport.status == Rapport.Status.KLAAR, rapport.fout
    return rapport, (media / rapport.bestand.name).read_bytes()


def everything(client, demo, media, capture):
    return {
        "html": preview(client),
        "csv": client.get(f"/jaarmonitor/{JAAR}/csv").content,
        "xlsx": xlsx_values(client.get(f"/jaarmonitor/{JAAR}/xlsx").content),
        "pdf": without_chart_ids(rapport_pdf(demo, media, capture)[1].decode()),
    }


def test_two_downloads_around_one_new_melding_are_identical_in_every_format(
    beleid, demo, jaar_cijfers, vandaag, media, pdf_as_html, django_capture_on_commit_callbacks
):
    # jaar_cijfers: 7 meldingen in March. One in May (a complete month) counts.
    melding_op(demo, date(JAAR, 5, 20), n=1)
    voor = everything(beleid, demo, media, django_capture_on_commit_callbacks)
    assert ";8;meldingen.totaal\r\n" in voor["csv"].decode()

    # This month: a new melding with its triage, a triage of a May melding, and a melding registered today
    # with a date in May (a late registration).
    nieuw = melding_op(demo, date(JAAR, 6, 10), n=2, melder_type="anoniem", overlast=True)
    factories.triage(demo["meldpunt"], nieuw, datum=date(JAAR, 6, 11))
    melding_op(demo, date(JAAR, 5, 31), n=3, melder_type="burger")
    na = everything(beleid, demo, media, django_capture_on_commit_callbacks)

    assert na == voor

    # Next month the stand moves to 30 June and counts all of it.
    vandaag(date(JAAR, 7, 1))
    juli = beleid.get(f"/jaarmonitor/{JAAR}/csv").content.decode()
    assert ";10;meldingen.totaal\r\n" in juli
    assert f";{JAAR}-06-30;jaarmonitor.stand_per\r\n" in juli


def test_a_year_that_is_over_is_frozen_for_the_month_too(beleid, demo, jaar_cijfers, vandaag):
    # January of the next year: the stand per 31 December. A melding registered late, dated 28 December,
    # waits for the next stand.
    vandaag(date(JAAR + 1, 1, 20))
    voor = beleid.get(f"/jaarmonitor/{JAAR}/csv").content.decode()
    assert f";{JAAR}-12-31;jaarmonitor.stand_per\r\n" in voor and "voorlopig" not in voor
    melding_op(demo, date(JAAR, 12, 28), n=1)
    assert beleid.get(f"/jaarmonitor/{JAAR}/csv").content.decode() == voor
    vandaag(date(JAAR + 1, 2, 1))
    assert ";8;meldingen.totaal\r\n" in beleid.get(f"/jaarmonitor/{JAAR}/csv").content.decode()


def test_the_stand_counts_only_what_is_dated_up_to_the_end_of_the_last_complete_month(demo, jaar_cijfers):
    eind_mei = date(JAAR, 5, 31)
    mei = melding_op(demo, date(JAAR, 5, 20), n=1)
    factories.triage(demo["meldpunt"], mei, datum=date(JAAR, 6, 2))  # triaged after the cut-off
    juni = melding_op(demo, date(JAAR, 6, 3), n=2)
    casus = factories.casus(demo)
    Casus.objects.filter(pk=casus.pk).update(
        toegewezen_op=date(JAAR, 5, 4), plan_vastgesteld_op=date(JAAR, 6, 5), afgesloten_op=date(JAAR, 6, 6)
    )
    Melding.objects.filter(pk=casus.melding_id).update(ontvangen_op=date(JAAR, 4, 1))
    Triage.objects.filter(melding_id=casus.melding_id).update(datum=date(JAAR, 4, 2))

    stand = compute(JAAR, tot_en_met=eind_mei)
    exact = compute(JAAR)

    assert stand["meldingen"]["totaal"] == 9  # 7 in March, April, May; not June
    assert exact["meldingen"]["totaal"] == 10
    assert stand["meldingen"]["per_maand"].get("06") is None and exact["meldingen"]["per_maand"]["06"] == 1
    assert stand["triage"]["totaal"] == 7  # 6 in March + April; the May melding was triaged in June
    assert exact["triage"]["totaal"] == 8
    assert stand["casussen"]["nieuw"] == 1
    assert stand["casussen"]["afgesloten"] == 0 and exact["casussen"]["afgesloten"] == 1
    assert stand["casussen"]["open_einde_jaar"] == 1  # still open on 31 May
    assert stand["doorlooptijden_aantal"]["mdo_tot_plan"] == 0  # the plan came in June
    assert stand["doorlooptijden_aantal"]["melding_tot_afsluiting"] == 0
    assert exact["doorlooptijden_aantal"]["mdo_tot_plan"] == 1
    assert juni.ontvangen_op > eind_mei


def test_the_running_year_is_labelled_provisional_with_its_date_everywhere(
    beleid, demo, jaar_cijfers, vandaag, media, pdf_as_html, django_capture_on_commit_callbacks
):
    label = f"Voorlopige cijfers: stand per 31 mei {JAAR}"
    page = beleid.get(f"/jaarmonitor/{JAAR}/").content.decode()
    assert label in page and f"tot en met 31 mei {JAAR}" in page
    rapport, pdf = rapport_pdf(demo, media, django_capture_on_commit_callbacks)
    assert label in pdf.decode() and f"1 januari {JAAR} tot en met 31 mei {JAAR} (voorlopig)" in pdf.decode()
    assert rapport.tot_en_met == date(JAAR, 5, 31)
    assert "stand per 31 mei" in beleid.get("/jaarmonitor/").content.decode()
    csv = beleid.get(f"/jaarmonitor/{JAAR}/csv").content.decode()
    assert f";{JAAR}-05-31;jaarmonitor.stand_per\r\nJaarmonitor;Voorlopige cijfers;ja;jaarmonitor.voorlopig\r\n" in csv
    toelichting = dict(xlsx_values(beleid.get(f"/jaarmonitor/{JAAR}/xlsx").content)["Toelichting"])
    assert toelichting["stand per"].startswith(f"31 mei {JAAR} ") and label in toelichting["voorlopig"]
    # The comparison is with the same months of the year before.
    assert f";{JAAR - 1}-05-31;vorig_jaar.tot_en_met\r\n" in csv
    # A year that is over has no such label.
    vandaag(date(JAAR + 1, 3, 1))
    page = beleid.get(f"/jaarmonitor/{JAAR}/").content.decode()
    assert "Voorlopig" not in page and "voorlopig" not in page
    assert f"tot en met 28 februari {JAAR + 1}" in page and f"tot en met 31 december {JAAR}" in page


def test_in_january_the_running_year_shows_nothing(beleid, demo, vandaag):
    vandaag(date(JAAR, 1, 20))
    melding_op(demo, date(JAAR, 1, 5))
    page = beleid.get(f"/jaarmonitor/{JAAR}/").content.decode()
    assert "nog geen volledige maand" in page and "bzt-jm-voorbeeld" not in page
    assert beleid.get(f"/jaarmonitor/{JAAR}/csv").status_code == 404
    assert beleid.get(f"/jaarmonitor/{JAAR}/xlsx").status_code == 404
    with pytest.raises(ValidationError, match="nog geen volledige maand"):
        services.rapport_aanvragen(door=demo["beleid"], jaar=JAAR)


def test_a_report_made_with_the_running_month_before_the_cut_off_existed_is_no_longer_offered(beleid, demo, media):
    with acting_as(demo["beleid"]):
        rapport = Rapport.objects.create(
            jaar=JAAR, aangevraagd_door=demo["beleid"], status=Rapport.Status.KLAAR, bestand="jaarmonitor/oud.pdf"
        )
    (media / "jaarmonitor").mkdir(parents=True)
    (media / "jaarmonitor/oud.pdf").write_bytes(b"%PDF-1.7 oud")
    Rapport.objects.filter(pk=rapport.pk).update(klaar_op=rapport.aangevraagd_op.replace(year=JAAR))
    assert beleid.get(f"/jaarmonitor/rapporten/{rapport.pk}/download/").status_code == 404
    assert f"/jaarmonitor/rapporten/{rapport.pk}/download/" not in beleid.get("/jaarmonitor/").content.decode()
    # Made after its year was over: offered as before.
    Rapport.objects.filter(pk=rapport.pk).update(klaar_op=rapport.aangevraagd_op.replace(year=JAAR + 1))
    assert beleid.get(f"/jaarmonitor/rapporten/{rapport.pk}/download/").status_code == 200


def test_the_command_still_gives_exact_figures_of_the_running_year(demo, jaar_cijfers, vandaag):
    melding_op(demo, date(JAAR, 6, 10))
    out = StringIO()
    call_command("jaarmonitor", f"--jaar={JAAR}", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["meldingen"]["totaal"] == 8
    assert figures["meldingen"]["per_maand"]["06"] == 1
    assert "tot_en_met" not in figures


def test_budget_lines_of_the_running_year_show_at_once(demo, jaar_cijfers, vandaag):
    before = services.cijfers(door=demo["beleid"], jaar=JAAR)
    services.budgetregel_opslaan(
        door=demo["beheer"], jaar=JAAR, categorie="huisvesting", omschrijving="Huur", bedrag=1000
    )
    after = services.cijfers(door=demo["beleid"], jaar=JAAR)
    assert before["budget"]["totaal"] == 12345.0 and after["budget"]["totaal"] == 13345.0
    assert after["budget"]["per_categorie"] == {"casusregie": 12345.0, "huisvesting": 1000.0}
    assert after["meldingen"] == before["meldingen"]


def test_no_melding_of_the_running_month_reaches_the_preview_even_as_a_month(beleid, demo, jaar_cijfers, vandaag):
    melding_op(demo, VANDAAG - timedelta(days=1))
    page = preview(beleid)
    assert "Juni" in page  # the month row is there ...
    csv = beleid.get(f"/jaarmonitor/{JAAR}/csv").content.decode()
    assert "per_maand.06" not in csv  # ... but counts nothing of this month
