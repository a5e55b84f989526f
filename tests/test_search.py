"""Search at /search/?q=: ranked, stemmed, highlighted, paginated, and never a 500."""

import html
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from blog.models import Post, SiteSettings

from . import factories

pytestmark = pytest.mark.django_db

URL = "/search/"
RESULT_TITLE = re.compile(r'<h2 class="post-title"><a href="[^"]*">(.*?)</a></h2>')


def search(client, q, **params):
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200
    return response


def titles(response):
    """The results' titles, as the page shows them."""
    return [html.unescape(title) for title in RESULT_TITLE.findall(response.text)]


def test_a_word_from_the_body_finds_the_post(client):
    factories.post("Harvest", body="The cooperative sold its coffee at a fair price.")
    factories.post("Unrelated", body="Nothing to see.")

    assert titles(search(client, "coffee")) == ["Harvest"]


def test_words_are_stemmed(client):
    factories.post("Talks", body="They were negotiating through the night.")

    assert titles(search(client, "negotiations")) == ["Talks"]


def test_all_words_must_match(client):
    factories.post("Both", body="Water and land.")
    factories.post("One", body="Water only.")

    assert titles(search(client, "water land")) == ["Both"]


def test_title_matches_come_before_body_matches(client):
    old = timezone.now() - timedelta(days=3)
    factories.post("A ceasefire holds", body="Quiet nights.", published_at=old)
    factories.post("Newer post", body="Talk of a ceasefire continues.")

    assert titles(search(client, "ceasefire")) == ["A ceasefire holds", "Newer post"]


def test_tags_and_categories_are_searched(client):
    region = factories.category("Sahel")
    factories.post("Filed", categories=[region])
    factories.post("Tagged", tags=["drought"])

    assert titles(search(client, "sahel")) == ["Filed"]
    assert titles(search(client, "drought")) == ["Tagged"]


def test_excerpts_are_searched(client):
    factories.post("Summarised", excerpt="A report on irrigation.")

    assert titles(search(client, "irrigation")) == ["Summarised"]


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Post.Status.DRAFT},
        {"status": Post.Status.PENDING},
        {"status": Post.Status.PRIVATE},
        {"published_at": timezone.now() + timedelta(days=1)},
    ],
    ids=["draft", "pending", "private", "scheduled"],
)
def test_unpublished_posts_are_never_found(client, fields):
    factories.post("Secret plans", body="Confidential memorandum.", **fields)

    response = search(client, "memorandum")
    assert titles(response) == []
    assert "Secret plans" not in response.text
    assert "No posts found" in response.text


def test_matched_words_are_marked_and_the_rest_escaped(client):
    factories.post("Markup", body="Write <b>bold</b> around the harvest & the rest.")

    html = search(client, "harvest").text
    assert "<mark>harvest</mark>" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&amp; the rest" in html
    assert "<b>bold</b>" not in html


def test_a_script_in_the_title_is_escaped(client):
    factories.post("<script>alert(1)</script> tactics", body="Tactics of mediation.")

    html = search(client, "mediation").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; tactics" in html


def test_the_query_is_shown_back_escaped(client):
    html = search(client, '"><script>x</script> water').text

    assert "<script>x</script>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt; water"' in html


def test_results_are_paginated(client, settings):
    settings.BLOG_POSTS_PER_PAGE = 2
    for n in range(5):
        factories.post(f"Report {n}", body="About the river.")

    first = search(client, "river")
    third = search(client, "river", page=3)

    assert len(first.context["posts"]) == 2
    assert first.context["paginator"].count == 5
    assert 'href="/search/?q=river&amp;page=2"' in first.text
    assert len(third.context["posts"]) == 1
    assert 'href="/search/?q=river&amp;page=2"' in third.text
    found = {title for page in (1, 2, 3) for title in titles(search(client, "river", page=page))}
    assert found == {f"Report {n}" for n in range(5)}


def test_a_word_in_very_many_posts_ranks_the_newest_and_says_so(client, settings):
    settings.SEARCH_MAX_RESULTS = 3
    settings.BLOG_POSTS_PER_PAGE = 2
    factories.post("River", body="The oldest, with the word in its title.")
    for n in range(5):  # Report 4 is the newest
        factories.post(f"Report {n}", body="About the river.")

    first = search(client, "river")
    found = titles(first) + titles(search(client, "river", page=2))

    assert sorted(found) == ["Report 2", "Report 3", "Report 4"]
    assert first.context["paginator"].count == 3
    assert "More than 3 posts found for “river”: the newest 3, best first." in first.text
    assert client.get(URL, {"q": "river", "page": 3}).status_code == 404
    assert titles(search(client, "river oldest")) == ["River"]


def test_as_many_matches_as_ranked_say_their_number(client, settings):
    settings.SEARCH_MAX_RESULTS = 3
    for n in range(3):
        factories.post(f"Report {n}", body="About the river.")

    assert "3 posts found for “river”." in search(client, "river").text


@pytest.mark.parametrize("number", ["4", "0", "-1", "abc", "1.5", "9" * 30])
def test_a_page_past_the_results_is_not_found(client, settings, number):
    settings.BLOG_POSTS_PER_PAGE = 2
    for n in range(5):
        factories.post(f"Report {n}", body="About the river.")

    assert client.get(URL, {"q": "river", "page": number}).status_code == 404


