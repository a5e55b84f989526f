"""The footer's blocks: categories, archives, tag cloud and recent comments."""

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from blog import blocks
from blog.templatetags.blocks import sidebar_blocks
from comments import blocks as comment_blocks
from comments.models import Comment
from comments.templatetags.recent_comments import recent_comments

from . import factories

pytestmark = pytest.mark.django_db


def _counts(rows, key="name"):
    return {row[key]: row["count"] for row in rows}


def _at(year, month, day):
    return timezone.make_aware(datetime(year, month, day, 12))


def test_categories_count_published_posts_only(author):
    region, other = factories.category("Region"), factories.category("Other")
    child = factories.category("Sub region", parent=region)
    empty = factories.category("Empty")
    factories.post(author=author, categories=[region, child])
    factories.post(author=author, categories=[region])
    factories.post(author=author, categories=[other], status="draft")
    factories.post(author=author, categories=[other],
                   published_at=timezone.now() + timedelta(days=1))  # fmt: skip

    rows = blocks.sidebar()["categories"]
    # A parent counts its own posts only; sub-categories are listed under it.
    assert _counts(rows) == {"Region": 2, "Sub region": 1}
    assert rows[1]["url"] == child.get_absolute_url() and rows[1]["depth"] == 1
    assert empty.name not in _counts(rows)


def test_monthly_archives_count_posts_per_month_newest_first(author):
    for day in (_at(2024, 3, 1), _at(2024, 3, 20), _at(2024, 5, 2)):
        factories.post(author=author, published_at=day)
    factories.post(author=author, published_at=_at(2024, 4, 2), status="pending")

    rows = blocks.sidebar()["archives"]
    assert [(row["month"].strftime("%Y-%m"), row["count"]) for row in rows] == [
        ("2024-05", 1),
        ("2024-03", 2),
    ]
    assert rows[0]["url"] == "/2024/05/"


def test_tag_cloud_keeps_the_most_used_tags_sized_by_use(author):
    for n in range(8):
        factories.post(author=author, tags=["common"] + (["middling"] if n < 3 else []))
    factories.post(author=author, tags=["rare"])
    factories.post(author=author, tags=["secret"], status="draft")

    tags = blocks.tag_cloud()
    assert [tag["name"] for tag in tags] == ["common", "middling", "rare"]  # alphabetical
    sizes = {tag["name"]: tag["size"] for tag in tags}
    assert sizes["common"] == 5 and sizes["rare"] == 1 and 1 < sizes["middling"] < 5
    assert tags[0]["url"] == "/tag/common/"
    assert [tag["name"] for tag in blocks.tag_cloud(limit=2)] == ["common", "middling"]


def test_tag_cloud_counts_uses_on_published_posts_only_and_breaks_ties_by_name(author):
    factories.post(author=author, tags=["mixed", "zeal"])
    factories.post(author=author, tags=["mixed", "zeal"])
    factories.post(author=author, tags=["mixed", "apex"])
    factories.post(author=author, tags=["zeal", "apex"], status="draft")
    factories.post(author=author, tags=["zeal", "apex"], status="private")
    factories.post(author=author, tags=["zeal"], published_at=timezone.now() + timedelta(days=1))

    assert _counts(blocks.tag_cloud()) == {"mixed": 3, "zeal": 2, "apex": 1}
    factories.post(author=author, tags=["able"])  # as used as "apex", and first by name
    assert [tag["name"] for tag in blocks.tag_cloud(limit=3)] == ["able", "mixed", "zeal"]
    assert blocks.tag_cloud(limit=0) == []


def test_recent_comments_are_the_newest_approved_on_public_posts(author, reader):
    post = factories.post("Open", author=author)
    draft = factories.post("Closed", author=author, status="draft")
    now = timezone.now()
    for n in range(7):
        Comment.objects.create(post=post, name=f"Guest {n}", body="Hi",
                               status=Comment.Status.APPROVED,
                               submitted_at=now - timedelta(minutes=n))  # fmt: skip
    Comment.objects.create(post=post, name="Pending", body="Hi", submitted_at=now)
    Comment.objects.create(post=draft, name="Hidden", body="Hi",
                           status=Comment.Status.APPROVED, submitted_at=now)  # fmt: skip

    rows = comment_blocks.recent_comments()
    assert [row["author"] for row in rows] == [f"Guest {n}" for n in range(5)]
    assert rows[0]["post_title"] == "Open"
    assert rows[0]["post_url"] == post.get_absolute_url()


def test_blocks_cost_no_query_once_kept(author, django_assert_num_queries):
    factories.post(author=author, tags=["a"], categories=[factories.category()])
    # Categories and tags: all uses, uses on posts not published, then the names. The
    # months, and the next scheduled post.
    with django_assert_num_queries(8):
        sidebar_blocks()
    with django_assert_num_queries(0):
        sidebar_blocks()
    with django_assert_num_queries(1):  # the comments (the next scheduled post is known)
        recent_comments()
    with django_assert_num_queries(0):
        recent_comments()


def category_count(html, name):
    found = re.search(rf">{name}</a> <span class=\"count\">\((\d+)\)</span>", html)
    return int(found[1]) if found else None


def test_a_new_post_shows_up_at_once(author, django_capture_on_commit_callbacks):
    region = factories.category("Region")
    factories.post(author=author, categories=[region])
    assert category_count(sidebar_blocks(), "Region") == 1

    with django_capture_on_commit_callbacks(execute=True):  # the commit bumps the generation
        factories.post(author=author, categories=[region])
    assert category_count(sidebar_blocks(), "Region") == 2


def test_a_new_comment_shows_up_at_once(author, django_capture_on_commit_callbacks):
    post = factories.post(author=author)
    assert "Late" not in recent_comments()
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.create(post=post, name="Late", body="Hi", status=Comment.Status.APPROVED)

    assert "Late" in recent_comments()


def test_a_scheduled_post_appears_in_the_counts_when_its_time_comes(author, monkeypatch):
    region = factories.category("Region")
    now = timezone.now()
    factories.post(author=author, categories=[region], published_at=now - timedelta(days=40))
    due = now + timedelta(hours=2)
    factories.post(author=author, categories=[region], published_at=due, tags=["later"])
    month = f'href="/{timezone.localdate(due):%Y/%m}/"'
    assert category_count(sidebar_blocks(), "Region") == 1

    monkeypatch.setattr("django.utils.timezone.now", lambda: due - timedelta(minutes=1))
    assert category_count(sidebar_blocks(), "Region") == 1

    monkeypatch.setattr("django.utils.timezone.now", lambda: due + timedelta(minutes=1))
    html = sidebar_blocks()
    assert category_count(html, "Region") == 2
    assert month in html and 'href="/tag/later/"' in html


def test_pages_show_the_blocks_in_the_footer(client, author, reader):
    region = factories.category("Region")
    post = factories.post("Talks", author=author, categories=[region], tags=["peace"])
    Comment.objects.create(post=post, user=reader, body="Well said",
                           status=Comment.Status.APPROVED)  # fmt: skip

    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert 'href="/category/region/">Region</a> <span class="count">(1)</span>' in footer
    assert 'href="/tag/peace/"' in footer
    assert f'href="/{post.publish_date:%Y/%m}/"' in footer
    assert "Recent comments" in footer and "reader</span> on" in footer
