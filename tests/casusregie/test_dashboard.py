"""The procesmanager's dashboard: right numbers, only for the procesmanager, fixed query count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bzt.audit import acting_as
from bzt.models import Organisatie
from casusregie import services, signals
from casusregie.doorlooptijden import doorlooptijden
from casusregie.models import Signaal
from mdo import services as mdo_services
from tests import factories

DASHBOARD = "casusregie:dashboard"


def escaleren(c, *, dagen_geleden=0):
    return services.casus_escaleren(
        door=c.casusregisseur,
        casus=c,
        reden="wachtlijst",
        vraag="Beschermd wonen komt niet rond.",
        datum=timezone.localdate() - timedelta(days=dagen_geleden),
    )


def wachtlijst(c, organisatie="Iriszorg", *, dagen_geleden=0):
    return services.wachtlijst_melden(
        door=c.casusregisseur,
        casus=c,
        organisatie=Organisatie.objects.get(naam=organisatie),
        voorziening="Beschermd wonen",
        sinds=timezone.localdate() - timedelta(days=dagen_geleden),
    )


def get(client, user):
    client.force_login(user)
    return client.get(reverse(DASHBOARD))


def test_the_procesmanager_sees_escalations_signals_caseload_and_waiting_lists(client, demo, settings):
    settings.BZT_MAX_CASELOAD = 2
    a, b = factories.casus(demo), factories.casus(demo)
    t = factories.casus(demo, regisseur="regisseur_tactus")
    oud = escaleren(a, dagen_geleden=20)
    nieuw = escaleren(t)
    wachtlijst(b, dagen_geleden=10)
    wachtlijst(t, dagen_geleden=3)
    wachtlijst(t, "Tactus Verslavingszorg")
    signals.signalen_berekenen()
    overleg = mdo_services.overleg_plannen(door=demo["procesmanager"], datum=timezone.localdate() + timedelta(days=3))

    response = get(client, demo["procesmanager"])
    assert response.status_code == 200
    ctx, html = response.context, response.content.decode()

    # escalations: both at the first level, oldest first, with their age in days
    eerste = ctx["escalatiegroepen"][0]
    assert [g.niveau.code for g in ctx["escalatiegroepen"]] == [
        "procesmanager",
        "coordinerend_ambtenaar",
        "wethouder",
        "burgemeester",
        "regionale_mandaatcommissie",
    ]
    assert [(e.pk, e.dagen, e.lang_open) for e in eerste.oudste] == [(oud.pk, 20, True), (nieuw.pk, 0, False)]
    assert (eerste.aantal, eerste.lang_open) == (2, 1)
    assert ctx["open_escalaties"] == 2
    assert reverse("casusregie:escalatie", args=[oud.pk]) in html
    assert reverse("casusregie:dossier", args=[a.pk]) in html
    assert "langer dan 14 dagen" in html

    # signals: the computed rows, per soort, with the time of the computation
    per_soort = {g.soort: g.aantal for g in ctx["signaalgroepen"]}
    assert per_soort[Signaal.Soort.WACHTLIJST] == 2
    assert per_soort[Signaal.Soort.ESCALATIE_LANG_OPEN] == 1
    assert ctx["signalen_totaal"] == Signaal.objects.count() == 3
    assert ctx["signalen_berekend_op"] is not None
    assert "Laatst berekend op" in html and "Signalen nu berekenen" in html

    # caseload: Dimence's regisseur is at the maximum of 2, Tactus has room for one more
    load = {r.username: r for r in ctx["regisseurs"]}
    assert (load["regisseur_dimence"].open_casussen, load["regisseur_dimence"].vol) == (2, True)
    assert (load["regisseur_tactus"].open_casussen, load["regisseur_tactus"].vol) == (1, False)
    assert load["regisseur_iriszorg"].open_casussen == 0
    assert "procesmanager" not in load
    assert ctx["regisseurs_vol"] == 1
    assert "2 van 2" in html and "maximum bereikt" in html and "nog 1 vrij" in html
    orgs = {o.naam: o for o in ctx["organisaties"]}
    assert (orgs["Dimence"].open_casussen, orgs["Dimence"].capaciteit, orgs["Dimence"].vol) == (2, 2, True)
    assert (orgs["Tactus Verslavingszorg"].open_casussen, orgs["Tactus Verslavingszorg"].vol) == (1, False)

    # waiting lists per partner, longest waiting first
    rows = [(w["organisatie__naam"], w["aantal"], w["casussen"], w["dagen"]) for w in ctx["wachtlijsten"]]
    assert rows == [("Iriszorg", 2, 2, 10), ("Tactus Verslavingszorg", 1, 1, 0)]

    # lead times: melding received yesterday, triaged and assigned today (factories), no plan yet
    stappen = {s.label: s for s in ctx["doorlooptijden"]["stappen"]}
    assert (stappen["Melding ontvangen → triage"].mediaan, stappen["Melding ontvangen → triage"].aantal) == (1, 3)
    assert stappen["Triage → toewijzing in het MDO"].mediaan == 0
    assert stappen["Toewijzing → eerste plan vastgesteld"].aantal == 0

    # the next MDO, linked
    assert ctx["volgend_mdo"] == overleg
    assert reverse("mdo:overleg", args=[overleg.pk]) in html


def test_lead_times_take_the_median_over_the_last_twelve_months(demo):
    casussen = [factories.casus(demo) for _ in range(3)]
    vandaag = timezone.localdate()
    # plan vastgesteld 10, 20 and (outside the window: assigned 13 months ago) 30 days after assignment
    for c, dagen in zip(casussen[:2], (10, 20), strict=True):
        c.plan_vastgesteld_op = c.toegewezen_op + timedelta(days=dagen)
    casussen[2].toegewezen_op = vandaag - timedelta(days=400)
    casussen[2].plan_vastgesteld_op = casussen[2].toegewezen_op + timedelta(days=30)
    with acting_as(demo["procesmanager"]):
        for c in casussen:
            c.save()
    result = doorlooptijden(demo["procesmanager"], vandaag + timedelta(days=25))
    plan = result["stappen"][2]
    assert (result["casussen"], plan.aantal, plan.mediaan) == (2, 2, 15)


def test_an_explanation_when_there_are_no_signals(client, demo):
    factories.casus(demo)
    signals.signalen_berekenen()
    html = get(client, demo["procesmanager"]).content.decode()
    assert "Er zijn geen stagnatiesignalen" in html
    assert "Er is geen MDO gepland" in html


@pytest.fixture
def met_worker(monkeypatch):
    """As in production: a broker and workers, so celery beat computes the signals (not this process)."""
    from casusregie import tasks

    monkeypatch.setitem(tasks.signalen_berekenen.app.conf, "task_always_eager", False)


def test_the_pages_never_compute_the_signals_they_show_when_they_were_computed(client, demo, met_worker):
    """Issue 20: the first view of a day computed the signals in the request (8 s at 1M). With a worker the
    periodic task (or the button) computes them; the dashboard and the home page only read, and say when, or that
    it did not happen yet."""
    from casusregie.models import DoorlooptijdenStand

    c = factories.casus(demo)
    wachtlijst(c, "Iriszorg", dagen_geleden=3)
    client.force_login(demo["procesmanager"])
    response = client.get(reverse(DASHBOARD))
    html = response.content.decode()
    assert response.context["signalen_totaal"] == 0 and response.context["signalen_berekend_op"] is None
    assert "nog niet berekend" in html and "Er zijn geen stagnatiesignalen" not in html
    assert "Stagnatiesignalen nog niet berekend" in client.get(reverse("home")).content.decode()
    assert not Signaal.objects.exists() and not DoorlooptijdenStand.objects.exists()

    signals.signalen_berekenen()
    gisteren = timezone.now() - timedelta(days=1)
    DoorlooptijdenStand.objects.update(berekend_op=gisteren)  # yesterday's run: shown as it is, not repeated
    response = client.get(reverse(DASHBOARD))
    assert response.context["signalen_berekend_op"] == gisteren
    assert response.context["signalen_totaal"] == Signaal.objects.count() == 1
    assert "Laatst berekend op" in response.content.decode()
    assert DoorlooptijdenStand.objects.get().berekend_op == gisteren
    assert '<span class="bzt-figure">1</span> stagnatiesignaal' in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("username", ["regisseur_dimence", "meldpunt", "coordinator", "wethouder", "beleid", "beheer"])
def test_other_roles_are_refused(client, demo, username):
    assert get(client, demo[username]).status_code == 403
    assert client.post(reverse("casusregie:signalen_berekenen")).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse(DASHBOARD))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_button_computes_the_signals_as_the_procesmanager(client, demo, django_capture_on_commit_callbacks):
    c = factories.casus(demo)
    wachtlijst(c)
    client.force_login(demo["procesmanager"])
    assert client.get(reverse("casusregie:signalen_berekenen")).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("casusregie:signalen_berekenen"))
    assert response.status_code == 302 and response.url == reverse(DASHBOARD)
    assert Signaal.objects.filter(casus=c, soort=Signaal.Soort.WACHTLIJST).exists()


def test_the_procesmanager_home_shows_the_headline_figures(client, demo):
    c = factories.casus(demo)
    escaleren(c, dagen_geleden=30)
    signals.signalen_berekenen()
    mdo_services.overleg_plannen(door=demo["procesmanager"], datum=timezone.localdate() + timedelta(days=1))
    client.force_login(demo["procesmanager"])
    html = client.get(reverse("home")).content.decode()
    assert "Het volgende MDO, escalaties, stagnatiesignalen en caseload." in html
    assert '<span class="bzt-figure">1</span> open escalatie\n' in html
    assert '<span class="bzt-figure">1</span> stagnatiesignaal\n' in html
    assert "Volgende MDO: " in html
    assert reverse(DASHBOARD) in html


def _scenario(demo, n):
    """n casussen over three regisseurs, each with an escalation, a waiting list, a journaalregel and a signal."""
    regisseurs = ["regisseur_dimence", "regisseur_tactus", "regisseur_iriszorg"]
    for i in range(n):
        c = factories.casus(demo, regisseur=regisseurs[i % 3])
        services.journaal_toevoegen(door=c.casusregisseur, casus=c, tekst="Contact gehad.")
        wachtlijst(c, ["Iriszorg", "Carinova", "Dimence"][i % 3], dagen_geleden=i)
        escaleren(c, dagen_geleden=i * 3)
    signals.signalen_berekenen()


def _queries(client, user):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse(DASHBOARD)).status_code == 200
    return len(ctx)


def test_the_query_count_does_not_grow_with_the_number_of_casussen(client, demo, django_assert_max_num_queries):
    mdo_services.overleg_plannen(door=demo["procesmanager"], datum=timezone.localdate() + timedelta(days=1))
    client.force_login(demo["procesmanager"])
    _scenario(demo, 2)
    # 7 for the request (session, user, 2FA, permissions, unread notifications)
    # + 21 for the sections (medians in SQL: 3; the oldest signals: one query per soort)
    with django_assert_max_num_queries(28):
        client.get(reverse(DASHBOARD))
    small = _queries(client, demo["procesmanager"])
    _scenario(demo, 8)
    assert Signaal.objects.count() >= 10
    assert _queries(client, demo["procesmanager"]) == small


def test_the_dashboard_shows_counts_and_the_oldest_few_and_links_to_the_full_lists(client, demo):
    from keten.dashboard import MEEST_BELAST, OUDSTE

    mdo_services.overleg_plannen(door=demo["procesmanager"], datum=timezone.localdate() + timedelta(days=1))
    _scenario(demo, OUDSTE + 3)
    response = get(client, demo["procesmanager"])
    ctx, html = response.context, response.content.decode()
    eerste = ctx["escalatiegroepen"][0]
    assert eerste.aantal == OUDSTE + 3 and len(eerste.oudste) == OUDSTE
    assert [e.dagen for e in eerste.oudste] == sorted((e.dagen for e in eerste.oudste), reverse=True)
    assert eerste.oudste[0].dagen == (OUDSTE + 2) * 3  # the oldest first
    assert ctx["open_escalaties"] == OUDSTE + 3
    assert f"Alle {OUDSTE + 3} open escalaties bij" in html
    wachtlijst_groep = next(g for g in ctx["signaalgroepen"] if g.soort == Signaal.Soort.WACHTLIJST)
    assert wachtlijst_groep.aantal == OUDSTE + 3 and len(wachtlijst_groep.oudste) == OUDSTE
    assert len(ctx["regisseurs"]) <= MEEST_BELAST
    assert ctx["regisseurs_aantal"] == 5  # the demo's casusregisseurs

    # the full lists, paginated, for the procesmanager only
    lijst = client.get(reverse("casusregie:dashboard_escalaties"), {"niveau": "procesmanager"})
    assert [e.dagen for e in lijst.context["page"].object_list][0] == (OUDSTE + 2) * 3
    assert len(lijst.context["page"].object_list) == OUDSTE + 3
    assert reverse("casusregie:escalatie", args=[lijst.context["page"].object_list[-1].pk]) in lijst.content.decode()
    signalen = client.get(reverse("casusregie:dashboard_signalen"), {"soort": Signaal.Soort.WACHTLIJST})
    assert signalen.status_code == 200 and len(signalen.context["page"].object_list) == OUDSTE + 3
    caseload = client.get(reverse("casusregie:dashboard_caseload"))
    assert [r.open_casussen for r in caseload.context["page"].object_list] == [3, 3, 2, 0, 0]  # most loaded first
    assert client.get(reverse("casusregie:dashboard_signalen"), {"soort": "onzin"}).status_code == 404


@pytest.mark.parametrize("naam", ["dashboard_escalaties", "dashboard_signalen", "dashboard_caseload"])
def test_the_full_lists_are_for_the_procesmanager_only(client, demo, naam):
    for username in ("regisseur_dimence", "meldpunt", "coordinator", "beleid"):
        client.force_login(demo[username])
        assert client.get(reverse(f"casusregie:{naam}")).status_code == 403


def test_the_dashboard_query_count_is_exact_and_its_size_bounded(client, demo, django_assert_num_queries):
    mdo_services.overleg_plannen(door=demo["procesmanager"], datum=timezone.localdate() + timedelta(days=1))
    client.force_login(demo["procesmanager"])
    _scenario(demo, 12)  # more than OUDSTE in every group shown
    client.get(reverse(DASHBOARD))  # the once-a-minute session save out of the way
    # 7 for the request (incl. unread notifications)
    # + 10 for the sections (the counts and lead times: one row stored by the signals run; issue 20)
    # + 1 for the settings of functioneel beheer (bzt.instellingen: read once per request)
    # + 1 for when the signals were computed (read only: the page never computes them; issue 20)
    # + 1 for the open waiting lists, read live (a list solved in a dossier leaves the dashboard at once)
    # + 4: the oldest signals are one short index read per soort (5), no longer one window over all (1)
    with django_assert_num_queries(24):
        klein = client.get(reverse(DASHBOARD)).content.decode()
    _scenario(demo, 12)
    with django_assert_num_queries(24):
        groot = client.get(reverse(DASHBOARD)).content.decode()
    assert groot.count("<tr") == klein.count("<tr")  # the counts change, the rows shown do not grow


def test_lead_times_come_from_the_signals_run_and_show_when_they_were_computed(client, demo):
    from casusregie.models import DoorlooptijdenStand

    vandaag = timezone.localdate()
    factories.casus(demo)
    # before the very first run the lead times are computed live (no stored time); the page stores nothing
    ctx = get(client, demo["procesmanager"]).context["doorlooptijden"]
    assert ctx["casussen"] == 1 and ctx.get("berekend_op") is None
    assert not DoorlooptijdenStand.objects.exists()
    signals.signalen_berekenen()
    assert DoorlooptijdenStand.objects.count() == 1
    live = [(s.mediaan, s.aantal) for s in doorlooptijden(demo["procesmanager"], vandaag)["stappen"]]
    factories.casus(demo)  # assigned after the run: not in the stored figures until the next run
    response = get(client, demo["procesmanager"])
    ctx, html = response.context["doorlooptijden"], response.content.decode()
    assert ctx["casussen"] == 1 and ctx["berekend_op"] is not None
    assert [(s.mediaan, s.aantal) for s in ctx["stappen"]] == live and live[0][1] == 1
    assert "samen met de stagnatiesignalen" in html
    signals.signalen_berekenen(vandaag)
    assert DoorlooptijdenStand.objects.count() == 1  # replaced, not added
    assert get(client, demo["procesmanager"]).context["doorlooptijden"]["casussen"] == 2


@pytest.mark.django_db(transaction=True)  # the job is sent when the request's data is committed
def test_recomputing_signals_while_the_task_queue_is_down_says_so(client, demo, unreachable_broker):
    client.force_login(demo["procesmanager"])
    response = client.post(reverse("casusregie:signalen_berekenen"), follow=True)
    text = response.content.decode()
    assert "De taak kon niet worden gestart: de takenwachtrij is nu niet bereikbaar" in text
    assert "is gestart" not in text


def test_after_the_signals_run_the_stored_counts_equal_the_live_counts(client, demo, settings):
    """Issue 20: the dashboard reads counts stored by the signals run; after each run they are exactly what a
    live computation over the procesmanager's casussen gives, also after casussen close and escalations end."""
    import random

    from casusregie import dashboardcijfers, selectors
    from casusregie.doorlooptijden import laatste_stand
    from casusregie.models import Casus, Escalatie

    settings.BZT_MAX_CASELOAD = 4  # some regisseurs reach it (the 'vol' count), no assignment is refused
    pm = demo["procesmanager"]
    rng = random.Random(20)
    regisseurs = ["regisseur_dimence", "regisseur_tactus", "regisseur_iriszorg"]
    casussen = []

    def live():
        return dashboardcijfers.bereken(selectors.casussen_for(pm), selectors.escalaties_for(pm), timezone.localdate())

    for ronde in range(3):
        for _ in range(3):
            c = factories.casus(demo, regisseur=rng.choice(regisseurs))
            casussen.append(c)
            if rng.random() < 0.7:
                escaleren(c, dagen_geleden=rng.randint(0, 30))
            if rng.random() < 0.6:
                wachtlijst(c, rng.choice(["Iriszorg", "Carinova", "Dimence"]), dagen_geleden=rng.randint(0, 20))
        if ronde:  # change what is counted: a casus closed (test shortcut), an escalation ended
            Casus.objects.filter(pk=casussen[rng.randrange(len(casussen))].pk).update(status=Casus.Status.AFGESLOTEN)
            Escalatie.objects.filter(pk__in=Escalatie.objects.order_by("?").values("pk")[:1]).update(
                status=Escalatie.Status.GEDEESCALEERD
            )
        signals.signalen_berekenen()
        stand = laatste_stand()
        assert stand.tellingen == live()
        # ...and independent of the dashboard code: the plain counts.
        open_esc = Escalatie.objects.filter(status__in=["open", "beantwoord"]).count()
        assert sum(n for n, _ in stand.tellingen["escalaties"].values()) == open_esc
        open_cas = Casus.objects.exclude(status=Casus.Status.AFGESLOTEN).count()
        assert sum(o[2] for o in stand.tellingen["organisaties"]) == open_cas

        response = get(client, pm)
        ctx = response.context
        assert ctx["open_escalaties"] == open_esc
        assert ctx["tellingen_berekend_op"] == stand.berekend_op
        assert "Aantallen berekend op" in response.content.decode()


