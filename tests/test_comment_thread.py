"""The thread under a post: order, nesting, placeholders, depth, pages and the query budget."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments import thread
from comments.models import Comment, refresh_comment_counts

from . import factories
from .test_query_budgets import BUDGETS

pytestmark = pytest.mark.django_db


def shown_bodies(client, post, url=None):
    html = client.get(url or post.get_absolute_url()).content.decode()
    return re.findall(r'<div class="comment-body"><p>(.*?)</p>', html), html


def test_thread_is_in_reading_order_with_replies_under_their_parent(client, post):
    first = factories.comment(post, "first", minute=1)
    second = factories.comment(post, "second", minute=2)
    factories.comment(post, "reply to first", parent=first, minute=3)
    factories.comment(post, "reply to second", parent=second, minute=4)
    factories.comment(post, "later reply to first", parent=first, minute=5)

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
        parent = factories.comment(post, f"level {level}", parent=parent, minute=level)

    _, html = shown_bodies(client, post)

    assert parent.depth == 4  # the true parent is kept however deep
    assert html.count('<ol class="children">') == 2
    assert 'class="comment depth-2' in html and "depth-3" not in html
    assert html.count("comment-reply-link") == 2  # levels 0 and 1 only
    assert html.count("<ol") == html.count("</ol>")


def test_hidden_comment_with_visible_replies_is_a_placeholder(client, post):
    removed = factories.comment(post, "removed words", status=Comment.Status.REMOVED, minute=1)
    pending = factories.comment(
        post, "pending words", parent=removed, status=Comment.Status.PENDING, minute=2
    )
    factories.comment(post, "visible reply", parent=pending, minute=3)
    factories.comment(post, "removed without replies", status=Comment.Status.REMOVED, minute=4)
    factories.comment(post, "spam", status=Comment.Status.SPAM, minute=5)

    bodies, html = shown_bodies(client, post)

    assert bodies == ["visible reply"]
    assert html.count("This comment was removed.") == 1
    assert html.count("This comment is not available.") == 1
    assert "removed words" not in html and "pending words" not in html and "spam" not in html
    assert html.count('<ol class="children">') == 2


def test_reply_to_spam_starts_its_own_thread(client, post):
    spam = factories.comment(post, "spam", status=Comment.Status.SPAM, minute=1)
    factories.comment(post, "innocent reply", parent=spam, minute=2)

    bodies, html = shown_bodies(client, post)

    assert bodies == ["innocent reply"]
    assert html.count("<ol") == html.count("</ol>")


def test_count_heading_counts_approved_comments(client, post):
    factories.comment(post, "a")
    factories.comment(post, "b")
    factories.comment(post, "c", status=Comment.Status.PENDING)

    _, html = shown_bodies(client, post)

    assert '<h2 id="comments-heading">2 comments</h2>' in html


def test_threads_paginate_and_permalinks_find_their_page(settings, client, post):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    tops = [factories.comment(post, f"thread {n}", minute=n * 10) for n in range(5)]
    deep = factories.comment(post, "reply in the last thread", parent=tops[4], minute=55)

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
    tops = [factories.comment(post, f"thread {n}", minute=n * 10) for n in range(5)]
    deep = factories.comment(post, "reply in the last thread", parent=tops[4], minute=55)
    refresh_comment_counts([post.pk])

    page_one, html = shown_bodies(client, post)
    redirect = client.get(f"/comments/{deep.pk}/")

    assert page_one == ["thread 0", "thread 1"]
    assert "Comment page 1 of 3" in html
    assert redirect["Location"] == f"{post.get_absolute_url()}?cpage=3#comment-{deep.pk}"


@pytest.mark.parametrize("page", [1, 2, 3])
def test_a_long_discussion_read_in_outline_shows_what_a_whole_read_does(settings, post, page):
    settings.COMMENTS_ONE_PAGE_LIMIT = 2
    tops = [factories.comment(post, f"thread {n}", minute=n * 10) for n in range(5)]
    hidden = factories.comment(
        post, "awaiting approval", parent=tops[1], status="pending", minute=12
    )
    factories.comment(post, "reply to the pending one", parent=hidden, minute=13)
    mine = factories.comment(post, "my own, pending", parent=tops[4], status="pending", minute=55)
    refresh_comment_counts([post.pk])
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
    tops = [factories.comment(post, f"thread {n}", minute=n * 10) for n in range(5)]
    refresh_comment_counts([post.pk])

    page_one, html = shown_bodies(client, post)
    redirect = client.get(f"/comments/{tops[4].pk}/")

    assert page_one == [f"thread {n}" for n in range(5)]
    assert "Comment page" not in html
    assert redirect["Location"] == f"{post.get_absolute_url()}#comment-{tops[4].pk}"


def test_newest_threads_first_when_set(settings, client, post):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    settings.COMMENTS_NEWEST_FIRST = True
    tops = [factories.comment(post, f"thread {n}", minute=n * 10) for n in range(3)]
    factories.comment(post, "reply", parent=tops[0], minute=40)

    first_page, _ = shown_bodies(client, post)
    redirect = client.get(f"/comments/{tops[0].pk}/")

    assert first_page == ["thread 2", "thread 1"]
    assert redirect["Location"].endswith(f"?cpage=2#comment-{tops[0].pk}")


@pytest.mark.parametrize("page", ["0", "99", "abc", "-1"])
def test_out_of_range_comment_pages_still_show_the_post(settings, client, post, page):
    settings.COMMENTS_THREADS_PER_PAGE = 1
    factories.comment(post, "only")

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

    top = factories.comment(post, "top")
    factories.comment(post, "reply", parent=top)

    with pytest.raises(RestrictedError):
        top.delete()
    post.delete()

    assert not Comment.objects.exists()
