"""Profiles: editing one's own, avatars (uploaded or initials), the author page, and a
reader's own page of comments and follow-up e-mail."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.shortcuts import resolve_url
from django.urls import reverse
from PIL import Image

from accounts import avatars
from comments.models import Comment, Subscription

from . import factories

pytestmark = pytest.mark.django_db

PROFILE = reverse("profile:edit")
ACTIVITY = reverse("profile:activity")
ACT = reverse("profile:activity_action", args=["comments"])
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'


def profile_data(**overrides):
    data = {"display_name": "Rita Reader", "bio": "I read.", "website": "https://rita.example"}
    data.update(overrides)
    return data


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def three_bands(size=(600, 400)):
    """Red edges a sixth of the width each, blue in the middle: a centred square crop
    of it is all blue."""
    image = Image.new("RGB", size, (0, 0, 255))
    band = size[0] // 6
    image.paste((255, 0, 0), (0, 0, band, size[1]))
    image.paste((255, 0, 0), (size[0] - band, 0, size[0], size[1]))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def is_sign_in_redirect(response, path):
    return response.status_code == 302 and response.url.startswith(
        f"{resolve_url(settings.LOGIN_URL)}?next={path}"
    )


# Who may see the pages ---------------------------------------------------------------


@pytest.mark.parametrize("path", [PROFILE, ACTIVITY])
def test_a_guest_is_sent_to_sign_in(guest, path):
    assert is_sign_in_redirect(guest.get(path), path)


def test_a_guest_cannot_change_subscriptions(guest):
    assert is_sign_in_redirect(guest.post(ACT, {"action": "unfollow_all"}), ACT)


# Editing the profile -----------------------------------------------------------------


def test_reader_edits_their_profile(client_for, reader):
    client = client_for(reader)
    assert client.get(PROFILE).status_code == 200

    response = client.post(PROFILE, profile_data())

    assert response.status_code == 302
    reader.refresh_from_db()
    assert (reader.display_name, reader.bio, reader.website) == (
        "Rita Reader",
        "I read.",
        "https://rita.example",
    )
    assert "Your profile is saved." in client.get(PROFILE).content.decode()


def test_a_refused_form_keeps_what_was_typed_and_saves_nothing(client_for, reader):
    response = client_for(reader).post(
        PROFILE, profile_data(display_name="Typed Name", website="not a web address")
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Typed Name"' in page
    assert "Enter a valid URL." in page
    reader.refresh_from_db()
    assert reader.display_name == ""


def test_an_uploaded_avatar_is_cut_to_a_centred_square(client_for, reader):
    upload = factories.upload("portrait.png", content=three_bands((600, 400)))

    response = client_for(reader).post(PROFILE, profile_data(avatar=upload))

    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.avatar.name.startswith("avatars/") and reader.avatar.name.endswith(".webp")
    with default_storage.open(reader.avatar.name) as stored, Image.open(stored) as image:
        assert image.format == "WEBP"
        assert image.size == (avatars.SIZE, avatars.SIZE)
        rgb = image.convert("RGB")
        for corner in [(0, 0), (avatars.SIZE - 1, 0), (0, avatars.SIZE - 1)]:
            red, _, blue = rgb.getpixel(corner)
            assert blue > 200 and red < 60, "the red edges were cut off"
    assert media_files() == [reader.avatar.name], "the original upload is not kept"
    assert reader.avatar_url == reader.avatar.url


def test_a_small_avatar_is_squared_but_not_enlarged(client_for, reader):
    client_for(reader).post(PROFILE, profile_data(avatar=factories.upload(size=(64, 48))))

    reader.refresh_from_db()
    with default_storage.open(reader.avatar.name) as stored, Image.open(stored) as image:
        assert image.size == (48, 48)


def test_replacing_or_clearing_an_avatar_deletes_the_old_file(
    client_for, reader, django_capture_on_commit_callbacks
):
    client = client_for(reader)
    client.post(PROFILE, profile_data(avatar=factories.upload()))
    reader.refresh_from_db()
    first = reader.avatar.name

    with django_capture_on_commit_callbacks(execute=True):
        client.post(PROFILE, profile_data(avatar=factories.upload("new.jpg", fmt="JPEG")))
    reader.refresh_from_db()
    assert reader.avatar.name != first
    assert media_files() == [reader.avatar.name]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(PROFILE, profile_data(**{"avatar-clear": "on"}))
    reader.refresh_from_db()
    assert not reader.avatar
    assert media_files() == []


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            factories.upload("drawing.svg", content=SVG),
            "This file is not an image we can read; upload a JPEG, PNG, WebP or GIF file.",
        ),
        (
            factories.upload("notes.png", content=b"Just some text, renamed."),
            "This file is not an image we can read; upload a JPEG, PNG, WebP or GIF file.",
        ),
        (factories.upload("huge.png", size=(300, 300)), "images may be at most"),
        (factories.upload("wide.png", size=(2000, 100)), "the limit is 100,000 pixels"),
    ],
    ids=["svg", "text-renamed-png", "too-many-bytes", "too-many-pixels"],
)
def test_a_bad_avatar_is_refused_with_a_message_and_nothing_saved(
    client_for, reader, settings, upload, message
):
    settings.IMAGE_MAX_PIXELS = 100_000
    if upload.name == "huge.png":
        settings.IMAGE_MAX_UPLOAD_BYTES = upload.size - 1
    upload.seek(0)

    response = client_for(reader).post(PROFILE, profile_data(avatar=upload))

    assert response.status_code == 400
    assert message in response.content.decode()
    reader.refresh_from_db()
    assert not reader.avatar
    assert reader.display_name == ""
    assert media_files() == []


# Initials avatars --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "username", "expected"),
    [
        ("Ann Author", "ann", "AA"),
        ("madonna", "m", "M"),
        ("Jean-Luc de la Picard", "jl", "JP"),
        ("émile zola", "ez", "ÉZ"),
        ("🙂 ", "zed", "Z"),
        ("", "___", "?"),
    ],
)
def test_initials_are_the_first_and_last_words_first_letters(name, username, expected):
    assert avatars.initials(name, username) == expected


def test_a_user_without_an_avatar_gets_initials_on_their_own_colour(client, db):
    person = factories.user("ann", display_name="Ann Author")

    response = client.get(person.avatar_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "immutable" in response["Cache-Control"]
    svg = response.content.decode()
    assert ">AA</text>" in svg
    assert avatars.PALETTE[avatars.colour_index("ann")] in svg
    assert "<script" not in svg


def test_initials_beyond_ascii_make_a_working_address(client, db):
    person = factories.user("emile", display_name="Émile Zola")

    response = client.get(person.avatar_url)

    assert response.status_code == 200
    assert ">ÉZ</text>" in response.content.decode()


def test_the_initials_follow_the_display_name(db):
    person = factories.user("bob", display_name="Bob Builder")
    before = person.avatar_url
    person.display_name = "Robert"
    assert person.avatar_url != before
    assert person.avatar_url.endswith("/R.svg")


def test_avatar_urls_cost_no_query(db, django_assert_num_queries):
    plain = factories.user("plain")
    pictured = factories.user("pictured", avatar=factories.upload())
    with django_assert_num_queries(0):
        assert plain.avatar_url.startswith("/profile/avatar/")
        assert pictured.avatar_url.startswith(settings.MEDIA_URL)


@pytest.mark.parametrize(
    "path",
    [
        "/profile/avatar/99/AB.svg",  # no such colour
        "/profile/avatar/1/ABC.svg",  # more than two letters
        "/profile/avatar/1/%3Cb.svg",  # markup
    ],
)
def test_made_up_initials_addresses_are_not_found(client, path):
    assert client.get(path).status_code == 404


# The author page ---------------------------------------------------------------------


def test_author_page_shows_bio_avatar_website_and_published_posts(client, author):
    author.website = "https://ann.example"
    author.avatar = factories.upload()
    author.save()
    factories.post("Mediation at dawn", author=author)
    factories.post("A second essay", author=author)
    factories.post("Still a draft", author=author, status="draft")

    response = client.get(reverse("blog:author", args=[author.username]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ann writes about mediation." in page
    assert author.avatar.url in page
    assert "https://ann.example" in page
    assert "Mediation at dawn" in page and "A second essay" in page
    assert "Still a draft" not in page
    assert "2 published posts" in page


def test_author_page_of_someone_without_an_avatar_shows_initials(client, author):
    response = client.get(reverse("blog:author", args=[author.username]))

    assert author.avatar_url in response.content.decode()
    assert author.avatar_url.endswith("/AA.svg")


def test_author_page_is_paginated(client, author, settings):
    settings.BLOG_POSTS_PER_PAGE = 1
    factories.post("First", author=author)
    factories.post("Second", author=author)

    page_two = client.get(reverse("blog:author", args=[author.username]) + "page/2/")

    assert page_two.status_code == 200
    assert "Page 2 of 2" in page_two.content.decode()


# A reader's own page -----------------------------------------------------------------


def test_own_page_lists_their_comments_with_status(client_for, reader, post):
    factories.comment(post, user=reader, body="My approved thought.")
    factories.comment(post, user=reader, status=Comment.Status.PENDING, body="My pending thought.")
    factories.comment(post, user=reader, status=Comment.Status.REMOVED, body="My removed thought.")
    factories.comment(post, body="Somebody else's thought.")

    response = client_for(reader).get(ACTIVITY)

    page = response.content.decode()
    assert response.status_code == 200
    for text, status in [
        ("My approved thought.", "Approved"),
        ("My pending thought.", "Pending"),
        ("My removed thought.", "Removed"),
    ]:
        assert text in page
        assert f'<strong class="comment-status">{status}</strong>' in page
    assert "waiting for a moderator" in page
    assert "Somebody else" not in page
    assert "On listening" in page


def test_own_page_lists_follow_up_email_per_thread(client_for, reader, post, author):
    followed = factories.post("Followed by account", author=author)
    followed_as_guest = factories.post("Followed as guest", author=author)
    Subscription.objects.create(post=followed, email=reader.email, user=reader, confirmed=True)
    Subscription.objects.create(post=followed_as_guest, email=reader.email.upper(), confirmed=True)
    factories.comment(post, user=reader)  # commented, not followed
    Subscription.objects.create(post=factories.post(author=author), email="x@example.org")

    response = client_for(reader).get(ACTIVITY)

    threads = {t["post"].title: t["following"] for t in response.context["threads"]}
    assert threads == {
        "Followed by account": True,
        "Followed as guest": True,
        "On listening": False,
    }
    page = response.content.decode()
    assert "Stop all e-mail about comments" in page
    assert 'value="follow"' in page and 'value="unfollow"' in page


def test_turning_follow_up_email_off_and_on_again(client_for, reader, post):
    factories.comment(post, user=reader)
    Subscription.objects.create(post=post, email=reader.email, user=reader, confirmed=True)
    client = client_for(reader)

    response = client.post(ACT, {"action": "unfollow", "post": post.pk})

    assert response.status_code == 302 and response.url == ACTIVITY
    assert not Subscription.objects.filter(post=post).exists()
    assert (
        "no more e-mail about new comments on “On listening”"
        in client.get(ACTIVITY).content.decode()
    )

    client.post(ACT, {"action": "follow", "post": post.pk})

    subscription = Subscription.objects.get(post=post)
    assert (subscription.email, subscription.user, subscription.confirmed) == (
        reader.email,
        reader,
        True,
    )


def test_unsubscribe_from_all_leaves_other_peoples_subscriptions(client_for, reader, author):
    posts = [factories.post(author=author) for _ in range(3)]
    for entry in posts:
        Subscription.objects.create(post=entry, email=reader.email, user=reader, confirmed=True)
    theirs = Subscription.objects.create(post=posts[0], email="other@example.org", confirmed=True)

    client_for(reader).post(ACT, {"action": "unfollow_all"})

    assert list(Subscription.objects.all()) == [theirs]


def test_a_reader_cannot_turn_off_someone_elses_email(client_for, reader, post):
    theirs = Subscription.objects.create(post=post, email="other@example.org", confirmed=True)

    client_for(reader).post(ACT, {"action": "unfollow", "post": post.pk})

    assert Subscription.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize(
    "data", [{"action": "explode"}, {"action": "follow"}, {"action": "follow", "post": "999"}]
)
def test_a_change_that_makes_no_sense_is_refused(client_for, reader, data):
    assert client_for(reader).post(ACT, data).status_code == 400


def test_subscription_changes_need_a_post_request(client_for, reader):
    assert client_for(reader).get(ACT).status_code == 405
    assert (
        client_for(reader).post(reverse("profile:activity_action", args=["nope"])).status_code
        == 404
    )
