"""Issue 17, "Defects seen": the rules behind each defect, on every path that reaches them (the browser side is
tests/browser/test_ui_defects.py)."""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.template import Context, Template
from django.utils import timezone

from bzt.bedragen import bedrag, parse_bedrag
from casusregie import services
from casusregie.forms import DoorbraakForm
from casusregie.timeline import gepland_en_gebeurd, tijdlijn
from mdo import services as mdo_services
from meldpunt.forms import BetrokkeneForm
from meldpunt.models import Persoon
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = [p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts]


# --- 1 and 2: the NL Design System variants that make a button look enabled and a radio look checked ----------


def test_every_warning_button_has_a_variant_and_every_utrecht_radio_its_html_input_class():
    """A bare utrecht-button--warning is drawn as a grey outline (looks disabled); utrecht-radio-button without
    --html-input draws a checked radio as an empty circle."""
    assert TEMPLATES
    kaal, radio = [], []
    for path in TEMPLATES:
        for klasse in re.findall(r'class="([^"]*)"', path.read_text()):
            namen = klasse.split()
            if "utrecht-button--warning" in namen and not {
                "utrecht-button--primary-action",
                "utrecht-button--secondary-action",
                "utrecht-button--subtle",
            } & set(namen):
                kaal.append(f"{path.relative_to(ROOT)}: {klasse}")
            if "utrecht-radio-button" in namen and "utrecht-radio-button--html-input" not in namen:
                radio.append(f"{path.relative_to(ROOT)}: {klasse}")
    assert kaal == [] and radio == []


# --- 4: a pasted BSN keeps its digits --------------------------------------------------------------------------


def _betrokkene(bsn):
    data = {**factories.persoon_gegevens(bsn=bsn), "rol": "hoofdpersoon", "keuze": ""}
    return BetrokkeneForm(data)


@pytest.mark.django_db
@pytest.mark.parametrize("getypt", ["1234.56.782", "628 194 821", " 123456782 ", "123-456-782"])
def test_a_bsn_pasted_with_dots_or_spaces_is_cleaned_to_its_nine_digits(getypt):
    form = _betrokkene(getypt)
    form.is_valid()
    assert "bsn" not in form.errors
    assert form.cleaned_data["bsn"] == "".join(ch for ch in getypt if ch.isdigit())


@pytest.mark.django_db
@pytest.mark.parametrize("getypt", ["1234.56.783", "12a456782", "123456782²", "1234567820"])
def test_a_bsn_with_letters_other_digits_or_a_wrong_elfproef_is_refused_in_dutch(getypt):
    form = _betrokkene(getypt)
    assert not form.is_valid()
    assert form.errors["bsn"] == ["Dit is geen geldig BSN: het moet uit 9 cijfers bestaan en de elfproef doorstaan."]


@pytest.mark.django_db
def test_the_bsn_input_lets_the_browser_keep_a_pasted_bsn():
    html = str(_betrokkene("")["bsn"])
    assert 'maxlength="14"' in html and 'inputmode="numeric"' in html
    assert Persoon._meta.get_field("bsn").max_length == 9  # stored: the nine digits only


# --- 5: money the Dutch way -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("getypt", "waarde"),
    [("4.800", "4800"), ("4.800,50", "4800.50"), ("4800", "4800"), ("€ 4.800,00", "4800.00"), ("1250.50", "1250.50")],
)
def test_money_typed_the_dutch_way_is_read_as_meant(getypt, waarde):
    assert parse_bedrag(getypt) == Decimal(waarde)


def test_money_is_shown_with_thousands_dots_and_two_decimals():
    assert bedrag(Decimal("4800")) == "€\u00a04.800,00"
    assert bedrag(Decimal("1234567.5")) == "€\u00a01.234.567,50"
    assert bedrag(None) == "—" and bedrag("<5") == "<5"


def test_the_doorbraak_form_takes_4800_with_a_thousands_dot():
    data = {"legitimiteit": "a", "betrokkenheid": "b", "rendement": "c"}
    for getypt, waarde in (("4.800", "4800"), ("4.800,50", "4800.50"), ("4800", "4800")):
        form = DoorbraakForm({**{f"doorbraak-{k}": v for k, v in data.items()}, "doorbraak-maatwerkbudget": getypt})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["maatwerkbudget"] == Decimal(waarde)
    for getypt, fout in (("4,805", None), ("-5", "niet kleiner"), ("vier", "bijvoorbeeld 4.800")):
        form = DoorbraakForm({**{f"doorbraak-{k}": v for k, v in data.items()}, "doorbraak-maatwerkbudget": getypt})
        assert not form.is_valid()
        if fout:
            assert fout in form.errors["maatwerkbudget"][0]


