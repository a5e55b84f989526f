"""Replying in a real browser: with JavaScript the form moves under the comment; without,
the Reply link loads the page with the form set up for that comment."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def discussion(settings):
    """A post with two approved top-level comments, and no minimum time to fill the form."""
    settings.COMMENTS_MIN_SECONDS = 0
    post = factories.post("On ceasefires")
    first, second = (
        Comment.objects.create(
            post=post, name=name, email=f"{name.lower()}@example.org", body=body, status="approved"
        )
        for name, body in [("Ada", "Maps are everything."), ("Joseph", "Patience is not passive.")]
    )
    return post, first, second


def reply_link(page, comment):
    return page.locator(f"#{comment.anchor} > article .comment-reply-link")


def test_reply_moves_the_form_under_the_comment_and_sends_a_nested_reply(page, discussion):
    post, first, second = discussion
    page.goto(post.get_absolute_url())
    respond, title = page.locator("#respond"), page.locator("#reply-title-text")
    parent = page.locator("#respond input[name=parent]")
    expect(page.locator("section.discussion > #respond")).to_have_count(1)
    expect(title).to_have_text("Leave a reply")

    # One Reply after another: the form follows.
    reply_link(page, first).click()
    expect(page.locator(f"#{first.anchor} > article + #respond")).to_be_visible()
    reply_link(page, second).click()
    expect(page.locator(f"#{second.anchor} > article + #respond")).to_be_visible()
    expect(page.locator(f"#{first.anchor} #respond")).to_have_count(0)
    expect(title).to_have_text("Reply to Joseph")
    expect(parent).to_have_value(str(second.pk))
    expect(respond.locator(".cancel-reply")).to_be_visible()
    expect(reply_link(page, first)).to_have_attribute("aria-expanded", "false")
    expect(reply_link(page, second)).to_have_attribute("aria-expanded", "true")
    textarea = respond.get_by_label("Comment", exact=True)
    expect(textarea).to_be_focused()
    assert page.url.endswith(post.get_absolute_url())  # No page load.

    # The moved form keeps its labels.
    respond.get_by_label("Name", exact=True).fill("Grace")
    respond.get_by_label("Email", exact=True).fill("grace@example.org")
    textarea.fill("Nor is listening.")
    respond.get_by_role("button", name="Post comment").click()

    reply = Comment.objects.get(body="Nor is listening.")
    assert reply.parent == second
    assert reply.status == Comment.Status.PENDING  # A new guest waits for a moderator.
    expect(page).to_have_url(re.compile(rf"#{reply.anchor}$"))
    shown = page.locator(f"#{second.anchor} > ol.children > #{reply.anchor}")
    expect(shown).to_contain_text("Your comment is awaiting moderation.")
    expect(shown).to_contain_text("Nor is listening.")
    expect(page.locator("section.discussion > #respond")).to_have_count(1)
    expect(title).to_have_text("Leave a reply")
    assert page.failed_responses == []
    assert page.errors == []


def test_cancel_reply_puts_the_form_back(page, discussion):
    post, first, _ = discussion
    page.goto(post.get_absolute_url())
    cancel = page.locator("#respond .cancel-reply")
    parent = page.locator("#respond input[name=parent]")

    reply_link(page, first).click()
    expect(parent).to_have_value(str(first.pk))
    cancel.click()

    expect(page.locator("section.discussion > #respond")).to_have_count(1)
    expect(page.locator(".comment #respond")).to_have_count(0)
    expect(parent).to_have_value("")
    expect(page.locator("#reply-title-text")).to_have_text("Leave a reply")
    expect(cancel).to_be_hidden()
    expect(reply_link(page, first)).to_be_focused()
    expect(reply_link(page, first)).to_have_attribute("aria-expanded", "false")

    # A reply the server set up (?replytocom=) is shown under its comment and cancels alike.
    page.goto(f"{post.get_absolute_url()}?replytocom={first.pk}#respond")
    expect(page.locator(f"#{first.anchor} > article + #respond")).to_be_visible()
    expect(page.locator("#reply-title-text")).to_have_text("Reply to Ada")
    cancel.click()
    expect(page.locator("section.discussion > #respond")).to_have_count(1)
    expect(parent).to_have_value("")
    expect(page).to_have_url(re.compile(rf"{re.escape(post.get_absolute_url())}#respond$"))
    assert page.errors == []


def test_without_javascript_reply_loads_the_form_for_that_comment(browser, live_server, discussion):
    post, first, _ = discussion
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(post.get_absolute_url())
        expect(page.locator("#respond .cancel-reply")).to_be_hidden()

        reply_link(page, first).click()

        expect(page).to_have_url(
            f"{live_server.url}{post.get_absolute_url()}?replytocom={first.pk}#respond"
        )
        expect(page.locator("#reply-title-text")).to_have_text("Reply to Ada")
        expect(page.locator("#respond input[name=parent]")).to_have_value(str(first.pk))
        cancel = page.locator("#respond .cancel-reply")
        expect(cancel).to_be_visible()

        cancel.click()  # A plain link back to the post.
        expect(page).to_have_url(f"{live_server.url}{post.get_absolute_url()}#respond")
        expect(page.locator("#reply-title-text")).to_have_text("Leave a reply")
        expect(page.locator("#respond input[name=parent]")).to_have_value("")
    finally:
        context.close()
