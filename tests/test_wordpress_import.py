"""`manage.py import_wordpress`: WordPress exports written for each case."""

import io
import re
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from taggit.models import Tag

from accounts.models import User
from blog.models import Category, Page, Post, PostImage, Redirect
from comments.models import Comment
from wordpress.models import ImportedItem

from . import factories
from .wxr_files import SITE, WPComment, WPItem, export, write

pytestmark = pytest.mark.django_db


def run(path, *args):
    out = io.StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out)
    return out.getvalue()


def counts():
    return {
        "users": User.objects.count(),
        "posts": Post.objects.count(),
        "pages": Page.objects.count(),
        "categories": Category.objects.count(),
        "images": PostImage.objects.count(),
        "comments": Comment.objects.count(),
        "items": ImportedItem.objects.count(),
        "redirects": Redirect.objects.count(),
    }


def snapshot():
    """Everything an import writes, as comparable values."""
    return {
        "posts": list(Post.objects.order_by("pk").values()),
        "pages": list(Page.objects.order_by("pk").values()),
        "images": list(PostImage.objects.order_by("pk").values()),
        "comments": list(Comment.objects.order_by("pk").values()),
        "categories": list(Category.objects.order_by("pk").values()),
        "post_categories": list(Post.categories.through.objects.order_by("pk").values()),
        "items": list(ImportedItem.objects.order_by("pk").values("kind", "key", "guid")),
        "redirects": list(Redirect.objects.order_by("pk").values()),
    }


# Versions and namespaces ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "scheme"), [("1.0", "http"), ("1.1", "http"), ("1.2", "http"), ("1.2", "https")]
)
def test_reads_every_wxr_version_and_namespace_spelling(tmp_path, version, scheme):
    path = write(tmp_path, [WPItem(1, title="Hello")], version=version, scheme=scheme)

    run(path)

    assert Post.objects.get().title == "Hello"


# Authors --------------------------------------------------------------------------------


def test_authors_become_accounts_with_their_names_and_no_usable_password(tmp_path):
    run(write(tmp_path, [WPItem(1)]))

    user = User.objects.get(username="jmontville")
    assert user.display_name == "Joseph Montville"
    assert user.email == "jm@peace.example.org"
    assert not user.has_usable_password()
    assert not user.is_staff
    assert Post.objects.get().author == user


def test_author_map_gives_posts_to_existing_accounts(tmp_path):
    ann = factories.user("ann", email="ann@example.org")
    (tmp_path / "map.csv").write_text("# login,account\njmontville,ann@example.org\n")

    run(write(tmp_path, [WPItem(1)]), "--author-map", str(tmp_path / "map.csv"))

    assert Post.objects.get().author == ann
    assert not User.objects.filter(username="jmontville").exists()


def test_author_map_naming_a_missing_account_stops_with_nothing_changed(tmp_path):
    (tmp_path / "map.csv").write_text("jmontville,nobody\n")

    with pytest.raises(CommandError, match=r"line 1: no account “nobody”"):
        run(write(tmp_path, [WPItem(1)]), "--author-map", str(tmp_path / "map.csv"))

    assert Post.objects.count() == 0


def test_an_author_whose_login_is_taken_gets_another_username(tmp_path):
    factories.user("jmontville", email="someone-else@example.org")

    report = run(write(tmp_path, [WPItem(1)]))

    assert Post.objects.get().author.username == "jmontville-2"
    assert "imported as jmontville-2" in report


# Categories and tags --------------------------------------------------------------------


def test_categories_keep_their_hierarchy_and_descriptions_and_tags_come_along(tmp_path):
    run(write(tmp_path, [WPItem(1, categories=["track-two"], tags=["mediation", "peace"])]))

    child = Category.objects.get(slug="track-two")
    assert child.parent.slug == "diplomacy"
    assert child.path == "diplomacy/track-two"
    assert child.description == "Unofficial dialogue."
    post = Post.objects.get()
    assert list(post.categories.all()) == [child]
    assert sorted(post.tags.names()) == ["Mediation", "Peace"]