@pytest.mark.parametrize("q", ["", "   ", None])
def test_an_empty_query_asks_for_words_and_runs_no_search(client, q, django_assert_max_num_queries):
    factories.post("Anything", body="Words.")
    SiteSettings.load()
    client.get("/")  # warm the settings and navigation cache

    with django_assert_max_num_queries(0):
        response = client.get(URL, {} if q is None else {"q": q})
    assert response.status_code == 200
    assert "Type words to search for" in response.text
    assert "posts" not in response.context


@pytest.mark.parametrize(
    "q",
    [
        '"*)(^',
        "' OR 1=1 --",
        "NEAR(water land)",
        "title:water",
        "water*",
        '"water',
        "water AND OR NOT",
        "AND",
        "<script>alert(1)</script>",
        "rank:bm25(blog_post_fts)",
        "water -land | !(x) <-> y:*",
        "_ _ __",
        "x" * 5000,
        "water " * 300,
        "négociation 水 café",
    ],
)
def test_hostile_and_odd_queries_get_a_clear_page(client, q):
    factories.post("Water", body="Water and land.")

    response = search(client, q)
    assert "Type words to search for" in response.text or "found" in response.text
    assert len(response.context["query"]) <= 200
    assert "<script>alert(1)</script>" not in response.text


def test_punctuation_alone_asks_for_words(client):
    html = search(client, '"*)(^').text

    assert "has no words to search for" in html
    assert "&quot;*)(^" in html


def test_editing_a_post_updates_the_index(client):
    entry = factories.post("Draft title", body="The old wording.")
    entry.body = "The revised phrasing."
    entry.save()

    assert titles(search(client, "wording")) == []
    assert titles(search(client, "phrasing")) == ["Draft title"]


def test_refiling_a_post_updates_the_index(client):
    entry = factories.post("Filed", tags=["wells"])
    region = factories.category("Delta")
    entry.tags.set(["pumps"])
    entry.categories.add(region)

    assert titles(search(client, "wells")) == []
    assert titles(search(client, "pumps")) == ["Filed"]
    assert titles(search(client, "delta")) == ["Filed"]

    region.name = "Estuary"
    region.save()
    entry.tags.clear()
    assert titles(search(client, "estuary")) == ["Filed"]
    assert titles(search(client, "pumps")) == []


def test_unfiling_from_the_category_side_updates_the_index(client):
    region = factories.category("Highlands")
    entry = factories.post("Filed", categories=[region])

    region.posts.clear()
    assert titles(search(client, "highlands")) == []
    region.posts.add(entry)
    assert titles(search(client, "highlands")) == ["Filed"]
    region.delete()
    assert titles(search(client, "highlands")) == []


def test_publishing_a_draft_makes_it_findable(client):
    entry = factories.post("Later", body="Embargoed findings.", status=Post.Status.DRAFT)
    assert titles(search(client, "findings")) == []

    entry.status = Post.Status.PUBLISHED
    entry.save()
    assert titles(search(client, "findings")) == ["Later"]


def test_a_scheduled_post_is_found_once_its_time_comes(client):
    later = timezone.now() + timedelta(hours=2)
    factories.post("Tomorrow", body="Embargoed findings.", published_at=later)
    assert titles(search(client, "findings")) == []

    with mock.patch("django.utils.timezone.now", return_value=later + timedelta(minutes=1)):
        assert titles(search(client, "findings")) == ["Tomorrow"]


def test_a_search_asked_again_is_not_ranked_again(client, django_assert_max_num_queries):
    factories.post("Water", body="Water and land.")
    SiteSettings.load()
    first = search(client, "water")

    # Neither the ranking nor the results: both are kept.
    with django_assert_max_num_queries(0):
        again = search(client, "water")
    assert titles(again) == titles(first) == ["Water"]


def test_kept_results_show_an_edited_post_as_it_is_now(client):
    entry = factories.post("Water", body="Water and land.")
    assert titles(search(client, "land")) == ["Water"]

    entry.title = "Rivers"
    entry.save()
    assert titles(search(client, "land")) == ["Rivers"]


def test_a_deleted_post_is_no_longer_found(client):
    entry = factories.post("Gone", body="Ephemeral thoughts.")
    entry.delete()

    assert titles(search(client, "ephemeral")) == []


@pytest.mark.parametrize("size", [3, 30])
def test_a_results_page_keeps_its_query_budget(
    client, author, settings, django_assert_max_num_queries, size
):
    settings.BLOG_POSTS_PER_PAGE = 50
    region = factories.category("Region")
    tags = [f"tag-{n}" for n in range(5)]
    for n in range(size):
        factories.post(f"Dialogue {n}", author=author, body="Dialogue.", tags=tags,
                       categories=[region])  # fmt: skip
    SiteSettings.load()
    client.get("/")

    # Ranked ids, the page's posts (and their snippets, SQLite), categories, tags.
    with django_assert_max_num_queries(5):
        response = search(client, "dialogue")
    assert len(response.context["posts"]) == size
