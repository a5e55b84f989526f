"""Whole pages for anonymous readers come from the cache, are never personal, and change
on the next request after anything they show changes."""

import gzip
import os
import re
import subprocess
import sys
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from blog.models import Category, Page, Post, SiteSettings
from comments import services
from comments.models import Comment
from core import generation

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.COMMENTS_MIN_SECONDS = 0
    SiteSettings.load()  # made on the first request otherwise, which bumps the generation


def fresh_guest():
    """Another anonymous reader, with no cookies."""
    return Client()


def kept(client, url):
    """Whether `url` came from the page cache (no template was rendered for it)."""
    response = client.get(url)
    assert response.status_code == 200
    return not response.templates and "ETag" in response


def text(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# Anonymous readers get kept pages ----------------------------------------------------------


def public_urls(post):
    day = post.publish_date
    return [
        "/",
        post.get_absolute_url(),
        "/category/region/",
        "/tag/mediation/",
        f"/author/{post.author.username}/",
        f"/{day:%Y}/",
        f"/{day:%Y/%m}/",
        f"/{day:%Y/%m/%d}/",
        "/about/",
        "/feed/",
        "/feed/atom/",
        "/comments/feed/",
        f"{post.get_absolute_url()}feed/",
        "/sitemap.xml",
        "/robots.txt",
    ]


@pytest.mark.parametrize("size", [2, 40])
def test_a_kept_page_costs_no_query(client, author, django_assert_max_num_queries, size):
    for n in range(size):
        main = factories.post(f"Post {n}", author=author, tags=["mediation"],
                              categories=[factories.category(f"Region {n}")])  # fmt: skip
        Comment.objects.create(post=main, name="R", body="Hi.", status="approved")
    post = factories.post("On listening", author=author, tags=["mediation"])
    post.categories.add(Category.objects.create(name="Region", slug="region"))
    factories.page("About", body="About us.")
    SiteSettings.load()

    for url in public_urls(post):
        client.get(url)
        with django_assert_max_num_queries(0):
            response = client.get(url)
        assert response.status_code == 200, url
        assert not response.templates, url


def test_the_first_reader_pays_for_the_page_and_the_next_one_does_not(filed_post):
    assert not kept(Client(), filed_post.get_absolute_url())
    assert kept(Client(), filed_post.get_absolute_url())


def test_a_kept_page_is_the_page(client, filed_post):
    made = client.get(filed_post.get_absolute_url()).content
    assert fresh_guest().get(filed_post.get_absolute_url()).content == made


def test_a_kept_page_says_how_long_it_is(client, filed_post):
    client.get(filed_post.get_absolute_url())
    response = client.get(filed_post.get_absolute_url())
    assert not response.templates
    assert response["Content-Length"] == str(len(response.content))


def test_head_requests_are_answered_from_the_kept_page(client, filed_post):
    client.get(filed_post.get_absolute_url())
    response = client.head(filed_post.get_absolute_url())
    assert response.status_code == 200
    assert not response.templates


def test_search_and_unknown_parameters_get_a_fresh_page(client, filed_post):
    client.get("/search/?q=listening")
    assert client.get("/search/?q=listening").templates
    client.get("/?utm_source=newsletter")
    assert client.get("/?utm_source=newsletter").templates


def test_comment_pages_and_reply_links_are_kept_apart(client, filed_post):
    parent = Comment.objects.create(post=filed_post, name="Ada", body="First.", status="approved")
    url = f"{filed_post.get_absolute_url()}?replytocom={parent.pk}"
    replying = 'data-default="Leave a reply">Reply to Ada<'
    assert replying in text(client, url)
    assert replying in text(fresh_guest(), url)
    assert replying not in text(fresh_guest(), filed_post.get_absolute_url())


def test_pages_that_are_not_public_are_never_kept(client, filed_post, draft):
    client.get("/accounts/login/")
    assert client.get("/accounts/login/").templates
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_the_cache_can_be_switched_off(client, filed_post, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(filed_post.get_absolute_url())
    assert client.get(filed_post.get_absolute_url()).templates


# Headers for browsers, proxies and CDNs ------------------------------------------------------


def test_a_public_page_says_a_shared_cache_may_keep_it(client, filed_post, settings):
    settings.PAGE_CACHE_PROXY_SECONDS = 45
    for response in (
        client.get(filed_post.get_absolute_url()),
        client.get(filed_post.get_absolute_url()),
    ):
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert cache_control == {"public", "max-age=0", "s-maxage=45"}
        assert "Cookie" in response["Vary"]
        assert response["ETag"].startswith('"')
        assert response["Last-Modified"].endswith("GMT")


def test_a_personal_page_is_private(client_for, reader, filed_post):
    response = client_for(reader).get(filed_post.get_absolute_url())
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_an_unchanged_page_answers_304(client, filed_post):
    first = client.get(filed_post.get_absolute_url())

    again = client.get(filed_post.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    since = client.get(filed_post.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_a_changed_page_answers_200_with_a_new_etag(client, filed_post):
    first = client.get(filed_post.get_absolute_url())
    filed_post.title = "On listening well"
    filed_post.save()

    again = client.get(filed_post.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert "On listening well" in again.content.decode()


def test_a_kept_page_is_sent_gzipped_to_readers_who_accept_it(client, filed_post):
    url = filed_post.get_absolute_url()
    plain = client.get(url)  # made, and kept
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content)
    assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert packed["ETag"] != plain["ETag"]
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"])
    assert again.status_code == 304
    assert "Content-Encoding" not in client.get(url)


def test_personal_pages_are_never_compressed_by_the_page_cache(client_for, reader, filed_post):
    fresh_guest().get(filed_post.get_absolute_url())
    response = client_for(reader).get(filed_post.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in response
    assert "private" in response["Cache-Control"]


def test_the_first_reader_also_gets_304_for_a_page_they_have(client, filed_post, settings):
    settings.PAGE_CACHE_SECONDS = 0  # made afresh, same bytes, same tag
    etag = client.get(filed_post.get_absolute_url())["ETag"]
    assert client.get(filed_post.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304


# Nobody sees another person's page ----------------------------------------------------------


def test_a_signed_in_reader_gets_their_own_page_and_nobody_else_sees_it(
    client_for, filed_post, django_user_model
):
    fresh_guest().get(filed_post.get_absolute_url())  # a page is kept for guests
    member = django_user_model.objects.create_user(
        "marguerite", "m@example.org", "pw-pw-pw-pw-9", display_name="Marguerite Y."
    )
    member_client = client_for(member)

    assert "Commenting as Marguerite Y." in text(member_client, filed_post.get_absolute_url())
    assert member_client.get(filed_post.get_absolute_url()).templates  # never the kept page
    for _ in range(2):
        assert "Marguerite" not in text(fresh_guest(), filed_post.get_absolute_url())


def test_staff_see_their_own_page(client_for, editor, filed_post):
    fresh_guest().get("/")
    page = text(client_for(editor), "/")
    assert "/admin/" in page
    assert "/admin/" not in text(fresh_guest(), "/").split("<footer", 1)[0]


def test_a_guest_who_asked_to_be_remembered_gets_their_own_page(client, filed_post):
    client.post(
        f"/comments/post/{filed_post.pk}/",
        comment_fields(client, filed_post, name="Grace Guest", remember="on"),
    )
    assert 'value="Grace Guest"' in text(client, filed_post.get_absolute_url())
    for _ in range(2):
        assert "Grace Guest" not in text(fresh_guest(), filed_post.get_absolute_url())


def test_a_guest_sees_their_comment_awaiting_approval_and_nobody_else_does(
    client, filed_post, settings
):
    client.post(
        f"/comments/post/{filed_post.pk}/",
        comment_fields(client, filed_post, body="Waiting patiently for approval."),
    )
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert "Waiting patiently" in text(client, filed_post.get_absolute_url())
    for _ in range(2):
        assert "Waiting patiently" not in text(fresh_guest(), filed_post.get_absolute_url())


# Guests comment from a kept page -----------------------------------------------------------


def comment_fields(client, post, **values):
    """The comment form as the page shows it, filled in like a person would."""
    page = text(client, post.get_absolute_url())
    form = page[page.index('class="comment-form"') :]
    form = form[: form.index("</form>")]
    assert "csrfmiddlewaretoken" not in form  # a kept page cannot carry a per-visitor token
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    fields.update({"name": "Grace Guest", "email": "grace@example.org", "body": "Agreed."})
    fields.update(values)
    return fields


def test_a_guest_comments_from_a_kept_page(client, filed_post):
    fresh_guest().get(filed_post.get_absolute_url())
    assert kept(client, filed_post.get_absolute_url())

    response = client.post(
        f"/comments/post/{filed_post.pk}/",
        comment_fields(client, filed_post, body="From a kept page."),
    )

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.body == "From a kept page."


def test_a_signed_in_reader_still_needs_the_csrf_token(reader, filed_post):
    member = Client(enforce_csrf_checks=True)
    member.force_login(reader)
    page = text(member, filed_post.get_absolute_url())
    assert "csrfmiddlewaretoken" in page

    response = member.post(f"/comments/post/{filed_post.pk}/", {"body": "No token."})

    assert response.status_code == 403
    assert not Comment.objects.exists()


def no_inline_forms(*prefixes):
    """An admin change form's inline formsets, left empty."""
    return {
        f"{prefix}-{name}": 0 for prefix in prefixes for name in ("TOTAL_FORMS", "INITIAL_FORMS")
    }


# What changes a page shows on the next request -----------------------------------------------


@pytest.fixture(params=["whole pages kept", "fragments kept"])
def page_cache(request, settings):
    """Each change shows both on a kept page and on a page made afresh from kept fragments."""
    if request.param == "fragments kept":
        settings.PAGE_CACHE_SECONDS = 0


def test_a_published_post_shows_at_once(page_cache, client, filed_post):
    assert "Second thoughts" not in text(client, "/")
    factories.post("Second thoughts", author=filed_post.author)
    assert "Second thoughts" in text(client, "/")


def test_a_published_post_is_in_the_feeds_at_once(page_cache, client, filed_post):
    assert "Second thoughts" not in text(client, "/feed/")
    factories.post("Second thoughts", author=filed_post.author)
    assert "Second thoughts" in text(client, "/feed/")
    assert "Second thoughts" in text(client, "/feed/atom/")


def test_an_edited_post_shows_at_once(page_cache, client, filed_post):
    text(client, filed_post.get_absolute_url())
    filed_post.body = "A new paragraph on silence."
    filed_post.save()
    assert "A new paragraph on silence." in text(client, filed_post.get_absolute_url())


def test_an_unpublished_post_goes_at_once(page_cache, client, filed_post):
    assert "On listening" in text(client, "/")
    filed_post.status = Post.Status.DRAFT
    filed_post.save()
    assert "On listening" not in text(client, "/")
    assert client.get(filed_post.get_absolute_url()).status_code == 404


def test_a_scheduled_post_appears_when_its_time_comes(page_cache, client, filed_post):
    later = timezone.now() + timedelta(hours=2)
    factories.post("Tomorrow's essay", author=filed_post.author, published_at=later)
    assert "Tomorrow" not in text(client, "/")
    assert "Tomorrow" not in text(client, "/feed/")

    with mock.patch("django.utils.timezone.now", return_value=later + timedelta(minutes=1)):
        assert "Tomorrow" in text(client, "/feed/")
        assert "Tomorrow" in text(client, "/")


@pytest.mark.parametrize(
    "status", [Comment.Status.APPROVED, Comment.Status.REMOVED, Comment.Status.SPAM]
)
def test_moderating_a_comment_shows_at_once(page_cache, client, filed_post, moderator, status):
    start = Comment.Status.PENDING if status == Comment.Status.APPROVED else "approved"
    comment = Comment.objects.create(
        post=filed_post, name="Ada", body="Worth reading.", status=start
    )
    before = "Worth reading." in text(client, filed_post.get_absolute_url())

    services.moderate(comment, status, moderator, "test")

    after = "Worth reading." in text(client, filed_post.get_absolute_url())
    assert (before, after) == ((False, True) if status == "approved" else (True, False))


def test_an_edited_comment_shows_at_once(page_cache, client, filed_post):
    comment = Comment.objects.create(
        post=filed_post, name="Ada", body="Fisrt draft.", status="approved"
    )
    text(client, filed_post.get_absolute_url())
    services.edit(comment, "First draft.")
    assert "First draft." in text(client, filed_post.get_absolute_url())


def test_a_comment_changed_through_the_orm_alone_shows_at_once(page_cache, client, filed_post):
    url = filed_post.get_absolute_url()
    text(client, url)
    comment = Comment.objects.create(
        post=filed_post, name="Ada", body="By hand.", status="approved"
    )
    assert "By hand." in text(client, url)
    comment.status = Comment.Status.REMOVED
    comment.save()
    assert "By hand." not in text(client, url)

    again = Comment.objects.create(
        post=filed_post, name="Ada", body="Said twice.", status="approved"
    )
    assert "Said twice." in text(client, url)
    Comment.objects.get(pk=again.pk).delete()
    assert "Said twice." not in text(client, url)


def test_a_comment_awaiting_approval_moves_no_generation(filed_post):
    before = generation.current()
    Comment.objects.create(post=filed_post, name="Ada", body="Wait for me.", status="pending")
    assert generation.current() == before


def test_a_comment_edited_in_the_admin_shows_at_once(page_cache, client_for, filed_post, superuser):
    comment = Comment.objects.create(
        post=filed_post, name="Ada", body="Old words.", status="approved"
    )
    guest = fresh_guest()
    text(guest, filed_post.get_absolute_url())
    client_for(superuser).post(
        f"/admin/comments/comment/{comment.pk}/change/",
        {"body": "New words.", "name": "Ada", "email": "", "url": "", "status": "approved",
         **no_inline_forms("reports", "events")},
    )  # fmt: skip
    comment.refresh_from_db()
    assert comment.body == "New words."
    assert "New words." in text(guest, filed_post.get_absolute_url())


def test_a_renamed_category_shows_at_once(page_cache, client, filed_post):
    assert "Region" in text(client, filed_post.get_absolute_url())
    region = Category.objects.get(name="Region")
    region.name = "Regions of the world"
    region.save()
    assert "Regions of the world" in text(client, filed_post.get_absolute_url())


@pytest.mark.parametrize("side", ["post", "category"])
def test_a_post_filed_or_unfiled_shows_at_once(page_cache, client, filed_post, side):
    later = factories.category("Later")
    assert filed_post.title not in text(client, "/category/later/")

    if side == "post":
        filed_post.categories.add(later)
    else:
        later.posts.add(filed_post)
    assert filed_post.title in text(client, "/category/later/")
    assert "/category/later/" in text(client, filed_post.get_absolute_url())

    if side == "post":
        filed_post.categories.remove(later)
    else:
        later.posts.clear()
    assert filed_post.title not in text(client, "/category/later/")


def test_a_retagged_post_shows_at_once(page_cache, client, filed_post):
    factories.post("Truce terms", author=filed_post.author, tags=["ceasefire"])
    assert filed_post.title not in text(client, "/tag/ceasefire/")
    filed_post.tags.add("ceasefire")
    assert filed_post.title in text(client, "/tag/ceasefire/")
    filed_post.tags.clear()
    assert filed_post.title not in text(client, "/tag/ceasefire/")


def test_a_deleted_category_goes_at_once(page_cache, client, filed_post, superuser, client_for):
    guest = fresh_guest()
    assert "Region" in text(guest, filed_post.get_absolute_url())
    region = Category.objects.get(name="Region")
    client_for(superuser).post(f"/admin/blog/category/{region.pk}/delete/", {"post": "yes"})
    assert not Category.objects.exists()
    assert "/category/region/" not in text(guest, filed_post.get_absolute_url())


def test_a_renamed_tag_shows_at_once(page_cache, client, filed_post, superuser, client_for):
    guest = fresh_guest()
    assert "mediation" in text(guest, filed_post.get_absolute_url())
    tag = Tag.objects.get(name="mediation")
    response = client_for(superuser).post(
        f"/admin/taggit/tag/{tag.pk}/change/",
        {"name": "peace mediation", "slug": "mediation",
         **no_inline_forms("taggit_taggeditem_items")},
    )  # fmt: skip
    assert response.status_code == 302
    assert "peace mediation" in text(guest, filed_post.get_absolute_url())


def test_an_edited_page_shows_at_once(page_cache, client):
    about = factories.page("About", body="We talk.")
    assert "We talk." in text(client, "/about/")
    about.body = "We listen."
    about.save()
    assert "We listen." in text(client, "/about/")
    Page.objects.filter(pk=about.pk).delete()
    assert client.get("/about/").status_code == 404


def test_changed_site_settings_show_at_once(page_cache, client, filed_post):
    text(client, "/")
    site = SiteSettings.load()
    site.title = "Dialogues for Peace"
    site.save()
    assert "Dialogues for Peace" in text(client, "/")


def test_a_changed_profile_shows_at_once(page_cache, client_for, filed_post):
    guest = fresh_guest()
    text(guest, filed_post.get_absolute_url())
    author = filed_post.author
    client_for(author).post(
        "/profile/", {"display_name": "Joseph V. Montville", "bio": "A diplomat.",
                      "website": ""},
    )  # fmt: skip
    author.refresh_from_db()
    assert author.display_name == "Joseph V. Montville"
    assert "Joseph V. Montville" in text(guest, filed_post.get_absolute_url())


def test_a_profile_changed_in_the_admin_shows_at_once(
    page_cache, client_for, filed_post, superuser
):
    guest = fresh_guest()
    text(guest, filed_post.get_absolute_url())
    author = filed_post.author
    client_for(superuser).post(
        f"/admin/accounts/user/{author.pk}/change/",
        {"username": author.username, "display_name": "J. Montville", "email": author.email,
         "is_active": "on", "date_joined_0": "2020-01-01", "date_joined_1": "10:00:00"},
    )  # fmt: skip
    author.refresh_from_db()
    assert author.display_name == "J. Montville"
    assert "J. Montville" in text(guest, filed_post.get_absolute_url())


def test_a_change_made_by_another_process_shows_at_once(client, filed_post, settings, tmp_path):
    """The generation lives in the cache every process shares (files or Redis), so a
    bump from another process (a second web worker, the task worker) is seen here."""
    assert "On listening" in text(client, "/")
    with connection.cursor() as cursor:  # SQL of its own: nothing here hears of it
        cursor.execute(
            "UPDATE blog_post SET title = %s WHERE id = %s", ["On listening, again", filed_post.pk]
        )
    assert "On listening, again" not in text(client, "/")

    cache = settings.CACHES["default"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    if cache["BACKEND"].endswith("RedisCache"):
        env["REDIS_URL"] = cache["LOCATION"]
    else:
        env.pop("REDIS_URL", None)
        env["CACHE_DIR"] = cache["LOCATION"]
    subprocess.run(
        [sys.executable, "-c",
         "import django; django.setup(); from core import generation; generation.bump()"],
        env=env, cwd=django_settings.BASE_DIR, check=True, timeout=60,
    )  # fmt: skip

    assert "On listening, again" in text(client, "/")


# The discussion's HTML is shared between anonymous readers -----------------------------------


def test_a_discussion_made_afresh_reuses_its_html(client, filed_post, settings):
    settings.PAGE_CACHE_SECONDS = 0
    for n in range(30):
        Comment.objects.create(post=filed_post, name=f"R{n}", body=f"Point {n}.", status="approved")
    with CaptureQueriesContext(connection) as first_queries:
        first = text(client, filed_post.get_absolute_url())
    with CaptureQueriesContext(connection) as again_queries:
        again = text(client, filed_post.get_absolute_url())
    assert again == first
    assert [q for q in first_queries if "comments_comment" in q["sql"]]
    assert not [q for q in again_queries if "comments_comment" in q["sql"]]


def test_a_new_comment_shows_in_a_shared_discussion_at_once(
    client, filed_post, moderator, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    text(client, filed_post.get_absolute_url())
    comment = Comment.objects.create(
        post=filed_post, name="Ada", body="Late but keen.", status="pending"
    )
    services.moderate(comment, Comment.Status.APPROVED, moderator, "test")
    assert "Late but keen." in text(client, filed_post.get_absolute_url())


def test_a_member_sees_their_own_edit_link_and_guests_never_do(
    client_for, reader, filed_post, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    Comment.objects.create(post=filed_post, user=reader, body="Mine to edit.", status="approved")
    guest = fresh_guest()
    assert "/edit/" not in text(guest, filed_post.get_absolute_url())
    assert "/edit/" in text(client_for(reader), filed_post.get_absolute_url())
    assert "/edit/" not in text(guest, filed_post.get_absolute_url())


def test_a_kept_summary_changes_with_its_post(client, filed_post, moderator, settings):
    settings.PAGE_CACHE_SECONDS = 0
    assert "On listening" in text(client, "/category/region/")
    filed_post.title = "On listening well"
    filed_post.save()
    assert "On listening well" in text(client, "/")
    assert "On listening well" in text(client, "/category/region/")

    comment = Comment.objects.create(post=filed_post, name="Ada", body="Yes.", status="pending")
    services.moderate(comment, Comment.Status.APPROVED, moderator, "test")
    assert "1 comment" in text(client, "/")


def test_a_kept_post_count_follows_new_posts(client, filed_post, settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.BLOG_POSTS_PER_PAGE = 1
    assert client.get("/page/2/").status_code == 404
    factories.post("Second thoughts", author=filed_post.author)
    assert client.get("/page/2/").status_code == 200


def test_a_new_comment_shows_without_counting_the_archives_again(
    client, filed_post, moderator, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    text(client, "/")
    text(client, "/category/region/")
    comment = Comment.objects.create(post=filed_post, name="Ada", body="Yes.", status="pending")
    services.moderate(comment, Comment.Status.APPROVED, moderator, "test")

    for url in ("/", "/category/region/"):
        with CaptureQueriesContext(connection) as queries:
            assert "1 comment" in text(client, url)
        assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()], url


def test_comments_awaiting_approval_leave_kept_pages_alone(client, filed_post, settings):
    fresh_guest().get(filed_post.get_absolute_url())
    for n in range(3):
        fresh_guest().post(
            f"/comments/post/{filed_post.pk}/",
            comment_fields(fresh_guest(), filed_post, body=f"Wait {n}."),
        )
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 3
    assert kept(fresh_guest(), filed_post.get_absolute_url())


def test_a_scheduled_post_counts_on_the_first_page_made_after_its_time(
    client, filed_post, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    settings.BLOG_POSTS_PER_PAGE = 1
    later = timezone.now() + timedelta(hours=2)
    factories.post("Tomorrow's essay", author=filed_post.author, published_at=later)
    assert client.get("/page/2/").status_code == 404

    with mock.patch("django.utils.timezone.now", return_value=later + timedelta(minutes=1)):
        assert client.get("/page/2/").status_code == 200
