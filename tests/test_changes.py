"""Something public changed (core.changes): each app's declaration is the only thing that
bumps the content generation and indexes posts again, once per transaction, after commit.

These tests commit for real (transactional database): what they count is what a site
does, not what a test's rolled-back transaction would."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils import timezone
from taggit.models import Tag

from blog import search
from blog.models import NavigationItem, Post, SiteSettings
from comments.models import Comment, ModerationRule
from core import changes, generation

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def counted(monkeypatch):
    """Counts of content bumps, list bumps and search index writes from here on."""
    changes.flush()
    tally = {"bumps": 0, "list bumps": 0, "reindexes": 0}
    bump, reindex = generation.bump, search.reindex

    def counting_bump(*, lists=True):
        tally["bumps"] += 1
        tally["list bumps"] += lists
        return bump(lists=lists)

    def counting_reindex(post_ids):
        tally["reindexes"] += bool(set(post_ids))
        return reindex(post_ids)

    monkeypatch.setattr(generation, "bump", counting_bump)
    monkeypatch.setattr(search, "reindex", counting_reindex)
    return tally


def fresh(tally):
    """Count from here: what was noted before goes out first."""
    changes.flush()
    tally.update(dict.fromkeys(tally, 0))


def post_form(author, category, **fields):
    return {
        "title": "Talks resume in Geneva",
        "slug": "",
        "body": "The delegations met again on Tuesday.",
        "excerpt": "",
        "status": Post.Status.PUBLISHED,
        "published_at_0": "2025-03-04",
        "published_at_1": "10:00:00",
        "author": author.pk,
        "comments_open": "on",
        "categories": [category.pk],
        "tags": "ceasefire, mediation",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        "_save": "Save",
        **fields,
    }


def test_adding_a_post_with_a_category_and_two_tags_is_one_bump_and_one_reindex(
    client_for, superuser, counted
):
    region = factories.category("Region")
    fresh(counted)

    response = client_for(superuser).post("/admin/blog/post/add/", post_form(superuser, region))

    assert response.status_code == 302
    entry = Post.objects.get()
    assert set(entry.tags.names()) == {"ceasefire", "mediation"}
    assert counted["bumps"] == 1 and counted["reindexes"] == 1
    assert [post.title for post in search.find("mediation")[:10]] == [entry.title]


def test_changing_a_post_in_the_admin_is_one_bump_and_one_reindex(client_for, superuser, counted):
    region = factories.category("Region")
    entry = factories.post("Before", author=superuser, tags=["old"], categories=[region])
    fresh(counted)

    client_for(superuser).post(
        f"/admin/blog/post/{entry.pk}/change/",
        post_form(superuser, region, title="After", tags="new, newer"),
    )

    assert Post.objects.get().title == "After"
    assert counted["bumps"] == 1 and counted["reindexes"] == 1


@pytest.mark.parametrize("action", ["publish_selected", "delete_selected"])
def test_a_bulk_action_on_posts_is_one_bump(client_for, superuser, counted, action):
    region = factories.category("Region")
    posts = [
        factories.post(author=superuser, status=Post.Status.DRAFT, tags=["a"], categories=[region])
        for _ in range(3)
    ]
    fresh(counted)

    client_for(superuser).post(
        "/admin/blog/post/",
        {"action": action, "_selected_action": [post.pk for post in posts], "post": "yes"},
    )

    if action == "publish_selected":
        assert Post.objects.filter(status=Post.Status.PUBLISHED).count() == 3
    else:
        assert not Post.objects.exists()
    assert counted["bumps"] == 1 and counted["reindexes"] == 1


@pytest.mark.parametrize("change", ["rename", "delete"])
def test_a_category_changed_in_the_admin_is_one_bump_and_reindexes_its_posts(
    client_for, superuser, counted, change
):
    region = factories.category("Highlands")
    factories.post("Filed", author=superuser, categories=[region])
    fresh(counted)

    admin = client_for(superuser)
    if change == "rename":
        admin.post(
            f"/admin/blog/category/{region.pk}/change/",
            {"name": "Lowlands", "slug": region.slug, "parent": "", "description": ""},
        )
    else:
        admin.post(f"/admin/blog/category/{region.pk}/delete/", {"post": "yes"})

    assert counted["bumps"] == 1 and counted["reindexes"] == 1
    assert [post.title for post in search.find("highlands")[:10]] == []
    found = [post.title for post in search.find("lowlands")[:10]]
    assert found == (["Filed"] if change == "rename" else [])


def test_the_site_settings_and_their_navigation_are_one_bump(client_for, superuser, counted):
    about = factories.page("About")
    settings = SiteSettings.load()
    fresh(counted)

    client_for(superuser).post(
        f"/admin/blog/sitesettings/{settings.pk}/change/",
        {
            "title": "A new title",
            "tagline": "",
            "footer_text": "",
            "navigation-TOTAL_FORMS": "1",
            "navigation-INITIAL_FORMS": "0",
            "navigation-MIN_NUM_FORMS": "0",
            "navigation-MAX_NUM_FORMS": "1000",
            "navigation-0-label": "",
            "navigation-0-page": about.pk,
            "navigation-0-category": "",
            "navigation-0-url": "",
            "navigation-0-order": "0",
        },
    )

    assert SiteSettings.load().title == "A new title"
    assert NavigationItem.objects.count() == 1
    assert counted == {"bumps": 1, "list bumps": 0, "reindexes": 0}


def test_moderating_comments_in_bulk_is_one_bump_and_no_reindex(client_for, moderator, counted):
    entry = factories.post()
    waiting = [
        Comment.objects.create(post=entry, name="Guest", body=f"Comment {n}") for n in range(3)
    ]
    fresh(counted)

    client_for(moderator).post(
        "/admin/comments/comment/",
        {"action": "approve", "_selected_action": [c.pk for c in waiting]},
    )

    assert Comment.objects.filter(status=Comment.Status.APPROVED).count() == 3
    assert counted == {"bumps": 1, "list bumps": 0, "reindexes": 0}


def test_a_comment_awaiting_approval_changes_nothing_public(counted):
    entry = factories.post()
    fresh(counted)

    Comment.objects.create(post=entry, name="Guest", body="First!")

    assert counted == {"bumps": 0, "list bumps": 0, "reindexes": 0}


def test_signing_in_changes_nothing_public(client, reader, counted):
    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)
    fresh(counted)
    client.post(
        "/accounts/login/", {"login": reader.email, "password": "correct horse battery staple"}
    )

    assert "_auth_user_id" in client.session
    assert counted["bumps"] == 0


def test_bulk_writes_through_the_orm_are_changes_too(counted):
    entry = factories.post("Before")
    fresh(counted)

    Post.objects.filter(pk=entry.pk).update(comment_count=5)  # a count: no list changes
    assert counted == {"bumps": 1, "list bumps": 0, "reindexes": 0}

    Post.objects.filter(pk=entry.pk).update(title="Armistice")  # words: lists and the index
    assert counted["list bumps"] == 1
    assert [post.title for post in search.find("armistice")[:10]] == ["Armistice"]


def test_changes_in_a_transaction_go_out_once_after_it_commits(counted):
    with transaction.atomic():
        entry = factories.post("One", tags=["a", "b"], categories=[factories.category()])
        entry.title = "Two"
        entry.save()
        assert counted["bumps"] == 0  # nothing before the commit

    assert counted["bumps"] == 1 and counted["reindexes"] == 1


def test_a_rolled_back_transaction_says_nothing_and_a_savepoint_keeps_the_rest(counted):
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.post("Never")
        raise RuntimeError
    changes.discard()  # what the request's end does with whatever a failure left behind
    assert counted["bumps"] == 0

    with transaction.atomic():
        kept = factories.post("Kept")
        try:
            with transaction.atomic():
                factories.post("Undone")
                raise RuntimeError
        except RuntimeError:
            pass

    assert counted["bumps"] == 1
    assert [post.title for post in Post.objects.all()] == [kept.title]


def test_declaring_a_model_public_is_all_it_takes(counted):
    """A model nobody declared changes nothing; one line makes its every change count."""
    rule = ModerationRule.objects.create(list=ModerationRule.List.values[0], value="spam")
    assert counted["bumps"] == 0

    changes.public(ModerationRule, lists=False)
    try:
        rule.value = "scam"
        rule.save()
        assert counted["bumps"] == 1
        rule.delete()
        assert counted["bumps"] == 2
    finally:
        for signal in (post_save, post_delete, m2m_changed, pre_delete, changes.written_in_bulk):
            signal.disconnect(sender=ModerationRule, dispatch_uid=changes.uid(ModerationRule))
    assert counted["list bumps"] == 0


def test_a_scheduled_post_goes_live_even_after_a_change_that_leaves_the_lists(counted, monkeypatch):
    """A comment's bump (lists=False) must not make the site forget a moment that has
    passed: the archives' counts, kept under the list generation, must see the new post."""
    due = factories.post("Due", published_at=timezone.now() + timedelta(hours=1))
    changes.flush()
    assert generation.next_change() == due.published_at
    lists_before = generation.current(generation.LISTS_KEY)

    later = due.published_at + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)  # its time has come
    generation.bump(lists=False)  # e.g. a comment, before anyone asked since

    generation.next_change()
    assert generation.current(generation.LISTS_KEY) != lists_before


def test_a_renamed_tag_reindexes_its_posts(counted):
    factories.post("Tagged", tags=["armistice"])
    tag = Tag.objects.get(name="armistice")
    fresh(counted)

    tag.name = "truce"
    tag.save()

    assert counted["bumps"] == 1 and counted["reindexes"] == 1
    assert [post.title for post in search.find("truce")[:10]] == ["Tagged"]


def test_forgetting_commenters_addresses_changes_nothing_public(counted):
    entry = factories.post()
    factories.comment(entry, ip_address="192.0.2.1")
    fresh(counted)

    Comment.objects.filter(post=entry).update(ip_address=None, user_agent="")
    assert counted["bumps"] == 0
    Comment.objects.filter(post=entry).update(body="Edited in bulk")
    assert counted["bumps"] == 1
