"""Malformed ids, numbers, dates and search texts in query strings and form posts: 400 or an empty result,
never a 500 (bzt.forms.parse_int, IdField, DatumField and zoektekst)."""

import pytest
from django.db import transaction
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # does not fit a database integer
BAD = [HUGE, "-1", "abc", "²", "9" * 400]  # "²".isdigit() is True, int("²") fails


@pytest.fixture
def world(demo):
    c = factories.casus(demo)
    persoon = c.melding.betrokkenen.first().persoon
    return {"casus": c, "plan": c.plannen.get(), "overleg": factories.overleg(demo), "persoon": persoon}


def intake(keuze):
    return {
        "ontvangen_op": "2025-01-01",
        "kanaal": "telefoon",
        "eerdere_hulp": "onbekend",
        "aanmeldroute": "oggz",
        "urgentie": "normaal",
        "aanleiding": "x",
        "melder_type": "burger",
        "actie": "opslaan",
        "persoon-TOTAL_FORMS": "1",
        "persoon-INITIAL_FORMS": "0",
        "persoon-MIN_NUM_FORMS": "1",
        "persoon-MAX_NUM_FORMS": "15",
        "persoon-0-rol": "hoofdpersoon",
        "persoon-0-voornaam": "Jan",
        "persoon-0-achternaam": "Groot",
        "persoon-0-geslacht": "man",
        "persoon-0-inkomen": "onbekend",
        "persoon-0-keuze": keuze,
    }


def requests(w):
    """(username, method, url, data) of every view that reads an id, number, date or search text."""
    c, plan, overleg, persoon = w["casus"], w["plan"], w["overleg"], w["persoon"]
    dossier = reverse("casusregie:dossier", args=[c.pk])
    agenda = reverse("mdo:overleg", args=[overleg.pk])
    for v in BAD:
        yield "procesmanager", "get", reverse("inzagelog"), {"persoon": v}
        yield "procesmanager", "get", reverse("inzagelog"), {"pagina": v}
        yield "procesmanager", "get", reverse("inzagelog"), {"persoon": persoon.pk, "pagina": v}
        yield "procesmanager", "get", reverse("inzagelog_export"), {"persoon": v}
        yield "meldpunt", "get", reverse("meldpunt:wachtrij"), {"pagina": v}
        yield "meldpunt", "get", reverse("meldpunt:wachtrij"), {"pagina": v, "wijk": "Voorstad"}
        yield "meldpunt", "get", reverse("meldpunt:zoeken"), {"q": "Achternaam", "pagina": v}
        yield "meldpunt", "get", reverse("meldpunt:zoeken"), {"q": f"M2025-{v}"}
        yield "meldpunt", "post", reverse("meldpunt:persoon", args=[persoon.pk]), {"gekoppeld_aan": v, "reden": "x"}
        nieuw = reverse("meldpunt:melding_nieuw")
        yield "meldpunt", "post", nieuw, {"actie": "persoon_toevoegen", "persoon-TOTAL_FORMS": v}
        for keuze in (f"bestaand:{v}", "bestaand:", "bestaand"):
            yield "meldpunt", "post", nieuw, intake(keuze)
        yield "procesmanager", "get", reverse("casusregie:mijn_casussen"), {"pagina": v}
        for lijst in ("dashboard_escalaties", "dashboard_signalen", "dashboard_caseload"):
            yield "procesmanager", "get", reverse(f"casusregie:{lijst}"), {"pagina": v}
        yield "regisseur_dimence", "get", dossier, {"regisseur_zoek": f"C2025-{v}", "professional_zoek": v}
        yield "regisseur_dimence", "get", reverse("casusregie:regisseurs_zoeken", args=[c.pk]), {"regisseur_zoek": v}
        yield "regisseur_dimence", "post", reverse("casusregie:plan_indienen", args=[plan.pk]), {"lock_version": v}
        doel = {"doel-lock_version": v, "doel-leefgebied": "schulden", "doel-omschrijving": "x"}
        yield "regisseur_dimence", "post", reverse("casusregie:doel_toevoegen", args=[plan.pk]), doel
        yield "procesmanager", "get", reverse("mdo:overleggen"), {"pagina": v}
        yield "procesmanager", "get", agenda, {"casus_zoek": f"C2025-{v}", "punt": v, "regisseur_zoek": "ab"}
        yield "procesmanager", "get", reverse("mdo:casussen_zoeken", args=[overleg.pk]), {"casus_zoek": v}
        yield "procesmanager", "post", reverse("mdo:casusbespreking", args=[overleg.pk]), {"casus": v}
        yield "procesmanager", "post", reverse("mdo:afronden", args=[overleg.pk]), {"aanwezigen": [v]}
        yield "beleid", "get", reverse("monitor:index"), {"pagina": v}
        yield "meldpunt", "get", f"/meldpunt/meldingen/{v}/", {}
        yield "meldpunt", "get", f"/meldpunt/personen/{v}/", {}
        yield "regisseur_dimence", "get", f"/casussen/{v}/", {}
    # A NUL, and a lone surrogate as a client can send it (bytes that are no UTF-8), url-encoded as sent.
    for text in ("ab%00cd", "ab%ED%A0%80"):
        yield "meldpunt", "get", f"{reverse('meldpunt:zoeken')}?q={text}", {}
        yield "procesmanager", "get", f"{reverse('inzagelog')}?q={text}", {}
        yield "procesmanager", "get", f"{reverse('inzagelog')}?gebruiker={text}", {}
        yield "regisseur_dimence", "get", f"{dossier}?regisseur_zoek={text}", {}
        yield "procesmanager", "get", f"{reverse('mdo:casussen_zoeken', args=[overleg.pk])}?casus_zoek={text}", {}
        yield "procesmanager", "get", f"{reverse('mdo:aanwezigen_zoeken', args=[overleg.pk])}?aanwezige_zoek={text}", {}
    for day in ("0001-01-01", "9999-12-31", "1899-12-31"):
        yield "procesmanager", "get", reverse("inzagelog"), {"van": day, "tot": day}


