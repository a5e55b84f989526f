"""A post's old addresses keep working after its slug or date changes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from blog.models import OldPostPath, Post

from . import factories

pytestmark = pytest.mark.django_db


def test_changing_the_slug_redirects_the_old_address(client, author):
    post = factories.post("Talks resume", author=author)
    old_url = post.get_absolute_url()
    post.slug = "talks-resume-in-geneva"
    post.save()

    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url()
    assert client.get(post.get_absolute_url()).status_code == 200


def test_changing_the_date_redirects_the_old_address(client, author):
    post = factories.post("Talks resume", author=author,
                          published_at=timezone.now() - timedelta(days=10))  # fmt: skip
    old_url = post.get_absolute_url()
    post.published_at = timezone.now() - timedelta(days=3)
    post.save()

    assert old_url != post.get_absolute_url()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url()


def test_the_query_string_is_kept(client, author):
    post = factories.post("Talks", author=author)
    old_url = post.get_absolute_url()
    post.slug = "new"
    post.save()

    response = client.get(old_url, {"cpage": "2"})
    assert response["Location"] == f"{post.get_absolute_url()}?cpage=2"


def test_every_old_address_goes_straight_to_the_current_one(client, author):
    post = factories.post("First", author=author)
    oldest = post.get_absolute_url()
    post.slug = "second"
    post.save()
    older = post.get_absolute_url()
    post.slug = "third"
    post.published_at = timezone.now() - timedelta(days=2)
    post.save()

    for url in (oldest, older):
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == post.get_absolute_url()


def test_saving_without_moving_records_nothing(author):
    post = factories.post("Still", author=author)
    post.title = "Still here"
    post.save()

    assert not OldPostPath.objects.exists()


def test_a_live_post_at_an_old_address_wins(client, author):
    day = timezone.now() - timedelta(hours=2)
    moved = factories.post("Moved", author=author, slug="shared", published_at=day)
    old_url = moved.get_absolute_url()
    moved.slug = "moved-away"
    moved.save()
    newcomer = factories.post("Newcomer", author=author, slug="shared", published_at=day)

    assert newcomer.get_absolute_url() == old_url
    response = client.get(old_url)
    assert response.status_code == 200
    assert response.context["post"] == newcomer


def test_a_post_moving_back_to_an_old_address_is_served_there(client, author):
    post = factories.post("Back", author=author, slug="first")
    first = post.get_absolute_url()
    post.slug = "second"
    post.save()
    post.slug = "first"
    post.save()

    assert client.get(first).status_code == 200
    response = client.get(post.get_absolute_url().replace("first", "second"))
    assert response["Location"] == first


@pytest.mark.parametrize("status", [Post.Status.DRAFT, Post.Status.PRIVATE])
def test_old_address_of_a_hidden_post_stays_404(client, author, status):
    post = factories.post("Hidden", author=author)
    old_url = post.get_absolute_url()
    post.slug = "hidden-now"
    post.status = status
    post.save()

    assert client.get(old_url).status_code == 404


def test_old_address_of_a_scheduled_post_stays_404_until_it_is_live(client, author):
    post = factories.post("Later", author=author)
    old_url = post.get_absolute_url()
    post.published_at = timezone.now() + timedelta(days=1)
    post.save()

    assert client.get(old_url).status_code == 404


def test_staff_who_may_see_a_draft_follow_its_old_address(client_for, author, draft):
    old_url = draft.get_absolute_url()
    draft.slug = "draft-renamed"
    draft.save()

    response = client_for(author).get(old_url)
    assert response.status_code == 301
    assert response["Location"] == draft.get_absolute_url()


def test_the_redirect_costs_few_queries(client, author, django_assert_num_queries):
    post = factories.post("Cheap", author=author)
    old_url = post.get_absolute_url()
    post.slug = "cheaper"
    post.save()

    # The post lookup that finds nothing, then the old address; no 404 page is rendered.
    with django_assert_num_queries(2):
        response = client.get(old_url)
    assert response.status_code == 301


def test_unknown_addresses_are_still_404(client, author):
    factories.post("Some", author=author)

    assert client.get("/2020/01/01/nothing/").status_code == 404
    assert client.get("/no/such/page/").status_code == 404


def test_deleting_the_post_forgets_its_old_addresses(author):
    post = factories.post("Gone", author=author)
    post.slug = "gone-now"
    post.save()
    post.delete()

    assert not OldPostPath.objects.exists()
