"""Comments on pages (imported from WordPress): shown read-only under the page, and
everything else that handles comments (moderation, links, feeds, personal data) copes."""

import json
import re

import feedparser
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts import personal_data
from comments import blocks as comment_blocks
from comments import notifications, services
from comments.models import Comment, ModerationEvent

from . import factories
from .test_query_budgets import BUDGETS

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:comments_comment_changelist")


@pytest.fixture
def about():
    # Not called `page`: pytest-playwright has a fixture of that name.
    return factories.page("About us", body="Who we are.")


def discussion(html):
    found = re.search(r'<section class="discussion".*?</section>', html, re.S)
    return found[0] if found else None


# The page shows them -----------------------------------------------------------------


def test_a_page_shows_its_approved_comments_threaded_without_a_form(client, about):
    top = factories.comment(about, "Lovely page.", legacy_id=11, minute=0)
    factories.comment(about, "Thank you!", parent=top, legacy_id=12, minute=1)
    factories.comment(about, "Waiting words.", status=Comment.Status.PENDING, minute=2)
    factories.comment(about, "Buy pills.", status=Comment.Status.SPAM, minute=3)

    response = client.get(about.get_absolute_url())
    html = discussion(response.content.decode())

    assert response.status_code == 200
    assert re.findall(r'<div class="comment-body"><p>(.*?)</p>', html) == [
        "Lovely page.",
        "Thank you!",
    ]
    assert '<h2 id="comments-heading">2 comments</h2>' in html
    # The reply sits inside its parent's item.
    assert re.search(
        r'id="comment-11".*<ol class="children">\s*<li[^>]*id="comment-12"', html, re.S
    )
    assert "Waiting words." not in html and "Buy pills." not in html
    assert "<textarea" not in html and "comment-reply-link" not in html
    assert "Comments are closed." in html


def test_a_page_without_comments_shows_nothing_of_them(client, about):
    factories.comment(about, "Not yet approved.", status=Comment.Status.PENDING)

    html = client.get(about.get_absolute_url()).content.decode()

    assert discussion(html) is None
    assert "Comments are closed." not in html and "js/comments.js" not in html


def test_a_draft_pages_preview_shows_no_comments(client_for, superuser):
    draft = factories.page("Draft", status="draft")
    factories.comment(draft, "Early words.")

    response = client_for(superuser).get(draft.get_absolute_url())

    assert response.status_code == 200
    assert discussion(response.content.decode()) is None


