"""Hostile input: forms and the import never answer 500, change nothing when they reject, and whatever they
accept is shown escaped."""

import json
import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meldpunt.models import Melding, Persoon
from tests import factories

HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "'; DROP TABLE meldpunt_melding; --",
            "\x00",
            "A" * 6000,
            "{{ request.user }}",
            "{% debug %}",
            "../../etc/passwd",
            '=HYPERLINK("http://x")',
            "\u202e\u0000\ud7ff",
            "1970-02-31",
            "99999999999999999999",
            "-1",
            "",
        ]
    ),
)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def intake(voornaam, achternaam, aanleiding, bsn, geboortedatum, ontvangen_op):
    return {
        "ontvangen_op": ontvangen_op,
        "kanaal": "telefoon",
        "eerdere_hulp": "onbekend",
        "aanmeldroute": "oggz",
        "urgentie": "normaal",
        "aanleiding": aanleiding,
        "melder_type": "burger",
        "actie": "opslaan",
        "persoon-TOTAL_FORMS": "1",
        "persoon-INITIAL_FORMS": "0",
        "persoon-MIN_NUM_FORMS": "1",
        "persoon-MAX_NUM_FORMS": "15",
        "persoon-0-rol": "hoofdpersoon",
        "persoon-0-voornaam": voornaam,
        "persoon-0-achternaam": achternaam,
        "persoon-0-bsn": bsn,
        "persoon-0-geboortedatum": geboortedatum,
        "persoon-0-geslacht": "man",
        "persoon-0-inkomen": "onbekend",
    }


@FUZZ
@given(
    voornaam=HOSTILE, achternaam=HOSTILE, aanleiding=HOSTILE, bsn=HOSTILE, geboortedatum=HOSTILE, ontvangen_op=HOSTILE
)
def test_the_intake_form_survives_hostile_input(
    client, demo, voornaam, achternaam, aanleiding, bsn, geboortedatum, ontvangen_op
):
    client.force_login(demo["meldpunt"])
    before = (Melding.objects.count(), Persoon.objects.count())
    response = client.post(
        reverse("meldpunt:melding_nieuw"), intake(voornaam, achternaam, aanleiding, bsn, geboortedatum, ontvangen_op)
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:  # rejected (or asked to confirm a known person): nothing written
        assert (Melding.objects.count(), Persoon.objects.count()) == before
        assert b"<script>alert(1)</script>" not in response.content
    else:
        page = client.get(response.url)
        assert page.status_code == 200
        assert b"<script>alert(1)</script>" not in page.content
        assert b"onerror=alert(1)>" not in page.content


def test_accepted_markup_is_shown_escaped(client, demo):
    m = factories.melding(demo["meldpunt"], aanleiding="<script>alert(1)</script> en <b>vet</b>")
    client.force_login(demo["meldpunt"])
    html = client.get(reverse("meldpunt:melding", args=[m.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_oversized_text_is_refused_with_a_dutch_message(client, demo):
    client.force_login(demo["meldpunt"])
    data = intake("Jan", "Groot", "x" * 5001, "", "1970-01-01", "2025-01-01")
    response = client.post(reverse("meldpunt:melding_nieuw"), data)
    assert "niet meer dan 5000 tekens bevat" in response.content.decode()
    assert not Melding.objects.exists()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | HOSTILE,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=10,
)


@FUZZ
@given(lines=st.lists(st.one_of(HOSTILE, JSON_VALUES.map(json.dumps)), min_size=1, max_size=5))
def test_the_import_rejects_hostile_files_without_importing_anything(demo, tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("import") / "vijandig.jsonl"
    path.write_text(
        "\n".join(line.replace("\n", " ") for line in lines) + "\n", encoding="utf-8", errors="surrogatepass"
    )
    before = Melding.objects.count()
    try:
        call_command("import_meldingen", str(path), stdout=StringIO(), stderr=StringIO())
    except CommandError:
        pass
    assert Melding.objects.count() == before  # no valid melding can come out of random input


@pytest.mark.django_db
def test_a_hostile_string_in_a_valid_import_line_is_stored_as_text(demo, tmp_path):
    line = {
        "extern_id": "<script>x</script>",
        "ontvangen_op": "2025-03-14",
        "melder": {"type": "professional", "organisatie": "=cmd|' /C calc'!A0"},
        "aanmeldroute": "oggz",
        "overlast": False,
        "personen": [
            {
                "extern_id": "P-1",
                "voornaam": "<img src=x>",
                "achternaam": "O'Brien; --",
                "geboortedatum": None,
                "geslacht": "man",
                "bsn": None,
                "wijk": None,
                "inkomen": "onbekend",
                "rol": "hoofdpersoon",
            }
        ],
        "triage": None,
        "mdo": None,
        "plan_vastgesteld_op": None,
        "escalaties": [],
        "afgesloten_op": None,
        "afsluitreden": None,
    }
    path = tmp_path / "een.jsonl"
    path.write_text(json.dumps(line) + "\n")
    call_command("import_meldingen", str(path), stdout=StringIO(), stderr=StringIO())
    assert Persoon.objects.get(extern_id="P-1").voornaam == "<img src=x>"


# Also what only a file can hold: lone surrogates (a client's form data is decoded with replacement).
IMPORT_HOSTILE = st.one_of(HOSTILE, st.sampled_from(["\ud800", "a\udfffb", "\x00" * 3, "x" * 5001]))
TEXT_FIELDS = [
    ("extern_id",),
    ("aanleiding",),
    ("melder", "organisatie"),
    ("personen", 0, "voornaam"),
    ("personen", 0, "achternaam"),
    ("personen", 0, "extern_id"),
    ("personen", 0, "geboortedatum"),
    ("ontvangen_op",),
    ("triage", "datum"),
    ("mdo", "organisatie"),
    ("mdo", "datum"),
    ("escalaties", 0, "niveau"),
]


@FUZZ
@given(field=st.sampled_from(TEXT_FIELDS), value=IMPORT_HOSTILE)
def test_a_hostile_value_in_any_field_of_a_valid_line_is_stored_as_given_or_a_numbered_error(
    demo, tmp_path_factory, field, value
):
    import copy

    from tests.test_import import CONTRACT_LINE

    line = copy.deepcopy(CONTRACT_LINE)
    uniek = uuid.uuid4().hex  # the examples share one database: a new melding and person each time
    line["extern_id"] = f"M-{uniek}"
    line["personen"][0] |= {"extern_id": f"P-{uniek}", "bsn": None}
    target = line
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = value
    path = tmp_path_factory.mktemp("import") / "een.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")  # json.dumps escapes NUL and surrogates
    before = Melding.objects.count()
    err = StringIO()
    try:
        call_command("import_meldingen", str(path), stdout=StringIO(), stderr=err)
    except CommandError as error:
        assert error.returncode == 1
        assert err.getvalue().startswith("regel 1: ")
        assert Melding.objects.count() == before
    else:  # accepted: stored as given
        assert "\x00" not in value and not any("\ud800" <= ch <= "\udfff" for ch in value)
        assert Melding.objects.count() == before + 1
