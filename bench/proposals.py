"""Query shapes proposed in README.md § Proposed changes, measured next to the app's own (bench rows marked
"proposal"). Bench-only code: the app keeps its selectors until the lead adopts a change."""

from django.db import connection

PREFIX = "bench_proposal_"  # indexes created by earlier runs for proposal rows; the app has them now


def drop_leftovers():
    """Drop proposal indexes left behind by an interrupted run, so the app's own schema is measured."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", [PREFIX + "%"])
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


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
