"""The thread under a post: order, nesting, placeholders, depth, pages and the query budget."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import services, thread
from comments.models import Comment

from . import factories
from .test_query_budgets import BUDGETS

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(author):
    return factories.post("Discussed", author=author)


def make(post, body, parent=None, status=Comment.Status.APPROVED, minutes=0, **fields):
    fields.setdefault("name", "Reader")
    fields.setdefault("email", "reader@example.org")
    return Comment.objects.create(
        post=post, parent=parent, body=body, status=status,
        submitted_at=timezone.now() - timedelta(minutes=100 - minutes), **fields,
    )  # fmt: skip


def shown_bodies(client, post, url=None):
    html = client.get(url or post.get_absolute_url()).content.decode()
    return re.findall(r'<div class="comment-body"><p>(.*?)</p>', html), html


def test_thread_is_in_reading_order_with_replies_under_their_parent(client, post):
    first = make(post, "first", minutes=1)
    second = make(post, "second", minutes=2)
    make(post, "reply to first", parent=first, minutes=3)
    make(post, "reply to second", parent=second, minutes=4)
    make(post, "later reply to first", parent=first, minutes=5)

    bodies, html = shown_bodies(client, post)
    html = html.split('<section class="discussion"', 1)[1].split('<div class="comment-respond"')[0]

    assert bodies == ["first", "reply to first", "later reply to first", "second",
                      "reply to second"]  # fmt: skip
    assert html.count('<ol class="children">') == 2
    assert html.count("<li") == html.count("</li>")
    assert html.count("<ol") == html.count("</ol>")


def test_depth_caps_indentation_and_reply_links(settings, client, post):
    settings.COMMENTS_MAX_DEPTH = 3
    parent = None
    for level in range(5):
        parent = make(post, f"level {level}", parent=parent, minutes=level)

    _, html = shown_bodies(client, post)

    assert parent.depth == 4  # the true parent is kept however deep
    assert html.count('<ol class="children">') == 2
    assert 'class="comment depth-2' in html and "depth-3" not in html
    assert html.count("comment-reply-link") == 2  # levels 0 and 1 only
    assert html.count("<ol") == html.count("</ol>")


def test_hidden_comment_with_visible_replies_is_a_placeholder(client, post):
    removed = make(post, "removed words", status=Comment.Status.REMOVED, minutes=1)
    pending = make(post, "pending words", parent=removed, status=Comment.Status.PENDING,
                   minutes=2)  # fmt: skip
    make(post, "visible reply", parent=pending, minutes=3)
    make(post, "removed without replies", status=Comment.Status.REMOVED, minutes=4)
    make(post, "spam", status=Comment.Status.SPAM, minutes=5)

    bodies, html = shown_bodies(client, post)

    assert bodies == ["visible reply"]
    assert html.count("This comment was removed.") == 1
    assert html.count("This comment is not available.") == 1
    assert "removed words" not in html and "pending words" not in html and "spam" not in html
    assert html.count('<ol class="children">') == 2


def test_reply_to_spam_starts_its_own_thread(client, post):
    spam = make(post, "spam", status=Comment.Status.SPAM, minutes=1)
    make(post, "innocent reply", parent=spam, minutes=2)

    bodies, html = shown_bodies(client, post)

    assert bodies == ["innocent reply"]
    assert html.count("<ol") == html.count("</ol>")


def test_count_heading_counts_approved_comments(client, post):
    make(post, "a")
    make(post, "b")
    make(post, "c", status=Comment.Status.PENDING)

    _, html = shown_bodies(client, post)

    assert '<h2 id="comments-heading">2 comments</h2>' in html


def test_threads_paginate_and_permalinks_find_their_page(settings, client, post):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    tops = [make(post, f"thread {n}", minutes=n * 10) for n in range(5)]
    deep = make(post, "reply in the last thread", parent=tops[4], minutes=55)

    page_one, html = shown_bodies(client, post)
    page_three, _ = shown_bodies(client, post, f"{post.get_absolute_url()}?cpage=3")
    redirect = client.get(f"/comments/{deep.pk}/")

    assert page_one == ["thread 0", "thread 1"]
    assert "Comment page 1 of 3" in html
    assert page_three == ["thread 4", "reply in the last thread"]
    assert redirect["Location"] == f"{post.get_absolute_url()}?cpage=3#comment-{deep.pk}"


def test_a_huge_discussion_on_one_page_is_split_all_the_same(settings, client, post):
    settings.COMMENTS_THREADS_PER_PAGE = 0  # one page
    settings.COMMENTS_ONE_PAGE_LIMIT = 2
    tops = [make(post, f"thread {n}", minutes=n * 10) for n in range(5)]
    deep = make(post, "reply in the last thread", parent=tops[4], minutes=55)
    services.refresh_counts([post.pk])

    page_one, html = shown_bodies(client, post)
    redirect = client.get(f"/comments/{deep.pk}/")

    assert page_one == ["thread 0", "thread 1"]
    assert "Comment page 1 of 3" in html
    assert redirect["Location"] == f"{post.get_absolute_url()}?cpage=3#comment-{deep.pk}"


@pytest.mark.parametrize("page", [1, 2, 3])
def test_a_long_discussion_read_in_outline_shows_what_a_whole_read_does(settings, post, page):
    settings.COMMENTS_ONE_PAGE_LIMIT = 2
    tops = [make(post, f"thread {n}", minutes=n * 10) for n in range(5)]
    hidden = make(post, "awaiting approval", parent=tops[1], minutes=12, status="pending")
    make(post, "reply to the pending one", parent=hidden, minutes=13)
    mine = make(post, "my own, pending", parent=tops[4], minutes=55, status="pending")
    services.refresh_counts([post.pk])
    post.refresh_from_db()

    def shown(discussion):
        return [(node.comment.body, node.level, node.placeholder, node.awaiting, node.can_reply,
                 node.before) for node in discussion.nodes] + [discussion.after]  # fmt: skip

    with CaptureQueriesContext(connection) as outline_queries:
        in_outline = thread.build(post, [mine.pk], page)
    post.comment_count = 0  # as if short: read whole
    whole = thread.build(post, [mine.pk], page)

    assert "body" not in outline_queries[0]["sql"]  # the outline: ids, parents, statuses

    assert shown(in_outline) == shown(whole)
    assert (in_outline.count, in_outline.page, in_outline.pages) == (whole.count, page, 3)
    assert all(isinstance(node.comment, Comment) for node in in_outline.nodes)


def test_a_discussion_within_the_limit_stays_on_one_page(settings, client, post):
    settings.COMMENTS_THREADS_PER_PAGE = 0
    settings.COMMENTS_ONE_PAGE_LIMIT = 5
    tops = [make(post, f"thread {n}", minutes=n * 10) for n in range(5)]
    services.refresh_counts([post.pk])

    page_one, html = shown_bodies(client, post)
    redirect = client.get(f"/comments/{tops[4].pk}/")

    assert page_one == [f"thread {n}" for n in range(5)]
    assert "Comment page" not in html
    assert redirect["Location"] == f"{post.get_absolute_url()}#comment-{tops[4].pk}"


def test_newest_threads_first_when_set(settings, client, post):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    settings.COMMENTS_NEWEST_FIRST = True
    tops = [make(post, f"thread {n}", minutes=n * 10) for n in range(3)]
    make(post, "reply", parent=tops[0], minutes=40)

    first_page, _ = shown_bodies(client, post)
    redirect = client.get(f"/comments/{tops[0].pk}/")

    assert first_page == ["thread 2", "thread 1"]
    assert redirect["Location"].endswith(f"?cpage=2#comment-{tops[0].pk}")


@pytest.mark.parametrize("page", ["0", "99", "abc", "-1"])
def test_out_of_range_comment_pages_still_show_the_post(settings, client, post, page):
    settings.COMMENTS_THREADS_PER_PAGE = 1
    make(post, "only")

    response = client.get(f"{post.get_absolute_url()}?cpage={page}")

    assert response.status_code == 200


def test_thread_is_built_in_linear_passes():
    """visible_nodes and with_nesting walk the list a fixed number of times."""

    class Counting(list):
        iterations = 0

        def __iter__(self):
            Counting.iterations += 1
            return super().__iter__()

        def __reversed__(self):
            Counting.iterations += 1
            return super().__reversed__()

    comments = Counting(
        Comment(pk=n, depth=0, status=Comment.Status.APPROVED, path=f"{n:012d}")
        for n in range(1, 50)
    )

    nodes = thread.visible_nodes(comments)

    assert len(nodes) == 49
    assert Counting.iterations == 2


@pytest.mark.parametrize("count", [5, 500])
def test_post_page_query_budget_is_the_same_for_5_and_500_comments(
    client, post, django_assert_max_num_queries, count
):
    tops = Comment.objects.bulk_create(
        Comment(
            post=post,
            name="R",
            email="r@example.org",
            body=f"c{n}",
            body_html=f"<p>c{n}</p>",
            status=Comment.Status.APPROVED,
            path=f"{n:012d}",
            depth=0,
        )  # fmt: skip
        for n in range(count // 2)
    )
    Comment.objects.bulk_create(
        Comment(
            post=post,
            parent=top,
            name="R",
            email="r@example.org",
            body="r",
            body_html="<p>r</p>",
            status=Comment.Status.APPROVED,
            path=f"{top.path}/{0:012d}",
            depth=1,
        )  # fmt: skip
        for top in tops
    )
    client.get("/")  # warm the site settings cache

    with django_assert_max_num_queries(BUDGETS["post"]):  # the thread is one query of them
        response = client.get(post.get_absolute_url())

    assert response.content.decode().count('class="comment depth-') == count // 2 * 2


def test_a_comment_with_replies_cannot_be_deleted_alone_but_its_post_can(post):
    from django.db.models import RestrictedError

    top = make(post, "top")
    make(post, "reply", parent=top)

    with pytest.raises(RestrictedError):
        top.delete()
    post.delete()

    assert not Comment.objects.exists()
