"""Readers like posts: once each, signed in, on published posts; the count is a column."""

import itertools
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog import likes
from blog.models import Page, Post, PostLike, SiteSettings
from core import generation

from . import factories

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
# What a browser sends with a plain form: HTML first, anything else last.
BROWSER = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def like_url(post):
    return reverse("blog:like", args=[post.pk])


def like_count(post):
    post.refresh_from_db()
    return post.like_count


def readers(n):
    return [factories.user(f"fan{i}", display_name=f"Fan Number{i}") for i in range(n)]


# The service --------------------------------------------------------------------------


def test_a_like_is_stored_and_counted(post, reader):
    assert likes.like(post, reader) == 1

    assert PostLike.objects.get().user == reader
    assert like_count(post) == 1


def test_liking_twice_keeps_one_like(post, reader):
    likes.like(post, reader)

    assert likes.like(post, reader) == 1

    assert PostLike.objects.count() == 1
    assert like_count(post) == 1


def test_unliking_removes_the_like_and_unliking_again_is_harmless(post, reader, editor):
    likes.like(post, reader)
    likes.like(post, editor)

    assert likes.unlike(post, reader) == 1
    assert likes.unlike(post, reader) == 1

    assert list(PostLike.objects.values_list("user", flat=True)) == [editor.pk]
    assert like_count(post) == 1


def test_the_count_is_recounted_from_the_likes_not_added_to(post, reader):
    Post.objects.filter(pk=post.pk).update(like_count=40)  # drifted somehow

    assert likes.like(post, reader) == 1


def test_a_change_bumps_the_generation_after_commit(
    post, reader, django_capture_on_commit_callbacks
):
    seen = [generation.current()]
    for act in (likes.like, likes.like, likes.unlike):
        with django_capture_on_commit_callbacks(execute=True):
            act(post, reader)
            assert generation.current() == seen[-1]  # not before the commit
        seen.append(generation.current())

    steps = [after - before for before, after in itertools.pairwise(seen)]
    assert steps == [1, 0, 1]  # one bump each; liking again changes nothing


def test_deleting_an_account_takes_its_likes_off_the_counts(post, reader, editor):
    other = factories.post("Elsewhere", author=post.author)
    for target in (post, other):
        likes.like(target, reader)
    likes.like(post, editor)

    reader.delete()

    assert (like_count(post), like_count(other)) == (1, 0)


def test_deleting_a_post_deletes_its_likes(post, reader):
    likes.like(post, reader)

    post.delete()

    assert not PostLike.objects.exists()


@pytest.mark.parametrize(
    ("count", "words"),
    [(0, "No likes yet"), (1, "1 reader likes this"), (2, "2 readers like this"),
     (12, "12 readers like this")],
)  # fmt: skip
def test_the_count_reads_as_english(count, words):
    assert likes.summary(count) == words


@pytest.mark.parametrize(
    ("name", "letters"),
    [("Ann Author", "AA"), ("Mary Ann Smith", "MS"), ("reader", "R"), ("jo_ann", "JA"),
     ("émile zola", "ÉZ"), ("…", "?")],
)  # fmt: skip
def test_initials_for_an_avatar_circle(name, letters):
    assert likes.initials(name) == letters


# Liking through the site --------------------------------------------------------------


def test_a_reader_likes_with_a_plain_form_and_lands_back_on_the_likes(client_for, reader, post):
    response = client_for(reader).post(like_url(post), {"action": "like"}, **BROWSER)

    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#likes"
    assert like_count(post) == 1


def test_a_reader_unlikes_with_the_same_form(client_for, reader, post):
    likes.like(post, reader)

    response = client_for(reader).post(like_url(post), {"action": "unlike"})

    assert response.status_code == 302
    assert like_count(post) == 0


@pytest.mark.parametrize("headers", [JSON, {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}])
def test_scripts_get_json(client_for, reader, post, headers):
    client = client_for(reader)

    liked = client.post(like_url(post), {"action": "like"}, **headers)
    again = client.post(like_url(post), {"action": "like"}, **headers)
    unliked = client.post(like_url(post), {"action": "unlike"}, **headers)

    assert liked.json() == {"liked": True, "count": 1, "summary": "1 reader likes this"}
    assert again.json() == liked.json()
    assert unliked.json() == {"liked": False, "count": 0, "summary": "No likes yet"}


def test_staff_may_like_too(client_for, editor, post):
    response = client_for(editor).post(like_url(post), {"action": "like"}, **JSON)

    assert response.json()["count"] == 1


def test_a_guest_is_sent_to_sign_in_and_back_to_the_likes(guest, post):
    response = guest.post(like_url(post), {"action": "like"})

    assert response.status_code == 302
    next_url = quote(f"{post.get_absolute_url()}#likes", safe="/")
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={next_url}"
    assert not PostLike.objects.exists()


def test_a_guests_script_is_told_to_sign_in(guest, post):
    response = guest.post(like_url(post), {"action": "like"}, **JSON)

    assert response.status_code == 401
    assert response.json()["login_url"].startswith(resolve_url(settings.LOGIN_URL))
    assert not PostLike.objects.exists()


def test_liking_takes_a_post_request(client_for, reader, post):
    client = client_for(reader)

    assert client.get(like_url(post), {"action": "like"}).status_code == 405
    assert not PostLike.objects.exists()


