"""What readers see: home, posts, pages and archives, and what they must not see."""

import re
import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import NavigationItem, Page, Post, SiteSettings
from blog.views import CountedPaginator

from . import factories

pytestmark = pytest.mark.django_db


def titles(response):
    return [post.title for post in response.context["posts"]]


def test_home_lists_published_posts_newest_first_with_sticky_on_top(client, author):
    now = timezone.now()
    factories.post("Old essay", author=author, published_at=now - timedelta(days=30))
    factories.post("New essay", author=author, published_at=now - timedelta(days=1))
    factories.post("Pinned", author=author, published_at=now - timedelta(days=60), sticky=True)

    response = client.get("/")

    assert response.status_code == 200
    assert titles(response) == ["Pinned", "New essay", "Old essay"]


def test_home_summary_shows_excerpt_categories_date_and_author(client, author):
    diplomacy = factories.category("Diplomacy")
    factories.post(
        "On listening",
        author=author,
        excerpt="Why *listening* comes first.",
        categories=[diplomacy],
        published_at=datetime(2025, 3, 20, 7, 45, tzinfo=zoneinfo.ZoneInfo("UTC")),
    )

    html = client.get("/").content.decode()

    assert "Why <em>listening</em> comes first." in html
    assert 'href="/category/diplomacy/"' in html
    assert "March 20, 2025 at 7:45 AM" in html
    assert 'href="/author/author/"' in html and "Ann Author" in html


@pytest.mark.parametrize("status", [Post.Status.DRAFT, Post.Status.PENDING, Post.Status.PRIVATE])
def test_unpublished_posts_are_404_and_absent_from_listings(client, author, status):
    diplomacy = factories.category("Diplomacy")
    hidden = factories.post("Hidden", author=author, status=status, tags=["peace"],
                            categories=[diplomacy])  # fmt: skip
    factories.post("Visible", author=author, tags=["peace"], categories=[diplomacy])
    day = hidden.publish_date

    assert client.get(hidden.get_absolute_url()).status_code == 404
    for url in ["/", "/tag/peace/", "/category/diplomacy/", "/author/author/",
                f"/{day:%Y}/", f"/{day:%Y/%m}/", f"/{day:%Y/%m/%d}/"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        assert titles(response) == ["Visible"], url


def test_scheduled_post_appears_when_its_time_comes(client, author):
    later = timezone.now() + timedelta(hours=2)
    scheduled = factories.post("Tomorrow's essay", author=author, published_at=later)

    assert client.get(scheduled.get_absolute_url()).status_code == 404
    assert titles(client.get("/")) == []

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later + timedelta(minutes=1))
        assert client.get(scheduled.get_absolute_url()).status_code == 200
        assert titles(client.get("/")) == ["Tomorrow's essay"]


def test_staff_preview_a_draft_on_the_public_layout(client_for, author):
    draft = factories.post("Work in progress", author=author, status=Post.Status.DRAFT)

    response = client_for(author).get(draft.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview: readers cannot see this yet (draft)" in html
    assert '<meta name="robots" content="noindex">' in html


def test_authors_cannot_preview_other_authors_drafts(client_for, author, other_author):
    draft = factories.post("Not yours", author=other_author, status=Post.Status.DRAFT)

    assert client_for(author).get(draft.get_absolute_url()).status_code == 404


def test_editors_preview_anyones_pending_post(client_for, editor, author):
    pending = factories.post("For review", author=author, status=Post.Status.PENDING)

    response = client_for(editor).get(pending.get_absolute_url())

    assert response.status_code == 200
    assert "pending review" in response.content.decode()


def test_readers_cannot_preview_drafts(client_for, reader, draft):
    assert client_for(reader).get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/2025/01/01/no-such-post/",
        "/2025/02/30/impossible-date/",
        "/2025/13/01/bad-month/",
        "/category/nowhere/",
        "/tag/nothing/",
        "/author/nobody/",
        "/no/such/page/",
        "/page/999/",
        "/page/0/",
        "/page/abc/",
        "/1999/",
        "/2025/13/",
    ],
)
def test_unknown_addresses_and_bad_page_numbers_are_404(client, author, url):
    factories.post("Something", author=author)

    response = client.get(url)

    assert response.status_code == 404
    assert b"Not found" in response.content


