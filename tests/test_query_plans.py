"""No page reads every post or comment, or sorts a range of them: the lists read the posts
from an index in the order they show them.

A plan depends on what the planner knows of the data, and a test has a few posts. On
PostgreSQL the plans are asked for with sequential scans and sorts priced out of reach
(`enable_seqscan`, `enable_sort`), so that one left in a plan is one no index can spare;
the plan comes as JSON, whose nodes are read. On SQLite the planner is given the
statistics of a site of 100,000 posts and 1,000,000 comments (`bench_data`'s, after
`core.db.analyze()`), written into sqlite_stat1 as SQLite allows, and plans as it would
there; its plan is rows of text, in the words of https://sqlite.org/eqp.html."""

import json
import re
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import Post
from comments.models import Comment

from . import factories

pytestmark = pytest.mark.django_db

WATCHED = ("blog_post", "comments_comment")

# sqlite_stat1 of `bench_data --posts 100000 --comments 1000000` after analyze(), for the
# watched tables and those joined to them: table, index, then its rows and how many share
# each prefix of its columns (estimates: analyze() reads a thousand rows of each index).
SITE_STATISTICS = """
accounts_user sqlite_autoindex_accounts_user_1 5 1
blog_category blog_category_parent_id_2d80fe5c 36 3
blog_category blog_category_slug_92643dc5 36 1
blog_category sqlite_autoindex_blog_category_1 36 1
blog_post blog_post_author_id_dd7a8485 118503 1001
blog_post blog_post_featured_image_id_aea2ff05 111197 1001
blog_post blog_post_slug_b95473f2 100096 1
blog_post post_author_listing 106821 1001 501 1
blog_post post_days 102784 1001 2 1 1
blog_post post_home 109020 1001 1001 1 1
blog_post post_status_published 104040 1001 1
blog_post sqlite_autoindex_blog_post_1 324000 18 1
blog_post_categories blog_post_categories_category_id_2211dae5 90048 1001
blog_post_categories blog_post_categories_post_id_c34e7be1 92971 2
blog_post_categories blog_post_categories_post_id_category_id_ed4f1727_uniq 121272 2 1
blog_taggedpost blog_taggedpost_content_object_id_b125c25a 403760 4
blog_taggedpost blog_taggedpost_tag_id_e109aee9 365064 1001
blog_taggedpost sqlite_autoindex_blog_taggedpost_1 406386 4 1
comments_comment comment_email_key 1048866 39 15
comments_comment comment_email_status 1048866 39 15
comments_comment comment_ip_recent 529221 1 1
comments_comment comment_page_thread 494508 1001 1
comments_comment comment_queue 542256 1001 1 1
comments_comment comment_thread 1015444 12 1
comments_comment comments_comment_page_id_3c1ee82b 1008678 1001
comments_comment comments_comment_parent_id_3e0802fb 1321256 3
comments_comment comments_comment_post_id_96a9ac05 1296360 12
comments_comment comments_comment_status_2ed23eb9 1052000 1001
comments_comment comments_comment_submitted_at_c729bc72 977184 1
comments_comment comments_comment_user_id_a1db4881 1008678 1001
taggit_tag sqlite_autoindex_taggit_tag_1 300 1
taggit_tag sqlite_autoindex_taggit_tag_2 300 1
"""


# PostgreSQL ------------------------------------------------------------------------------


def pg_plan(sql):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        try:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            found = cursor.fetchone()[0]
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_sort")
    return (json.loads(found) if isinstance(found, str) else found)[0]["Plan"]


def passed_on(node):
    """The nodes whose rows reach `node` unchanged in number: not through an aggregate,
    nor from a subquery's own plan."""
    for child in node.get("Plans", []):
        if child.get("Parent Relationship") in ("SubPlan", "InitPlan"):
            continue
        if child["Node Type"] not in ("Aggregate", "Group", "WindowAgg", "Unique"):
            yield child
            yield from passed_on(child)


def pg_problems(node):
    """What reads too much in the plan under `node`: every row of a watched table, or the
    first few of a range of them found by sorting the whole range (an incremental sort,
    which sorts only ties of what an index gave in order, is fine)."""
    if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in WATCHED:
        yield f"every row of {node['Relation Name']}"
    if node["Node Type"] == "Limit":
        below = list(passed_on(node))
        if any(step["Node Type"] == "Sort" for step in below):
            for step in below:
                if step.get("Relation Name") in WATCHED:
                    yield f"{step['Node Type']} of {step['Relation Name']}, all sorted"
    for child in node.get("Plans", []):
        yield from pg_problems(child)


