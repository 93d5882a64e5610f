"""The printable agenda and besluitenlijst (HTML with print CSS, and as PDF without network access)."""

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from mdo import services, views
from tests import factories
from tests.helpers import pdf_via_taak
from tests.monitor.conftest import pdf_text


@pytest.fixture
def overleg(demo):
    factories.mdo_melding(
        demo, urgentie="acuut", huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam="Drukker"))]
    )
    factories.mdo_melding(demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam="Later"))])
    overleg = factories.overleg(demo, locatie="Stadhuis, zaal 3")
    factories.ingediend_plan(demo, factories.casus(demo))
    eerste, tweede, plan = overleg.agendapunten.order_by("volgorde")
    services.besluit_toewijzen(
        door=demo["procesmanager"], punt=eerste, casusregisseur=demo["regisseur_tactus"], notulen="Verslaving voorop."
    )
    services.besluit_plan(door=demo["procesmanager"], punt=plan, vaststellen=True, notulen="Plan akkoord.")
    services.overleg_afronden(
        door=demo["procesmanager"],
        overleg=overleg,
        aanwezigen=[demo["procesmanager"], demo["regisseur_tactus"]],
        overige_aanwezigen="Wijkagent Jansen (Politie)",
    )
    return overleg


def test_the_printable_agenda_lists_the_items_in_order(chair, demo, overleg):
    response = chair.get(reverse("mdo:agenda_print", args=[overleg.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Agenda MDO" in html and date_format(overleg.datum, "l j F Y") in html  # e.g. "maandag 1 december 2025"
    assert "Stadhuis, zaal 3" in html and str(demo["procesmanager"]) in html
    assert html.index("Drukker") < html.index("Later") < html.index("Plan van aanpak vaststellen")
    assert "Triage: 3 van 8 (verslaving, schulden, dakloos)" in html and "Urgentie: acuut" in html
    assert "Vertrouwelijk" in html and 'class="bzt-print"' in html
    assert "<form" not in html.split("</nav>", 1)[1]  # nothing to click on paper (the "Als pdf" button is screen-only)


def test_the_besluitenlijst_lists_every_besluit_with_its_notulen_and_who_was_there(chair, demo, overleg):
    html = chair.get(reverse("mdo:besluiten_print", args=[overleg.pk])).content.decode()
    assert "Besluitenlijst MDO" in html
    assert "Casusregisseur toegewezen" in html and f"Casusregisseur: {demo['regisseur_tactus']}" in html
    assert "Verslaving voorop." in html and "Plan vastgesteld" in html and "Plan akkoord." in html
    assert "Aangehouden" in html and "Niet behandeld; doorgeschoven." in html
    assert "Tactus Verslavingszorg" in html and "Wijkagent Jansen (Politie)" in html
    assert "Concept" not in html


def test_the_print_css_hides_the_screen_only_parts():
    with open(views.static_path("css/bzt.css")) as fh:
        css = fh.read()
    assert "@media print" in css and ".bzt-no-print" in css and "@page" in css


@pytest.mark.parametrize(("naam", "kop"), [("agenda_pdf", "Agenda MDO"), ("besluiten_pdf", "Besluitenlijst MDO")])
def test_the_pdf_versions(chair, overleg, naam, kop, media, django_capture_on_commit_callbacks):
    """Made in the background (bzt.bestandstaken): the button asks, the progress page gives the download."""
    response = pdf_via_taak(chair, reverse(f"mdo:{naam}", args=[overleg.pk]), django_capture_on_commit_callbacks)
    assert f"mdo-{overleg.datum:%Y-%m-%d}" in response["Content-Disposition"]
    tekst = " ".join(pdf_text(response.pdf).split())
    assert kop in tekst and "Drukker" in tekst and "Vertrouwelijk" in tekst
    assert "Stadhuis, zaal 3" in tekst and "Afdrukken: Ctrl+P" not in tekst  # no screen navigation in the PDF


def test_the_pdf_buttons_on_the_agenda_and_print_pages_post(chair, overleg):
    agenda = chair.get(reverse("mdo:overleg", args=[overleg.pk])).content.decode()
    afdruk = chair.get(reverse("mdo:agenda_print", args=[overleg.pk])).content.decode()
    for naam, html in (("agenda_pdf", agenda), ("besluiten_pdf", agenda), ("agenda_pdf", afdruk)):
        url = reverse(f"mdo:{naam}", args=[overleg.pk])
        assert f'<form method="post" action="{url}"' in html, naam
        assert f'href="{url}"' not in html


def test_the_pdf_fetcher_serves_only_the_apps_own_static_files():
    fetcher = views._static_fetcher()
    response = fetcher(views.PDF_BASE_URL + "static/css/bzt.css")
    assert b".bzt-print" in response.read() and response.content_type == "text/css"
    for url in (
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/static/css/bzt.css",
        views.PDF_BASE_URL + "static/../../../etc/passwd",
        views.PDF_BASE_URL + "static/%2e%2e/%2e%2e/settings.py",
        views.PDF_BASE_URL + "mdo/1/",
        "data:text/css,body{}",
    ):
        with pytest.raises(ValueError):
            fetcher(url)
