"""E-mail about comments: moderators, post authors and follow-up subscribers, and the
signed links in that mail. Mail is queued on commit; the test backend sends it at once."""

import re
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tasks import default_task_backend
from django_tasks_db.models import DBTaskResult

from accounts import roles
from comments import antispam, notifications, services, tasks
from comments.models import Comment, ModerationEvent, ModerationRule, Subscription

from . import factories

GUEST = {"name": "Gus Guest", "email": "gus@example.net", "url": "https://gus.example.net"}


@pytest.fixture(autouse=True)
def _comment_settings(settings):
    settings.SITE_URL = "https://blog.example"
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_RATE_LIMIT = ""


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs the on-commit callbacks, as the request's commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def send_comment(client, post, body, **fields):
    data = {**GUEST, "body": body, "token": antispam.form_token(post), **fields}
    response = client.post(f"/comments/post/{post.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Comment.objects.get(body=body)


def mail_to(address):
    return [message for message in mail.outbox if [to.lower() for to in message.to] == [address]]


def link(message, path_start):
    """The path of the first address in the mail's body that starts with `path_start`."""
    found = re.search(rf"https://blog\.example({re.escape(path_start)}\S+)", message.body)
    assert found, message.body
    return found.group(1)


def approve(comment, moderator, committed):
    with committed():
        services.set_status(comment, Comment.Status.APPROVED, actor=moderator)


def csrf_token(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


# Moderators ------------------------------------------------------------------------


def test_pending_comment_mails_every_moderator_with_an_address(
    client, post, moderator, editor, superuser, reader, committed
):
    factories.user("quiet", roles=[roles.MODERATORS], email="")
    factories.user("gone", roles=[roles.MODERATORS], is_active=False)

    with committed():
        comment = send_comment(client, post, "I disagree with the second point.")

    assert comment.status == Comment.Status.PENDING
    assert sorted(to for message in mail.outbox for to in message.to) == [
        "editor@example.org",
        "moderator@example.org",
        "root@example.org",
    ]
    message = mail_to("moderator@example.org")[0]
    assert message.subject == "New comment awaiting moderation on “On listening”"
    for text in [
        "Gus Guest",
        "gus@example.net",
        "https://gus.example.net",
        "127.0.0.1",
        "first comment",
        "I disagree with the second point.",
        "https://blog.example/admin/",
    ]:
        assert text in message.body
    approve_link, spam_link = re.findall(
        r"https://blog\.example/comments/moderate/\S+", message.body
    )
    assert approve_link != spam_link


def test_posting_a_comment_leaves_the_announcement_to_the_worker(
    client, post, moderator, settings, committed
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with committed():
        comment = send_comment(client, post, "Queued, not sent.")

    [queued] = default_task_backend.results
    assert queued.task.name == "announce"
    assert queued.args == [comment.pk, Comment.Status.PENDING]

    tasks.announce.call(*queued.args, **queued.kwargs)
    assert queued_mail() == [["moderator@example.org"]]


def test_a_moderator_quicker_than_the_worker_is_not_asked_to_moderate(
    client, post, moderator, settings, committed
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with committed():
        comment = send_comment(client, post, "Approved at once.", notify="on")
    [queued] = default_task_backend.results
    approve(comment, moderator, committed)
    default_task_backend.clear()

    tasks.announce.call(*queued.args, **queued.kwargs)

    assert queued_mail() == [[GUEST["email"]]]  # the follow-up confirmation alone


def queued_mail():
    """The addressees of each message queued for sending, with the dummy task backend."""
    return [
        result.args[2]
        for result in default_task_backend.results
        if result.task.name == "send_email"
    ]


def test_each_moderator_gets_links_of_their_own(client, post, moderator, editor, committed):
    with committed():
        send_comment(client, post, "Which treaty do you mean?")

    to_moderator = link(mail_to("moderator@example.org")[0], "/comments/moderate/")
    to_editor = link(mail_to("editor@example.org")[0], "/comments/moderate/")
    assert to_moderator != to_editor


def test_comments_not_waiting_for_a_moderator_are_not_announced_to_moderators(
    client_for, post, author, moderator, committed
):
    with committed():
        comment = send_comment(client_for(author), post, "Thanks for reading, all.")

    assert comment.status == Comment.Status.APPROVED
    assert mail.outbox == []  # nor does the author hear of their own comment


# The moderation link ---------------------------------------------------------------


@pytest.fixture
def pending(client, post, moderator, committed):
    with committed():
        comment = send_comment(client, post, "A first comment, held.")
    mail.outbox.clear()
    return comment


def moderation_path(comment, moderator, action="approve"):
    token = notifications.moderation_token(comment, action, moderator)
    return f"/comments/moderate/{token}/"


def test_opening_the_moderation_link_changes_nothing(client, pending, moderator, committed):
    with committed():
        send_comment(client, pending.post, "Another one.")
    message = mail_to("moderator@example.org")[0]
    path = link(message, "/comments/moderate/")
    events = ModerationEvent.objects.count()

    response = client.get(path)

    assert response.status_code == 200
    assert b"Approve" in response.content and b"csrfmiddlewaretoken" in response.content
    assert "noindex" in response.content.decode()
    assert Comment.objects.get(body="Another one.").status == Comment.Status.PENDING
    assert ModerationEvent.objects.count() == events


def test_posting_the_moderation_page_approves_as_that_moderator(pending, moderator, committed):
    browser = Client(enforce_csrf_checks=True)
    path = moderation_path(pending, moderator)
    page = browser.get(path)

    with committed():
        response = browser.post(path, {"csrfmiddlewaretoken": csrf_token(page)})

    assert response.status_code == 200
    assert b"approved and public" in response.content
    pending.refresh_from_db()
    assert pending.status == Comment.Status.APPROVED
    event = pending.events.first()
    assert (event.actor, event.action) == (moderator, "approved by e-mail link")
    assert (event.from_status, event.to_status) == ("pending", "approved")


def test_the_moderation_page_needs_its_csrf_token(pending, moderator):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(moderation_path(pending, moderator))

    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == Comment.Status.PENDING


def test_the_spam_link_marks_the_comment_as_spam(client, pending, moderator):
    response = client.post(moderation_path(pending, moderator, "spam"))

    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == Comment.Status.SPAM
    assert pending.events.first().action == "marked spam by e-mail link"


def test_a_tampered_moderation_link_is_refused(client, pending, moderator):
    token = notifications.moderation_token(pending, "approve", moderator)
    payload, rest = token.split(":", 1)
    forged = signing.dumps({"c": pending.pk, "a": "approve", "u": moderator.pk + 1})
    for path in [
        f"/comments/moderate/{token[:-2]}xy/",
        f"/comments/moderate/{payload[:-1]}A:{rest}/",
        f"/comments/moderate/{forged}/",  # signed, but for another purpose
    ]:
        assert client.get(path).status_code == 400
        response = client.post(path)
        assert response.status_code == 400
        assert b"not valid" in response.content

    pending.refresh_from_db()
    assert pending.status == Comment.Status.PENDING


def test_an_expired_moderation_link_is_refused(client, pending, moderator, monkeypatch):
    eight_days_ago = time.time() - 8 * 24 * 60 * 60
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: eight_days_ago)
        path = moderation_path(pending, moderator)

    response = client.post(path)

    assert response.status_code == 400
    assert b"expired" in response.content
    pending.refresh_from_db()
    assert pending.status == Comment.Status.PENDING


def test_a_moderator_who_lost_the_permission_cannot_use_their_link(client, pending, moderator):
    path = moderation_path(pending, moderator)
    moderator.groups.clear()

    assert client.get(path).status_code == 403
    assert client.post(path).status_code == 403
    pending.refresh_from_db()
    assert pending.status == Comment.Status.PENDING


def test_a_link_for_a_comment_already_in_that_status_says_so(client, pending, moderator, committed):
    approve(pending, moderator, committed)
    events = pending.events.count()

    response = client.post(moderation_path(pending, moderator))

    assert response.status_code == 200
    assert b"already approved" in response.content
    assert pending.events.count() == events


# The post's author -----------------------------------------------------------------


def test_the_post_author_hears_of_each_approved_comment(client, pending, moderator, committed):
    with committed():
        client.post(moderation_path(pending, moderator))

    [message] = mail_to("author@example.org")
    assert message.subject == "New comment on “On listening”"
    assert "Gus Guest" in message.body and "A first comment, held." in message.body
    assert f"https://blog.example/comments/{pending.pk}/" in message.body


def test_the_post_author_is_not_told_of_their_own_comment(
    client_for, post, author, moderator, committed
):
    ModerationRule.objects.create(list=ModerationRule.List.MODERATION, value="treaty")
    with committed():
        comment = send_comment(client_for(author), post, "The treaty text is online.")
    assert comment.status == Comment.Status.PENDING
    mail.outbox.clear()

    approve(comment, moderator, committed)

    assert mail.outbox == []


def test_a_comment_approved_again_after_reports_is_not_announced_again(
    pending, moderator, committed
):
    approve(pending, moderator, committed)
    with committed():
        services.set_status(pending, Comment.Status.PENDING, action="held after reports")
    mail.outbox.clear()

    approve(pending, moderator, committed)

    assert mail.outbox == []


def test_subjects_stay_on_one_line(client, author, moderator, committed):
    post = factories.post("Line one\r\nBcc: victim@example.org", author=author)

    with committed():
        send_comment(client, post, "Header injection?")

    [message] = mail_to("moderator@example.org")
    assert message.subject == (
        "New comment awaiting moderation on “Line one Bcc: victim@example.org”"
    )
    assert message.bcc == []


# Follow-up comments ----------------------------------------------------------------


def test_a_guest_who_asks_for_follow_ups_gets_one_confirmation_mail(client, post, committed):
    with committed():
        send_comment(client, post, "Please keep me posted.", notify="on")

    subscription = Subscription.objects.get(post=post)
    assert (subscription.email, subscription.confirmed) == ("gus@example.net", False)
    assert subscription.confirmation_sent_at is not None
    [message] = mail_to("gus@example.net")
    assert "On listening" in message.subject
    assert "/comments/follow/confirm/" in message.body


def test_the_site_sends_at_most_one_confirmation_mail_a_day_per_address(
    client, post, author, committed
):
    other_post = factories.post("Second talks", author=author)
    with committed():
        send_comment(client, post, "Keep me posted.", notify="on")
        send_comment(client, other_post, "Here too.", notify="on", email="GUS@example.net")

    assert len(mail_to("gus@example.net")) == 1
    assert Subscription.objects.get(post=other_post).confirmed is False

    Subscription.objects.update(confirmation_sent_at=timezone.now() - timedelta(hours=25))
    with committed():
        send_comment(client, other_post, "And once more.", notify="on")

    assert len(mail_to("gus@example.net")) == 2
    assert Subscription.objects.filter(post=other_post).count() == 1


@pytest.fixture
def guest_following(client, post, moderator, committed):
    """Gus's comment is approved and he has asked for follow-ups (not yet confirmed)."""
    with committed():
        comment = send_comment(client, post, "Keep me posted.", notify="on")
    approve(comment, moderator, committed)
    confirmation = mail_to("gus@example.net")[0]
    mail.outbox.clear()
    return comment, link(confirmation, "/comments/follow/confirm/")


def test_an_unconfirmed_subscriber_hears_of_nothing(client, guest_following, moderator, committed):
    gus_comment, _ = guest_following
    with committed():
        reply = send_comment(
            client, gus_comment.post, "A reply.", name="Rita", email="rita@example.net"
        )
    approve(reply, moderator, committed)

    assert mail_to("gus@example.net") == []


def test_a_confirmed_subscriber_hears_of_replies_but_the_replier_does_not(
    client, client_for, reader, guest_following, moderator, committed
):
    gus_comment, confirm_path = guest_following
    assert client.get(confirm_path).status_code == 200
    assert Subscription.objects.get(email="gus@example.net").confirmed is False
    assert client.post(confirm_path).status_code == 200
    assert Subscription.objects.get(email="gus@example.net").confirmed is True

    with committed():
        reply = send_comment(
            client_for(reader), gus_comment.post, "I was there.", parent=gus_comment.pk,
            notify="on",
        )  # fmt: skip
    approve(reply, moderator, committed)

    [message] = mail_to("gus@example.net")
    assert "reader" in message.body and "I was there." in message.body
    assert f"https://blog.example/comments/{reply.pk}/" in message.body
    unsubscribe = link(message, "/comments/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe"] == f"<https://blog.example{unsubscribe}>"
    assert mail_to("reader@example.org") == []


def test_a_signed_in_reader_follows_at_once(client_for, reader, post, committed):
    with committed():
        send_comment(client_for(reader), post, "Following this.", notify="on")

    subscription = Subscription.objects.get(post=post)
    assert (subscription.email, subscription.user, subscription.confirmed) == (
        "reader@example.org",
        reader,
        True,
    )
    assert mail_to("reader@example.org") == []


def test_a_tampered_confirmation_link_is_refused(client, guest_following):
    _, confirm_path = guest_following

    response = client.post(confirm_path.replace("/confirm/", "/confirm/x"))

    assert response.status_code == 400
    assert Subscription.objects.get(email="gus@example.net").confirmed is False


def test_unsubscribing_takes_a_post_and_stops_the_mail(
    client, guest_following, moderator, committed
):
    gus_comment, confirm_path = guest_following
    client.post(confirm_path)
    with committed():
        reply = send_comment(
            client, gus_comment.post, "First reply.", name="Rita", email="rita@example.net"
        )
    approve(reply, moderator, committed)
    unsubscribe = link(mail_to("gus@example.net")[0], "/comments/unsubscribe/")
    mail.outbox.clear()

    assert client.get(unsubscribe).status_code == 200
    assert Subscription.objects.filter(email="gus@example.net").exists()
    # Without a CSRF token, as a mail program's one-click unsubscribe sends it.
    assert Client(enforce_csrf_checks=True).post(unsubscribe).status_code == 200
    assert not Subscription.objects.filter(email="gus@example.net").exists()

    with committed():
        second = send_comment(
            client, gus_comment.post, "Second reply.", name="Rita", email="rita@example.net"
        )
    approve(second, moderator, committed)
    assert mail_to("gus@example.net") == []
    assert client.get(unsubscribe).status_code == 200  # an old link still answers


def test_the_announcement_is_queued_with_the_comment_or_not_at_all(post, moderator, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with pytest.raises(RuntimeError), transaction.atomic():
        services.submit(
            Comment(post=post, name="Gus", email="gus@example.net", body="Lost."),
            notify=True,
        )
        raise RuntimeError("the request failed after saving")

    assert not DBTaskResult.objects.exists()
    assert not Comment.objects.exists()

    kept = services.submit(Comment(post=post, name="Gus", email="gus@example.net", body="Kept."))
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "comments.tasks.announce"
    assert queued.args_kwargs["args"] == [kept.pk, Comment.Status.PENDING]
    assert mail.outbox == []
    assert not Subscription.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_announcement_run_again_after_its_worker_died_mails_each_moderator_once(
    post, moderator, editor, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    services.submit(Comment(post=post, name="Gus", email="gus@example.net", body="Held."))
    render = notifications.render_to_string
    rendered = []

    def dies_at_the_second_message(*args, **kwargs):
        rendered.append(args[0])
        if len(rendered) == 2:
            raise RuntimeError("the worker died here")
        return render(*args, **kwargs)

    monkeypatch.setattr(notifications, "render_to_string", dies_at_the_second_message)
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    [announcement] = DBTaskResult.objects.filter(task_path="comments.tasks.announce")
    assert announcement.status == "FAILED"
    monkeypatch.setattr(notifications, "render_to_string", render)

    call_command("tasks", "--retry", str(announcement.pk), stdout=StringIO())
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    assert sorted(to for message in mail.outbox for to in message.to) == [
        "editor@example.org",
        "moderator@example.org",
    ]
