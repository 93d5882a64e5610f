"""Navigation (issue 17): breadcrumbs on detail pages, the header's search field for exactly the roles the
rights table lets search, and the error summary at the top of a form linking to each invalid field."""

import re

import pytest
from django.urls import reverse

from bzt.models import User
from casusregie.permissions import CASUSWERK
from meldpunt import rechten as meldpunt_rechten
from tests import factories

ZOEKVELD = re.compile(r'<form class="bzt-kopzoek" method="get" action="([^"]+)"')


@pytest.mark.parametrize(
    "username", ["meldpunt", "procesmanager", "regisseur_dimence", "coordinator", "wethouder", "beleid", "beheer"]
)
def test_the_header_search_is_there_for_the_roles_the_rights_table_lets_search(client, demo, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    actie = ZOEKVELD.search(html)
    if meldpunt_rechten.mag(user, "inzien") and meldpunt_rechten.mag(user, "personen"):
        assert actie and actie.group(1) == reverse("meldpunt:zoeken")
        assert client.get(actie.group(1), {"q": "Jansen"}).status_code == 200  # and the search answers them
    elif user.has_perm(CASUSWERK):
        assert actie and actie.group(1) == reverse("casusregie:mijn_casussen")
    else:
        assert actie is None
    assert (username in ("meldpunt", "procesmanager")) == (
        actie is not None and actie.group(1) == reverse("meldpunt:zoeken")
    )  # CONTRACT: the meldpunt searches persons; the procesmanager runs the meldpunt process too


def test_detail_pages_have_breadcrumbs(client, demo):
    casus = factories.casus(demo)
    client.force_login(demo["regisseur_dimence"])
    html = client.get(reverse("casusregie:plan", args=[casus.plannen.get().pk])).content.decode()
    kruimels = re.search(r'<nav class="bzt-kruimelpad[^>]*aria-label="Kruimelpad">(.*?)</nav>', html, re.S).group(1)
    links = re.findall(r'href="([^"]+)">([^<]+)</a>', kruimels)
    assert links == [
        (reverse("home"), "Start"),
        (reverse("casusregie:mijn_casussen"), "Casussen"),
        (reverse("casusregie:dossier", args=[casus.pk]), casus.nummer),
    ]
    assert '<li aria-current="page">Plan van aanpak</li>' in kruimels


def _kruimels(html):
    nav = re.search(r'<nav class="bzt-kruimelpad[^>]*aria-label="Kruimelpad">(.*?)</nav>', html, re.S)
    assert nav, "geen kruimelpad"
    links = [label for _, label in re.findall(r'href="([^"]+)">([^<]+)</a>', nav.group(1))]
    huidig = re.search(r'<li aria-current="page">([^<]*)</li>', nav.group(1)).group(1)
    return links, huidig


def test_beheer_detail_pages_the_access_log_and_noodtoegang_have_breadcrumbs(client, demo):
    from bzt.models import Gemeente

    gemeente = Gemeente.objects.first()
    client.force_login(demo["beheer"])
    html = client.get(reverse("beheer:gemeente", args=[gemeente.pk])).content.decode()
    assert _kruimels(html) == (["Start", "Gemeenten"], gemeente.naam)
    html = client.get(reverse("beheer:account", args=[demo["meldpunt"].pk])).content.decode()
    assert _kruimels(html) == (["Start", "Accounts"], demo["meldpunt"].get_full_name())

    casus = factories.casus(demo)
    client.force_login(demo["procesmanager"])
    assert _kruimels(client.get(reverse("inzagelog")).content.decode()) == (["Start"], "Inzagelog")
    html = client.get(reverse("casusregie:noodtoegang", args=[casus.pk])).content.decode()
    assert _kruimels(html) == (["Start", "Wachtrij", casus.melding.nummer], "Noodtoegang")


def test_the_error_summary_links_to_each_invalid_field(client, demo):
    client.force_login(demo["beheer"])
    response = client.post(
        reverse("beheer:account_nieuw"),
        {"username": "", "first_name": "", "last_name": "X", "email": "geen-adres", "rollen": []},
    )
    html = response.content.decode()
    samenvatting = re.search(r'<div class="utrecht-alert utrecht-alert--error bzt-formfouten".*?</div>', html, re.S)
    assert samenvatting, "geen foutensamenvatting boven het formulier"
    doelen = re.findall(r'href="#([^"]+)"', samenvatting.group(0))
    assert {"id_username", "id_first_name", "id_email"} <= set(doelen)
    for doel in doelen:
        assert f'id="{doel}"' in html  # each link lands on its field
    assert html.index("bzt-formfouten") < html.index('name="username"')


TOONT_FOUTEN = re.compile(r"\{% field |\.errors|non_field_errors|non_form_errors|bzt-errorlist")
POST_FORMULIER = re.compile(r'<form[^>]*method="post"', re.I)
ZONDER_SAMENVATTING = {
    # one generic message on purpose: the login never says which of the two fields was wrong
    "templates/registration/login.html",
    # a single code field (two-factor): its message sits next to the only field there is
    "templates/bzt/auth/controleren.html",
    "templates/bzt/auth/instellen.html",
    # one checkbox, which cannot be invalid
    "templates/bzt/notificatie_instellingen.html",
}


def test_every_form_that_shows_errors_has_the_linked_error_summary():
    """A form template that renders field or form errors puts `{% formfouten %}` above its fields, so a keyboard
    or screen-reader user gets the list of what to fix with a link to each field, not a lone grey box."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    templates = [
        p for p in root.glob("**/templates/**/*.html") if ".venv" not in p.parts and "node_modules" not in p.parts
    ]
    assert len(templates) > 50
    zonder = sorted(
        str(p.relative_to(root))
        for p in templates
        if POST_FORMULIER.search(tekst := p.read_text())
        and TOONT_FOUTEN.search(tekst)
        and "formfouten" not in tekst
        and str(p.relative_to(root)) not in ZONDER_SAMENVATTING
    )
    assert zonder == [], f"formulieren met de oude foutmelding zonder samenvatting: {zonder}"


def _samenvatting_links(html):
    samenvatting = re.search(r'<div class="utrecht-alert utrecht-alert--error bzt-formfouten".*?</div>', html, re.S)
    assert samenvatting, "geen foutensamenvatting boven het formulier"
    doelen = re.findall(r'href="#([^"]+)"', samenvatting.group(0))
    for doel in doelen:
        assert f'id="{doel}"' in html  # each link lands on its field
    return samenvatting.group(0), doelen


def test_a_beheer_form_links_its_errors(client, demo):
    client.force_login(demo["beheer"])
    html = client.post(reverse("beheer:gemeente_nieuw"), {"code": "", "naam": ""}).content.decode()
    samenvatting, doelen = _samenvatting_links(html)
    assert {"id_code", "id_naam"} <= set(doelen)
    assert html.index("bzt-formfouten") < html.index('name="code"')


def test_a_correction_form_links_its_errors(client, demo):
    m = factories.melding(
        demo["meldpunt"],
        huishouden=[("hoofdpersoon", factories.persoon_gegevens()), ("partner", factories.persoon_gegevens())],
    )
    partner = m.betrokkenen.get(rol="partner")
    client.force_login(demo["meldpunt"])
    html = client.post(
        reverse("meldpunt:huishoudlid_verwijderen", args=[m.pk, partner.pk]), {"reden": ""}
    ).content.decode()
    samenvatting, doelen = _samenvatting_links(html)
    assert doelen == ["id_reden"]
    assert m.betrokkenen.count() == 2
