"""Every date typed in a form is plausible: not before 1900, not in the future unless the field looks ahead,
and then not more than 10 years (one rule: bzt.validators.datum_probleem, one field: bzt.forms.DatumField)."""

import inspect
from datetime import date, timedelta

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

import bzt.auth.forms
import casusregie.forms
import keten.inzage_views
import mdo.forms
import meldpunt.forms
import monitor.forms
from bzt.forms import DatumField
from meldpunt.models import Melding
from tests import factories

MODULES = (meldpunt.forms, casusregie.forms, mdo.forms, monitor.forms, keten.inzage_views, bzt.auth.forms)
LOOKS_AHEAD = {"evaluatie_op", "deadline", "einddatum", "OverlegForm.datum"}


def date_fields():
    for module in MODULES:
        for name, form_class in inspect.getmembers(module, inspect.isclass):
            if issubclass(form_class, forms.BaseForm) and form_class.__module__ == module.__name__:
                for field_name, field in form_class.base_fields.items():
                    if isinstance(field, forms.DateField):
                        yield pytest.param(field_name, field, f"{name}.{field_name}", id=f"{name}.{field_name}")


def test_the_forms_have_date_fields_at_all():
    assert len(list(date_fields())) >= 12


@pytest.mark.parametrize(("name", "field", "label"), list(date_fields()))
def test_every_date_field_refuses_implausible_dates_in_dutch(name, field, label):
    assert isinstance(field, DatumField), f"{label} is geen DatumField"
    vandaag = timezone.localdate()
    for oud in ("1899-12-31", "0001-01-01"):
        with pytest.raises(forms.ValidationError, match="Deze datum ligt vóór 1900."):
            field.clean(oud)
    looks_ahead = name in LOOKS_AHEAD or label in LOOKS_AHEAD
    assert field.toekomst == looks_ahead
    if looks_ahead:
        with pytest.raises(forms.ValidationError, match="meer dan 10 jaar in de toekomst"):
            field.clean(date(vandaag.year + 11, 1, 1).isoformat())
        with pytest.raises(forms.ValidationError):
            field.clean("9999-12-31")
    else:
        with pytest.raises(forms.ValidationError, match="Deze datum ligt in de toekomst."):
            field.clean((vandaag + timedelta(days=1)).isoformat())
    assert field.clean("1900-01-01") == date(1900, 1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("veld", ["ontvangen_op", "persoon-0-geboortedatum"])
def test_the_intake_refuses_1899_with_a_dutch_message(client, demo, veld):
    from tests.meldpunt.test_intake import URL, form_data

    client.force_login(demo["meldpunt"])
    data = form_data([{"voornaam": "Jan", "achternaam": "Oud", "geboortedatum": "1970-01-01"}])
    data[veld] = "1899-12-31"
    html = client.post(URL, data).content.decode()
    assert "Deze datum ligt vóór 1900." in html
    assert not Melding.objects.exists()


@pytest.mark.django_db
def test_the_triage_refuses_a_date_in_the_future_and_before_1900(client, demo):
    melding = factories.melding(demo["meldpunt"])
    client.force_login(demo["meldpunt"])
    url = reverse("meldpunt:melding_triage", args=[melding.pk])
    for datum, message in (
        ("1899-12-31", "vóór 1900"),
        ((timezone.localdate() + timedelta(days=1)).isoformat(), "toekomst"),
    ):
        html = client.post(url, {"datum": datum, "besluit": "geen_actie"}).content.decode()
        assert f"Deze datum ligt {'in de ' if message == 'toekomst' else ''}{message}" in html
    melding.refresh_from_db()
    assert not hasattr(melding, "triage") or melding.triage is None
