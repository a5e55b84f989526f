from datetime import timedelta

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from accounts import roles
from blog.models import Post, SiteSettings
from comments.models import Comment

from . import factories

pytestmark = pytest.mark.django_db

RSS = "application/rss+xml"
ATOM = "application/atom+xml"


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, (url, feed.bozo_exception)
    return response, feed


@pytest.fixture
def news(db):
    return factories.category("News")


@pytest.fixture
def published(author, news):
    return factories.post(
        "Talks resume",
        author=author,
        body="The **whole** story.",
        excerpt="Just the start.",
        categories=[news],
        tags=["peace", "mediation"],
    )


@pytest.fixture
def unseen(author, news):
    """A draft, a scheduled and a private post in the same archives as `published`."""
    common = {"author": author, "categories": [news], "tags": ["peace"]}
    return [
        factories.post("Secret draft", status=Post.Status.DRAFT, **common),
        factories.post("Not yet", published_at=timezone.now() + timedelta(days=1), **common),
        factories.post("Staff only", status=Post.Status.PRIVATE, **common),
    ]


ARCHIVE_FEEDS = [
    "/feed/",
    "/category/news/feed/",
    "/tag/peace/feed/",
    "/author/author/feed/",
]


@pytest.mark.parametrize("url", ARCHIVE_FEEDS)
def test_rss_feeds_parse_and_list_only_published_posts(client, published, unseen, url):
    response, feed = fetch(client, url)

    assert response["Content-Type"].startswith(RSS)
    assert feed.version == "rss20"
    assert [entry.title for entry in feed.entries] == ["Talks resume"]


@pytest.mark.parametrize("url", [f"{url}atom/" for url in ARCHIVE_FEEDS])
def test_atom_feeds_parse_and_list_only_published_posts(client, published, unseen, url):
    response, feed = fetch(client, url)

    assert response["Content-Type"].startswith(ATOM)
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == ["Talks resume"]
    assert feed.feed.links[0].href.endswith(url) or any(
        link.rel == "self" and link.href.endswith(url) for link in feed.feed.links
    )


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_items_carry_excerpt_full_content_dates_author_and_terms(client, published, url):
    SiteSettings.objects.update_or_create(pk=1, defaults={"title": "Peace Desk"})
    _, feed = fetch(client, url)
    entry = feed.entries[0]

    assert feed.feed.title == "Peace Desk"
    assert "Just the start." in entry.summary
    assert "<strong>whole</strong>" in entry.content[0].value
    assert entry.link == f"http://testserver{published.get_absolute_url()}"
    assert entry.author == "Ann Author"
    assert {tag.term for tag in entry.tags} == {"News", "peace", "mediation"}
    assert entry.published_parsed[:6] == published.published_at.utctimetuple()[:6]
    if url.endswith("atom/"):  # RSS 2.0 items have no "updated" element.
        assert entry.updated_parsed[:6] == published.updated_at.utctimetuple()[:6]


def test_excerpt_only_when_full_content_is_off(client, published, settings):
    settings.FEED_FULL_CONTENT = False

    _, feed = fetch(client, "/feed/")

    assert "Just the start." in feed.entries[0].summary
    assert "content" not in feed.entries[0]
    assert b"whole" not in client.get("/feed/atom/").content


def test_guid_is_stable_across_a_slug_change(client, published, settings):
    settings.SITE_URL = "https://peace.example"
    _, before = fetch(client, "/feed/")

    published.slug = "talks-resume-again"
    published.save()
    _, after = fetch(client, "/feed/")

    assert before.entries[0].id == after.entries[0].id == f"https://peace.example/?p={published.pk}"
    assert before.entries[0].guidislink is False
    assert after.entries[0].link.endswith("/talks-resume-again/")


def test_atom_entry_id_is_the_same_stable_guid(client, published, settings):
    settings.SITE_URL = "https://peace.example"

    _, feed = fetch(client, "/feed/atom/")

    assert feed.entries[0].id == f"https://peace.example/?p={published.pk}"


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_featured_image_is_an_enclosure_with_absolute_url_size_and_type(client, author, url):
    image = factories.post_image()
    factories.post("Pictured", author=author, featured_image=image)

    _, feed = fetch(client, url)
    enclosure = feed.entries[0].enclosures[0]

    assert enclosure.href == f"http://testserver{image.image.url}"
    assert enclosure.type == "image/png"
    assert int(enclosure.length) == image.image.size > 0


def test_site_feed_shows_the_newest_twenty(client, author):
    start = timezone.now() - timedelta(days=30)
    for n in range(25):
        factories.post(f"Post number {n}", author=author, published_at=start + timedelta(hours=n))

    _, feed = fetch(client, "/feed/")

    assert len(feed.entries) == 20
    assert feed.entries[0].title == "Post number 24"
    assert feed.entries[-1].title == "Post number 5"


def test_category_feed_includes_sub_categories_but_not_others(client, author, news):
    local = factories.category("Local", parent=news)
    factories.post("From the parent", author=author, categories=[news])
    factories.post("From the child", author=author, categories=[local])
    factories.post("Elsewhere", author=author, categories=[factories.category("Sport")])

    _, parent_feed = fetch(client, "/category/news/feed/")
    _, child_feed = fetch(client, "/category/news/local/feed/atom/")

    assert {entry.title for entry in parent_feed.entries} == {"From the parent", "From the child"}
    assert [entry.title for entry in child_feed.entries] == ["From the child"]


def test_category_archive_still_works_next_to_its_feed(client, published):
    assert client.get("/category/news/").status_code == 200
    assert client.get("/tag/peace/").status_code == 200
    assert client.get("/author/author/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/category/nothing/feed/",
        "/category/nothing/feed/atom/",
        "/tag/nothing/feed/",
        "/tag/nothing/feed/atom/",
        "/author/nobody/feed/",
        "/author/nobody/feed/atom/",
    ],
)
def test_unknown_archives_have_no_feed(client, db, url):
    assert client.get(url).status_code == 404


