"""Personal data: downloading one's own, deleting one's account, and staff exporting or
erasing a guest commenter's by e-mail address."""

import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import resolve_url
from django.urls import reverse

from accounts import personal_data
from comments.models import Comment, ModerationEvent, Report, Subscription, refresh_comment_counts

from . import factories

pytestmark = pytest.mark.django_db

EXPORT = reverse("profile:export")
DELETE = reverse("profile:delete")
PASSWORD = "correct horse battery staple"
GUEST_DATA = reverse("admin:comments_comment_guest_data")
GUEST_EXPORT = reverse("admin:comments_comment_guest_data_export")


# What a comment keeps besides its words and its author's name and address; a guest's
# keeps their website too. Deleting an account or erasing a guest takes it all.
SENT_FROM = {"ip_address": "192.0.2.7", "user_agent": "Firefox"}
GUEST = {"url": "https://grace.example", **SENT_FROM}


def refresh_counts(post):
    refresh_comment_counts([post.pk])
    post.refresh_from_db()


def exists(user):
    return get_user_model().objects.filter(pk=user.pk).exists()


# Who may do what ---------------------------------------------------------------------


@pytest.mark.parametrize("path", [EXPORT, DELETE])
def test_a_guest_is_sent_to_sign_in(guest, path):
    response = guest.get(path)
    assert response.status_code == 302
    assert response.url.startswith(f"{resolve_url(settings.LOGIN_URL)}?next={path}")


def test_a_guest_cannot_delete_anything(guest, reader):
    guest.post(DELETE, {"comments": "keep", "password": PASSWORD})
    assert exists(reader)


def test_the_comments_app_registers_its_provider():
    assert personal_data.get("comments") is not None


# Download my data --------------------------------------------------------------------


def test_export_is_a_json_file_of_the_profile_comments_and_subscriptions(client_for, reader, post):
    reader.display_name, reader.bio = "Rita Reader", "I read."
    reader.save()
    mine = factories.comment(post, user=reader, body="My own words.", **SENT_FROM)
    factories.comment(
        post, user=reader, status=Comment.Status.PENDING, body="Waiting words.", **SENT_FROM
    )
    factories.comment(post, body="Somebody else's words.", **GUEST)
    Subscription.objects.create(post=post, email=reader.email, user=reader, confirmed=True)
    Subscription.objects.create(post=post, email="other@example.org", confirmed=True)
    Report.objects.create(comment=mine, user=reader, reason="typo in my own comment")

    response = client_for(reader).get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="personal-data-reader')
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["profile"]["username"] == "reader"
    assert data["profile"]["display_name"] == "Rita Reader"
    assert data["profile"]["bio"] == "I read."
    assert data["profile"]["email"] == reader.email
    comments = data["comments"]["comments"]
    assert [c["text"] for c in comments] == ["My own words.", "Waiting words."]
    first = comments[0]
    assert first["status"] == "approved"
    assert first["post"] == {
        "title": "On listening",
        "url": settings.SITE_URL + post.get_absolute_url(),
    }
    assert first["submitted_at"].startswith(str(mine.submitted_at.date()))
    assert first["url"].endswith(mine.get_absolute_url())
    assert comments[1]["url"] == ""  # not public: no link to it
    assert data["comments"]["subscriptions"] == [
        {
            "post": first["post"],
            "email": reader.email,
            "confirmed": True,
            "created_at": data["comments"]["subscriptions"][0]["created_at"],
        }
    ]
    assert data["comments"]["reports"][0]["reason"] == "typo in my own comment"
    assert "other@example.org" not in response.content.decode()
    assert "Somebody else" not in response.content.decode()


def test_export_only_ever_holds_the_signed_in_persons_data(client_for, reader, moderator, post):
    factories.comment(post, user=reader, body="Reader's words.", **SENT_FROM)
    data = json.loads(client_for(moderator).get(EXPORT).content)
    assert data["profile"]["username"] == "moderator"
    assert data["comments"]["comments"] == []


# Delete my account -------------------------------------------------------------------


def test_delete_page_asks_for_the_password_and_keeps_comments_by_default(client_for, reader):
    response = client_for(reader).get(DELETE)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="password"' in page
    assert response.context["form"]["comments"].value() == "keep"
    assert 'value="keep" id="id_comments_0" required checked' in page
    assert "Remove my comments" in page
    assert exists(reader)


