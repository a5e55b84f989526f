"""The database's planner statistics.

Both databases choose how to read a list from what they know of its tables: how many
rows, how many share a value of an index's leading columns. PostgreSQL's autovacuum
keeps that up to date as the site grows; nothing does on SQLite, whose planner without it
guesses from rules alone. `analyze()` gathers it wherever tables fill or empty in bulk:
after `migrate` (every deploy runs it), a WordPress import, a restore, the bench's data.
"""

from django.db import DEFAULT_DB_ALIAS, connections

# Rows SQLite reads of each index to estimate it: enough for the shape of the data, and
# milliseconds, not seconds, on a table of a million comments.
SQLITE_ANALYSIS_LIMIT = 1000


def analyze(using=DEFAULT_DB_ALIAS):
    """Gather the planner's statistics of every table of the database `using`."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Not `PRAGMA optimize`: before SQLite 3.46 it analyzes only the tables the
            # connection's own queries used, and a fresh connection has used none.
            cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")


def analyze_after_migrate(using=DEFAULT_DB_ALIAS, plan=None, **kwargs):
    """post_migrate receiver. `flush` (which tests run between transactional tests) sends
    the signal too, without a plan: emptied tables need no statistics."""
    if plan is not None:
        analyze(using)
