"""The planner's statistics are gathered wherever tables fill in bulk (migrate, a WordPress
import, a restore), so that both databases plan the lists from what the tables hold."""

import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

from core import db

from . import factories
from .wxr_files import WPItem, write

pytestmark = pytest.mark.django_db


def posts_the_planner_counts():
    """How many rows of blog_post the planner's statistics say there are (None: unknown)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            if "sqlite_stat1" not in connection.introspection.table_names(cursor):
                return None  # made by the first ANALYZE
            cursor.execute(
                "SELECT stat FROM sqlite_stat1 WHERE tbl = 'blog_post' AND idx IS NOT NULL"
            )
            found = cursor.fetchone()
            return int(found[0].split()[0]) if found else None
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'blog_post'")
        counted = cursor.fetchone()[0]
        return None if counted < 0 else int(counted)


def test_analyze_tells_the_planner_how_many_posts_there_are(author):
    for n in range(3):
        factories.post(f"Essay {n}", author=author)
    assert posts_the_planner_counts() != 3

    db.analyze()

    assert posts_the_planner_counts() == 3


def test_migrate_gathers_them_once_and_flush_not_at_all(author):
    factories.post("Essay", author=author)
    assert posts_the_planner_counts() != 1
    with mock.patch.object(db, "analyze", wraps=db.analyze) as analyze:
        call_command("migrate", verbosity=0)
        assert analyze.call_count == 1
        emit_post_migrate_signal(0, False, connection.alias)  # as `flush` sends it
        assert analyze.call_count == 1

    assert posts_the_planner_counts() == 1


def test_a_wordpress_import_gathers_them_unless_it_is_a_dry_run(tmp_path):
    items = [WPItem(n, title=f"Essay {n}", slug=f"essay-{n}") for n in range(1, 5)]
    export = write(tmp_path, items)
    before = posts_the_planner_counts()
    assert before != 4

    call_command("import_wordpress", str(export), "--dry-run", stdout=io.StringIO())
    assert posts_the_planner_counts() == before

    call_command("import_wordpress", str(export), stdout=io.StringIO())
    assert posts_the_planner_counts() == 4


@pytest.mark.django_db(transaction=True)
def test_a_restored_database_has_the_statistics_of_its_rows(author, tmp_path):
    for n in range(2):
        factories.post(f"Essay {n}", author=author)
    db.analyze()  # what a SQLite copy carries back; a PostgreSQL dump carries none
    out = io.StringIO()
    call_command("backup", output_dir=str(tmp_path / "backups"), stdout=out)
    archive = next(line for line in out.getvalue().splitlines() if "Backup written" in line)
    factories.post("Written after the backup", author=author)
    db.analyze()
    assert posts_the_planner_counts() == 3

    call_command("restore", archive.split(": ", 1)[1], interactive=False, stdout=io.StringIO())

    assert posts_the_planner_counts() == 2