def test_post_page_shows_everything_a_reader_expects(client, author):
    image = factories.post_image(caption="Joseph Montville", credit="© C-SPAN")
    post = factories.post(
        "Track two",
        author=author,
        body=f"Intro[^1].\n\n![](image:{image.pk})\n\n> A quote.\n\n[^1]: A note.",
        tags=["mediation"],
        categories=[factories.category("Diplomacy")],
        published_at=datetime(2025, 3, 20, 7, 45, tzinfo=zoneinfo.ZoneInfo("UTC")),
    )

    response = client.get("/2025/03/20/track-two/")

    assert response.status_code == 200
    assert response.context["post"] == post
    html = response.content.decode()
    assert '<h1 class="post-title">Track two</h1>' in html
    assert "March 20, 2025 at 7:45 AM" in html
    assert 'href="/author/author/" rel="author">Ann Author</a>' in html
    assert '<figcaption><span class="caption">Joseph Montville</span>' in html
    assert '<span class="credit">© C-SPAN</span>' in html
    assert 'class="footnote"' in html
    assert "<blockquote>" in html
    assert "Ann writes about mediation." in html
    assert 'href="/tag/mediation/" rel="tag"' in html
    assert 'href="/category/diplomacy/" rel="category"' in html


def test_permalink_date_is_in_the_site_time_zone(settings, client, author):
    settings.TIME_ZONE = "America/New_York"
    # 02:30 UTC on 21 March is still 20 March in New York.
    post = factories.post(
        "Late night", author=author,
        published_at=datetime(2025, 3, 21, 2, 30, tzinfo=zoneinfo.ZoneInfo("UTC")),
    )  # fmt: skip

    assert post.get_absolute_url() == "/2025/03/20/late-night/"
    assert client.get("/2025/03/20/late-night/").status_code == 200


def test_related_posts_prefer_the_authors_picks(client, author):
    picked = factories.post("Picked", author=author)
    factories.post("Shares a tag", author=author, tags=["peace"])
    post = factories.post("Main", author=author, tags=["peace"])
    post.related.add(picked)

    response = client.get(post.get_absolute_url())

    assert [p.title for p in response.context["related_posts"]] == ["Picked"]
    assert "Of related interest" in response.content.decode()


def test_related_posts_fall_back_to_most_shared_tags_and_categories(client, author):
    diplomacy = factories.category("Diplomacy")
    factories.post("Two in common", author=author, tags=["peace", "un"])
    factories.post("Three in common", author=author, tags=["peace", "un"],
                   categories=[diplomacy])  # fmt: skip
    factories.post("One in common", author=author, tags=["un"])
    factories.post("Nothing in common", author=author, tags=["cooking"])
    factories.post("Draft in common", author=author, tags=["peace", "un"],
                   categories=[diplomacy], status=Post.Status.DRAFT)  # fmt: skip
    post = factories.post("Main", author=author, tags=["peace", "un"], categories=[diplomacy])

    response = client.get(post.get_absolute_url())

    assert [p.title for p in response.context["related_posts"]] == [
        "Three in common",
        "Two in common",
        "One in common",
    ]


def test_unpublished_picks_are_not_shown_as_related(client, author):
    draft = factories.post("Draft pick", author=author, status=Post.Status.DRAFT)
    post = factories.post("Main", author=author)
    post.related.add(draft)

    assert client.get(post.get_absolute_url()).context["related_posts"] == []


def test_category_archive_includes_sub_categories(client, author):
    region = factories.category("Conflict Resolution")
    middle_east = factories.category("Middle East", parent=region)
    factories.post("Regional", author=author, categories=[middle_east])
    factories.post("General", author=author, categories=[region])
    factories.post("Elsewhere", author=author)

    parent_page = client.get("/category/conflict-resolution/")
    child_page = client.get("/category/conflict-resolution/middle-east/")

    assert sorted(titles(parent_page)) == ["General", "Regional"]
    assert titles(child_page) == ["Regional"]
    assert client.get("/category/middle-east/").status_code == 404


def test_post_in_parent_and_child_category_is_listed_once(client, author):
    region = factories.category("Conflict Resolution")
    africa = factories.category("Africa", parent=region)
    factories.post("Both", author=author, categories=[region, africa])

    assert titles(client.get("/category/conflict-resolution/")) == ["Both"]


def test_tag_author_and_date_archives(client, author, other_author):
    march = datetime(2025, 3, 20, 12, tzinfo=zoneinfo.ZoneInfo("UTC"))
    factories.post("March", author=author, tags=["peace"], published_at=march)
    factories.post("April", author=other_author, published_at=march + timedelta(days=20))
    factories.post("Last year", author=author, published_at=march - timedelta(days=365))

    assert titles(client.get("/tag/peace/")) == ["March"]
    assert titles(client.get("/author/author/")) == ["March", "Last year"]
    assert titles(client.get("/2025/")) == ["April", "March"]
    assert titles(client.get("/2025/03/")) == ["March"]
    assert titles(client.get("/2025/03/20/")) == ["March"]
    assert client.get("/2025/05/").status_code == 404


