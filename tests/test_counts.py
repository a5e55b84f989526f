"""A post's stored counts of approved comments and likes never drift from the truth, however
many change them at once; `manage.py recount` finds and repairs any drift all the same."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from blog import likes
from blog.models import Post
from comments import services
from comments.models import Comment

from . import factories

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one writer in at a time; PostgreSQL's writers run side by side",
)


def at_once(*calls):
    """Run each call in its own thread, with its own database connection, all released at the
    same instant; return the errors they raised."""
    start, errors = threading.Barrier(len(calls)), []

    def run(call):
        try:
            start.wait()
            call()
        except Exception as error:  # reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def stored(post):
    post.refresh_from_db()
    return post.comment_count, post.like_count


def pending(post, n):
    return [
        Comment.objects.create(post=post, name=f"Guest {i}", body=f"Point {i}.") for i in range(n)
    ]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_fifty_readers_liking_at_the_same_instant_are_all_counted():
    post = factories.post("On listening")
    fans = [factories.user(f"fan{i}") for i in range(50)]

    errors = at_once(*[lambda fan=fan: likes.like(post, fan) for fan in fans])

    assert errors == []
    assert stored(post) == (0, 50)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_readers_unliking_at_the_same_instant_are_all_counted():
    post = factories.post("On listening")
    fans = [factories.user(f"fan{i}") for i in range(30)]
    for fan in fans:
        likes.like(post, fan)

    errors = at_once(*[lambda fan=fan: likes.unlike(post, fan) for fan in fans[:20]])

    assert errors == []
    assert stored(post) == (0, 10)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_moderators_approving_at_the_same_instant_are_both_counted():
    moderators = [factories.user("first"), factories.user("second")]
    posts = [factories.post(f"Discussed {round}") for round in range(20)]
    for post in posts:
        comments = pending(post, 2)
        errors = at_once(
            *[
                lambda comment=comment, moderator=moderator: services.moderate(
                    comment, Comment.Status.APPROVED, moderator, "approved"
                )
                for comment, moderator in zip(comments, moderators, strict=True)
            ]
        )
        assert errors == []

    assert [stored(post)[0] for post in posts] == [2] * len(posts)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_approving_and_removing_at_the_same_instant_leaves_the_true_count():
    moderators = [factories.user("first"), factories.user("second")]
    posts = [factories.post(f"Discussed {round}") for round in range(20)]
    for post in posts:
        kept, dropped = pending(post, 2)
        services.moderate(dropped, Comment.Status.APPROVED, moderators[1], "approved")
        errors = at_once(
            lambda kept=kept: services.moderate(
                kept, Comment.Status.APPROVED, moderators[0], "approved"
            ),
            lambda dropped=dropped: services.moderate(
                dropped, Comment.Status.REMOVED, moderators[1], "removed"
            ),
        )
        assert errors == []

    assert [stored(post)[0] for post in posts] == [1] * len(posts)


@pytest.mark.django_db
def test_recount_lists_and_repairs_drifted_counts():
    post = factories.post("On listening")
    right = factories.post("Untouched")
    for comment in pending(post, 3)[:2]:
        services.moderate(comment, Comment.Status.APPROVED, None, "approved")
    likes.like(post, factories.user("fan"))
    Post.objects.filter(pk=post.pk).update(comment_count=7, like_count=0)

    out = StringIO()
    call_command("recount", stdout=out)

    assert f"Post {post.pk} “On listening”: comments 7 → 2, likes 0 → 1" in out.getvalue()
    assert "1 of 2 post(s) had drifted" in out.getvalue()
    assert stored(post) == (2, 1)
    assert stored(right) == (0, 0)


@pytest.mark.django_db
def test_recount_dry_run_changes_nothing():
    post = factories.post("On listening")
    Post.objects.filter(pk=post.pk).update(comment_count=4)

    out = StringIO()
    call_command("recount", dry_run=True, stdout=out)

    assert "comments 4 → 0" in out.getvalue()
    assert "Dry run: nothing changed." in out.getvalue()
    assert stored(post) == (4, 0)


@pytest.mark.django_db
def test_recount_says_when_every_count_is_right():
    factories.post("On listening")

    out = StringIO()
    call_command("recount", stdout=out)

    assert "Every count of the 1 post(s) was right." in out.getvalue()
