"""Old links to comments (#comment-<old id>) keep finding the same comment after an import,
on whichever comment page it is, and new comments never take an imported one's anchor."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from comments import services
from comments.models import Comment

from . import factories

pytestmark = pytest.mark.django_db


def anchor_url(kind, target_id, number):
    return reverse("comments:anchor", args=[kind, target_id, number])


# The anchor itself -----------------------------------------------------------------


def test_an_imported_comment_is_shown_under_its_old_anchor(client, post):
    imported = factories.comment(post, "From the old site.", legacy_id=10**9, minute=0)
    native = factories.comment(post, "Written here.", minute=1)

    html = client.get(post.get_absolute_url()).content.decode()

    assert imported.anchor == f"comment-{10**9}"
    assert native.anchor == f"comment-{native.pk}"
    assert f'id="comment-{10**9}"' in html
    assert f'id="comment-{native.pk}"' in html
    assert f'id="comment-{imported.pk}"' not in html


def test_an_old_id_is_imported_once_per_post_or_page(post, author):
    factories.comment(post, legacy_id=7)
    factories.comment(factories.post(author=author), legacy_id=7)  # another post may have its own 7
    factories.comment(post)  # comments written here have no old id, however many
    factories.comment(post)

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.comment(post, legacy_id=7)
    page = factories.page("About")
    factories.comment(page, legacy_id=7)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.comment(page, legacy_id=7)


# New comments stay clear of imported anchors ---------------------------------------


def test_comments_after_an_import_get_ids_above_the_old_ones(post):
    factories.comment(post, legacy_id=4000)
    factories.comment(post)

    services.reserve_anchor_ids(5000)
    after = factories.comment(post, "Written after the import.")

    assert after.pk > 5000


def test_reserving_on_a_table_without_comments_yet(post):
    assert not Comment.objects.exists()

    services.reserve_anchor_ids(5000)

    assert factories.comment(post).pk > 5000


def test_reserving_never_moves_the_ids_back(post):
    services.reserve_anchor_ids(5000)
    first = factories.comment(post)
    latest = factories.comment(post).pk
    Comment.objects.filter(pk=latest).delete()  # a deleted comment's id is not reused either

    services.reserve_anchor_ids(100)
    services.reserve_anchor_ids(first.pk)
    after = factories.comment(post)

    assert after.pk > latest > 5000


# Finding an old anchor's comment ---------------------------------------------------


def test_an_old_anchor_leads_to_its_comment(client, post):
    imported = factories.comment(post, legacy_id=123)

    response = client.get(anchor_url("post", post.pk, 123))

    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#comment-123"
    assert client.get(imported.get_absolute_url())["Location"] == response["Location"]


def test_a_native_comments_anchor_leads_to_it(client, post):
    native = factories.comment(post)

    response = client.get(anchor_url("post", post.pk, native.pk))

    assert response["Location"] == f"{post.get_absolute_url()}#comment-{native.pk}"


def test_an_imported_comment_is_not_found_by_its_new_id(client, post):
    imported = factories.comment(post, legacy_id=10**9)

    assert client.get(anchor_url("post", post.pk, imported.pk)).status_code == 404


def test_the_old_id_wins_over_a_new_comment_with_that_number(settings, client, post):
    settings.COMMENTS_THREADS_PER_PAGE = 1
    native = factories.comment(post, minute=0)  # on comment page 1
    factories.comment(post, "Imported", legacy_id=native.pk, minute=1)  # on comment page 2

    response = client.get(anchor_url("post", post.pk, native.pk))

    # The old links were made for the imported comment.
    assert response["Location"] == f"{post.get_absolute_url()}?cpage=2#comment-{native.pk}"


def test_an_old_anchor_on_a_later_comment_page_leads_to_that_page(settings, client, post):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    tops = [
        factories.comment(post, f"thread {n}", legacy_id=100 + n, minute=n * 10) for n in range(5)
    ]
    reply = factories.comment(post, "reply", parent=tops[4], legacy_id=999, minute=55)

    response = client.get(anchor_url("post", post.pk, 999))
    landed = client.get(response["Location"].split("#")[0]).content.decode()

    assert response["Location"] == f"{post.get_absolute_url()}?cpage=3#comment-999"
    assert f'id="{reply.anchor}"' in landed


@pytest.mark.parametrize(
    "status", [Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REMOVED]
)
def test_an_old_anchor_of_a_hidden_comment_is_not_found(client, post, status):
    factories.comment(post, status=status, legacy_id=55)

    assert client.get(anchor_url("post", post.pk, 55)).status_code == 404


def test_an_old_anchor_on_an_unpublished_post_is_not_found(client, author):
    draft = factories.post(author=author, status="draft")
    factories.comment(draft, legacy_id=55)

    assert client.get(anchor_url("post", draft.pk, 55)).status_code == 404


def test_an_old_anchor_belongs_to_its_own_post(client, post, author):
    elsewhere = factories.post(author=author)
    factories.comment(elsewhere, legacy_id=55)

    assert client.get(anchor_url("post", post.pk, 55)).status_code == 404
    assert client.get(anchor_url("page", elsewhere.pk, 55)).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/comments/on/thread/{post}/1/",
        "/comments/on/post/{post}/99999999999999999999999999/",
        "/comments/on/post/99999999999999999999999999/1/",
        "/comments/on/post/{post}/-1/",
        "/comments/on/post/{post}/x/",
    ],
)
def test_nonsense_anchors_are_not_found(client, post, path):
    factories.comment(post, legacy_id=1)

    assert client.get(path.format(post=post.pk)).status_code == 404


def test_an_old_anchor_on_a_page_leads_to_the_page(client):
    page = factories.page("About")
    factories.comment(page, legacy_id=77)

    response = client.get(anchor_url("page", page.pk, 77))

    assert response["Location"] == f"{page.get_absolute_url()}#comment-77"


def test_the_discussion_tells_its_script_where_to_ask(client, post):
    factories.comment(post, legacy_id=5)

    html = client.get(post.get_absolute_url()).content.decode()

    found = re.search(r'<section class="discussion"[^>]* data-anchor-url="([^"]+)"', html)
    assert found and found[1] == anchor_url("post", post.pk, 0)
    assert "js/comments.js" in html