def test_deleting_keeps_comments_in_place_without_anything_that_leads_back(
    client_for, reader, post
):
    kept = factories.comment(post, user=reader, body="Worth keeping.", **SENT_FROM)
    reply = factories.comment(post, parent=kept, body="I agree.", **GUEST)
    Subscription.objects.create(post=post, email=reader.email, user=reader, confirmed=True)
    Subscription.objects.create(post=post, email="grace@example.org", confirmed=True)
    refresh_counts(post)
    client = client_for(reader)

    response = client.post(DELETE, {"comments": "keep", "password": PASSWORD})

    assert response.status_code == 200
    assert "Your account is deleted" in response.content.decode()
    assert not exists(reader)
    kept.refresh_from_db()
    assert (kept.user, kept.name, kept.email, kept.url) == (None, "Deleted user", "", "")
    assert (kept.ip_address, kept.user_agent) == (None, "")
    assert kept.status == Comment.Status.APPROVED
    assert kept.body == "Worth keeping."
    assert kept.events.filter(action="personal data erased").exists()
    assert list(Subscription.objects.values_list("email", flat=True)) == ["grace@example.org"]
    post.refresh_from_db()
    assert post.comment_count == 2
    # Signed out: the profile pages send the browser to sign in.
    assert client.get(reverse("profile:edit")).status_code == 302
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Deleted user" in page and "Worth keeping." in page
    reply.refresh_from_db()
    assert reply.parent_id == kept.pk


def test_deleting_can_remove_comments_leaving_placeholders_for_replies(
    client_for, reader, post, django_capture_on_commit_callbacks
):
    answered = factories.comment(post, user=reader, body="Something regrettable.", **SENT_FROM)
    reply = factories.comment(post, parent=answered, body="A reply that stays.", **GUEST)
    alone = factories.comment(
        post,
        user=reader,
        status=Comment.Status.PENDING,
        body="Unanswered and pending.",
        **SENT_FROM,
    )
    refresh_counts(post)
    assert post.comment_count == 2

    client_for(reader).post(DELETE, {"comments": "remove", "password": PASSWORD})

    assert not exists(reader)
    for removed in (answered, alone):
        removed.refresh_from_db()
        assert removed.status == Comment.Status.REMOVED
        assert (removed.body, removed.body_html, removed.user, removed.email) == ("", "", None, "")
        event = removed.events.get(to_status=Comment.Status.REMOVED)
        assert event.action == "removed: account deleted"
        assert event.actor is None
    reply.refresh_from_db()
    assert reply.status == Comment.Status.APPROVED and reply.parent_id == answered.pk
    post.refresh_from_db()
    assert post.comment_count == 1
    page = factories.user("visitor")
    response = client_for(page).get(post.get_absolute_url())
    html = response.content.decode()
    assert "This comment was removed." in html
    assert "A reply that stays." in html
    assert "Something regrettable." not in html


def test_a_wrong_password_deletes_and_changes_nothing(client_for, reader, post):
    mine = factories.comment(post, user=reader, **SENT_FROM)
    Subscription.objects.create(post=post, email=reader.email, user=reader, confirmed=True)

    response = client_for(reader).post(DELETE, {"comments": "remove", "password": "guess"})

    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    assert exists(reader)
    mine.refresh_from_db()
    assert (mine.user, mine.status) == (reader, Comment.Status.APPROVED)
    assert Subscription.objects.filter(user=reader).exists()


def test_an_author_with_posts_is_told_to_ask_an_editor(client_for, author, post):
    client = client_for(author)

    page = client.get(DELETE)

    html = page.content.decode()
    assert "Ask an editor to reassign your posts" in html
    assert "1 post still has you as its author" in html
    assert 'name="password"' not in html

    response = client.post(DELETE, {"comments": "keep", "password": PASSWORD})

    assert response.status_code == 409
    assert "Ask an editor to reassign your posts" in response.content.decode()
    assert exists(author)


def test_an_account_without_a_password_is_asked_to_set_one(client_for, reader):
    reader.set_unusable_password()
    reader.save()

    response = client_for(reader).get(DELETE)

    assert "set a password" in response.content.decode()
    assert 'name="password"' not in response.content.decode()


def test_the_avatar_file_goes_with_the_account(
    client_for, reader, django_capture_on_commit_callbacks
):
    reader.avatar = factories.upload()
    reader.save()
    storage, name = reader.avatar.storage, reader.avatar.name
    assert storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        client_for(reader).post(DELETE, {"comments": "keep", "password": PASSWORD})

    assert not storage.exists(name)


# Staff: a guest commenter's data -----------------------------------------------------