# SQLite ---------------------------------------------------------------------------------


@contextmanager
def site_statistics():
    """The planner's statistics within: the site's. Then those it had, which the planner
    would otherwise keep in memory past the test's rollback."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sqlite_schema")  # makes sqlite_stat1 if there is none
        cursor.execute("SELECT tbl, idx, stat FROM sqlite_stat1")
        before = cursor.fetchall()
        statistics(cursor, [line.split(" ", 2) for line in SITE_STATISTICS.strip().splitlines()])
        try:
            yield
        finally:
            statistics(cursor, before)


def statistics(cursor, rows):
    cursor.execute("DELETE FROM sqlite_stat1")
    cursor.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)", rows)
    cursor.execute("ANALYZE sqlite_schema")  # the planner reads them again


def sqlite_plan(sql):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return [detail for _id, _parent, _unused, detail in cursor.fetchall()]


# A step that reads every row of a watched table (from its rows, or from an index that is not
# enough on its own), or a range of them; and a sort of what a step found.
TABLES = "|".join(WATCHED)
EVERY_ROW = re.compile(rf"^SCAN ({TABLES}|U\d+)\b(?! USING COVERING INDEX)")
A_RANGE = re.compile(rf"^SEARCH ({TABLES}|U\d+) USING (COVERING )?INDEX")
SORTED = re.compile(r"^USE TEMP B-TREE FOR ORDER BY")  # not the RIGHT PART: ties of an index


def sqlite_problems(steps):
    for step in steps:
        if EVERY_ROW.search(step):
            yield step
    if any(SORTED.search(step) for step in steps):
        yield from (f"{step}, sorted" for step in steps if A_RANGE.search(step))


# Both ------------------------------------------------------------------------------------


def problems(queries):
    """What each query of `queries` that reads a watched table reads too much of."""
    found = {}
    for query in queries:
        sql = query["sql"]
        if not sql.startswith("SELECT") or not any(table in sql for table in WATCHED):
            continue
        if connection.vendor == "postgresql":
            said = list(pg_problems(pg_plan(sql)))
        else:
            said = list(sqlite_problems(sqlite_plan(sql)))
        if said:
            found[sql] = said
    return found


def asked(queryset):
    with CaptureQueriesContext(connection) as queries:
        list(queryset)
    return queries.captured_queries


@pytest.fixture
def site(author):
    if connection.vendor == "sqlite":
        with site_statistics():
            yield site_posts(author)
    elif connection.vendor == "postgresql":
        yield site_posts(author)
    else:
        pytest.skip("plans are read on SQLite and PostgreSQL")


def site_posts(author):
    region = factories.category("Region")
    factories.category("Coast", parent=region)
    for n in range(12):
        post = factories.post(f"Post {n}", author=author, tags=["peace"], categories=[region])
    factories.post("Draft", author=author, tags=["peace"], status="draft")
    for n in range(3):
        Comment.objects.create(post=post, name="Ada", body=f"Comment {n}.",
                               status=Comment.Status.APPROVED)  # fmt: skip
    return post


def test_the_check_sees_a_list_no_index_serves(site):
    by_title = Post.objects.filter(status=Post.Status.PUBLISHED).order_by("title")[:10]
    by_body = Comment.objects.filter(body__contains="Comment")

    assert problems(asked(by_title)) and problems(asked(by_body))


@pytest.mark.parametrize(
    "url",
    ["/", "/page/2/", "/category/region/", "/tag/peace/", "/author/{author}/", "/feed/",
     "/comments/feed/", "/{year}/", "/{year}/{month}/", "{post}"],
)  # fmt: skip
def test_no_page_reads_every_post_or_comment_nor_sorts_a_range_of_them(
    client, site, author, url, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    day = site.publish_date
    address = url.format(
        author=author.username,
        year=day.year,
        month=f"{day.month:02}",
        post=site.get_absolute_url(),
    )

    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200

    read = [q for q in queries.captured_queries if any(t in q["sql"] for t in WATCHED)]
    assert read, "no query of the posts or comments to check"
    found = problems(read)
    assert not found, "\n".join(f"{said}\n    …{sql[-300:]}" for sql, said in found.items())