def test_categories_listed_after_their_children_still_nest(tmp_path):
    categories = [("child", "parent", "Child", ""), ("parent", "", "Parent", "")]

    run(write(tmp_path, [], categories=categories))

    assert Category.objects.get(slug="child").path == "parent/child"


# Posts ----------------------------------------------------------------------------------


def test_post_fields_come_across(tmp_path):
    item = WPItem(
        7,
        title="On &amp; off the record",
        slug="on-and-off",
        date="2015-03-01 10:30:00",
        date_gmt="2015-03-01 09:30:00",
        excerpt="<em>Short</em> version.",
        sticky=True,
        comment_status="closed",
        guid="http://peace.example.org/?p=7",
    )

    run(write(tmp_path, [item]))

    post = Post.objects.get()
    assert post.title == "On & off the record"
    assert post.slug == "on-and-off"
    assert post.published_at == datetime(2015, 3, 1, 9, 30, tzinfo=UTC)
    assert post.excerpt.strip() == "*Short* version."
    assert post.sticky
    assert not post.comments_open
    assert post.guid == "http://peace.example.org/?p=7"
    assert "<p>Dialogue comes first.</p>" in post.body_html


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("publish", Post.Status.PUBLISHED),
        ("draft", Post.Status.DRAFT),
        ("pending", Post.Status.PENDING),
        ("private", Post.Status.PRIVATE),
    ],
)
def test_statuses_map_to_ours(tmp_path, status, expected):
    run(write(tmp_path, [WPItem(1, status=status)]))

    assert Post.objects.get().status == expected