def test_inactive_authors_have_no_feed(client, author, published):
    author.is_active = False
    author.save()

    assert client.get("/author/author/feed/").status_code == 404


def test_empty_feeds_still_parse(client, db):
    _, feed = fetch(client, "/feed/")

    assert feed.entries == []


@pytest.mark.parametrize("url", ARCHIVE_FEEDS + [f"{url}atom/" for url in ARCHIVE_FEEDS])
def test_feeds_run_a_fixed_number_of_queries(
    client, author, news, url, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # what making the feed costs

    def make(count):
        for _ in range(count):
            factories.post(
                author=author,
                categories=[news],
                tags=["peace", "other"],
                featured_image=factories.post_image(),
            )

    SiteSettings.load()
    # When the next scheduled post is due, site settings, the archive's object (and a
    # category's sub-categories), which posts, those posts, their categories, their tags.
    budget = 8 if url.startswith("/category/") else 7
    make(3)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200
    make(27)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(0):  # kept until something public changes
        assert client.get(url).status_code == 200


def test_site_comments_feed_lists_approved_comments_on_published_posts(client, published, unseen):
    factories.comment(published, name="Approved one")
    factories.comment(published, name="Waiting", status=Comment.Status.PENDING)
    for post in unseen:  # a draft, a scheduled post, a private post
        factories.comment(post, name=f"On {post.title}")

    response, feed = fetch(client, "/comments/feed/")

    assert response["Content-Type"].startswith(RSS)
    assert [entry.title for entry in feed.entries] == ["Approved one on “Talks resume”"]
    assert feed.entries[0].id.startswith("comment-")


@pytest.mark.parametrize("feed", ["site", "post"])
def test_comment_feeds_run_a_fixed_number_of_queries(
    client, published, reader, feed, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # what making the feed costs
    SiteSettings.load()
    about = factories.page("About")
    url = "/comments/feed/" if feed == "site" else f"{published.get_absolute_url()}feed/"

    def make(count):
        for n in range(count):
            factories.comment(published, name=f"Guest {n}")
            factories.comment(published, name=f"Member {n}", user=reader)
            Comment.objects.create(
                page=about, name=f"On the page {n}", body="Hi.", status="approved"
            )

    # The next scheduled post, the site's settings, (the post,) the comments with their
    # authors, posts and pages.
    budget = 3 if feed == "site" else 4
    make(2)
    with django_assert_max_num_queries(budget):
        assert len(fetch(client, url)[1].entries) == (6 if feed == "site" else 4)
    make(30)
    with django_assert_max_num_queries(budget):
        assert len(fetch(client, url)[1].entries) == 50
    with django_assert_max_num_queries(0):  # kept until something public changes
        assert len(fetch(client, url)[1].entries) == 50


def test_post_comments_feed_still_works(client, published):
    factories.comment(published, name="Hello")

    _, feed = fetch(client, f"{published.get_absolute_url()}feed/")

    assert [entry.author for entry in feed.entries] == ["Hello"]


def test_pages_advertise_the_site_feeds_and_their_archives_feed(client, author):
    from . import factories as make

    category = make.category("Diplomacy")
    make.post("Filed", author=author, categories=[category], tags=["peace"])

    home = client.get("/").content.decode()
    archive = client.get("/category/diplomacy/").content.decode()
    tag = client.get("/tag/peace/").content.decode()

    assert 'type="application/rss+xml" title="Colloquy » Feed" href="/feed/"' in home
    assert 'href="/feed/atom/"' in home and 'href="/comments/feed/"' in home
    assert 'title="Colloquy » Category: Diplomacy Feed" href="/category/diplomacy/feed/"' in archive
    assert 'href="/tag/peace/feed/"' in tag


# Names are text: a reader shows them as typed, never as markup.

MARKUP = '<b>Ann</b> & "Co"'


def shown(detail):
    """What a reader shows of a feed's text field, read as the type feedparser finds for it
    (RSS leaves readers to guess whether text is HTML, and feedparser guesses as they do)."""
    if detail.get("type") == "text/html":
        return BeautifulSoup(detail["value"], "html.parser").get_text()
    return detail["value"]


@pytest.fixture
def marked_up(db):
    """A post whose author, category, tag, title and commenter are all named with markup."""
    writer = factories.user("ann", roles=[roles.AUTHORS], display_name=MARKUP)
    category = factories.category(MARKUP, slug="ann")
    post = factories.post(f"Notes by {MARKUP}", author=writer, categories=[category], tags=[MARKUP])
    Comment.objects.create(post=post, name=MARKUP, body="Hello.", status=Comment.Status.APPROVED)
    return post


def marked_up_feeds(post):
    tag = post.tags.get()
    archives = ["/feed/", "/category/ann/feed/", f"/tag/{tag.slug}/feed/", "/author/ann/feed/"]
    return [
        *archives,
        *(f"{url}atom/" for url in archives),
        f"{post.get_absolute_url()}feed/",
        "/comments/feed/",
    ]


def test_names_with_markup_show_as_typed_in_every_feed_field(client, marked_up):
    for url in marked_up_feeds(marked_up):
        _, feed = fetch(client, url)
        texts = [shown(feed.feed.title_detail), shown(feed.feed.subtitle_detail)]
        for entry in feed.entries:
            texts += [shown(entry.title_detail), entry.author_detail.name]
            texts += [tag.term for tag in entry.get("tags", [])]

        named = [text for text in texts if "Ann" in text]
        assert named, url
        assert all(MARKUP in text for text in named), (url, named)