def test_posts_still_take_new_comments_and_pages_do_not(client, about):
    comment = factories.comment(about, "Imported.")

    # The form's address is for posts; a page's id there is not a post.
    response = client.post(f"/comments/post/{about.pk}/", {"body": "Hi", "parent": comment.pk})

    assert response.status_code == 404
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("count", [5, 500])
def test_the_page_keeps_its_query_budget_however_many_comments(
    client, about, django_assert_max_num_queries, count
):
    tops = Comment.objects.bulk_create(
        Comment(page=about, name="R", body=f"c{n}", body_html=f"<p>c{n}</p>",
                status=Comment.Status.APPROVED, path=f"{n:012d}", depth=0)
        for n in range(count // 2)
    )  # fmt: skip
    Comment.objects.bulk_create(
        Comment(page=about, parent=top, name="R", body="r", body_html="<p>r</p>",
                status=Comment.Status.APPROVED, path=f"{top.path}/{0:012d}", depth=1)
        for top in tops
    )  # fmt: skip
    client.get("/")  # warm the site settings cache

    with django_assert_max_num_queries(BUDGETS["page"]):  # the page, then its thread
        response = client.get(about.get_absolute_url())

    assert response.content.decode().count('class="comment depth-') == count // 2 * 2


def test_deleting_a_page_takes_its_discussion(about):
    top = factories.comment(about, "top")
    factories.comment(about, "reply", parent=top)

    about.delete()

    assert not Comment.objects.exists()


# The database keeps each comment on exactly one thing --------------------------------


def test_a_comment_must_be_on_a_post_or_a_page_not_both(about, author):
    post = factories.post(author=author)

    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(name="Nowhere", body="Lost.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(post=post, page=about, name="Everywhere", body="Greedy.")


# Links to them -------------------------------------------------------------------------


def test_a_page_comments_permalink_leads_to_it_on_the_page(client, about):
    comment = factories.comment(about, "Lovely page.", legacy_id=11, minute=0)
    native = factories.comment(about, "Later.", minute=1)

    assert client.get(comment.get_absolute_url())["Location"] == (
        f"{about.get_absolute_url()}#comment-11"
    )
    assert client.get(native.get_absolute_url())["Location"] == (
        f"{about.get_absolute_url()}#comment-{native.pk}"
    )


def test_hidden_page_comments_and_comments_on_draft_pages_have_no_permalink(client, about):
    pending = factories.comment(about, "Waiting.", status=Comment.Status.PENDING)
    draft = factories.page("Draft", status="draft")
    on_draft = factories.comment(draft, "Early words.")

    assert client.get(pending.get_absolute_url()).status_code == 404
    assert client.get(on_draft.get_absolute_url()).status_code == 404


def test_a_page_comment_can_be_reported(client, about):
    comment = factories.comment(about, "Rude words.")

    response = client.post(reverse("comments:report", args=[comment.pk]), {"reason": "rude"})

    assert response.status_code == 200
    assert comment.get_absolute_url() in response.content.decode()
    assert comment.reports.get().reason == "rude"


def test_its_author_can_delete_a_page_comment(client_for, reader, about):
    comment = factories.comment(about, "My words.", user=reader)

    response = client_for(reader).post(reverse("comments:delete", args=[comment.pk]))

    assert response["Location"] == f"{about.get_absolute_url()}#comments"
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED


# Moderation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "status", "logged"),
    [("approve", Comment.Status.APPROVED, "approved"), ("mark_spam", Comment.Status.SPAM,
                                                       "marked as spam")],
)  # fmt: skip
def test_moderating_a_page_comment_in_the_admin(
    client_for, moderator, about, action, status, logged, django_capture_on_commit_callbacks
):
    comment = factories.comment(about, "Waiting.", status=Comment.Status.PENDING)
    client = client_for(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            QUEUE, {"action": action, "_selected_action": [comment.pk], "index": 0}
        )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == status
    event = comment.events.get()
    assert (event.actor, event.action, event.to_status) == (moderator, logged, status)


def test_the_queue_lists_searches_and_filters_page_comments(client_for, moderator, about, author):
    on_page = factories.comment(about, "About the page.", status=Comment.Status.PENDING)
    on_post = Comment.objects.create(
        post=factories.post("A post", author=author), name="P", body="About the post."
    )
    client = client_for(moderator)

    listing = client.get(QUEUE)
    html = listing.content.decode()

    assert listing.status_code == 200
    assert {c.pk for c in listing.context["cl"].result_list} == {on_page.pk, on_post.pk}
    assert f'<a href="{about.get_absolute_url()}">About us</a> <small>(page)</small>' in html
    found = client.get(QUEUE, {"q": "About us"}).context["cl"].result_list
    assert [c.pk for c in found] == [on_page.pk]
    pages_only = client.get(QUEUE, {"on": "page"}).context["cl"].result_list
    assert [c.pk for c in pages_only] == [on_page.pk]
    posts_only = client.get(QUEUE, {"on": "post"}).context["cl"].result_list
    assert [c.pk for c in posts_only] == [on_post.pk]
    assert client.get(QUEUE, {"o": "4"}).status_code == 200  # sorted by what they are on


def test_a_page_comments_admin_page_saves_and_links_to_the_site(client_for, moderator, about):
    comment = factories.comment(about, "Lovely page.")
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    client = client_for(moderator)

    html = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": comment.name, "email": comment.email, "url": "", "body": "Lovely page!",
            "status": Comment.Status.REMOVED,
            **{f"{prefix}-{key}": "0" for prefix in ("reports", "events")
               for key in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS")},
        },
    )  # fmt: skip

    assert "About us" in html
    assert comment.get_absolute_url() in html  # "view on site"
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.body, comment.status) == ("Lovely page!", Comment.Status.REMOVED)
    assert comment.events.get().action == "removed"