def test_a_future_post_is_scheduled(tmp_path):
    future = (timezone.now() + timezone.timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S")

    run(write(tmp_path, [WPItem(1, status="future", date_gmt=future)]))

    post = Post.objects.get()
    assert post.is_scheduled
    assert not Post.objects.published().exists()


def test_a_password_protected_post_becomes_private_and_is_listed(tmp_path):
    report = run(write(tmp_path, [WPItem(3, title="Members only", password="enter")]))

    assert Post.objects.get().status == Post.Status.PRIVATE
    assert "post 3 “Members only”: was protected by a password" in report


def test_trashed_items_are_skipped_and_listed(tmp_path):
    report = run(write(tmp_path, [WPItem(1), WPItem(2, title="Binned", status="trash")]))

    assert Post.objects.count() == 1
    assert "post 2 “Binned”: skipped: it is in the trash." in report


def test_revisions_and_menu_items_are_not_content(tmp_path):
    items = [WPItem(1), WPItem(2, type="nav_menu_item"), WPItem(3, type="revision")]

    report = run(write(tmp_path, items))

    assert Post.objects.count() == 1
    assert "other (nav_menu_item)" in report


def test_a_post_whose_slug_is_taken_that_day_gets_another(tmp_path):
    factories.post(slug="item-1", published_at=datetime(2015, 3, 1, 12, tzinfo=UTC))

    run(write(tmp_path, [WPItem(1)]))

    assert Post.objects.latest("pk").slug == "item-1-2"


# Pages ----------------------------------------------------------------------------------


def test_pages_live_at_their_wordpress_path_with_parent_and_order(tmp_path):
    items = [
        WPItem(20, title="Team", slug="team", type="page", parent=10, menu_order=2),
        WPItem(10, title="About", slug="about", type="page", menu_order=1),
    ]

    run(write(tmp_path, items))

    team = Page.objects.get(slug="team")
    assert team.path == "about/team"
    assert team.parent.slug == "about"
    assert team.order == 2
    assert team.status == Page.Status.PUBLISHED


def test_a_page_on_a_reserved_address_moves_and_is_listed(tmp_path):
    report = run(write(tmp_path, [WPItem(5, title="Search", slug="search", type="page")]))

    assert Page.objects.get().path == "search-page"
    assert "/search-page/" in report


# Comments -------------------------------------------------------------------------------


def test_comments_keep_parent_author_address_date_and_status(tmp_path):
    comments = [
        WPComment(41, content="First<br />with a <a href='https://x.example'>link</a>"),
        WPComment(42, parent=41, author="Replier", date_gmt="2015-03-03 08:00:00"),
        WPComment(43, approved="0", author="Waiting"),
        WPComment(44, approved="spam", author="Spammer"),
        WPComment(45, approved="trash", author="Binned"),
        WPComment(46, type="pingback", author="Other blog", ip="not an ip"),
    ]

    run(write(tmp_path, [WPItem(1, comments=comments)]))

    by_id = {c.legacy_id: c for c in Comment.objects.all()}
    assert by_id[42].parent == by_id[41]
    assert by_id[42].depth == 1
    assert by_id[42].name == "Replier"
    assert by_id[41].email == "guest@example.com"
    assert by_id[41].url == "https://guest.example.com"
    assert by_id[41].ip_address == "203.0.113.9"
    assert by_id[41].submitted_at == datetime(2015, 3, 2, 10, tzinfo=UTC)
    assert by_id[41].body == "First\nwith a link (https://x.example)"
    assert [by_id[n].status for n in (41, 43, 44, 45)] == [
        Comment.Status.APPROVED, Comment.Status.PENDING, Comment.Status.SPAM,
        Comment.Status.REMOVED,
    ]  # fmt: skip
    assert by_id[46].kind == Comment.Kind.PINGBACK
    assert by_id[46].ip_address is None
    assert Post.objects.get().comment_count == 3  # 41, 42 and the pingback


def test_comment_anchors_keep_wordpress_ids_and_new_comments_never_collide(tmp_path, client):
    run(write(tmp_path, [WPItem(1, comments=[WPComment(5000), WPComment(7, parent=5000)])]))
    post = Post.objects.get()

    page = client.get(post.get_absolute_url()).content.decode()
    fresh = Comment.objects.create(post=post, name="New", body="Hello", status="approved")

    assert 'id="comment-5000"' in page
    assert 'id="comment-7"' in page
    assert fresh.pk > 5000
    assert fresh.anchor == f"comment-{fresh.pk}"


def test_a_comment_whose_parent_is_missing_is_kept_at_the_top_and_reported(tmp_path):
    report = run(write(tmp_path, [WPItem(1, comments=[WPComment(9, parent=8)])]))

    comment = Comment.objects.get()
    assert comment.parent is None
    assert "comment 9: its parent comment 8 is not in the export" in report


def test_comments_by_wordpress_users_belong_to_their_accounts(tmp_path):
    run(write(tmp_path, [WPItem(1, comments=[WPComment(3, user_id=2)])]))

    assert Comment.objects.get().user.username == "jmontville"


def test_comments_on_pages_come_across(tmp_path):
    run(write(tmp_path, [WPItem(10, type="page", comments=[WPComment(3), WPComment(4, parent=3)])]))

    page = Page.objects.get()
    assert page.comments.count() == 2
    assert page.comments.get(legacy_id=4).parent.legacy_id == 3


# Content, links and images --------------------------------------------------------------


def test_links_to_other_posts_point_at_their_new_address_even_forward(tmp_path):
    first = WPItem(1, content=f'See <a href="{SITE}/2016/05/04/later/">the later one</a>.')
    later = WPItem(2, slug="later", date_gmt="2016-05-04 12:00:00")
    by_id = WPItem(3, content=f'And <a href="{SITE}/?p=1">the first</a>.')

    run(write(tmp_path, [first, later, by_id]))

    assert "[the later one](/2016/05/04/later/)" in Post.objects.get(slug="item-1").body
    assert "[the first](/2015/03/01/item-1/)" in Post.objects.get(slug="item-3").body


def image_items(tmp_path, *, with_file=True):
    media = tmp_path / "uploads"
    (media / "2015" / "03").mkdir(parents=True)
    if with_file:
        (media / "2015" / "03" / "montville.jpg").write_bytes(
            factories.image_bytes("JPEG", size=(640, 480))
        )
    attachment = WPItem(
        30,
        title="montville",
        type="attachment",
        status="inherit",
        parent=1,
        excerpt="Joseph Montville (C) C-SPAN",
        content="At the 1986 conference.",
        attachment_url=f"{SITE}/wp-content/uploads/2015/03/montville.jpg",
        link=f"{SITE}/2015/03/01/item-1/montville/",
        meta={"_wp_attached_file": "2015/03/montville.jpg",
              "_wp_attachment_image_alt": "Joseph Montville speaking"},
    )  # fmt: skip
    post = WPItem(
        1,
        content='[caption id="attachment_30" align="alignnone" width="300"]'
        f'<img class="size-medium wp-image-30" src="{SITE}/wp-content/uploads/2015/03/'
        'montville-300x225.jpg" alt="" width="300" height="225" /> Joseph Montville (C) '
        "C-SPAN[/caption]\n\nHe spoke.",
        meta={"_thumbnail_id": "30"},
    )
    return [post, attachment], media


def test_attachments_become_images_with_alt_caption_credit_and_description(tmp_path, client):
    items, media = image_items(tmp_path)

    run(write(tmp_path, items), "--media-dir", str(media))

    image = PostImage.objects.get()
    post = Post.objects.get()
    assert image.alt_text == "Joseph Montville speaking"
    assert (image.caption, image.credit) == ("Joseph Montville", "© C-SPAN")
    assert image.description == "At the 1986 conference."
    assert image.image.name == "images/2015/03/montville.jpg"
    assert image.post == post
    assert post.featured_image == image
    assert f"](image:{image.pk})" in post.body
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'class="caption">Joseph Montville<' in html
    assert 'class="credit">© C-SPAN<' in html
    assert image.image.url in html


def test_each_use_of_an_image_keeps_its_own_caption(tmp_path, client):
    items, media = image_items(tmp_path)
    items[0].content += (
        '\n\n<figure class="wp-block-image"><img class="wp-image-30" '
        f'src="{SITE}/wp-content/uploads/2015/03/montville.jpg" alt="" />'
        "<figcaption>At the podium</figcaption></figure>"
        f'\n\n<img class="wp-image-30" src="{SITE}/wp-content/uploads/2015/03/montville.jpg" />'
    )

    run(write(tmp_path, items), "--media-dir", str(media))
    html = client.get(Post.objects.get().get_absolute_url()).content.decode()

    figures = re.findall(r"<figure class=\"figure\" id=.*?</figure>", html, re.DOTALL)
    assert len(figures) == 3
    assert "Joseph Montville" in figures[0]
    assert "At the podium" in figures[1] and "credit" not in figures[1]
    assert "figcaption" not in figures[2]
    assert len({image.image.name for image in PostImage.objects.all()}) == 1


def test_imported_images_are_stored_upright_without_their_gps_position(tmp_path):
    items, media = image_items(tmp_path)
    (media / "2015" / "03" / "montville.jpg").write_bytes(factories.camera_jpeg())

    run(write(tmp_path, items), "--media-dir", str(media))

    image = PostImage.objects.get()
    with image.image.open() as stored:
        content = stored.read()
    assert b"Exif\x00\x00" not in content and b"PhoneMaker" not in content
    with Image.open(io.BytesIO(content)) as picture:
        assert picture.size == (600, 1000) == (image.width, image.height)
        assert dict(picture.getexif()) == {}
        assert picture.convert("RGB").getpixel((300, 10))[1] < 60  # red: the top edge


def test_a_missing_image_is_reported_and_its_figure_keeps_the_caption(tmp_path, client):
    items, media = image_items(tmp_path, with_file=False)

    report = run(write(tmp_path, items), "--media-dir", str(media))

    image = PostImage.objects.get()
    assert not image.image
    assert "montville.jpg not found in the media folder" in report
    html = client.get(Post.objects.get().get_absolute_url()).content.decode()
    assert 'class="caption">Joseph Montville<' in html
    assert Post.objects.get().featured_image is None


def test_an_unknown_shortcode_stays_visible(tmp_path):
    report = run(write(tmp_path, [WPItem(1, content='Before [mystery x="1"] after.')]))

    assert "mystery" in Post.objects.get().body_html
    assert "mystery" in report


def test_content_is_sanitised_like_any_body(tmp_path):
    content = 'Hi <script>alert(1)</script><a href="javascript:alert(2)">x</a> <b onclick="y">b</b>'

    run(write(tmp_path, [WPItem(1, content=content)]))

    html = Post.objects.get().body_html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onclick" not in html


# Old links ------------------------------------------------------------------------------


def test_old_links_answer_with_a_redirect_to_the_new_page(tmp_path, client):
    items, media = image_items(tmp_path)
    items += [
        WPItem(2, slug="moved", link=f"{SITE}/essays/moved/"),
        WPItem(10, title="About", slug="about", type="page", link=f"{SITE}/?page_id=10"),
    ]
    run(write(tmp_path, items), "--media-dir", str(media))
    post = Post.objects.get(slug="item-1")
    moved = Post.objects.get(slug="moved")
    image = PostImage.objects.get()

    expected = {
        "/essays/moved/": moved.get_absolute_url(),
        "/essays/moved": moved.get_absolute_url(),
        "/essays/moved/comment-page-2/": moved.get_absolute_url(),
        "/?p=2": moved.get_absolute_url(),
        "/?page_id=10": "/about/",
        "/?attachment_id=30": f"{post.get_absolute_url()}#image-{image.pk}",
        "/2015/03/01/item-1/montville/": f"{post.get_absolute_url()}#image-{image.pk}",
        "/wp-content/uploads/2015/03/montville-300x225.jpg": image.image.url,
    }
    for old, new in expected.items():
        response = client.get(old)
        assert (old, response.status_code, response.get("Location")) == (old, 301, new)


def test_the_old_addresses_are_kept_in_the_redirect_table(tmp_path):
    items, media = image_items(tmp_path)
    items[0].categories, items[0].tags = ["news"], ["peace"]
    items += [WPItem(2, slug="moved", link=f"{SITE}/essays/moved/")]
    run(write(tmp_path, items), "--media-dir", str(media))
    post, moved = Post.objects.get(slug="item-1"), Post.objects.get(slug="moved")

    kept = {row.old_path: row.target for row in Redirect.objects.all()}

    assert kept == {
        "/2015/03/01/item-1/": post,
        "/essays/moved/": moved,
        "/2015/03/01/item-1/montville/": PostImage.objects.get(),
        **{f"/category/{category.path}/": category for category in Category.objects.all()},
        **{f"/tag/{tag.slug}/": tag for tag in Tag.objects.all()},
    }  # an upload is found by its file, resized or not
    assert set(Redirect.objects.values_list("source", flat=True)) == {Redirect.Source.IMPORTED}


def test_an_imported_post_renamed_here_answers_at_both_old_addresses_in_one_hop(tmp_path, client):
    run(write(tmp_path, [WPItem(2, slug="moved", link=f"{SITE}/essays/moved/")]))
    post = Post.objects.get()
    first_here = post.get_absolute_url()
    post.slug = "moved-again"
    post.save()

    for old in ("/essays/moved/", "/essays/moved/feed/", first_here, "/?p=2"):
        response = client.get(old, follow=True)
        assert response.redirect_chain == [(post.get_absolute_url(), 301)], old
        assert response.status_code == 200


def test_a_second_run_keeps_the_old_address_a_post_had(tmp_path, client):
    run(write(tmp_path, [WPItem(2, slug="moved", link=f"{SITE}/essays/moved/")]))
    post = Post.objects.get()

    run(write(tmp_path, [WPItem(2, slug="moved", link=f"{SITE}/2015/moved/")], name="later.xml"))

    for old in ("/essays/moved/", "/2015/moved/"):
        assert client.get(old)["Location"] == post.get_absolute_url(), old


def test_a_second_run_reads_the_redirects_once_and_writes_none(tmp_path):
    items, media = image_items(tmp_path)
    path = write(tmp_path, items + [WPItem(n, categories=["news"]) for n in range(2, 6)])
    run(path, "--media-dir", str(media))

    with CaptureQueriesContext(connection) as queries:
        run(path, "--media-dir", str(media))

    statements = [q["sql"].split()[0] for q in queries if '"blog_redirect"' in q["sql"]]
    # One read (on PostgreSQL through a cursor it DECLAREs), no write.
    assert statements in (["SELECT"], ["DECLARE"])


def test_an_old_address_too_long_to_keep_is_reported(tmp_path):
    link = f"{SITE}/{'a' * Redirect.PATH_LENGTH}/"

    report = run(write(tmp_path, [WPItem(2, link=link)]))

    assert Post.objects.exists() and not Redirect.objects.filter(post__isnull=False).exists()
    assert "its old address is too long to redirect" in report


def test_old_links_to_drafts_do_not_reveal_them(tmp_path, client):
    run(write(tmp_path, [WPItem(2, status="draft", link=f"{SITE}/essays/draft/")]))

    assert client.get("/?p=2").status_code == 200  # the home page, as for any unknown id
    assert client.get("/essays/draft/").status_code == 404


def test_feeds_keep_the_old_guids(tmp_path, client):
    run(write(tmp_path, [WPItem(1, guid="http://peace.example.org/?p=1")]))

    feed = client.get("/feed/").content.decode()

    assert '<guid isPermaLink="false">http://peace.example.org/?p=1</guid>' in feed


# Running again, transactions, dry runs --------------------------------------------------


def test_a_second_run_changes_nothing(tmp_path):
    items, media = image_items(tmp_path)
    items[0].comments = [WPComment(3), WPComment(4, parent=3)]
    items += [WPItem(10, type="page", slug="about")]
    path = write(tmp_path, items)
    run(path, "--media-dir", str(media))
    before = snapshot()

    report = run(path, "--media-dir", str(media))

    assert snapshot() == before
    assert re.search(r"^post\s+0\s+0\s+1\s+0$", report, re.MULTILINE), report
    assert re.search(r"^comment\s+0\s+0\s+2\s+0$", report, re.MULTILINE), report


def test_a_second_run_updates_and_adds(tmp_path):
    run(write(tmp_path, [WPItem(1, comments=[WPComment(3)])]))
    post = Post.objects.get()

    items = [WPItem(1, title="Retitled", comments=[WPComment(3), WPComment(4, parent=3)]),
             WPItem(2)]  # fmt: skip
    run(write(tmp_path, items, name="later.xml"))

    post.refresh_from_db()
    assert post.title == "Retitled"
    assert Post.objects.count() == 2
    assert Comment.objects.count() == 2
    assert post.comment_count == 2


def test_dry_run_reports_and_changes_nothing(tmp_path):
    items, media = image_items(tmp_path)
    before = counts()

    report = run(write(tmp_path, items), "--media-dir", str(media), "--dry-run")

    assert counts() == before
    assert report.startswith("Dry run: nothing was changed.")
    assert re.search(r"^post\s+1\s+0\s+0\s+0$", report, re.MULTILINE), report
    assert not any((tmp_path / "media").rglob("*.jpg"))


def test_a_truncated_file_changes_nothing_even_after_items_were_read(tmp_path):
    items, media = image_items(tmp_path)
    path = write(tmp_path, items + [WPItem(n) for n in range(2, 6)])
    text = path.read_text()
    path.write_text(text[: len(text) - 200])

    with pytest.raises(CommandError, match="ends too early.*Nothing was changed"):
        run(path, "--media-dir", str(media))

    assert counts() == dict.fromkeys(counts(), 0)
    assert not any((tmp_path / "media").rglob("*.jpg"))


# Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("just some words", "not a readable XML file"),
        ("<html><body>hello</body></html>", "not a WordPress export"),
        ('<rss version="2.0"><channel><title>x</title></channel></rss>', "RSS feed, not a Word"),
    ],
)
def test_files_that_are_not_exports_are_refused(tmp_path, text, message):
    path = tmp_path / "bad.xml"
    path.write_text(text)

    with pytest.raises(CommandError, match=message):
        run(path)


