"""Liking in a real browser: with JavaScript the count and button change in place; without,
the same form posts and the page comes back at the likes."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from playwright.sync_api import expect

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def post():
    return factories.post("On ceasefires")


def sign_in(context, live_server, user):
    """Give the browser the session of `user`, as if they had signed in."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def like_count(post):
    post.refresh_from_db()
    return post.like_count


def test_liking_and_unliking_with_javascript_stays_on_the_page(page, live_server, reader, post):
    sign_in(page.context, live_server, reader)
    page.goto(post.get_absolute_url())
    summary, button = page.locator("#likes .likes-summary"), page.locator("#likes .like-button")
    expect(summary).to_have_text("No likes yet")
    expect(button).to_have_text("Like")
    page.evaluate("window.stillHere = true")  # gone if the page loads again

    button.click()

    expect(summary).to_have_text("1 reader likes this")
    expect(button).to_have_text("Unlike")
    assert page.evaluate("window.stillHere") is True
    assert like_count(post) == 1

    page.reload()
    expect(summary).to_have_text("1 reader likes this")
    expect(button).to_have_text("Unlike")
    expect(page.locator("#likes .likers li")).to_have_count(1)
    expect(page.locator(".post-header .like-count")).to_have_text("1 like")

    page.evaluate("window.stillHere = true")
    button.click()

    expect(summary).to_have_text("No likes yet")
    expect(button).to_have_text("Like")
    expect(page.locator(".post-header .like-count")).to_be_hidden()
    assert page.evaluate("window.stillHere") is True
    assert like_count(post) == 0
    assert page.failed_responses == []
    assert page.errors == []


def test_without_javascript_the_form_posts_and_comes_back(browser, live_server, reader, post):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(context, live_server, reader)
        page.goto(post.get_absolute_url())
        button = page.locator("#likes .like-button")

        with page.expect_navigation():
            button.click()

        expect(page).to_have_url(f"{live_server.url}{post.get_absolute_url()}#likes")
        expect(page.locator("#likes .likes-summary")).to_have_text("1 reader likes this")
        expect(button).to_have_text("Unlike")
        assert like_count(post) == 1

        with page.expect_navigation():
            button.click()

        expect(page.locator("#likes .likes-summary")).to_have_text("No likes yet")
        expect(button).to_have_text("Like")
        assert like_count(post) == 0
    finally:
        context.close()


def test_a_guest_is_invited_to_sign_in(page, live_server, post):
    page.goto(post.get_absolute_url())

    expect(page.locator("#likes .like-button")).to_have_count(0)
    page.get_by_role("link", name="Sign in to like").click()

    sign_in_page = f"{live_server.url}{resolve_url(settings.LOGIN_URL)}"
    expect(page).to_have_url(f"{sign_in_page}?next={post.get_absolute_url()}%23likes")
