"""`manage.py demo_content` run again, with an admin login, over a blog's own content, or
failing halfway: each test runs the command itself, on a database of its own."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import get_commands
from taggit.models import Tag

from accounts import roles
from blog.models import Category, NavigationItem, Page, Post, PostImage, SiteSettings, TaggedPost
from comments.models import Comment, ModerationEvent
from demo import discussions, drawings
from demo.management.commands import demo_content

from . import factories
from .test_demo_content import IMAGE_SIZE, run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_images(monkeypatch):
    monkeypatch.setattr(drawings, "IMAGE_SIZE", IMAGE_SIZE)


def media_files():
    return sorted(path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file())


def snapshot():
    """Every row the command could have made or changed, field by field."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (
            get_user_model(), Category, Post, Post.related.through, Post.categories.through,
            PostImage, Page, SiteSettings, NavigationItem, Tag, TaggedPost, Comment,
            ModerationEvent,
        )
    }  # fmt: skip


def test_second_run_creates_and_changes_nothing():
    first = run()
    assert "15 created" in first
    made = Comment.objects.count()
    assert re.search(rf"comments\s+{made} created, *0 already there", first)
    # A reader joins a demo discussion; the next run leaves the comment alone.
    post = Post.objects.get(slug=discussions.LONG_DISCUSSION)
    Comment.objects.create(post=post, name="Reader", email="r@example.com", body="Hello.")
    before, files = snapshot(), media_files()

    second = run()

    assert snapshot() == before
    assert Comment.objects.count() == made + 1
    assert media_files() == files
    assert "Nothing to add" in second
    assert re.search(r"posts\s+0 created, *15 already there", second)
    assert re.search(r"images\s+0 created, *6 already there", second)
    assert re.search(r"discussions\s+0 created, *7 already there", second)
    assert re.search(rf"comments\s+0 created, *{made} already there", second)


def test_admin_login_prints_a_password_that_works_and_changes_it_each_time():
    out = run("--admin-login")
    login = r"Admin login: http://127\.0\.0\.1:8000/admin/  user: admin  password: (\S+)"
    first = re.search(login, out)
    assert first, out
    admin = authenticate(username="admin", password=first[1])
    assert admin is not None
    assert admin.is_staff and admin.is_superuser and admin.is_active
    assert admin.email == "admin@example.org" and admin.display_name == "Site Admin"

    second = re.search(r"password: (\S+)", run("--admin-login"))[1]
    assert second != first[1]
    assert authenticate(username="admin", password=first[1]) is None
    assert authenticate(username="admin", password=second) is not None
    assert get_user_model().objects.filter(username="admin").count() == 1
    assert Post.objects.count() == 15


def test_admin_login_names_the_site_url():
    out = run("--admin-login", "--site-url", "http://localhost:9000/")
    assert "Admin login: http://localhost:9000/admin/  user: admin  password: " in out


def test_admin_login_repairs_an_existing_admin():
    factories.user("admin", email="me@example.com", is_staff=False)
    password = re.search(r"password: (\S+)", run("--admin-login"))[1]
    admin = authenticate(username="admin", password=password)
    assert admin.is_superuser and admin.is_staff
    assert admin.email == "me@example.com"


def test_without_admin_login_no_admin_is_touched():
    admin = factories.user("admin", password="my own password")
    out = run()
    assert "password" not in out
    assert authenticate(username="admin", password="my own password") == admin


def test_leaves_other_content_alone():
    mine = factories.user("mine", roles=[roles.AUTHORS], bio="My bio.")
    culture = factories.category("Culture", description="Mine.")
    about = factories.page("About", slug="about", body="My own about page.")
    site = SiteSettings.load()
    site.title = "My Own Blog"
    site.save()
    clash = factories.post(
        "On Bridges", slug="on-bridges", author=mine,
        published_at=demo_content._when(-3, 12, 0),
    )  # fmt: skip
    before = {
        "clash": Post.objects.filter(pk=clash.pk).values().get(),
        "culture": Category.objects.filter(pk=culture.pk).values().get(),
        "about": Page.objects.filter(pk=about.pk).values().get(),
        "mine": get_user_model().objects.filter(pk=mine.pk).values().get(),
    }

    run()

    assert Post.objects.filter(pk=clash.pk).values().get() == before["clash"]
    assert Category.objects.filter(pk=culture.pk).values().get() == before["culture"]
    assert Page.objects.filter(pk=about.pk).values().get() == before["about"]
    assert get_user_model().objects.filter(pk=mine.pk).values().get() == before["mine"]
    assert SiteSettings.load().title == "My Own Blog"
    assert SiteSettings.load().tagline  # Unset fields are filled in.
    # The demo's own post moved a day to keep the slug unique on its date.
    ours = Post.objects.get(slug="on-bridges", author__username="leyla.karimi")
    assert ours.publish_date == clash.publish_date - timedelta(days=1)
    assert Page.objects.get(path="about/our-board").parent == about
    assert culture.posts.filter(author__username="leyla.karimi").exists()
    assert Post.objects.count() == 16

    before = snapshot()
    run()
    assert snapshot() == before


@pytest.mark.parametrize("step", ["make_pages", "plant"])
def test_a_failed_run_leaves_nothing_behind(monkeypatch, step):
    def fail(self, *args):
        raise RuntimeError("boom")

    monkeypatch.setattr(demo_content.Command, step, fail)
    with pytest.raises(RuntimeError):
        run()
    assert not Post.objects.exists() and not PostImage.objects.exists()
    assert not Comment.objects.exists()
    assert not [path for path in media_files() if "images/" in path.as_posix()]


def test_demo_content_is_the_demo_apps_command():
    # The demo fills the blog and the comments apps; neither of them knows it.
    commands = get_commands()
    assert commands["demo_content"] == "demo"
    assert "demo_blog" not in commands