def test_an_unknown_wxr_version_is_refused(tmp_path):
    with pytest.raises(CommandError, match="WXR version 1.3"):
        run(write(tmp_path, [WPItem(1)], version="1.3"))
    assert Post.objects.count() == 0


def test_entity_expansion_is_refused(tmp_path):
    path = tmp_path / "bomb.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel>&b;</channel></rss>'
    )

    with pytest.raises(CommandError, match="refused for safety"):
        run(path)


@pytest.mark.parametrize(
    ("declared", "written", "message"),
    [
        ("x-nonsense", "utf-8", "“x-nonsense”, which is not an encoding this site knows"),
        ("base64", "utf-8", "“base64”, which is not an encoding this site knows"),
        ("UTF-8", "latin-1", r"in UTF-8, but line \d+ has bytes that are not"),
        ("ISO-8859-1", "utf-8", "in ISO-8859-1, but it is UTF-8"),
    ],
)
def test_an_export_in_an_unknown_or_another_encoding_than_it_declares_changes_nothing(
    tmp_path, declared, written, message
):
    text = export([WPItem(1, title="Café society")])
    path = tmp_path / "export.xml"
    path.write_bytes(text.replace('encoding="UTF-8"', f'encoding="{declared}"').encode(written))

    with pytest.raises(CommandError, match=f"{message}.*Nothing was changed"):
        run(path)

    assert counts() == dict.fromkeys(counts(), 0)


