"""Search from the header in Chromium: a word from a post's body finds it, highlighted."""

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_header_search_finds_a_post_by_a_word_from_its_body(page):
    factories.post("On bridges", body="A rebuilt bridge is an invitation to reconciliation.")
    factories.post("On maps", body="Maps decide more than borders.")

    page.goto("/")
    box = page.locator("header").get_by_role("searchbox")
    box.fill("reconciliation")
    box.press("Enter")

    results = page.locator("main")
    expect(results.get_by_role("link", name="On bridges")).to_be_visible()
    expect(results.get_by_role("link", name="On maps")).to_have_count(0)
    expect(results.locator("mark").first).to_have_text("reconciliation")
    assert "q=reconciliation" in page.url
    assert page.failed_responses == [] and page.errors == []