def test_an_unknown_action_is_refused(client_for, reader, post):
    response = client_for(reader).post(like_url(post), {"action": "love"})

    assert response.status_code == 400
    assert not PostLike.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Post.Status.DRAFT},
        {"status": Post.Status.PENDING},
        {"status": Post.Status.PRIVATE},
        {"published_at": timezone.now() + timedelta(days=1)},  # scheduled
    ],
    ids=["draft", "pending", "private", "scheduled"],
)
@pytest.mark.parametrize("role", ["reader", "editor"])
def test_only_published_posts_can_be_liked(request, client_for, author, role, fields):
    hidden = factories.post("Not yet", author=author, **fields)
    client = client_for(request.getfixturevalue(role))

    response = client.post(like_url(hidden), {"action": "like"})

    assert response.status_code == 404
    assert not PostLike.objects.exists()


def test_no_page_can_take_the_like_address(db):
    with pytest.raises(ValidationError, match="used by another part of the site"):
        Page(title="Like", slug="like").full_clean()


def test_an_unknown_post_cannot_be_liked(client_for, reader):
    response = client_for(reader).post(reverse("blog:like", args=[999]), {"action": "like"})

    assert response.status_code == 404


def test_a_signed_in_like_needs_the_csrf_token(reader, post):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)

    forged = client.post(like_url(post), {"action": "like"})
    client.get(post.get_absolute_url())  # sets the CSRF cookie, as the page's form does
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    sent = client.post(like_url(post), {"action": "like", "csrfmiddlewaretoken": token})

    assert forged.status_code == 403
    assert sent.status_code == 302
    assert like_count(post) == 1


# What the pages show ------------------------------------------------------------------


def test_the_post_page_shows_the_count_the_latest_likers_and_a_sign_in_link(
    guest, post, monkeypatch
):
    monkeypatch.setattr(get_user_model(), "avatar_url", "", raising=False)
    fans = readers(7)
    for minutes, fan in enumerate(fans):
        PostLike.objects.create(post=post, user=fan, created_at=timezone.now() - timedelta(
            minutes=minutes))  # fmt: skip
    likes.refresh_counts([post.pk])

    response = guest.get(post.get_absolute_url())

    html = response.content.decode()
    assert "7 readers like this" in html
    shown = [liker.name for liker in response.context["likes"].likers]
    assert shown == [fan.get_display_name() for fan in fans[: likes.SHOWN_LIKERS]]
    assert '<span class="liker-initials" aria-hidden="true">FN</span>' in html
    assert html.count('class="liker-initials"') == likes.SHOWN_LIKERS
    assert f'href="{likes.login_url(post)}">Sign in to like</a>' in html
    assert 'class="like-form"' not in html


def test_a_likers_avatar_is_shown_when_they_have_one(guest, post, reader, monkeypatch):
    monkeypatch.setattr(get_user_model(), "avatar_url", "/media/avatars/r.webp", raising=False)
    likes.like(post, reader)

    html = guest.get(post.get_absolute_url()).content.decode()

    assert '<img class="liker-avatar" src="/media/avatars/r.webp" alt="reader"' in html
    assert "1 reader likes this" in html


def test_likers_names_are_escaped(guest, post):
    likes.like(post, factories.user("mallory", display_name="<b>Mallory</b>"))

    html = guest.get(post.get_absolute_url()).content.decode()

    assert "<b>Mallory</b>" not in html
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in html


def test_a_reader_sees_like_then_unlike(client_for, reader, post):
    client = client_for(reader)

    before = client.get(post.get_absolute_url())
    likes.like(post, reader)
    after = client.get(post.get_absolute_url())

    assert 'name="action" value="like"' in before.content.decode()
    assert ">Like</button>" in before.content.decode()
    assert 'name="action" value="unlike"' in after.content.decode()
    assert ">Unlike</button>" in after.content.decode()
    assert "csrfmiddlewaretoken" in after.content.decode()
    assert "Sign in to like" not in after.content.decode()


def test_a_reader_whose_like_is_older_than_the_latest_still_sees_unlike(client_for, reader, post):
    PostLike.objects.create(post=post, user=reader, created_at=timezone.now() - timedelta(days=9))
    for fan in readers(likes.SHOWN_LIKERS + 2):
        likes.like(post, fan)

    response = client_for(reader).get(post.get_absolute_url())

    assert response.context["likes"].liked
    assert response.context["likes"].likers[0].name == "reader"  # their own like comes first
    assert ">Unlike</button>" in response.content.decode()


def test_previews_of_unpublished_posts_have_no_likes(client_for, editor, draft):
    html = client_for(editor).get(draft.get_absolute_url()).content.decode()

    assert 'id="likes"' not in html


def test_listings_show_the_like_count_next_to_the_comment_count(guest, post, reader, editor):
    likes.like(post, reader)
    likes.like(post, editor)
    Post.objects.filter(pk=post.pk).update(comment_count=3)

    html = guest.get("/").content.decode()

    assert (
        f'<a class="comment-count" href="{post.get_absolute_url()}#comments">3 comments</a>\n'
        f'  <a class="like-count" href="{post.get_absolute_url()}#likes" data-like-count>'
        "2 likes</a>"
    ) in html


def test_a_post_nobody_likes_shows_no_count_on_listings(guest, post):
    assert 'class="like-count"' not in guest.get("/").content.decode()


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("viewer", ["guest", "reader"])
def test_pages_cost_the_same_queries_however_many_like_the_post(
    request, client, client_for, post, viewer, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # what making the page costs
    SiteSettings.load()  # made by the first request otherwise, which starts a new generation
    if viewer != "guest":
        client = client_for(request.getfixturevalue(viewer))
    likes.like(post, factories.user("first"))
    urls = [post.get_absolute_url(), "/", f"/author/{post.author.username}/"]
    for url in urls:
        client.get(url)  # warm the caches (site settings, navigation)
    few = [queries_for(client, url) for url in urls]

    for fan in readers(20):
        likes.like(post, fan)
    for url in urls:
        client.get(url)  # each like started a new content generation: warm again

    assert [queries_for(client, url) for url in urls] == few
