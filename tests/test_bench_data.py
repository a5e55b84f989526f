"""`bench/bench_data.py` fills a database with a blog the benchmarks can measure."""

import io
import re

import pytest
from django.db import connection
from django.db.models import Count, Q

from bench import bench_data
from blog.models import Post
from comments.models import Comment

pytestmark = pytest.mark.django_db


def make(posts=60, comments=600, **options):
    """The script run with these options, in this test's database; what it printed."""
    argv = ["--posts", str(posts), "--comments", str(comments)]
    for name, value in options.items():
        argv += [f"--{name.replace('_', '-')}", str(value)]
    out = io.StringIO()
    bench_data.main(argv, stdout=out)
    return out.getvalue()


def test_it_makes_the_posts_and_comments_asked_for():
    out = make(posts=60, comments=600, hot_comments=200)

    assert re.search(r"^Made 60 posts and 600 comments in \d+ s\.$", out, re.M)
    assert Post.objects.count() == 60
    assert Post.objects.scheduled().exists()
    assert Post.objects.filter(status=Post.Status.DRAFT).exists()
    assert Comment.objects.count() == 600
    newest = Post.objects.published().order_by("-published_at").first()
    assert newest.comments.count() == 200
    assert newest.comments.filter(parent__isnull=False).exists()


def test_its_threads_are_whole():
    make()

    for reply in Comment.objects.filter(parent__isnull=False).select_related("parent"):
        assert reply.post_id == reply.parent.post_id
        assert reply.depth == reply.parent.depth + 1
        assert reply.path.startswith(reply.parent.path + "/")
    assert not Comment.objects.filter(post__in=Post.objects.scheduled()).exists()


def test_its_counts_match_the_comments():
    make()

    posts = Post.objects.annotate(
        approved=Count("comments", filter=Q(comments__status=Comment.Status.APPROVED))
    )
    assert all(post.comment_count == post.approved for post in posts)
    assert Comment.objects.exclude(status=Comment.Status.APPROVED).exists()


def test_its_pages_render_and_search_finds_its_posts(client):
    make()
    newest = Post.objects.published().order_by("-published_at").first()

    assert client.get("/").status_code == 200
    response = client.get(newest.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="comment-body"') >= 150
    assert client.get("/page/3/").status_code == 200
    assert client.get("/search/?q=ceasefire").context["page_obj"].paginator.count > 0


def test_the_site_goes_on_with_its_indexes_and_new_comment_ids():
    with connection.cursor() as cursor:
        before = indexed(cursor)
    make(posts=20, comments=100, hot_comments=10)

    with connection.cursor() as cursor:
        assert indexed(cursor) == before
    highest = Comment.objects.order_by("-pk").values_list("pk", flat=True).first()
    comment = Comment.objects.create(
        post=Post.objects.published().first(),
        name="Ada",
        body="After the bench.",
        status="approved",
    )
    assert comment.pk > highest


def indexed(cursor):
    constraints = connection.introspection.get_constraints(cursor, Comment._meta.db_table)
    return {name for name, about in constraints.items() if about["index"]}


def test_it_refuses_a_database_that_has_bench_data_and_changes_nothing():
    make(posts=5, comments=10, hot_comments=5)

    with pytest.raises(SystemExit, match="already has bench data"):
        make(posts=5, comments=10, hot_comments=5)
    assert Post.objects.count() == 5


@pytest.mark.parametrize(
    "options",
    [{"posts": 0}, {"comments": -1}, {"comments": 10, "hot_comments": 20}],
)
def test_bad_numbers_are_refused(options):
    with pytest.raises(SystemExit, match="cannot be more|at least 1"):
        make(**{"posts": 5, "comments": 10, "hot_comments": 5, **options})
    assert not Post.objects.exists()