def test_deleting_a_page_comment_in_the_admin(client_for, superuser, about):
    comment = factories.comment(about, "Gone soon.")

    response = client_for(superuser).post(
        QUEUE, {"action": "delete_selected", "_selected_action": [comment.pk], "post": "yes"}
    )

    assert response.status_code == 302
    assert not Comment.objects.exists()


def test_the_moderation_link_in_mail_works_for_a_page_comment(client, about, moderator):
    comment = factories.comment(about, "Waiting.", status=Comment.Status.PENDING)
    path = reverse(
        "comments:moderate", args=[notifications.moderation_token(comment, "approve", moderator)]
    )

    shown = client.get(path)
    done = client.post(path)

    assert "“About us”" in shown.content.decode()
    assert done.status_code == 200
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert ModerationEvent.objects.get(comment=comment).action == "approved by e-mail link"


def test_approving_a_page_comment_mails_nobody(
    about, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    comment = factories.comment(about, "Waiting.", status=Comment.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        services.set_status(comment, Comment.Status.APPROVED, actor=moderator)

    # A page has no author to tell and no one following its (closed) discussion.
    assert mailoutbox == []


# Feeds and the footer --------------------------------------------------------------------


def test_the_site_comment_feed_and_recent_block_include_page_comments(client, about, author):
    wendy = factories.comment(about, "Lovely page.", name="Wendy", minute=5)
    factories.comment(about, "Waiting.", status=Comment.Status.PENDING, name="Hidden", minute=6)
    draft = factories.page("Draft", status="draft")
    factories.comment(draft, "Early words.", name="Early", minute=7)
    Comment.objects.create(
        post=factories.post("A post", author=author), name="Paul", body="On the post.",
        status=Comment.Status.APPROVED,
    )  # fmt: skip

    feed = feedparser.parse(client.get("/comments/feed/").content)
    rows = comment_blocks.recent_comments()
    footer = client.get("/").content.decode()

    assert [entry.title for entry in feed.entries] == ["Paul on “A post”", "Wendy on “About us”"]
    assert [(row["author"], row["post_title"]) for row in rows] == [
        ("Paul", "A post"),
        ("Wendy", "About us"),
    ]
    assert rows[1]["post_url"] == about.get_absolute_url()
    assert f'on <a href="{wendy.get_absolute_url()}">About us</a>' in footer


# Personal data ---------------------------------------------------------------------------


def test_the_personal_data_export_includes_page_comments(client_for, reader, about, settings):
    factories.comment(about, "My words on the page.", user=reader)

    data = json.loads(client_for(reader).get(reverse("profile:export")).content)

    (comment,) = data["comments"]["comments"]
    assert comment["text"] == "My words on the page."
    assert comment["post"] is None
    assert comment["page"] == {
        "title": "About us",
        "url": settings.SITE_URL + about.get_absolute_url(),
    }


def test_erasing_an_account_removes_its_page_comments(reader, about):
    comment = factories.comment(about, "My words on the page.", user=reader)

    personal_data.get("comments").erase(reader, remove_content=True)

    comment.refresh_from_db()
    assert (comment.status, comment.body, comment.user) == (Comment.Status.REMOVED, "", None)


def test_the_activity_page_lists_page_comments(client_for, reader, about):
    comment = factories.comment(about, "My words on the page.", user=reader)

    response = client_for(reader).get(reverse("profile:activity"))
    html = response.content.decode()

    assert response.status_code == 200
    assert f'On “<a href="{about.get_absolute_url()}">About us</a>”' in html
    assert comment.get_absolute_url() in html