def test_every_amount_on_screen_goes_through_the_one_filter():
    """No template prints a raw amount after a euro sign (that showed € 4800,00)."""
    raw = [
        f"{p.relative_to(ROOT)}: {m}"
        for p in TEMPLATES
        for m in re.findall(r"€ ?\{\{[^}]*\}\}", p.read_text())
        if "|bedrag" not in m
    ]
    assert raw == []


# --- 3: the timeline in the order things happened --------------------------------------------------------------


def test_the_timeline_orders_by_the_recorded_moment_and_keeps_dated_ahead_items_apart(demo, monkeypatch):
    from casusregie.models import EscalatieNiveau

    casus = factories.casus(demo)  # melding, triage, assignment: all today
    e = services.casus_escaleren(door=casus.casusregisseur, casus=casus, reden="stagnatie", vraag="Vraag PM")
    services.escalatie_opschalen(
        door=demo["procesmanager"],
        escalatie=e,
        naar=EscalatieNiveau.objects.get(code="wethouder"),
        toelichting="Vraag WH",
    )
    e.refresh_from_db()
    services.escalatie_beantwoorden(door=demo["wethouder"], escalatie=e, antwoord="Antwoord WH", besluit="Ja.")
    # an MDO besluit taken now for a meeting three days ahead
    overleg = factories.overleg(demo, dagen=3)
    punt = mdo_services.casus_agenderen(door=casus.casusregisseur, casus=casus, vraag="Meedenken?", overleg=overleg)
    mdo_services.besluit_nemen(door=demo["procesmanager"], punt=punt, actie="besproken", gegevens={"notulen": "Ok."})

    gepland, gebeurd = gepland_en_gebeurd(tijdlijn(casus))
    assert [g.soort for g in gepland] == ["mdo"] and "Besproken" in gepland[0].tekst
    assert all(g.moment.date() > timezone.localdate() for g in gepland)
    # what happened: newest first, by the moment it was recorded (with its time), never a date ahead
    momenten = [g.moment for g in gebeurd]
    assert momenten == sorted(momenten, reverse=True)
    soorten = [g.soort for g in gebeurd]
    assert soorten.index("escalatie") < soorten.index("triage") < soorten.index("melding")
    stappen = [g.tekst for g in gebeurd if g.soort == "escalatie"]
    assert [s.split(" (")[0] for s in stappen] == [
        "Escalatie beantwoord",
        "Escalatie opgeschaald",
        "Escalatie opgeschaald",
    ]  # newest first, as the whole list
    assert all(g.tijd for g in gebeurd if g.soort in ("triage", "escalatie"))


def test_an_event_recorded_on_another_day_shows_its_day_without_a_time(demo):
    """Imported history: the triage's row was written today for a date long ago; that date orders it."""
    from meldpunt.models import Triage

    casus = factories.casus(demo)
    Triage.objects.filter(melding=casus.melding).update(datum=timezone.localdate() - timedelta(days=30))
    casus.melding.refresh_from_db()
    triage = next(g for g in tijdlijn(casus) if g.soort == "triage")
    assert triage.tijd is False and triage.moment.date() == timezone.localdate() - timedelta(days=30)


# --- 8: labels a person reads ---------------------------------------------------------------------------------


def _render_field(field):
    class F(forms.Form):
        keuze = field

    return Template("{% load bzt %}{% field form.keuze %}").render(Context({"form": F()}))


@pytest.mark.django_db
def test_the_empty_option_of_every_select_is_dutch():
    from bzt.models import Organisatie

    model_keuze = _render_field(forms.ModelChoiceField(queryset=Organisatie.objects.all()))
    # a model field with choices and blank=True gets Django's BLANK_CHOICE_DASH
    model_veld = _render_field(forms.ChoiceField(choices=[*BLANK_CHOICE_DASH, ("a", "A")]))
    eigen = _render_field(forms.ModelChoiceField(queryset=Organisatie.objects.all(), empty_label="Geen organisatie"))
    for html in (model_keuze, model_veld):
        assert "---------" not in html and '<option value="" selected>— kies —</option>' in html
    assert "Geen organisatie" in eigen


def test_no_template_lowercases_a_status_or_shows_an_internal_person_id():
    gevonden = [
        f"{p.relative_to(ROOT)}: {m}"
        for p in TEMPLATES
        if "inzage" not in p.parts  # the access log names records by id for the privacy officer
        for m in re.findall(
            r"get_status_display\|lower|get_besluit_display\|lower|#\{\{ *[a-z_.]*pk *\}\}", p.read_text()
        )
    ]
    assert gevonden == []
