"""The agenda stays small with many users and casussen: ten ranked kandidaten per item, and search fields
(htmx fragments, or a GET reload without JS) for any other casusregisseur, casus or attendee."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bzt.audit import acting_as
from bzt.models import InzageRegel, User
from casusregie.models import Casus
from mdo import services
from mdo.selectors import KANDIDATEN_TONEN
from tests import factories
from tests.mdo.conftest import agenda_url, besluit_url


def extra_users(demo, n, *, groep="casusregisseur", naam="Extra", actief=True):
    organisatie = demo["regisseur_mee"].organisatie
    group = Group.objects.get(name=groep)
    users = []
    with acting_as(demo["beheer"]):
        for i in range(n):
            u = User.objects.create(
                username=f"{naam.lower()}{groep}{i}",
                first_name=naam,
                last_name=f"Collega{i:03d}",
                organisatie=organisatie,
                is_active=actief,
            )
            u.groups.add(group)
            users.append(u)
    return users


@pytest.fixture
def punt(demo):
    factories.mdo_melding(demo)
    return factories.overleg(demo).agendapunten.get()


def zoek_regisseur_url(punt):
    return reverse("mdo:regisseurs_zoeken", args=[punt.overleg_id, punt.pk])


def test_only_the_best_candidates_are_listed_and_others_are_found_by_search(chair, demo, punt):
    extra = extra_users(demo, 15)
    html = chair.get(agenda_url(punt.overleg)).content.decode()
    assert html.count(f'name="t{punt.pk}-casusregisseur"') == KANDIDATEN_TONEN
    assert "Andere casusregisseur zoeken" in html

    laatste = next(u for u in extra if f'value="{u.pk}"' not in html)
    fragment = chair.get(zoek_regisseur_url(punt), {"regisseur_zoek": laatste.last_name}, HTTP_HX_REQUEST="true")
    fragment = fragment.content.decode()
    assert f'name="t{punt.pk}-casusregisseur" value="{laatste.pk}"' in fragment
    assert "0 van 15" in fragment and "<html" not in fragment

    # without JS the same search reloads the agenda with the match inside the item's form
    html = chair.get(agenda_url(punt.overleg), {"punt": punt.pk, "regisseur_zoek": laatste.last_name}).content.decode()
    assert f'id="id_t{punt.pk}-casusregisseur_z{laatste.pk}"' in html


def test_a_regisseur_found_by_search_can_be_assigned(chair, demo, punt):
    laatste = extra_users(demo, 15)[-1]
    response = chair.post(besluit_url(punt), {"actie": "toewijzen", f"t{punt.pk}-casusregisseur": laatste.pk})
    assert response.status_code == 302
    assert Casus.objects.get(melding=punt.melding).casusregisseur == laatste


@pytest.mark.parametrize("wie", ["meldpunt", "inactief", "onbekend"])
def test_only_an_active_casusregisseur_can_be_assigned(chair, demo, punt, wie):
    pk = {
        "meldpunt": lambda: demo["meldpunt"].pk,
        "inactief": lambda: extra_users(demo, 1, actief=False)[0].pk,
        "onbekend": lambda: 999999,
    }[wie]()
    response = chair.post(besluit_url(punt), {"actie": "toewijzen", f"t{punt.pk}-casusregisseur": pk})
    assert response.status_code == 200 and "Kies een actieve casusregisseur." in response.content.decode()
    assert not Casus.objects.filter(melding=punt.melding).exists()


def test_the_regisseur_search_never_returns_other_roles_or_inactive_accounts(chair, demo, punt):
    extra_users(demo, 2, groep="meldpunt", naam="Zoekbaar")
    extra_users(demo, 2, naam="Zoekbaar", actief=False)
    fragment = chair.get(zoek_regisseur_url(punt), {"regisseur_zoek": "zoekbaar"}).content.decode()
    assert "Niets gevonden" in fragment and "Collega" not in fragment
    fragment = chair.get(zoek_regisseur_url(punt), {"regisseur_zoek": "a"}).content.decode()
    assert "Typ minstens twee tekens." in fragment


@pytest.mark.parametrize("username", ["meldpunt", "regisseur_dimence", "coordinator", "beleid", "beheer"])
def test_the_search_endpoints_refuse_everyone_but_the_chair(client, demo, punt, username):
    client.force_login(demo[username])
    overleg = punt.overleg
    for url, q in (
        (zoek_regisseur_url(punt), {"regisseur_zoek": "regisseur"}),
        (reverse("mdo:casussen_zoeken", args=[overleg.pk]), {"casus_zoek": "Achternaam"}),
        (reverse("mdo:aanwezigen_zoeken", args=[overleg.pk]), {"aanwezige_zoek": "regisseur"}),
    ):
        assert client.get(url, q).status_code == 403


def test_an_open_casus_is_found_by_number_or_name_and_the_find_is_logged(chair, demo):
    overleg = factories.overleg(demo)
    c = factories.casus(demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam="Vindbaar"))])
    dicht = factories.casus(demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam="Vindbaar"))])
    with acting_as(demo["procesmanager"]):
        dicht.status = Casus.Status.AFGESLOTEN
        dicht.save()
    url = reverse("mdo:casussen_zoeken", args=[overleg.pk])
    for q in (c.nummer, str(c.pk), "vindbaar"):
        fragment = chair.get(url, {"casus_zoek": q}).content.decode()
        assert f'name="casus" value="{c.pk}"' in fragment, q
        assert f'value="{dicht.pk}"' not in fragment
    assert InzageRegel.objects.filter(actie="zoeken", object_type="casus", gebruiker=demo["procesmanager"]).exists()
    assert "Niets gevonden" in chair.get(url, {"casus_zoek": "onvindbaar"}).content.decode()


def test_attendees_listed_are_the_likely_ones_and_others_are_found_by_search(chair, demo):
    c = factories.casus(demo, regisseur="regisseur_tactus")
    overleg = factories.overleg(demo)
    services.casusbespreking_toevoegen(door=demo["procesmanager"], overleg=overleg, casus=c)
    html = chair.get(agenda_url(overleg)).content.decode()
    assert f'id="id_aanwezigen_{demo["procesmanager"].pk}" checked' in html  # the chair, ticked
    assert f'id="id_aanwezigen_{demo["regisseur_tactus"].pk}"' in html  # regisseur of a casus on the agenda
    assert f'id="id_aanwezigen_{demo["regisseur_mee"].pk}"' not in html
    assert f'id="id_aanwezigen_{demo["beleid"].pk}"' not in html

    fragment = chair.get(
        reverse("mdo:aanwezigen_zoeken", args=[overleg.pk]), {"aanwezige_zoek": demo["regisseur_mee"].last_name}
    ).content.decode()
    assert f'name="aanwezigen" value="{demo["regisseur_mee"].pk}"' in fragment
    html = chair.get(agenda_url(overleg), {"aanwezige_zoek": demo["regisseur_mee"].last_name}).content.decode()
    assert f'id="id_aanwezigen_{demo["regisseur_mee"].pk}"' in html

    inactief = extra_users(demo, 1, actief=False)[0]
    response = chair.post(reverse("mdo:afronden", args=[overleg.pk]), {"aanwezigen": [inactief.pk]})
    assert response.status_code == 200 and "Kies alleen actieve gebruikers als aanwezigen." in response.content.decode()
    response = chair.post(reverse("mdo:afronden", args=[overleg.pk]), {"aanwezigen": [demo["regisseur_mee"].pk]})
    assert response.status_code == 302
    overleg.refresh_from_db()
    assert list(overleg.aanwezigen.all()) == [demo["regisseur_mee"]]


def test_the_agenda_costs_the_same_queries_and_size_with_many_more_users_and_casussen(chair, demo):
    factories.casus(demo)
    factories.mdo_melding(demo)
    overleg = factories.overleg(demo)

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            response = chair.get(agenda_url(overleg))
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    extra_users(demo, KANDIDATEN_TONEN)
    queries, html = measure()
    extra_users(demo, 30, naam="Meer")
    extra_users(demo, 30, groep="meldpunt", naam="Ander")
    for _ in range(5):
        factories.casus(demo)
    more_queries, more_html = measure()
    assert more_queries == queries
    # the request (session, user, 2FA, permissions), the agenda, ranking (the pool of kandidaten and their
    # organisations), attendees, the access log (PostgreSQL: one more for the chain lock), the settings of
    # functioneel beheer (bzt.instellingen: the caseload maximum, read once per request)
    # incl. the unread count; the access log is one INSERT on every database (issue 20, perf-writes: was 22 / 21);
    # and the meeting's status and number of items first (a past agenda is paged, issue 20)
    assert queries == 21
    assert more_html.count('type="radio"') == html.count('type="radio"')
    assert more_html.count('type="checkbox"') == html.count('type="checkbox"')
