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
