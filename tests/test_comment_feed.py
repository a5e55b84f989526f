import feedparser
import pytest

from comments.models import Comment

from . import factories

pytestmark = pytest.mark.django_db


def feed_url(post):
    return f"{post.get_absolute_url()}feed/"


def test_post_comments_feed_lists_approved_comments_newest_first(client, author):
    post = factories.post("Discussed", author=author)
    Comment.objects.create(post=post, name="First", email="a@example.org", body="one",
                           status="approved")  # fmt: skip
    Comment.objects.create(post=post, name="<b>Second</b>", email="b@example.org",
                           body="two <script>x</script>", status="approved")  # fmt: skip
    Comment.objects.create(post=post, name="Hidden", email="c@example.org", body="pending")

    response = client.get(feed_url(post))
    feed = feedparser.parse(response.content)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Comments on “Discussed”"
    assert [entry.author for entry in feed.entries] == ["<b>Second</b>", "First"]
    assert "&lt;script&gt;" in feed.entries[0].summary
    assert all("pending" not in entry.summary for entry in feed.entries)


def test_post_page_advertises_its_comments_feed(client, author):
    post = factories.post("Discussed", author=author)

    html = client.get(post.get_absolute_url()).content.decode()

    assert (
        f'type="application/rss+xml" title="Comments on “Discussed”" href="{feed_url(post)}"'
        in (html)
    )


def test_unpublished_posts_have_no_comments_feed(client, draft):
    assert client.get(feed_url(draft)).status_code == 404
    assert client.get("/2025/02/30/nothing/feed/").status_code == 404
