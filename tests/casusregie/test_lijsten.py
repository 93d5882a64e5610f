"""Lists at working density (issue 17): sortable columns with a whitelist and a stable order across pages,
numbered pages, search and filters on "mijn casussen" that never widen what the user may see, one status badge,
and the casusregisseur's open actions across their casussen. Query counts stay constant with more rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bzt.audit import acting_as
from bzt.models import Organisatie
from bzt.sortering import Sortering
from casusregie import services
from casusregie.models import Casus, PlanActie
from tests import factories

CASUSSEN = reverse("casusregie:mijn_casussen")
ACTIES = reverse("casusregie:mijn_acties")


def nummers(response):
    return [c.nummer for c in response.context["page"].object_list]


# --- sorting ------------------------------------------------------------------------------------------------------


def test_only_whitelisted_keys_reach_order_by_and_the_pk_breaks_ties():
    sortering = Sortering(kolommen={"naam": ("achternaam", "-voornaam")}, standaard="naam", aliassen={"oud": "-naam"})
    assert sortering.volgorde(sortering.stand("naam")) == ["achternaam", "-voornaam", "pk"]
    assert sortering.volgorde(sortering.stand("-naam")) == ["-achternaam", "voornaam", "-pk"]
    assert sortering.stand("oud").waarde == "-naam"
    for kwaad in ("password", "-casusregisseur__password", "naam;drop", "", None):
        assert sortering.stand(kwaad).waarde == "naam"


def test_mijn_casussen_sorts_by_a_column_and_pages_without_repeats(client, demo, settings):
    settings.BZT_MAX_CASELOAD = 60
    casussen = [factories.casus(demo) for _ in range(27)]  # one status, one day: the pk must break the tie
    client.force_login(demo["regisseur_dimence"])
    eerste = client.get(CASUSSEN, {"sorteer": "toegewezen"})
    tweede = client.get(CASUSSEN, {"sorteer": "toegewezen", "pagina": 2})
    gezien = nummers(eerste) + nummers(tweede)
    assert gezien == [c.nummer for c in sorted(casussen, key=lambda c: c.pk)]
    aflopend = client.get(CASUSSEN, {"sorteer": "-nummer"})
    assert nummers(aflopend)[0] == casussen[-1].nummer
    html = eerste.content.decode()
    assert 'aria-sort="ascending"' in html and "sorteer=-toegewezen" in html  # the header turns it around
    assert 'aria-current="page"' in html and "pagina=2" in html  # numbered pages
    assert client.get(CASUSSEN, {"sorteer": "casusregisseur__password"}).status_code == 200


def test_status_sort_of_the_queue_and_its_old_values(client, demo):
    acuut = factories.melding(demo["meldpunt"], urgentie="acuut")
    normaal = factories.melding(demo["meldpunt"])
    client.force_login(demo["meldpunt"])
    url = reverse("meldpunt:wachtrij")
    assert [r.melding for r in client.get(url, {"sort": "-ontvangen"}).context["regels"]][:2] == [normaal, acuut]
    assert [r.melding for r in client.get(url, {"sort": "nieuwste"}).context["regels"]][:2] == [normaal, acuut]
    assert [r.melding for r in client.get(url, {"sort": "-urgentie"}).context["regels"]][-1] == acuut


# --- search and filters on mijn casussen ---------------------------------------------------------------------------


def test_search_and_status_filter_stay_within_the_users_casussen(client, demo):
    eigen = factories.casus(
        demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens(voornaam="Fenna", achternaam="Zoekstra"))]
    )
    anders = factories.casus(demo)
    vreemd = factories.casus(
        demo,
        regisseur="regisseur_tactus",
        huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam="Zoekstra"))],
    )
    client.force_login(demo["regisseur_dimence"])
    assert nummers(client.get(CASUSSEN, {"q": "zoekstra"})) == [eigen.nummer]  # not the other regisseur's
    assert nummers(client.get(CASUSSEN, {"q": eigen.nummer})) == [eigen.nummer]
    assert nummers(client.get(CASUSSEN, {"q": vreemd.nummer})) == []
    services.casus_escaleren(door=demo["regisseur_dimence"], casus=anders, reden="wachtlijst", vraag="Sneller?")
    assert nummers(client.get(CASUSSEN, {"status": "opgeschaald"})) == [anders.nummer]
    assert set(nummers(client.get(CASUSSEN, {"status": "open"}))) == {eigen.nummer, anders.nummer}
    assert set(nummers(client.get(CASUSSEN, {"status": "weggooien"}))) == {eigen.nummer, anders.nummer}
    html = client.get(CASUSSEN, {"q": "niemand-heet-zo"}).content.decode()
    assert "Geen casussen gevonden" in html


def test_the_procesmanager_searches_all_casussen(client, demo):
    c = factories.casus(demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens(achternaam="Overalstra"))])
    client.force_login(demo["procesmanager"])
    assert nummers(client.get(CASUSSEN, {"q": "overalstra"})) == [c.nummer]


def test_sorted_and_searched_list_runs_the_same_queries_for_few_or_many(client, demo, settings):
    settings.BZT_MAX_CASELOAD = 60
    factories.casus(demo)
    client.force_login(demo["regisseur_dimence"])
    client.get(CASUSSEN)

    def aantal():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CASUSSEN, {"sorteer": "-regisseur", "status": "open", "q": "a"}).status_code == 200
        return len(queries)

    weinig = aantal()
    for _ in range(6):
        factories.casus(
            demo, huishouden=[("hoofdpersoon", factories.persoon_gegevens()), ("kind", factories.persoon_gegevens())]
        )
    assert aantal() == weinig


# --- one status badge ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, variant, label",
    [
        ("opgeschaald", "danger", "Opgeschaald"),
        ("afgesloten", "ok", "Afgesloten"),
        ("in_uitvoering", "info", "In uitvoering"),
    ],
)
def test_one_status_badge_for_every_list(db, status, variant, label):
    html = Template("{% load bzt %}{% status c %}").render(Context({"c": Casus(status=status)}))
    assert f"bzt-tag--{variant}" in html and f">{label}<" in html


# --- my open actions -----------------------------------------------------------------------------------------------


def actie(demo, plan, omschrijving, organisatie, dagen, status=PlanActie.Status.OPEN):
    plan.refresh_from_db()
    a = services.actie_toevoegen(
        door=plan.casus.casusregisseur,
        plan=plan,
        lock_version=plan.lock_version,
        omschrijving=omschrijving,
        eigenaar=Organisatie.objects.get(naam=organisatie),
        deadline=timezone.localdate() + timedelta(days=dagen),
    )
    if status != PlanActie.Status.OPEN:
        services.actie_status_wijzigen(door=plan.casus.casusregisseur, actie=a, status=status)
    return a


def test_my_open_actions_across_my_casussen(client, demo):
    eigen = factories.casus(demo)
    plan = eigen.plannen.get()
    actie(demo, plan, "Huisbezoek plannen", "Gemeente Deventer", 3)
    actie(demo, plan, "Intake verslavingszorg", "Tactus Verslavingszorg", -2)
    actie(demo, plan, "Al gedaan", "Dimence", 1, status=PlanActie.Status.GEREED)
    # a casus of another regisseur in which Dimence takes part: only Dimence's actions are "mine"
    ander = factories.casus(demo, regisseur="regisseur_tactus")
    services.betrokkene_toevoegen(
        door=demo["procesmanager"],
        casus=ander,
        professional=demo["regisseur_dimence"],
        rol="ggz",
        grondslag="convenant",
    )
    actie(demo, ander.plannen.get(), "Psychiatrisch onderzoek", "Dimence", 10)
    actie(demo, ander.plannen.get(), "Schuldhulp aanvragen", "Gemeente Deventer", 5)
    # a casus with a plan in force and a new draft: the actions of the plan in force count, not the draft's copy
    geldend = factories.casus(demo)
    factories.vastgesteld_plan(demo, geldend)  # its action "Aanmelden schuldhulp" (Gemeente Deventer)
    nieuw = services.nieuwe_planversie(door=demo["regisseur_dimence"], casus=geldend)
    actie(demo, nieuw, "Alleen in het concept", "Dimence", 2)
    # a casus the user has nothing to do with
    actie(demo, factories.casus(demo, regisseur="regisseur_tactus").plannen.get(), "Niet van mij", "Dimence", 1)

    client.force_login(demo["regisseur_dimence"])
    response = client.get(ACTIES)
    getoond = [a.omschrijving for a in response.context["page"].object_list]
    # due first
    assert getoond == [
        "Intake verslavingszorg",
        "Huisbezoek plannen",
        "Psychiatrisch onderzoek",
        "Aanmelden schuldhulp",
    ]
    html = response.content.decode()
    assert "Verlopen" in html and "Niet van mij" not in html and "Al gedaan" not in html
    assert "Alleen in het concept" not in html
    omgekeerd = client.get(ACTIES, {"sorteer": "-deadline"}).context["page"].object_list
    assert [a.omschrijving for a in omgekeerd][:2] == ["Aanmelden schuldhulp", "Psychiatrisch onderzoek"]


def test_my_open_actions_need_the_regisseur_role_and_run_constant_queries(client, demo):
    client.force_login(demo["meldpunt"])
    assert client.get(ACTIES).status_code == 403
    casus = factories.casus(demo)
    actie(demo, casus.plannen.get(), "Eerste", "Dimence", 3)
    client.force_login(demo["regisseur_dimence"])
    client.get(ACTIES)

    def aantal():
        with CaptureQueriesContext(connection) as queries:
            client.get(ACTIES)
        return len(queries)

    weinig = aantal()
    for i in range(4):
        actie(demo, factories.casus(demo).plannen.get(), f"Actie {i}", "Iriszorg", i)
    assert aantal() == weinig
    assert Casus.objects.count() == 5


def _acties_via_mijn_casussen(user):
    """The definition before issue 20, driven by every casus of mijn_casussen: the reference for the new shape."""
    from django.db.models import Exists, OuterRef, Q

    from casusregie.models import Plan
    from casusregie.selectors import mijn_casussen

    casus_ids = mijn_casussen(user)[0].exclude(status=Casus.Status.AFGESLOTEN).order_by().values("pk")
    van_mij = Q(plan__casus__casusregisseur=user) | Q(eigenaar_id=user.organisatie_id)
    vastgesteld = Plan.objects.filter(casus=OuterRef("plan__casus"), status=Plan.Status.VASTGESTELD)
    geldend = Q(plan__status=Plan.Status.VASTGESTELD) | (
        Q(plan__status__in=[Plan.Status.CONCEPT, Plan.Status.INGEDIEND]) & ~Exists(vastgesteld)
    )
    return set(
        PlanActie.objects.filter(
            van_mij, geldend, plan__casus__in=casus_ids, status__in=[PlanActie.Status.OPEN, PlanActie.Status.LOOPT]
        ).values_list("pk", flat=True)
    )


def test_my_open_actions_are_exactly_those_of_my_casussen_in_every_situation(demo):
    """Issue 20 changed the shape of the query (driven by the actions and the grants, not by every casus of
    mijn_casussen); who sees which action must not change: stale grants, closed casussen, a regisseur without
    the grant who sees the casus through noodtoegang, ended betrokkenheden, drafts next to a plan in force."""
    from casusregie.models import CasusBetrokkene, CasusUserObjectPermission, Noodtoegang
    from casusregie.selectors import mijn_open_acties

    regisseurs = ["regisseur_dimence", "regisseur_tactus", "regisseur_iriszorg"]
    organisaties = ["Dimence", "Tactus Verslavingszorg", "Iriszorg", "Gemeente Deventer"]
    casussen = []
    for i in range(9):
        c = factories.casus(demo, regisseur=regisseurs[i % 3])
        for j in range(3):
            actie(demo, c.plannen.get(), f"Actie {i}.{j}", organisaties[(i + j) % 4], j - 1)
        andere = demo[regisseurs[(i + 1) % 3]]
        services.betrokkene_toevoegen(
            door=demo["procesmanager"], casus=c, professional=andere, rol="ggz", grondslag="convenant"
        )
        casussen.append(c)
    factories.vastgesteld_plan(demo, casussen[0])
    services.nieuwe_planversie(door=casussen[0].casusregisseur, casus=casussen[0])
    Casus.objects.filter(pk=casussen[1].pk).update(status=Casus.Status.AFGESLOTEN)  # test shortcut
    # a betrokkenheid ended while its grant was left behind (a stale grant: its reason no longer holds)
    CasusBetrokkene.objects.filter(casus=casussen[2]).update(beeindigd_op=timezone.now())
    # the regisseur of casussen[3] lost the grant but has an active noodtoegang to it
    zonder = casussen[3]
    CasusUserObjectPermission.objects.filter(user=zonder.casusregisseur, content_object=zonder).delete()
    with acting_as(demo["procesmanager"]):
        Noodtoegang.objects.create(
            casus=zonder, gebruiker=zonder.casusregisseur, reden="test", verloopt_op=timezone.now() + timedelta(hours=1)
        )

    for naam in regisseurs:
        user = demo[naam]
        nieuw = set(mijn_open_acties(user).values_list("pk", flat=True))
        assert nieuw == _acties_via_mijn_casussen(user), naam
        assert nieuw  # the scenario gives every regisseur actions to see
    assert mijn_open_acties(zonder.casusregisseur).filter(plan__casus=zonder).exists()
    assert not mijn_open_acties(demo["regisseur_dimence"]).filter(plan__casus=casussen[1]).exists()


def test_my_open_actions_page_runs_a_fixed_number_of_queries(client, demo, django_assert_num_queries):
    """Session, user, 2FA device, permissions (2), the noodtoegang check, the count and the page of actions,
    unread notifications and the menu's groups: 12, however many casussen and actions."""
    client.force_login(demo["regisseur_dimence"])
    for i in range(3):
        actie(demo, factories.casus(demo).plannen.get(), f"Actie {i}", "Dimence", i)
    client.get(ACTIES)
    with django_assert_num_queries(12):
        assert client.get(ACTIES).status_code == 200
    for i in range(6):
        actie(demo, factories.casus(demo).plannen.get(), f"Meer {i}", "Iriszorg", i)
    with django_assert_num_queries(12):
        assert len(client.get(ACTIES).context["page"].object_list) == 9
