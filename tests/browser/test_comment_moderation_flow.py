"""A discussion end to end in Chromium: a guest comments, a moderator approves it in the
admin, everyone sees it, a reader replies with the JavaScript reply form, and the
e-mails that go with each step are sent."""

import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from accounts import roles
from comments.models import Comment
from tests import factories

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
User = get_user_model()


def link_in(message, word):
    """The path of the first link in `message` whose address contains `word`."""
    url = next(u for u in re.findall(r"https?://\S+", message.body) if word in u)
    return urlsplit(url).path


def approve_in_admin(page, comment):
    page.goto("/admin/comments/comment/?status__exact=pending")
    page.locator(f"input[name=_selected_action][value='{comment.pk}']").check()
    page.select_option("select[name=action]", "approve")
    page.get_by_role("button", name="Run").or_(page.get_by_role("button", name="Go")).click()
    expect(page.locator(".messagelist")).to_be_visible()


def test_guest_comment_is_moderated_then_answered_in_a_thread(browser, live_server, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    author = factories.user("writer", roles=[roles.AUTHORS], email="writer@example.org")
    factories.user("mod", roles=[roles.MODERATORS], email="mod@example.org", password=PASSWORD)
    factories.user("reader", email="reader@example.org", password=PASSWORD)
    post = factories.post("On patience", author=author)

    def visitor():
        return browser.new_context(base_url=live_server.url).new_page()

    # A guest comments, asks for follow-ups, and is told the comment awaits moderation.
    guest = visitor()
    guest.goto(post.get_absolute_url())
    form = guest.locator("#respond")
    form.get_by_label("Name", exact=True).fill("Grace Guest")
    form.get_by_label("Email", exact=True).fill("grace@example.org")
    form.get_by_label("Comment", exact=True).fill("Patience is a form of respect.")
    form.get_by_label("Notify me of follow-up comments by e-mail").check()
    form.get_by_role("button", name="Post comment").click()
    expect(guest.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING

    # Nobody else sees it yet.
    stranger = visitor()
    stranger.goto(post.get_absolute_url())
    expect(stranger.get_by_text("Patience is a form of respect.")).to_have_count(0)

    # The moderator was told; the guest was asked to confirm the follow-up.
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects["mod@example.org"] == "New comment awaiting moderation on “On patience”"
    confirmation = next(m for m in mail.outbox if m.to == ["grace@example.org"])
    guest.goto(link_in(confirmation, "/follow/"))
    guest.locator("main").get_by_role("button").click()

    # The moderator approves it in the admin's queue.
    moderator = visitor()
    moderator.goto("/admin/login/")
    moderator.fill("#id_username", "mod")
    moderator.fill("#id_password", PASSWORD)
    moderator.click("input[type=submit]")
    approve_in_admin(moderator, comment)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED

    # Everyone sees it now; the post's author heard of it.
    stranger.reload()
    expect(stranger.get_by_text("Patience is a form of respect.")).to_be_visible()
    assert any(m.to == ["writer@example.org"] for m in mail.outbox)

    # A signed-in reader (e-mail address verified) replies with the JavaScript reply form.
    EmailAddress.objects.create(
        user=User.objects.get(username="reader"), email="reader@example.org", verified=True
    )
    reader = visitor()
    reader.goto(post.get_absolute_url())
    reader.locator("#respond").get_by_role("link", name="Sign in").click()
    reader.get_by_label("Email").fill("reader@example.org")
    reader.get_by_label("Password").fill(PASSWORD)
    reader.get_by_role("button", name="Sign in").click()
    expect(reader).to_have_url(re.compile(re.escape(post.get_absolute_url()) + "#respond$"))
    expect(reader.get_by_text("Commenting as reader.")).to_be_visible()
    reader.locator(f"#{comment.anchor} > article .comment-reply-link").click()
    expect(reader.locator(f"#{comment.anchor} > article + #respond")).to_be_visible()
    reader.locator("#respond").get_by_label("Comment", exact=True).fill("And of courage.")
    reader.locator("#respond").get_by_role("button", name="Post comment").click()
    nested = reader.locator(f"#{comment.anchor} > ol.children > li")
    expect(nested).to_contain_text("And of courage.")
    expect(nested).to_contain_text("Your comment is awaiting moderation.")
    reply = Comment.objects.get(parent=comment)

    # Approved, the reply shows indented under the comment for everyone, and the guest
    # who asked for follow-ups hears of it.
    approve_in_admin(moderator, reply)
    stranger.reload()
    expect(stranger.locator(f"#{comment.anchor} > ol.children > li")).to_contain_text(
        "And of courage."
    )
    follow_up = [m for m in mail.outbox if m.to == ["grace@example.org"]][-1]
    assert "And of courage." in follow_up.body
    assert "List-Unsubscribe" in follow_up.extra_headers