def test_author_page_shows_bio(client, author):
    factories.post("Essay", author=author)

    html = client.get("/author/author/").content.decode()

    assert "Ann writes about mediation." in html


def test_archives_paginate_with_page_urls(settings, client, author):
    settings.BLOG_POSTS_PER_PAGE = 2
    now = timezone.now()
    for n in range(5):
        factories.post(f"Essay {n}", author=author, tags=["peace"],
                       published_at=now - timedelta(days=n + 1))  # fmt: skip

    first = client.get("/tag/peace/")
    third = client.get("/tag/peace/page/3/")

    assert titles(first) == ["Essay 0", "Essay 1"]
    assert titles(third) == ["Essay 4"]
    assert 'rel="next" href="/tag/peace/page/2/"' in first.content.decode()
    assert 'rel="prev" href="/tag/peace/page/2/"' in third.content.decode()
    assert client.get("/tag/peace/page/4/").status_code == 404
    assert titles(client.get("/page/2/")) == ["Essay 2", "Essay 3"]
    redirect = client.get("/page/1/")
    assert redirect.status_code == 301 and redirect["Location"] == "/"


@pytest.mark.parametrize(
    "base", ["/", "/category/region/", "/tag/peace/", "/2026/", "/author/author/"]
)
def test_deep_pages_start_after_a_kept_row_and_list_what_offsets_would(
    settings, client, author, base, monkeypatch
):
    """Past the first stride of a list, a page starts after the row kept at the stride
    before it, not at an OFFSET from the top: the same posts, in the same order."""
    settings.BLOG_POSTS_PER_PAGE = 2
    monkeypatch.setattr(CountedPaginator, "STRIDE", 3)
    region = factories.category("Region")
    moment = datetime(2026, 6, 1, 12, tzinfo=timezone.get_current_timezone())
    for n in range(15):  # pairs published at the same moment: ties broken by id
        factories.post(f"Essay {n}", author=author, tags=["peace"], categories=[region],
                       published_at=moment - timedelta(days=n // 2))  # fmt: skip
    factories.post("Pinned", author=author, sticky=True, tags=["peace"], categories=[region],
                   published_at=moment - timedelta(days=30))  # fmt: skip
    order = ["-sticky", "-published_at", "-pk"] if base == "/" else ["-published_at", "-pk"]
    expected = [post.title for post in Post.objects.published().order_by(*order)]

    shown, deep_offsets = [], []
    for number in range(1, 10):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(base if number == 1 else f"{base}page/{number}/")
        if response.status_code == 404:
            break
        shown += titles(response)
        deep_offsets += [
            int(offset) for query in queries for offset in re.findall(r"OFFSET (\d+)", query["sql"])
        ]

    assert shown == expected
    assert deep_offsets and max(deep_offsets) < 3


def test_deep_pages_follow_a_new_post_and_many_sticky_ones(settings, client, author, monkeypatch):
    settings.BLOG_POSTS_PER_PAGE = 2
    monkeypatch.setattr(CountedPaginator, "STRIDE", 3)
    now = timezone.now()
    for n in range(5):
        factories.post(f"Pinned {n}", author=author, sticky=True,
                       published_at=now - timedelta(days=n + 1))  # fmt: skip
    for n in range(6):
        factories.post(f"Essay {n}", author=author, tags=["peace"],
                       published_at=now - timedelta(days=n + 1))  # fmt: skip

    def every_page(base):
        pages = [client.get(f"{base}page/{number}/") for number in range(2, 8)]
        return [title for page in pages if page.status_code == 200 for title in titles(page)]

    home, tag = every_page("/"), every_page("/tag/peace/")
    factories.post("Breaking", author=author, tags=["peace"], published_at=now)
    essays = [f"Essay {n}" for n in range(6)]

    assert home == ["Pinned 2", "Pinned 3", "Pinned 4", *essays]
    assert every_page("/") == ["Pinned 2", "Pinned 3", "Pinned 4", "Breaking", *essays]
    assert tag == essays[2:]
    assert every_page("/tag/peace/") == essays[1:]


def test_pages_live_at_their_parent_child_path(client):
    about = factories.page("About", body="We are *an association*.")
    board = factories.page("Our Board", parent=about)
    factories.page("Secret", status=Page.Status.DRAFT)

    assert board.get_absolute_url() == "/about/our-board/"
    response = client.get("/about/")
    assert response.status_code == 200
    assert "We are <em>an association</em>." in response.content.decode()
    assert client.get("/about/our-board/").status_code == 200
    assert client.get("/our-board/").status_code == 404
    assert client.get("/secret/").status_code == 404


def test_moving_a_page_moves_its_children(client):
    about = factories.page("About")
    board = factories.page("Our Board", parent=about)

    about.slug = "who-we-are"
    about.save()

    board.refresh_from_db()
    assert board.path == "who-we-are/our-board"
    assert client.get("/who-we-are/our-board/").status_code == 200


def test_site_settings_and_navigation_appear_on_every_page(client, author):
    site = SiteSettings.load()
    site.title = "The Official Blog of the Geneva Forum"
    site.tagline = "Essays on peace"
    site.footer_text = "Published by *the Forum*."
    site.save()
    about = factories.page("About")
    diplomacy = factories.category("Diplomacy")
    NavigationItem.objects.create(settings=site, page=about, order=1)
    NavigationItem.objects.create(settings=site, category=diplomacy, order=2, label="Diplomacy")
    NavigationItem.objects.create(settings=site, url="https://example.org/", label="Home site",
                                  order=3)  # fmt: skip

    html = client.get("/").content.decode()

    assert "The Official Blog of the Geneva Forum" in html
    assert "Essays on peace" in html
    assert "Published by <em>the Forum</em>." in html
    nav = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert nav.index('href="/about/"') < nav.index('href="/category/diplomacy/"')
    assert 'href="https://example.org/">Home site</a>' in nav


def test_changing_site_settings_shows_on_the_next_request(client):
    client.get("/")
    site = SiteSettings.load()
    site.title = "Renamed"
    site.save()

    assert "Renamed" in client.get("/").content.decode()


def test_pages_are_accessible_landmarks_and_headings(client, author):
    post = factories.post("Essay", author=author)

    for url in ["/", post.get_absolute_url(), "/author/author/"]:
        html = client.get(url).content.decode()
        assert '<html lang="en">' in html
        assert 'class="skip-link" href="#content"' in html
        assert "<header" in html and '<main id="content"' in html and "<footer" in html
        assert html.count("<h1") == 1, url


def test_date_archives_link_to_the_nearest_dates_with_posts(client, author):
    march = datetime(2025, 3, 20, 12, tzinfo=zoneinfo.ZoneInfo("UTC"))
    factories.post("March", author=author, published_at=march)
    factories.post("June", author=author, published_at=march + timedelta(days=80))
    factories.post("Next year", author=author, published_at=march + timedelta(days=365))

    june = client.get("/2025/06/").content.decode()
    year = client.get("/2025/").content.decode()
    day = client.get("/2025/03/20/").content.decode()

    assert 'href="/2025/03/">&larr; March 2025</a>' in june
    assert 'href="/2026/">2026 &rarr;</a>' in year
    assert 'href="/2025/06/08/">June 8, 2025 &rarr;</a>' in day


def test_deleting_an_image_removes_its_figure_from_the_post(client, author):
    image = factories.post_image(caption="Gone soon")
    post = factories.post("Illustrated", author=author, body=f"![](image:{image.pk})")

    image.delete()

    assert "Gone soon" not in client.get(post.get_absolute_url()).content.decode()


def test_listing_without_excerpt_shows_the_opening_prose(client, author):
    image = factories.post_image(caption="A caption")
    body = (
        f"![](image:{image.pk})\n\n| Activity | Count |\n| --- | --- |\n| Talks | 12 |\n\n"
        "> Quoted words.\n\nThe opening *prose* of the essay.[^1]\n\n[^1]: A note."
    )
    factories.post("No excerpt", author=author, body=body)

    excerpt = client.get("/").content.decode().split('<div class="excerpt">')[1].split("</div>")[0]

    assert "<p>The opening prose of the essay.</p>" in excerpt
    for unwanted in ("A caption", "Activity", "Quoted", "A note"):
        assert unwanted not in excerpt


def test_long_bodies_are_cut_to_the_first_words(client, author):
    factories.post("Long", author=author, body=" ".join(f"word{n}" for n in range(100)))

    html = client.get("/").content.decode()

    assert "word44 …</p>" in html and "word45" not in html


def test_uploaded_images_are_served(client):
    image = factories.post_image()

    response = client.get(image.image.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert client.get("/media/images/../../config/settings.py").status_code in (400, 404)