@pytest.fixture
def guest_comments(post):
    first = factories.comment(post, body="Guest words.", **GUEST)
    second = factories.comment(
        post,
        status=Comment.Status.PENDING,
        body="More guest words.",
        email="GRACE@example.org",
        **GUEST,
    )
    reply = factories.comment(
        post, parent=first, body="Someone answers.", email="other@example.org", **GUEST
    )
    Subscription.objects.create(post=post, email="grace@example.org", confirmed=True)
    refresh_counts(post)
    return first, second, reply


def test_a_comment_page_links_to_its_guests_data(client_for, moderator, guest_comments):
    response = client_for(moderator).get(
        reverse("admin:comments_comment_change", args=[guest_comments[0].pk])
    )
    assert f"{GUEST_DATA}?email=grace%40example.org" in response.content.decode()


def test_moderator_sees_what_is_kept_about_a_guest(client_for, moderator, guest_comments):
    response = client_for(moderator).get(GUEST_DATA, {"email": "grace@example.org"})

    assert response.status_code == 200
    assert response.context["comment_total"] == 2
    assert response.context["subscription_total"] == 1
    assert "Erase this guest's personal data" in response.content.decode()


def test_moderator_exports_everything_by_a_guests_email(
    client_for, moderator, guest_comments, reader, post
):
    factories.comment(
        post, user=reader, body="An account's words.", email="grace@example.org", **SENT_FROM
    )

    response = client_for(moderator).get(GUEST_EXPORT, {"email": "grace@example.org"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert [c["text"] for c in data["comments"]] == ["Guest words.", "More guest words."]
    assert data["comments"][0]["post"]["title"] == "On listening"
    assert data["comments"][0]["ip_address"] == "192.0.2.7"
    assert [s["email"] for s in data["subscriptions"]] == ["grace@example.org"]


def test_moderator_erases_a_guest_keeping_the_comments(client_for, moderator, guest_comments, post):
    first, second, reply = guest_comments

    response = client_for(moderator).post(
        GUEST_DATA, {"email": "grace@example.org", "comments": "keep"}
    )

    assert response.status_code == 302
    for kept in (first, second):
        kept.refresh_from_db()
        assert (kept.name, kept.email, kept.url, kept.ip_address, kept.user_agent) == (
            "Guest",
            "",
            "",
            None,
            "",
        )
        assert kept.body != ""
        event = kept.events.get(action="personal data erased")
        assert event.actor == moderator
    assert first.status == Comment.Status.APPROVED and second.status == Comment.Status.PENDING
    reply.refresh_from_db()
    assert reply.email == "other@example.org"
    assert not Subscription.objects.exists()
    after = client_for(moderator).get(GUEST_DATA, {"email": "grace@example.org"})
    assert "No guest comments or subscriptions have this e-mail address." in (
        after.content.decode()
    )


def test_moderator_erases_a_guest_removing_the_comments(
    client_for, moderator, guest_comments, post
):
    first, second, reply = guest_comments

    client_for(moderator).post(GUEST_DATA, {"email": "grace@example.org", "comments": "remove"})

    for removed in (first, second):
        removed.refresh_from_db()
        assert removed.status == Comment.Status.REMOVED
        assert removed.body == "" and removed.email == ""
        event = removed.events.get(to_status=Comment.Status.REMOVED)
        assert event.actor == moderator
    post.refresh_from_db()
    assert post.comment_count == 1  # the reply
    assert (
        ModerationEvent.objects.filter(actor=moderator, action="personal data erased").count() == 2
    )


def test_erasing_a_guest_needs_a_choice_and_a_valid_address(client_for, moderator, guest_comments):
    client = client_for(moderator)
    assert client.post(GUEST_DATA, {"email": "grace@example.org"}).status_code == 400
    assert client.post(GUEST_DATA, {"email": "nonsense", "comments": "keep"}).status_code == 400
    assert Comment.objects.filter(email="grace@example.org").count() == 1


@pytest.mark.parametrize("path", [GUEST_DATA, GUEST_EXPORT])
def test_an_author_without_moderate_permission_gets_403(client_for, author, guest_comments, path):
    client = client_for(author)
    assert client.get(path, {"email": "grace@example.org"}).status_code == 403
    assert (
        client.post(GUEST_DATA, {"email": "grace@example.org", "comments": "remove"}).status_code
        == 403
    )
    assert (
        Comment.objects.filter(email__iexact="grace@example.org", ip_address__isnull=False).count()
        == 2
    )


@pytest.mark.parametrize("path", [GUEST_DATA, GUEST_EXPORT])
def test_readers_and_guests_are_sent_to_the_admin_sign_in(client, reader, path):
    assert client.get(path, {"email": "grace@example.org"}).status_code == 302
    client.force_login(reader)
    response = client.get(path, {"email": "grace@example.org"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
