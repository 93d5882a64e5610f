"""Query shapes proposed in README.md § Proposed changes, measured next to the app's own (bench rows marked
"proposal"). Bench-only code: the app keeps its selectors until the lead adopts a change."""

from contextlib import contextmanager
from functools import cache

from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch

# The indexes proposed in README.md that the proposal rows are measured with. Created in the bench database
# for the duration of those measurements only (see `proposed_indexes`), never in the app's schema.
INDEXES = {
    "casus_lijst_volgorde": "CREATE INDEX {name} ON casusregie_casus (afgesloten_op NULLS FIRST, toegewezen_op DESC, "
    "id DESC)",
}
PREFIX = "bench_proposal_"


def drop_leftovers():
    """Drop proposal indexes left behind by an interrupted run, so the app's own schema is measured."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", [PREFIX + "%"])
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


@contextmanager
def proposed_indexes(*names):
    created = []
    try:
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(INDEXES[name].format(name=PREFIX + name))
                created.append(PREFIX + name)
            cursor.execute("ANALYZE casusregie_casus")
        yield
    finally:
        with connection.cursor() as cursor:
            for name in created:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
            cursor.execute("ANALYZE casusregie_casus")


ORDER = (F("afgesloten_op").asc(nulls_first=True), "-toegewezen_op", "-id")  # open first, also on PostgreSQL


@cache
def permission_id(codename):
    """The id of a casusregie permission, looked up once per process. Filtering the permission table on this
    constant instead of joining auth_permission by codename lets PostgreSQL use its statistics for the
    (user, permission) pair, which decides between walking the order index and sorting the user's rows."""
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="casusregie", codename=codename).pk


def mijn_casussen(user):
    """selectors.mijn_casussen driven by the user's own permission rows.

    The services grant `view_casus` exactly to the casusregisseur and to every active betrokken professional
    (and revoke it when that ends), so "the casussen I direct or take part in" is "the casussen I hold
    view_casus on". One EXISTS on the direct-FK permission table (index user, permission, content_object),
    no LEFT JOIN on betrokkenen, hence no DISTINCT over every column, and no OR with the noodtoegang EXISTS
    (a casus opened with noodtoegang is not "mine"; it stays reachable through casussen_for). The permission
    is filtered by id, not by joining auth_permission on its codename (see `permission_id`)."""
    from casusregie.models import Casus, CasusUserObjectPermission
    from meldpunt.models import Betrokkene

    mag_lezen = CasusUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"), user=user, permission_id=permission_id("view_casus")
    )
    return (
        Casus.objects.filter(Exists(mag_lezen))
        .select_related("organisatie", "casusregisseur", "melding")
        .prefetch_related(Prefetch("melding__betrokkenen", queryset=Betrokkene.objects.select_related("persoon")))
        .order_by(*ORDER)
    )


def mijn_casussen_aantal(user):
    """The number of mijn casussen from the permission rows alone (an index-only count, no casus rows)."""
    from casusregie.models import CasusUserObjectPermission

    return CasusUserObjectPermission.objects.filter(user=user, permission_id=permission_id("view_casus")).count()


LEEFTIJD_SQL = """
SELECT band, count(*) FROM (
    SELECT CASE
        WHEN p.geboortedatum IS NULL THEN 'onbekend'
        WHEN a.leeftijd BETWEEN 0 AND 17 THEN '0-17'
        WHEN a.leeftijd BETWEEN 18 AND 22 THEN '18-22'
        WHEN a.leeftijd BETWEEN 23 AND 29 THEN '23-29'
        WHEN a.leeftijd BETWEEN 30 AND 44 THEN '30-44'
        WHEN a.leeftijd BETWEEN 45 AND 64 THEN '45-64'
        WHEN a.leeftijd >= 65 THEN '65+'
        ELSE 'onbekend' END AS band
    FROM (
        SELECT b.persoon_id, min(m.ontvangen_op) AS eerste
        FROM meldpunt_betrokkene b JOIN meldpunt_melding m ON m.id = b.melding_id
        WHERE m.ontvangen_op BETWEEN %s AND %s
        GROUP BY b.persoon_id
    ) f
    JOIN meldpunt_persoon p ON p.id = f.persoon_id
    CROSS JOIN LATERAL (SELECT extract(year FROM age(f.eerste, p.geboortedatum))::int AS leeftijd) a
) t
GROUP BY band ORDER BY band
"""


def leeftijdsbanden(jaar):
    """figures.compute's per_leeftijd in one pass: the first melding of the year per person is computed once
    (GROUP BY), the age once (LATERAL), instead of a correlated subquery repeated in every CASE branch."""
    from datetime import date

    with connection.cursor() as cursor:
        cursor.execute(LEEFTIJD_SQL, [date(jaar, 1, 1), date(jaar, 12, 31)])
        return dict(cursor.fetchall())
