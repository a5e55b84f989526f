import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from blog.models import Page, Post

from . import factories

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own response, not untrusted)
    return {
        url.find("sm:loc", NS).text: getattr(url.find("sm:lastmod", NS), "text", None)
        for url in root.findall("sm:url", NS)
    }


def test_sitemap_lists_public_content_with_lastmod(client, author, other_author):
    news = factories.category("News")
    post = factories.post("Talks resume", author=author, categories=[news], tags=["peace"])
    page = factories.page("About")

    entries = sitemap(client)

    base = "http://testserver"
    assert entries[f"{base}/"] is not None
    assert entries[f"{base}{post.get_absolute_url()}"] == post.updated_at.date().isoformat()
    assert entries[f"{base}/about/"] == page.updated_at.date().isoformat()
    assert entries[f"{base}/category/news/"] == post.updated_at.date().isoformat()
    assert f"{base}/tag/peace/" in entries
    assert f"{base}/author/author/" in entries
    # No published post, no author archive in the sitemap.
    assert f"{base}/author/other/" not in entries


def test_sitemap_leaves_out_drafts_and_what_they_alone_would_add(client, author, other_author):
    factories.post("Published", author=author, tags=["peace"])
    common = {"author": other_author, "tags": ["secret"]}
    draft = factories.post("Draft", status=Post.Status.DRAFT, **common)
    scheduled = factories.post("Later", published_at=timezone.now() + timedelta(days=1), **common)
    private = factories.post("Private", status=Post.Status.PRIVATE, **common)
    factories.page("Unfinished", status=Page.Status.DRAFT)

    entries = sitemap(client)
    paths = {url.removeprefix("http://testserver") for url in entries}

    for hidden in (draft, scheduled, private):
        assert hidden.get_absolute_url() not in paths
    assert "/unfinished/" not in paths
    assert "/tag/secret/" not in paths
    assert "/author/other/" not in paths
    assert "/tag/peace/" in paths


def test_sitemap_ignores_drafts_when_dating_a_category(client, author):
    news = factories.category("News")
    post = factories.post("Old news", author=author, categories=[news])
    factories.post("Unfinished", author=author, categories=[news], status=Post.Status.DRAFT)
    factories.category("Empty")

    entries = sitemap(client)

    assert entries["http://testserver/category/news/"] == post.updated_at.date().isoformat()
    assert entries["http://testserver/category/empty/"] is None


def test_robots_txt_allows_all_but_admin_and_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    text = response.content.decode()

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "User-agent: *" in text
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text.splitlines()
