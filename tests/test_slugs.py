"""Any slug WordPress accepts works here: stored decoded, routed, reversed, redirected."""

from urllib.parse import quote, unquote

import pytest
from django.core import checks
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import include, path, re_path, reverse
from django.utils import timezone
from taggit.models import Tag

from blog.models import Category, Page, Post, Redirect
from blog.slugs import reserved_slugs
from wordpress.importer import Importer

from . import factories
from .test_admin_roles import post_form
from .wxr_files import SITE, WPItem, write

pytestmark = pytest.mark.django_db

# As WordPress writes them in post_name: percent-encoded UTF-8, in lower case.
APOSTROPHE = "it%e2%80%99s-late"  # it’s-late
DAGGER = "%e2%80%a0-obituary"  # †-obituary
NB_HYPHEN = "track%e2%80%91two"  # track‑two (U+2011)
ARABIC = "%d9%83%d9%8e%d8%aa%d9%8e%d8%a8%d9%8e"  # كَتَبَ, with its diacritics
SLUGS = {
    APOSTROPHE: "it\u2019s-late",
    DAGGER: "\u2020-obituary",
    NB_HYPHEN: "track\u2011two",
    ARABIC: "\u0643\u064e\u062a\u064e\u0628\u064e",
}


def _get(client, path):
    """What a browser sends for `path`: its non-ASCII characters percent-encoded."""
    return client.get(quote(path, safe="/"))


def test_an_import_of_posts_with_any_slug_answers_at_their_addresses_and_old_links(
    tmp_path, client
):
    items = [
        WPItem(
            n,
            title=f"Essay {n}",
            slug=encoded,
            link=f"{SITE}/essays/{encoded}/",
            categories=[ARABIC],
            tags=[DAGGER],
        )
        for n, encoded in enumerate(SLUGS, start=1)
    ] + [
        WPItem(10, title="About", type="page", slug=DAGGER),
        WPItem(11, title="History", type="page", slug=APOSTROPHE, parent=10,
               link=f"{SITE}/{DAGGER}/{APOSTROPHE}/"),
    ]  # fmt: skip
    path = write(
        tmp_path,
        items,
        categories=[(ARABIC, "", "Writing", ""), (NB_HYPHEN, ARABIC, "Track two", "")],
        tags=[(DAGGER, "Obituaries")],
    )

    report = Importer(path).run()

    assert report.counts["post"]["imported"] == len(SLUGS)
    for n, (encoded, decoded) in enumerate(SLUGS.items(), start=1):
        post = Post.objects.get(title=f"Essay {n}")
        assert post.slug == decoded
        address = post.get_absolute_url()
        assert address == f"/2015/03/01/{quote(decoded)}/"
        assert client.get(f"/2015/03/01/{decoded}/").status_code == 200
        assert client.get(address).status_code == 200
        assert client.get(f"/2015/03/01/{encoded}/").status_code == 200
        old = client.get(f"/essays/{encoded}/")
        assert (old.status_code, old["Location"]) == (301, address)
        assert _get(client, f"/2015/03/01/{decoded}/feed/").status_code == 200
    category = Category.objects.get(slug=SLUGS[ARABIC])
    assert Category.objects.get(slug=SLUGS[NB_HYPHEN]).path == f"{category.slug}/track\u2011two"
    assert _get(client, f"/category/{category.path}/").status_code == 200
    assert _get(client, f"/category/{category.path}/track\u2011two/feed/").status_code == 200
    assert _get(client, f"/tag/{SLUGS[DAGGER]}/").status_code == 200
    assert _get(client, f"/tag/{SLUGS[DAGGER]}/feed/").status_code == 200
    history = Page.objects.get(title="History")
    assert history.path == f"{SLUGS[DAGGER]}/{SLUGS[APOSTROPHE]}"
    assert client.get(f"/{DAGGER}/{APOSTROPHE}/").status_code == 200


def test_a_slug_that_no_address_can_hold_is_made_one_at_import(tmp_path, client):
    path = write(tmp_path, [WPItem(1, title="Odd", slug="a%2fb%20c%3f")])

    Importer(path).run()

    post = Post.objects.get(title="Odd")
    assert post.slug == "a-b-c-"
    assert client.get(post.get_absolute_url()).status_code == 200


def test_tags_categories_pages_and_posts_with_any_slug_reverse_and_answer(client):
    writing = factories.category("Writing", slug=SLUGS[ARABIC])
    track = factories.category("Track two", parent=writing, slug=SLUGS[NB_HYPHEN])
    tag = Tag.objects.create(name="Obituaries", slug=SLUGS[DAGGER])
    post = factories.post("Late", slug=SLUGS[APOSTROPHE], categories=[track], tags=[tag])
    about = factories.page("About", slug=SLUGS[DAGGER])
    history = factories.page("History", slug=SLUGS[APOSTROPHE], parent=about)

    addresses = [
        post.get_absolute_url(),
        track.get_absolute_url(),
        reverse("blog:category_feed", kwargs={"path": track.path}),
        reverse("blog:tag", kwargs={"slug": tag.slug}),
        reverse("blog:tag_feed_atom", kwargs={"slug": tag.slug}),
        reverse("post_comments_feed", kwargs={**_date(post), "slug": post.slug}),
        history.get_absolute_url(),
        post.author.get_absolute_url(),
    ]  # fmt: skip

    for address in addresses:
        assert client.get(address).status_code == 200, address
    assert addresses[1] == f"/category/{quote(writing.slug)}/{quote(track.slug)}/"
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'rel="canonical" href="http://testserver{post.get_absolute_url()}"' in page
    assert f"http://testserver{post.get_absolute_url()}" in _text(client, "/sitemap.xml")
    assert f"http://testserver{post.get_absolute_url()}" in _text(client, "/feed/")
    assert f"http://testserver{track.get_absolute_url()}" in _text(client, "/sitemap.xml")


