"""The dossier's timeline reads only what it shows: the newest events per source with a LIMIT, merged; the
whole timeline page by page. Queries and rows stay the same whatever the length of the history."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casusregie import services
from casusregie.models import JournaalRegel
from casusregie.timeline import tijdlijn
from casusregie.views import TIJDLIJN_KORT, TIJDLIJN_PAGINA
from tests import factories


@pytest.fixture
def casus(demo):
    return factories.casus(demo)


def journaal(demo, casus, n, start=0):
    for i in range(start, start + n):
        services.journaal_toevoegen(door=demo["regisseur_dimence"], casus=casus, tekst=f"Regel {i}.")


def test_the_dossier_costs_the_same_at_two_history_sizes(client, demo, casus, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("casusregie:dossier", args=[casus.pk])
    client.force_login(demo["regisseur_dimence"])
    journaal(demo, casus, 10)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    queries = len(ctx.captured_queries)
    journaal(demo, casus, 3 * TIJDLIJN_KORT, start=10)
    with django_assert_num_queries(queries):
        html = client.get(url).content.decode()
    assert html.count('<li class="bzt-timeline__') == TIJDLIJN_KORT and "Toon de hele tijdlijn" in html
    assert f"Regel {10 + 3 * TIJDLIJN_KORT - 1}." in html and "Regel 0." not in html  # the newest


def test_each_source_is_read_with_the_limit(demo, casus):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    journaal(demo, casus, 30)
    with CaptureQueriesContext(connection) as ctx:
        events = tijdlijn(casus, limit=5)
    assert len(events) == 5
    assert [e.tekst for e in events if e.soort == "journaal"] == [f"Regel {i}." for i in range(29, 29 - 5, -1)][
        : len([e for e in events if e.soort == "journaal"])
    ]
    journaal_sql = [q["sql"] for q in ctx.captured_queries if "casusregie_journaalregel" in q["sql"]]
    assert len(journaal_sql) == 1 and "LIMIT 5" in journaal_sql[0]


def test_the_whole_timeline_pages_through_every_event_once(client, demo, casus, monkeypatch):
    from casusregie import views

    base = timezone.now() - timedelta(days=30)
    journaal(demo, casus, 12)
    for i, regel in enumerate(JournaalRegel.objects.filter(casus=casus).order_by("id")):
        JournaalRegel.objects.filter(pk=regel.pk).update(op=base + timedelta(hours=i))  # distinct moments
    alle = tijdlijn(casus)
    monkeypatch.setattr(views, "TIJDLIJN_PAGINA", 5)
    client.force_login(demo["regisseur_dimence"])
    url = reverse("casusregie:dossier", args=[casus.pk])
    gezien, params = [], {"tijdlijn": "alles"}
    for _ in range(20):
        context = client.get(url, params).context
        gezien += [(e.moment, e.tekst) for e in context["tijdlijn"]]
        assert len(context["tijdlijn"]) <= 5
        if not context["tijdlijn_meer"]:
            break
        params = {"tijdlijn": "alles", "voor": context["tijdlijn_voor"]}
    assert gezien == [(e.moment, e.tekst) for e in alle]
    html = client.get(url, params).content.decode()
    assert "Terug naar de nieuwste gebeurtenissen" in html and TIJDLIJN_PAGINA == 100


def test_a_plan_saved_many_times_is_one_event_per_version_and_status(demo, casus):
    factories.vastgesteld_plan(demo, casus)
    teksten = [e.tekst for e in tijdlijn(casus) if e.soort == "plan"]
    assert len(teksten) == len(set(teksten)) >= 2
