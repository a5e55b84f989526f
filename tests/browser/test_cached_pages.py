"""A guest comments from a page served from the page cache, with JavaScript on and off."""

import re

import pytest
from django.db import connection
from playwright.sync_api import expect

from blog.models import SiteSettings
from comments.models import Comment
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_guest_comments_from_a_kept_page(browser, base_url, settings, javascript):
    settings.COMMENTS_MIN_SECONDS = 0
    SiteSettings.load()
    post = factories.post("On ceasefires")
    Comment.objects.create(post=post, name="Ada", body="Maps matter.", status="approved")
    first_reader = browser.new_context(base_url=base_url)  # came first: the page is kept
    first_reader.new_page().goto(post.get_absolute_url())
    first_reader.close()
    # Changed behind the cache's back: a browser that shows the old title got the kept page.
    with connection.cursor() as cursor:  # SQL of its own: nothing hears of it
        cursor.execute(
            "UPDATE blog_post SET title = %s WHERE id = %s", ["On ceasefires, revised", post.pk]
        )

    context = browser.new_context(base_url=base_url, java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(post.get_absolute_url())
    expect(page.locator("h1")).to_have_text("On ceasefires")

    respond = page.locator("#respond")
    if javascript:
        page.locator(".comment-reply-link").first.click()
        expect(page.locator("#respond input[name=parent]")).not_to_have_value("")
    respond.get_by_label("Name", exact=True).fill("Grace")
    respond.get_by_label("Email", exact=True).fill("grace@example.org")
    respond.get_by_label("Comment", exact=True).fill("A cease-fire needs a map.")
    respond.get_by_role("button", name="Post comment").click()

    comment = Comment.objects.get(body="A cease-fire needs a map.")
    assert (comment.parent is not None) == javascript
    expect(page).to_have_url(re.compile(rf"#{comment.anchor}$"))
    # This guest's own page, with their comment awaiting approval: never the kept one
    # (which nobody's pending comment is ever on).
    expect(page.locator(f"#{comment.anchor}")).to_contain_text(
        "Your comment is awaiting moderation."
    )
    context.close()
