"""The demo blog `manage.py demo_content` makes, with its discussions. The command runs
once for the module (it takes a while) and each test reads what it made; what running it
again or over other content does is in tests/test_demo_command.py."""

import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models
from django.utils import timezone
from django.utils.html import escape

from accounts import roles
from blog.models import Category, NavigationItem, Page, Post, PostImage, SiteSettings
from comments.models import Comment, ModerationEvent
from comments.text import render_comment
from demo import discussions, drawings

pytestmark = pytest.mark.django_db

AUTHOR_USERNAMES = {"helena.marchetti", "kwame.mensah", "leyla.karimi"}
# Small pictures keep the renditions, and so the tests, quick.
IMAGE_SIZE = (640, 400)


def run(*args):
    out = io.StringIO()
    call_command("demo_content", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(module_db, django_db_blocker):
    """The demo, made once for the module's tests; its folder holds its pictures."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(drawings, "IMAGE_SIZE", IMAGE_SIZE)
        run()
    return module_db


@pytest.fixture(autouse=True)
def _demo_media(demo, settings):
    settings.MEDIA_ROOT = demo / "media"


def test_creates_three_authors_with_bios_and_an_editor():
    authors = get_user_model().objects.filter(groups__name=roles.AUTHORS)
    assert set(authors.values_list("username", flat=True)) == AUTHOR_USERNAMES
    for author in authors:
        assert author.display_name and author.website.startswith("https://")
        assert 2 <= author.bio.count(". ") + 1 <= 3
        assert not author.has_usable_password()
        assert author.is_staff  # Joining a staff role makes one staff.
    editors = get_user_model().objects.filter(groups__name=roles.EDITORS)
    assert editors.count() == 1
    assert not get_user_model().objects.filter(is_superuser=True).exists()


def test_creates_the_category_tree():
    paths = set(Category.objects.values_list("path", flat=True))
    assert {
        "diplomacy", "diplomacy/track-two-diplomacy", "diplomacy/negotiation",
        "conflict-resolution", "conflict-resolution/middle-east", "conflict-resolution/africa",
        "culture", "association-news",
    } <= paths  # fmt: skip
    middle_east = Category.objects.get(path="conflict-resolution/middle-east")
    assert middle_east.parent.name == "Conflict Resolution"
    assert all(category.description for category in Category.objects.all())


def test_creates_posts_in_every_state():
    posts = Post.objects.all()
    assert posts.count() >= 12
    published = Post.objects.published()
    assert published.count() >= 10

    scheduled = Post.objects.scheduled().get()
    assert scheduled.published_at > timezone.now() + timedelta(days=2)
    assert scheduled not in published
    assert posts.filter(status=Post.Status.DRAFT).count() == 1
    assert posts.filter(status=Post.Status.PENDING).count() == 1
    assert published.filter(sticky=True).exists()
    with_picks = posts.exclude(related=None).first()
    assert with_picks.related_posts() == list(with_picks.related.all())

    dates = list(published.values_list("published_at", flat=True))
    assert min(dates) < timezone.now() - timedelta(days=120)
    assert max(dates) > timezone.now() - timedelta(days=14)
    assert len({date.month for date in dates}) >= 4

    for post in posts:
        assert post.author.username in AUTHOR_USERNAMES | {"tomas.lindqvist"}
        assert 1 <= post.categories.count() <= 3, post
        assert 2 <= post.tags.count() <= 4, post
        paragraphs = [p for p in post.body.split("\n\n") if p.strip()]
        assert len(paragraphs) >= 2, post
        assert "lorem" not in post.body.lower()
    assert posts.exclude(excerpt="").count() >= posts.count() * 2 // 3


def test_images_are_figures_with_caption_and_credit():
    images = PostImage.objects.all()
    assert 4 <= images.count() <= 6
    for image in images:
        assert image.post_id and image.alt_text and image.caption and "©" in image.credit
        assert image.image.name.endswith(".jpg")
        assert (settings.MEDIA_ROOT / image.image.name).is_file()
        assert (image.width, image.height) == IMAGE_SIZE
        assert image.renditions

    in_bodies = [image for image in images if f"(image:{image.pk})" in image.post.body]
    assert in_bodies
    for image in in_bodies:
        html = image.post.body_html
        assert f'<figure class="figure" id="image-{image.pk}">' in html
        assert f'<span class="caption">{escape(image.caption)}</span>' in html
        assert f'<span class="credit">{escape(image.credit)}</span>' in html
        assert image.image.url in html

    featured = Post.objects.exclude(featured_image=None)
    assert featured.count() >= 3
    for post in featured:
        assert post.featured_image.post_id == post.pk


def test_bodies_show_off_the_markdown():
    html = "".join(Post.objects.values_list("body_html", flat=True))
    assert '<div class="poem">' in html
    poem = re.search(r'<div class="poem">(.*?)</div>', html, re.DOTALL)[1]
    assert poem.count("<p>") == 4  # Four stanzas,
    assert poem.count("<br>") >= 10  # line by line,
    assert re.search(r"(&nbsp;|\u00a0){4}We agreed", poem)  # indents kept.
    assert '<div class="footnote">' in html and 'class="footnote-ref"' in html
    assert "<table>" in html and "<blockquote>" in html
    assert "&ldquo;" in html or "\u201c" in html  # Smart quotes.
    assert "&mdash;" in html or "\u2014" in html


def test_creates_pages_settings_and_navigation():
    pages = Page.objects.filter(status=Page.Status.PUBLISHED)
    assert {"about", "about/our-board", "contact"} <= set(pages.values_list("path", flat=True))
    assert Page.objects.get(path="about/our-board").parent.title == "About"

    site = SiteSettings.load()
    assert site.title == "The Official Blog of the Geneva Association for Dialogue"
    assert site.tagline
    assert '<a href="/contact/">' in site.footer_html

    navigation = list(NavigationItem.objects.select_related("page", "category"))
    assert [item.get_url() for item in navigation] == [
        "/about/", "/category/diplomacy/", "/category/conflict-resolution/",
        "/category/culture/", "/contact/",
    ]  # fmt: skip
    for item in navigation:
        item.full_clean()


def test_everything_made_passes_model_validation():
    for model in (Category, Post, Page, NavigationItem):
        for instance in model.objects.all():
            instance.full_clean()


def test_the_site_shows_the_demo(client, settings):
    settings.BLOG_POSTS_PER_PAGE = 50
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for post in Post.objects.all():
        assert (escape(post.title) in html) == post.is_public, post.title
    sticky = Post.objects.get(sticky=True)
    newest = Post.objects.published().exclude(pk=sticky.pk).newest_first().first()
    assert html.index(escape(sticky.title)) < html.index(escape(newest.title))
    assert escape(SiteSettings.load().title) in html
    assert ">Contact</a>" in html

    for post in Post.objects.published():
        assert client.get(post.get_absolute_url()).status_code == 200, post.title
    for page in Page.objects.all():
        assert client.get(page.get_absolute_url()).status_code == 200, page.title
    for category in Category.objects.all():
        assert client.get(category.get_absolute_url()).status_code == 200, category.path


# Discussions ------------------------------------------------------------------


def test_one_post_has_a_long_discussion_in_many_threads():
    post = Post.objects.get(slug=discussions.LONG_DISCUSSION)
    comments = list(post.comments.select_related("parent"))
    approved = [comment for comment in comments if comment.status == Comment.Status.APPROVED]
    assert len(approved) >= 200
    assert len(approved) >= len(comments) * 0.9  # Mostly approved,
    assert {comment.status for comment in comments} == set(Comment.Status.values)  # but not all.
    assert sum(1 for comment in comments if comment.parent is None) >= 20
    assert max(comment.depth for comment in comments) >= 3
    assert len({comment.body for comment in comments}) >= len(comments) * 0.8
    assert len({comment.author_name for comment in comments}) >= 30
    assert any(comment.user_id == post.author_id for comment in comments)


def test_discussions_are_saved_as_comment_save_would_have_saved_them():
    now = timezone.now()
    comments = list(Comment.objects.select_related("parent", "post"))
    assert len(comments) >= 250
    for comment in comments:
        assert comment.body_html == render_comment(comment.body)
        assert comment.post.published_at < comment.submitted_at < now
        parent = comment.parent
        assert (comment.depth, comment.path) == Comment.place(parent, comment.submitted_at)
        if parent is not None:
            assert parent.post_id == comment.post_id
            assert comment.submitted_at > parent.submitted_at
            assert parent.status != Comment.Status.PENDING  # Nobody replies to the unseen.
        assert (comment.user_id is None) == bool(comment.name)
        assert comment.email and comment.user_agent == discussions.DEMO_AGENT
    # Each comment has its moderation history.
    assert ModerationEvent.objects.filter(action="submitted").count() == len(comments)
    for status in (Comment.Status.REMOVED, Comment.Status.SPAM):
        moderated = ModerationEvent.objects.filter(
            action=status, to_status=status, actor__username=discussions.MODERATOR
        )
        assert moderated.count() == Comment.objects.filter(status=status).count()


def test_several_posts_have_threaded_discussions():
    discussed = Post.objects.filter(comments__isnull=False).distinct()
    assert discussed.count() >= 6
    assert all(post.is_public for post in discussed)
    deep = Comment.objects.filter(depth__gte=2).exclude(post__slug=discussions.LONG_DISCUSSION)
    assert deep.filter(status=Comment.Status.APPROVED).exists()
    assert (
        Comment.objects.exclude(post__slug=discussions.LONG_DISCUSSION)
        .filter(status=Comment.Status.PENDING)
        .exists()
    )
    # The demo authors take part, under their own and each other's posts.
    by_authors = Comment.objects.filter(user__username__in=AUTHOR_USERNAMES)
    assert by_authors.exclude(user=models.F("post__author")).exists()
    assert by_authors.filter(user=models.F("post__author")).exists()
    for post in Post.objects.all():
        assert post.comment_count == post.comments.approved().count(), post.slug


def test_a_removed_comment_keeps_its_replies_under_a_placeholder(client):
    removed = Comment.objects.filter(
        status=Comment.Status.REMOVED, replies__status=Comment.Status.APPROVED
    ).distinct()
    assert removed.count() >= 1
    for comment in removed:
        html = client.get(comment.post.get_absolute_url()).content.decode()
        item = html.split(f'id="{comment.anchor}"', 1)[1]
        assert item.index("This comment was removed.") < item.index('<ol class="children">')
        assert escape(comment.body) not in html
        for reply in comment.replies.approved():
            assert reply.body_html in item


def test_the_site_shows_the_discussions(client, settings):
    settings.BLOG_POSTS_PER_PAGE = 50
    home = client.get("/").content.decode()
    for post in Post.objects.published().filter(comment_count__gt=0):
        count = post.comment_count
        link = f'href="{post.get_absolute_url()}#comments">{count} comment{"s" * (count != 1)}</a>'
        assert link in home, post.slug

    post = Post.objects.get(slug=discussions.LONG_DISCUSSION)
    html = client.get(post.get_absolute_url()).content.decode()
    assert f'<h2 id="comments-heading">{post.comment_count} comments</h2>' in html
    assert html.count('class="comment depth-') == post.comments.approved().count() + (
        post.comments.filter(status=Comment.Status.REMOVED).count()
    )
    assert html.count('<ol class="children">') >= 20
    assert "awaiting moderation" not in html