def test_the_procesmanager_home_page_and_dashboard_write_nothing_when_the_signals_are_stale(client, demo, met_worker):
    """Issue 20: no INSERT, UPDATE or DELETE in the request (the session and the access log aside), also on the
    first view of a day after yesterday's run, and no call of the computation."""
    from unittest import mock

    from casusregie.models import DoorlooptijdenStand

    c = factories.casus(demo)
    wachtlijst(c, "Iriszorg", dagen_geleden=3)
    signals.signalen_berekenen()
    client.force_login(demo["procesmanager"])
    client.get(reverse("home"))  # the session's first save out of the way
    DoorlooptijdenStand.objects.update(berekend_op=timezone.now() - timedelta(days=1))
    for url in (reverse("home"), reverse(DASHBOARD), reverse("casusregie:dashboard_signalen")):
        with (
            mock.patch.object(signals, "signalen_berekenen", side_effect=AssertionError("berekend")) as berekenen,
            CaptureQueriesContext(connection) as ctx,
        ):
            assert client.get(url).status_code == 200
        schrijven = [
            q["sql"]
            for q in ctx.captured_queries
            if q["sql"].lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}
            and "django_session" not in q["sql"]
            and "bzt_inzageregel" not in q["sql"]
        ]
        assert schrijven == [], url
        berekenen.assert_not_called()


