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