def test_no_malformed_parameter_gives_a_500(client, demo, world):
    client.raise_request_exception = False
    failures = []
    ingelogd = None
    for username, method, url, data in sorted(requests(world), key=lambda r: r[0]):
        if username != ingelogd:
            client.force_login(demo[username])
            ingelogd = username
        with transaction.atomic():  # a failed query must not spoil the next request
            response = getattr(client, method)(url, data)
        if response.status_code >= 500:
            failures.append((username, method, url, data))
    assert failures == [], "\n".join(map(repr, failures))


def test_a_malformed_viewer_filter_shows_nothing_instead_of_everything(client, demo, world):
    """?persoon=-1 used to drop the filter and list the whole log."""
    client.force_login(demo["procesmanager"])
    client.get(reverse("casusregie:dossier", args=[world["casus"].pk]))  # something in the log
    for params in ({"persoon": "-1"}, {"persoon": HUGE}, {"van": "1899-12-31"}):
        response = client.get(reverse("inzagelog"), params)
        assert response.status_code == 400
        assert "Deze filter is ongeldig" in response.content.decode()
        assert "regels" not in response.context


def test_a_malformed_choice_of_an_existing_person_is_a_form_error(client, demo):
    from meldpunt.models import Melding

    client.force_login(demo["meldpunt"])
    for keuze in ("bestaand:abc", f"bestaand:{HUGE}", "bestaand:", "iets"):
        response = client.post(reverse("meldpunt:melding_nieuw"), intake(keuze))
        assert response.status_code == 200
        assert "Kies een bestaande persoon of een nieuwe persoon." in str(response.context["huishouden"].errors)
    assert not Melding.objects.exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("0", None),
        ("-1", None),
        ("abc", None),
        ("²", None),
        ("1e5", None),
        (HUGE, None),
        (str(2**63 - 1), 2**63 - 1),
        (None, None),
        ("", None),
    ],
)
def test_parse_int(value, expected):
    from bzt.forms import parse_int

    assert parse_int(value) == expected


def test_zoektekst_drops_control_characters_and_is_capped():
    from bzt.forms import zoektekst

    assert zoektekst({"q": " ab\x00c\ud800d "}, "q") == "abcd"
    assert len(zoektekst({"q": "x" * 500}, "q")) == 100