def test_without_a_worker_the_first_view_of_a_day_computes_the_signals(
    client, demo, django_capture_on_commit_callbacks
):
    """The embedded setup (tasks in this process, no celery beat): nothing else would ever compute the signals, so
    the first view of a day starts the job there (issue 17: the dashboard counts them without anyone pressing the
    button); later views that day only read. (At run time the job runs at once: a request is not one transaction;
    the test's transaction holds it until the callbacks run.)"""
    from casusregie.models import DoorlooptijdenStand

    c = factories.casus(demo)
    wachtlijst(c, "Iriszorg", dagen_geleden=3)
    client.force_login(demo["procesmanager"])
    with django_capture_on_commit_callbacks(execute=True) as gestart:
        client.get(reverse(DASHBOARD))
    assert len(gestart) == 1 and Signaal.objects.count() == 1
    vandaag = DoorlooptijdenStand.objects.get().berekend_op
    with django_capture_on_commit_callbacks(execute=True) as gestart:
        response = client.get(reverse(DASHBOARD))
    assert gestart == [] and DoorlooptijdenStand.objects.get().berekend_op == vandaag  # not again that day
    assert response.context["signalen_totaal"] == 1 and "Laatst berekend op" in response.content.decode()

    DoorlooptijdenStand.objects.update(berekend_op=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True) as gestart:
        client.get(reverse("home"))
    assert len(gestart) == 1
    assert timezone.localtime(DoorlooptijdenStand.objects.get().berekend_op).date() == timezone.localdate()