@pytest.mark.parametrize(
    ("encoding", "title"),
    [("Shift_JIS", "調停についての随筆"), ("windows-1252", "Café society"), ("UTF-16", "Café")],
)
def test_an_export_in_the_encoding_it_declares_is_read_as_written(tmp_path, encoding, title):
    text = export([WPItem(1, title=title, content=f"{title}, again.")])
    path = tmp_path / "export.xml"
    path.write_bytes(text.replace('encoding="UTF-8"', f'encoding="{encoding}"').encode(encoding))

    run(path)

    post = Post.objects.get()
    assert (post.title, post.body.strip()) == (title, f"{title}, again.")


def test_an_item_without_an_id_is_skipped_and_named(tmp_path):
    path = write(tmp_path, [WPItem(1), WPItem(2, title="No number")])
    path.write_text(path.read_text().replace("<wp:post_id>2</wp:post_id>", ""))

    report = run(path)

    assert Post.objects.count() == 1
    assert "item “No number”: skipped: it has no wp:post_id." in report


def test_a_missing_file_or_media_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="There is no file at"):
        run(tmp_path / "nope.xml")
    with pytest.raises(CommandError, match="media folder .* does not exist"):
        run(write(tmp_path, [WPItem(1)]), "--media-dir", str(tmp_path / "nope"))


def test_a_terminal_sees_a_progress_bar(tmp_path, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    path = write(tmp_path, [WPItem(n) for n in range(1, 30)])

    call_command("import_wordpress", str(path), stdout=io.StringIO(), stderr=terminal)

    assert "\rImporting [" in terminal.getvalue()
    assert terminal.getvalue().endswith("\n")


def test_no_progress_bar_when_the_output_is_not_a_terminal(tmp_path):
    errors = io.StringIO()

    call_command("import_wordpress", str(write(tmp_path, [WPItem(1)])), stderr=errors,
                 stdout=io.StringIO())  # fmt: skip

    assert errors.getvalue() == ""
