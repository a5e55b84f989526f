"""Real WordPress exports: everything in them arrives, and a second import changes nothing.

The files live outside the project (`../shared/data/wxr/`, or the folder named by
WXR_SAMPLES); without them these tests are skipped.
"""

import html
import os
import re
import xml.etree.ElementTree as ET  # noqa: S405 - the test's own trusted sample files
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from blog.models import Post
from comments.models import Comment
from wordpress.importer import COMMENT_STATUSES, Importer
from wordpress.models import ImportedItem

SAMPLES = Path(
    os.environ.get("WXR_SAMPLES") or Path(__file__).resolve().parents[2] / "shared/data/wxr"
)
FILES = sorted(SAMPLES.glob("*.xml")) if SAMPLES.is_dir() else []

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not FILES, reason=f"no WordPress sample exports in {SAMPLES}"),
]
NOT_CONTENT = {"trash", "auto-draft", "inherit"}
IMAGE = re.compile(r"\.(jpe?g|png|gif|webp)$", re.IGNORECASE)
CAPTION = re.compile(
    r"\[caption[^\]]*\].*?(?:/>|</a>)\s*(.*?)\[/caption\]|<figcaption[^>]*>(.*?)</figcaption>",
    re.DOTALL,
)


def expected(path):
    """What the file holds, read independently of the importer."""
    tree = ET.parse(path)  # noqa: S314 - trusted sample files
    channel = tree.getroot().find("channel")
    wp = next(
        uri
        for uri in _namespaces(path)
        if re.fullmatch(r"https?://wordpress\.org/export/[\d.]+/", uri)
    )
    q = lambda name: f"{{{wp}}}{name}"  # noqa: E731
    categories = {
        c.findtext(q("category_nicename")): c.findtext(q("category_parent")) or ""
        for c in channel.findall(q("category"))
    }
    tags = {t.findtext(q("tag_slug")) for t in channel.findall(q("tag"))}
    items = []
    for item in channel.findall("item"):
        entry = {
            "id": int(item.findtext(q("post_id"))),
            "type": item.findtext(q("post_type")),
            "status": item.findtext(q("status")),
            "link": item.findtext("link"),
            "password": item.findtext(q("post_password")) or "",
            "content": item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or "",
            "url": item.findtext(q("attachment_url")) or "",
            "parent": int(item.findtext(q("post_parent")) or 0),
            "comments": [
                {
                    "id": int(c.findtext(q("comment_id"))),
                    "parent": int(c.findtext(q("comment_parent")) or 0),
                    "approved": c.findtext(q("comment_approved")),
                }
                for c in item.findall(q("comment"))
            ],
        }
        items.append(entry)
        for element in item.findall("category"):
            domain, slug = element.get("domain"), element.get("nicename")
            if domain == "category" and slug:
                categories.setdefault(slug, None)
            elif domain in ("post_tag", "tag") and slug:
                tags.add(slug)
    return {"categories": categories, "tags": tags, "items": items}


def _namespaces(path):
    return [uri for _, (_, uri) in ET.iterparse(path, events=["start-ns"])]  # noqa: S314


def content_items(data, kind):
    return [i for i in data["items"] if i["type"] == kind and i["status"] not in NOT_CONTENT]


@pytest.fixture(params=FILES, ids=lambda path: path.name)
def sample(request):
    return request.param


def test_everything_in_the_export_arrives(sample):
    data = expected(sample)

    report = Importer(sample).run()

    items = {(i.kind, i.key): i for i in ImportedItem.objects.all()}
    for slug, parent in data["categories"].items():
        category = items[("category", slug)].category
        assert (category.parent.slug if category.parent else "") == (parent or ""), slug
    for slug in data["tags"]:
        assert items[("tag", slug)].tag_id, slug
    posts, pages = content_items(data, "post"), content_items(data, "page")
    for entry in posts:
        assert items[("post", str(entry["id"]))].post_id, entry
    for entry in pages:
        assert items[("page", str(entry["id"]))].page_id, entry
    images = [i for i in data["items"] if i["type"] == "attachment" and IMAGE.search(i["url"])]
    for entry in images:
        assert items[("attachment", str(entry["id"]))].image_id, entry
    total = 0
    for entry in posts + pages:
        target = items[(entry["type"], str(entry["id"]))]
        stored = (
            {c.legacy_id: c for c in Comment.objects.filter(post=target.post_id)}
            if (entry["type"] == "post")
            else {c.legacy_id: c for c in Comment.objects.filter(page=target.page_id)}
        )
        for comment in entry["comments"]:
            found = stored[comment["id"]]
            assert found.status == COMMENT_STATUSES[comment["approved"]]
            assert (found.parent.legacy_id if found.parent else 0) == comment["parent"]
        total += len(entry["comments"])

    assert report.counts["post"]["imported"] == len(posts)
    assert report.counts["page"]["imported"] == len(pages)
    assert report.counts["comment"]["imported"] == total
    assert report.counts["category"]["imported"] == len(data["categories"])
    assert report.counts["attachment"]["imported"] == len(images)


def test_a_second_import_changes_nothing(sample):
    Importer(sample).run()
    before = {
        "posts": list(Post.objects.order_by("pk").values()),
        "comments": list(Comment.objects.order_by("pk").values()),
        "items": ImportedItem.objects.count(),
    }

    report = Importer(sample).run()

    assert {
        "posts": list(Post.objects.order_by("pk").values()),
        "comments": list(Comment.objects.order_by("pk").values()),
        "items": ImportedItem.objects.count(),
    } == before
    for kind, counts in report.counts.items():
        assert counts["imported"] == counts["updated"] == 0, (kind, counts)


def test_every_old_link_answers_and_every_public_post_renders_with_its_captions(sample, client):
    data = expected(sample)
    Importer(sample).run()
    for entry in content_items(data, "post") + content_items(data, "page"):
        if entry["status"] != "publish" or entry["password"]:
            continue  # not public here: private, scheduled or a draft
        parts = urlsplit(entry["link"])
        old = parts.path + (f"?{parts.query}" if parts.query else "")
        response = client.get(old, follow=True)
        assert response.status_code == 200, (old, response.redirect_chain)
        page = html.unescape(response.content.decode())
        assert "Traceback" not in page
        if entry["type"] == "post":
            for caption in _captions(entry["content"]):
                for word in caption.split():
                    assert word in page, (old, caption)


def _captions(content):
    for match in CAPTION.finditer(content):
        text = re.sub(r"<[^>]+>", " ", match.group(1) or match.group(2) or "")
        text = html.unescape(text).replace("(C)", " ").replace("©", " ")
        yield " ".join(re.findall(r"\w+", text))


def test_attachment_pages_lead_to_the_post_that_shows_the_image(sample, client):
    data = expected(sample)
    Importer(sample).run()
    public = {i["id"] for i in content_items(data, "post") if i["status"] == "publish"
              and not i["password"]}  # fmt: skip
    attachments = [
        i for i in data["items"]
        if i["type"] == "attachment" and IMAGE.search(i["url"]) and i["parent"] in public
    ]  # fmt: skip

    for entry in attachments:
        parts = urlsplit(entry["link"])
        old = parts.path + (f"?{parts.query}" if parts.query else "")
        response = client.get(old)
        post = ImportedItem.objects.get(kind="post", key=str(entry["parent"])).post
        assert response.status_code == 301, old
        assert response["Location"].startswith(post.get_absolute_url()), old
