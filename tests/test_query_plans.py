"""List pages read the posts from an index in the order they show them, on a site nobody
has run ANALYZE on. Without statistics SQLite plans by rule, whatever the amount of data,
so its plans can be pinned on a few posts; PostgreSQL's depend on the data and are printed
by `make bench` at 100,000 posts, which flags sequential scans."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from . import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite plans only"),
]

# Every post read (a scan of the table, or of an index that is not enough on its own), or a
# range of them sorted. Looking posts up by id, then sorting those few, is fine.
EVERY_POST = re.compile(r"SCAN (blog_post|U\d+)\b(?! USING COVERING INDEX)")
A_RANGE = re.compile(r"SEARCH (blog_post|U\d+) USING (COVERING )?INDEX")


def reads_too_much(steps):
    return bool(EVERY_POST.search(steps)) or (
        bool(A_RANGE.search(steps)) and "TEMP B-TREE FOR ORDER BY" in steps
    )


def plans(queries):
    with connection.cursor() as cursor:
        for query in queries:
            if "blog_post" in query["sql"] and query["sql"].startswith("SELECT"):
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                yield query["sql"], " / ".join(row[-1] for row in cursor.fetchall())


@pytest.mark.parametrize(
    "url",
    ["/", "/page/2/", "/category/region/", "/tag/peace/", "/author/{author}/", "/feed/",
     "/comments/feed/", "/{year}/", "/{year}/{month}/"],
)  # fmt: skip
def test_lists_and_the_footer_neither_read_nor_sort_every_post(client, author, url, settings):
    settings.PAGE_CACHE_SECONDS = 0
    region = factories.category("Region")
    for n in range(12):
        post = factories.post(f"Post {n}", author=author, tags=["peace"], categories=[region])
    factories.post("Draft", author=author, tags=["peace"], status="draft")

    day = post.publish_date
    address = url.format(author=author.username, year=day.year, month=f"{day.month:02}")

    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200

    read = dict(plans(queries.captured_queries))
    assert read, "no query of the posts to check"
    too_much = [
        f"{steps}\n    …{sql[-300:]}" for sql, steps in read.items() if reads_too_much(steps)
    ]
    assert not too_much, "\n".join(too_much)
