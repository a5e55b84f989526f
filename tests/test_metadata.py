"""Each page tells search engines and link previews what it is."""

import json
from html.parser import HTMLParser

import pytest

from blog.models import SiteSettings

from . import factories

pytestmark = pytest.mark.django_db


class Head(HTMLParser):
    """The <meta>, <link> and JSON-LD scripts of a page."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.links, self.json_ld, self._in_ld = {}, {}, [], False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, []).append(attrs["content"])
        elif tag == "link":
            self.links.setdefault(attrs["rel"], []).append(attrs["href"])
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld[-1] += data

    def one(self, key):
        (value,) = self.meta[key]
        return value


@pytest.fixture
def site(db):
    site = SiteSettings.load()
    site.title, site.tagline = "Colloquy", "Notes on mediation"
    site.save()
    return site


@pytest.fixture
def illustrated_post(author):
    """A post with a featured image (its caption and credit), tags and a long excerpt."""
    region = factories.category("Region")
    excerpt = "The *parties* met again " + "at length " * 40
    entry = factories.post("Talks resume", author=author, tags=["peace", "talks"],
                           categories=[region], excerpt=excerpt)  # fmt: skip
    image = factories.post_image(post=entry, alt_text="The table", caption="The room",
                                 credit="Jane Doe © Agency")  # fmt: skip
    entry.featured_image = image
    entry.save()
    return entry


def test_post_page_describes_the_post_with_its_image(client, site, illustrated_post):
    head = Head(client.get(illustrated_post.get_absolute_url()).content.decode())

    description = head.one("description")
    assert description.startswith("The parties met again at length")
    assert len(description) <= 160
    url = f"http://testserver{illustrated_post.get_absolute_url()}"
    assert head.links["canonical"] == [url]
    assert head.one("og:url") == url
    assert head.one("og:type") == "article"
    assert head.one("og:title") == "Talks resume"
    assert head.one("og:image") == f"http://testserver{illustrated_post.featured_image.image.url}"
    assert head.one("og:image:width") == "64"
    assert head.one("og:image:height") == "48"
    assert head.one("og:image:alt") == "The table"
    assert head.one("article:published_time") == illustrated_post.published_at.isoformat()
    assert (
        head.one("article:author")
        == f"http://testserver/author/{illustrated_post.author.username}/"
    )
    assert head.one("article:section") == "Region"
    assert sorted(head.meta["article:tag"]) == ["peace", "talks"]
    assert head.one("twitter:card") == "summary_large_image"
    assert head.one("twitter:image") == head.one("og:image")


def test_post_page_has_blog_posting_json_ld(client, site, illustrated_post):
    head = Head(client.get(illustrated_post.get_absolute_url()).content.decode())

    (data,) = [json.loads(text) for text in head.json_ld]
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == "Talks resume"
    assert data["description"] == head.one("description")
    assert data["datePublished"] == illustrated_post.published_at.isoformat()
    assert "dateModified" in data
    assert data["author"] == {
        "@type": "Person",
        "name": "Ann Author",
        "url": f"http://testserver/author/{illustrated_post.author.username}/",
    }
    assert data["image"] == {
        "@type": "ImageObject",
        "url": f"http://testserver{illustrated_post.featured_image.image.url}",
        "width": 64,
        "height": 48,
        "caption": "The room",
        "creditText": "Jane Doe © Agency",
    }
    assert (
        data["mainEntityOfPage"]["@id"] == f"http://testserver{illustrated_post.get_absolute_url()}"
    )
    assert data["publisher"] == {"@type": "Organization", "name": "Colloquy",
                                 "url": "http://testserver/"}  # fmt: skip


def test_json_ld_cannot_close_its_script_element(client, site, author):
    title = '"</script><script>alert(1)</script>'
    entry = factories.post(title, author=author, slug="hostile")
    html = client.get(entry.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html
    head = Head(html)
    (text,) = head.json_ld
    assert "</script" not in text.lower()
    assert json.loads(text)["headline"] == title
    assert head.one("og:title") == title  # attribute-escaped, read back intact


def test_post_without_image_gets_a_summary_card(client, site, author):
    entry = factories.post("Plain", author=author, body="Just words.")
    head = Head(client.get(entry.get_absolute_url()).content.decode())

    assert head.one("twitter:card") == "summary"
    assert "og:image" not in head.meta
    assert "image" not in json.loads(head.json_ld[0])
    assert head.one("description") == "Just words."


def test_previews_are_not_described_to_search_engines(client_for, author, site):
    draft = factories.post("Secret", author=author, status="draft")
    head = Head(client_for(author).get(draft.get_absolute_url()).content.decode())

    assert head.one("robots") == "noindex"
    assert head.json_ld == []
    assert "canonical" not in head.links


def test_other_pages_use_the_tagline_and_their_own_address(client, site, author):
    factories.post(author=author)
    head = Head(client.get("/").content.decode())

    assert head.one("description") == "Notes on mediation"
    assert head.links["canonical"] == ["http://testserver/"]
    assert head.one("og:type") == "website"
    assert head.one("twitter:card") == "summary"
    assert head.json_ld == []


def test_paginated_home_links_prev_and_next_and_is_its_own_canonical(
    client, site, author, settings
):
    settings.BLOG_POSTS_PER_PAGE = 2
    for n in range(5):
        factories.post(f"Post {n}", author=author)

    first = Head(client.get("/").content.decode())
    assert "prev" not in first.links
    assert first.links["next"] == ["http://testserver/page/2/"]

    second = Head(client.get("/page/2/").content.decode())
    assert second.links["canonical"] == ["http://testserver/page/2/"]
    assert second.links["prev"] == ["http://testserver/"]
    assert second.links["next"] == ["http://testserver/page/3/"]

    last = Head(client.get("/page/3/").content.decode())
    assert last.links["prev"] == ["http://testserver/page/2/"]
    assert "next" not in last.links


def test_category_archive_pages_link_within_the_category(client, site, author, settings):
    settings.BLOG_POSTS_PER_PAGE = 1
    region = factories.category("Region")
    for n in range(3):
        factories.post(f"Post {n}", author=author, categories=[region])

    head = Head(client.get("/category/region/page/2/").content.decode())
    assert head.links["prev"] == ["http://testserver/category/region/"]
    assert head.links["next"] == ["http://testserver/category/region/page/3/"]
