"""A comment's place in its thread (depth and path), and what bulk writers get from prepare()."""

from datetime import UTC, datetime, timedelta

import pytest

from comments.models import Comment
from comments.text import render_comment

from . import factories

NOON = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


def at(**later):
    return NOON + timedelta(**later)


def placed(parent=None, **later):
    """An unsaved comment submitted `later` after noon, in reply to `parent`, placed."""
    comment = Comment(parent=parent, body="Text", submitted_at=at(**later))
    comment.depth, comment.path = Comment.place(parent, comment.submitted_at)
    return comment


def test_a_top_level_comment_is_at_depth_zero_with_a_path_of_one_segment():
    depth, path = Comment.place(None, NOON)

    assert depth == 0
    assert len(path) == 12 and "/" not in path


def test_a_reply_is_one_deeper_than_its_parent_and_its_path_starts_with_the_parent_s():
    top = placed()
    reply = placed(top, minutes=5)
    reply_to_reply = placed(reply, minutes=9)

    assert (reply.depth, reply_to_reply.depth) == (1, 2)
    assert reply.path.startswith(f"{top.path}/") and len(reply.path) == 25
    assert reply_to_reply.path.startswith(f"{reply.path}/") and len(reply_to_reply.path) == 38


def test_only_the_parent_s_depth_and_path_are_read():
    class Row:
        depth, path = 1, "0000000000ab/0000000000cd"

    depth, path = Comment.place(Row(), NOON)

    assert depth == 2
    assert path == f"{Row.path}/{Comment.place(None, NOON)[1]}"


def test_sorting_by_path_gives_display_order():
    first = placed(minutes=0)
    second = placed(minutes=10)
    late_reply = placed(first, minutes=30)  # answers the first after the second came
    early_reply = placed(first, minutes=20)
    deep = placed(early_reply, minutes=40)
    third = placed(minutes=50)
    reply_to_second = placed(second, minutes=15)
    comments = [third, deep, late_reply, reply_to_second, second, early_reply, first]

    in_order = sorted(comments, key=lambda comment: comment.path)

    assert in_order == [first, early_reply, deep, late_reply, second, reply_to_second, third]


def test_comments_in_the_same_second_keep_their_order():
    top = placed()
    comments = [placed(top, seconds=7, microseconds=n) for n in (999_999, 1, 500_000, 0)]

    paths = sorted(comment.path for comment in comments)

    assert len(set(paths)) == 4
    assert paths == [comments[n].path for n in (3, 1, 2, 0)]


def test_comments_before_1970_keep_their_order_among_themselves_after_later_siblings():
    landing = datetime(1969, 7, 20, 20, 17, tzinfo=UTC)
    _, medieval = Comment.place(None, landing.replace(year=1012))
    _, top = Comment.place(None, landing)
    _, reply = Comment.place(Comment(depth=0, path=top), landing + timedelta(hours=1))

    assert sorted([reply, top, medieval]) == [medieval, top, reply]
    assert len(medieval) == len(top) == 12
    assert Comment.place(None, NOON)[1] < medieval


@pytest.mark.django_db
def test_prepare_places_a_new_comment_and_renders_its_body_without_a_query(
    django_assert_num_queries,
):
    top = Comment(body="Top", submitted_at=at())
    reply = Comment(
        parent=top, body="Look: <b>this</b>\n\nand https://example.org", submitted_at=at(minutes=3)
    )

    with django_assert_num_queries(0):  # the parent is unsaved, as a bulk writer's is
        top.prepare()
        reply.prepare()

    assert (reply.depth, reply.path) == Comment.place(top, reply.submitted_at)
    assert reply.body_html == render_comment(reply.body)


def test_prepare_keeps_the_place_a_comment_has():
    comment = placed(minutes=1)
    comment.submitted_at = at(days=2)  # an edit to the date does not move it in its thread
    path = comment.path

    comment.prepare()

    assert comment.path == path


@pytest.mark.django_db
def test_bulk_created_prepared_comments_are_those_save_makes(author):
    post = factories.post("Discussed", author=author)
    saved_top = Comment.objects.create(post=post, name="A", body="Top *one*", submitted_at=at())
    saved_reply = Comment.objects.create(
        post=post, parent=saved_top, name="B", body="Reply", submitted_at=at(minutes=2)
    )
    top = Comment(post=post, name="A", body="Top *one*", submitted_at=at())
    reply = Comment(post=post, parent=top, name="B", body="Reply", submitted_at=at(minutes=2))
    for level in ([top], [reply]):  # parents first, so that replies can point at them
        for comment in level:
            comment.prepare()
        Comment.objects.bulk_create(level)

    fields = ("depth", "path", "body_html")
    for made, bulk in ((saved_top, top), (saved_reply, reply)):
        made.refresh_from_db()
        bulk.refresh_from_db()
        assert [getattr(bulk, f) for f in fields] == [getattr(made, f) for f in fields]
    assert reply.parent_id == top.pk