def _date(post):
    day = post.local_publish_date()
    return {"year": str(day.year), "month": f"{day.month:02d}", "day": f"{day.day:02d}"}


def _text(client, address):
    response = client.get(address)
    return b"".join(response.streaming_content if response.streaming else [response.content]
                    ).decode()  # fmt: skip


def test_the_admin_accepts_any_slug_wordpress_would(client_for, editor):
    slug = "it\u2019s-\u2020-track\u2011two-\u0643\u064e\u062a\u064e\u0628\u064e"

    response = client_for(editor).post(
        reverse("admin:blog_post_add"), post_form(slug=slug, author=editor.pk)
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    post = Post.objects.get(slug=slug)
    assert client_for(editor).get(post.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("slug", ["a/b", "a b", "what?", "no#1", "100%", "..", "tab\there"])
def test_the_admin_refuses_a_slug_no_address_can_hold_and_keeps_the_text(client_for, editor, slug):
    response = client_for(editor).post(
        reverse("admin:blog_post_add"),
        post_form(slug=slug, author=editor.pk, body="Every word kept."),
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "slug" in form.errors
    assert "Every word kept." in response.content.decode()
    assert not Post.objects.exists()


def test_a_post_renamed_from_a_non_ascii_slug_redirects_from_its_old_address(client):
    post = factories.post("Café", slug="caf\u00e9", published_at=timezone.now())
    old = post.get_absolute_url()
    post.slug = "tea"
    post.save()

    response = client.get(old)

    assert Redirect.objects.get().old_path == unquote(old)
    assert (response.status_code, response["Location"]) == (301, post.get_absolute_url())


# Reserved first segments ---------------------------------------------------------------


def _view(request, **kwargs):
    return HttpResponse()


# A URLconf of every kind of pattern, for the test that reads it as ROOT_URLCONF.
urlpatterns = [
    path("shop/", include([path("basket/", _view)])),
    path("opening-hours.txt", _view),
    path("<int:number>/", _view),
    re_path(r"^(?:archive/(?P<n>[0-9]+)/)?$", _view),
    re_path(r"^team\-notes/$", _view),
    re_path(r"^(?P<year>[0-9]{4})/$", _view),
    path("", include([path("events/<slug:slug>/", _view), path("<path:path>/", _view)])),
]


def test_reserved_slugs_are_the_first_segments_of_the_sites_own_addresses():
    reserved = reserved_slugs()

    assert {"admin", "accounts", "profile", "comments", "csp-report", "sitemap.xml",
            "robots.txt", "feed", "category", "tag", "author", "page", "like",
            "search"} <= reserved  # fmt: skip
    assert {"static", "media", "wp-admin", "wp-content"} <= reserved
    assert not any(set("<>()[]\\^$") & set(slug) or slug.isdigit() for slug in reserved)


def test_reserved_slugs_follow_the_urlconf_and_where_files_are_served(settings):
    settings.ROOT_URLCONF = __name__
    settings.MEDIA_URL = "https://media.example.org/uploads/"

    assert reserved_slugs() == {
        "shop", "opening-hours.txt", "archive", "team-notes", "events", "static",
        "wp-admin", "wp-content",
    }  # fmt: skip


def test_no_top_level_page_can_take_the_profile_address():
    with pytest.raises(ValidationError, match="used by another part of the site"):
        Page(title="Profile", slug="profile").full_clean()


def reserved_page_warnings(databases=("default",)):
    found = checks.run_checks(tags=[checks.Tags.database], databases=databases)
    return [message for message in found if message.id == "blog.W001"]


def test_the_checks_report_top_level_pages_on_a_reserved_address():
    page = factories.page("Your profile")
    Page.objects.filter(pk=page.pk).update(slug="profile")
    about = factories.page("About")
    factories.page("Admin", slug="admin", parent=about)

    (warning,) = reserved_page_warnings()

    assert warning.level == checks.WARNING and warning.obj == page
    assert f"Page {page.pk} has the slug “profile”" in warning.msg
    assert f"Give page {page.pk} another slug" in warning.hint and "profile-page" in warning.hint


def test_the_checks_read_no_database_unless_asked():
    page = factories.page("Search")
    Page.objects.filter(pk=page.pk).update(slug="search")

    assert reserved_page_warnings(databases=None) == []
    assert len(reserved_page_warnings()) == 1
