"""Accounts in Chromium: a reader signs up, verifies, comments under their name and likes
the post; a moderator signs in to the admin and finds only the comments part there."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts import roles
from comments.models import Comment
from tests import factories

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def link_in(message, word):
    url = next(u for u in re.findall(r"https?://\S+", message.body) if word in u)
    return urlsplit(url).path


def test_reader_signs_up_verifies_comments_and_likes(page, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    post = factories.post("On patience", author=factories.user("writer", roles=[roles.AUTHORS]))

    # From the comment form's invitation to the sign-up page.
    page.goto(post.get_absolute_url())
    page.locator(".login-invitation").get_by_role("link", name="Sign in").click()
    page.locator("main").get_by_role(
        "link", name=re.compile("sign up|create an account", re.I)
    ).first.click()
    page.get_by_label("Display name").fill("Grace Hopper")
    page.get_by_label("Email").fill("grace@example.org")
    page.get_by_label("Password", exact=True).fill("a long and unguessable passphrase")
    page.get_by_label(re.compile("Password \\(again\\)|Confirm password|Repeat")).fill(
        "a long and unguessable passphrase"
    )
    page.get_by_role("button", name=re.compile("sign up|create", re.I)).click()
    expect(page.locator("h1")).to_contain_text(re.compile("e-?mail", re.I))

    # The verification link from the outbox signs her in and brings her back to the form.
    (message,) = [m for m in mail.outbox if m.to == ["grace@example.org"]]
    page.goto(link_in(message, "/accounts/confirm-email/"))
    page.get_by_role("button", name=re.compile("confirm", re.I)).click()
    expect(page.get_by_text("Commenting as Grace Hopper.")).to_be_visible()
    assert urlsplit(page.url).path == post.get_absolute_url()

    # She comments under her name (no name or e-mail fields for her).
    form = page.locator("#respond")
    expect(form.get_by_label("Email", exact=True)).to_have_count(0)
    form.get_by_label("Comment", exact=True).fill("Patience is a form of respect.")
    form.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    comment = Comment.objects.get()
    assert comment.user.email == "grace@example.org"
    assert comment.author_name == "Grace Hopper"

    # She likes the post.
    likes = page.locator("#likes")
    likes.get_by_role("button", name="Like").click()
    expect(likes.get_by_role("button", name="Unlike")).to_be_visible()
    expect(likes).to_contain_text("1 reader likes this")
    page.reload()
    expect(page.locator("#likes")).to_contain_text("1 reader likes this")
    assert page.failed_responses == [] and page.errors == []


def test_moderator_sees_only_the_comments_part_of_the_admin(page):
    factories.user("mod", roles=[roles.MODERATORS], password=PASSWORD)

    page.goto("/admin/login/")
    page.fill("#id_username", "mod")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    expect(page.locator("#content-main")).to_contain_text("Comments")
    expect(page.locator("#content-main .app-blog")).to_have_count(0)
    expect(page.locator("#content-main .app-accounts")).to_have_count(0)
    expect(page.locator("#content-main .app-comments")).to_be_visible()
    page.goto("/admin/blog/post/")
    expect(page.locator("h1")).to_contain_text("403")
