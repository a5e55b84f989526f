"""Who may write what in the admin: Authors, Editors, Moderators, Readers."""

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Category, Page, Post, Redirect

from . import factories

pytestmark = pytest.mark.django_db


def post_form(**overrides):
    now = timezone.localtime()
    data = {
        "title": "An essay on trust",
        "slug": "an-essay-on-trust",
        "body": "Trust is *built*.",
        "excerpt": "",
        "status": Post.Status.PUBLISHED,
        "published_at_0": now.strftime("%Y-%m-%d"),
        "published_at_1": now.strftime("%H:%M:%S"),
        "comments_open": "on",
        "tags": "trust, peace",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_author_writes_and_publishes_their_own_post(client_for, author):
    response = client_for(author).post(reverse("admin:blog_post_add"), post_form())

    assert response.status_code == 302, response.context and response.context["errors"]
    post = Post.objects.get()
    assert post.author == author
    assert post.status == Post.Status.PUBLISHED
    assert sorted(post.tags.names()) == ["peace", "trust"]
    assert post.body_html == "<p>Trust is <em>built</em>.</p>"


def test_author_cannot_write_under_someone_elses_name(client_for, author, other_author):
    client_for(author).post(reverse("admin:blog_post_add"), post_form(author=other_author.pk))

    assert Post.objects.get().author == author


def test_author_sees_and_edits_only_their_own_posts(client_for, author, other_author):
    mine = factories.post("Mine", author=author)
    theirs = factories.post("Theirs", author=other_author)
    client = client_for(author)

    changelist = client.get(reverse("admin:blog_post_changelist"))
    assert [p.title for p in changelist.context["cl"].result_list] == ["Mine"]
    assert client.get(reverse("admin:blog_post_change", args=[mine.pk])).status_code == 200
    # Someone else's post is hidden from them altogether.
    assert client.get(reverse("admin:blog_post_change", args=[theirs.pk])).status_code == 302
    response = client.post(
        reverse("admin:blog_post_change", args=[theirs.pk]), post_form(title="Defaced")
    )
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"
    client.post(reverse("admin:blog_post_delete", args=[theirs.pk]), {"post": "yes"})
    assert Post.objects.filter(pk=theirs.pk).exists()


def test_author_submits_a_draft_for_review(client_for, author, draft):
    client_for(author).post(
        reverse("admin:blog_post_changelist"),
        {"action": "submit_for_review", "_selected_action": [draft.pk]},
    )

    draft.refresh_from_db()
    assert draft.status == Post.Status.PENDING


def test_editor_sees_edits_and_publishes_everyones_posts(client_for, editor, author):
    pending = factories.post("Pending", author=author, status=Post.Status.PENDING)
    client = client_for(editor)

    changelist = client.get(reverse("admin:blog_post_changelist"))
    assert [p.title for p in changelist.context["cl"].result_list] == ["Pending"]
    client.post(
        reverse("admin:blog_post_changelist"),
        {"action": "publish_selected", "_selected_action": [pending.pk]},
    )
    pending.refresh_from_db()
    assert pending.status == Post.Status.PUBLISHED
    assert pending.author == author


def test_editor_manages_pages_categories_and_tags(client_for, editor):
    client = client_for(editor)

    client.post(reverse("admin:blog_category_add"), {"name": "Diplomacy", "slug": "diplomacy"})
    client.post(
        reverse("admin:blog_page_add"),
        {"title": "About", "slug": "about", "order": 0, "status": "published", "body": "Hi"},
    )

    assert Category.objects.filter(path="diplomacy").exists()
    assert Page.objects.filter(path="about").exists()
    assert client.get(reverse("admin:taggit_tag_changelist")).status_code == 200


def test_author_cannot_manage_pages_or_categories(client_for, author):
    client = client_for(author)

    assert client.get(reverse("admin:blog_page_changelist")).status_code == 403
    assert (
        client.post(reverse("admin:blog_category_add"), {"name": "X", "slug": "x"}).status_code
        == 403
    )
    assert not Category.objects.exists()


def test_editor_finds_an_old_address_and_deletes_it(client, client_for, editor, author):
    post = factories.post("Talks resume", author=author)
    old = post.get_absolute_url()
    post.slug = "talks-resume-in-geneva"
    post.save()
    Redirect.objects.point("/essays/other/", factories.post("Other", author=author),
                           Redirect.Source.IMPORTED)  # fmt: skip
    admin = client_for(editor)

    found = admin.get(reverse("admin:blog_redirect_changelist"), {"q": "resume"})
    assert [row.old_path for row in found.context["cl"].result_list] == [old]
    assert post.get_absolute_url() in found.content.decode()
    redirect = Redirect.objects.get(old_path=old)
    view = admin.get(reverse("admin:blog_redirect_change", args=[redirect.pk]))
    assert view.status_code == 200 and post.get_absolute_url() in view.content.decode()
    admin.post(reverse("admin:blog_redirect_delete", args=[redirect.pk]), {"post": "yes"})

    assert not Redirect.objects.filter(old_path=old).exists()
    assert client.get(old).status_code == 404


def test_author_cannot_see_or_delete_redirects(client_for, author):
    redirect = Redirect.objects.create(
        old_path="/old/", post=factories.post(author=author), source=Redirect.Source.RENAMED
    )
    client = client_for(author)

    assert client.get(reverse("admin:blog_redirect_changelist")).status_code == 403
    client.post(reverse("admin:blog_redirect_delete", args=[redirect.pk]), {"post": "yes"})
    assert Redirect.objects.filter(pk=redirect.pk).exists()


def test_nobody_writes_a_redirect_by_hand(client_for, superuser, editor):
    redirect = Redirect.objects.create(
        old_path="/old/", post=factories.post(), source=Redirect.Source.RENAMED
    )
    for person in (superuser, editor):
        client = client_for(person)
        assert client.get(reverse("admin:blog_redirect_add")).status_code == 403
        change = reverse("admin:blog_redirect_change", args=[redirect.pk])
        client.post(change, {"old_path": "/hijacked/"})
    redirect.refresh_from_db()
    assert redirect.old_path == "/old/"


@pytest.mark.parametrize("role", ["moderator", "reader"])
def test_moderators_and_readers_cannot_write(request, client_for, role):
    person = request.getfixturevalue(role)
    client = client_for(person)

    response = client.post(reverse("admin:blog_post_add"), post_form())

    assert response.status_code in (302, 403)
    assert not Post.objects.exists()
    assert client.get(reverse("admin:blog_page_changelist")).status_code in (302, 403)


def test_reader_has_no_admin(client_for, reader):
    response = client_for(reader).get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_index_shows_each_role_only_its_part(client_for, author, editor, moderator):
    author_index = client_for(author).get(reverse("admin:index")).content.decode()
    assert "/admin/blog/post/" in author_index
    assert "/admin/blog/page/" not in author_index
    assert "/admin/accounts/user/" not in author_index

    editor_index = client_for(editor).get(reverse("admin:index")).content.decode()
    assert "/admin/blog/page/" in editor_index and "/admin/blog/category/" in editor_index
    assert "/admin/accounts/user/" not in editor_index

    moderator_index = client_for(moderator).get(reverse("admin:index")).content.decode()
    assert "/admin/blog/" not in moderator_index


def test_post_list_offers_filters_search_and_date_hierarchy(client_for, editor, author):
    factories.post("Findable essay", author=author, categories=[factories.category("Diplomacy")])
    factories.post("Other", author=author)
    client = client_for(editor)

    response = client.get(reverse("admin:blog_post_changelist"), {"q": "findable"})

    assert [p.title for p in response.context["cl"].result_list] == ["Findable essay"]
    html = response.content.decode()
    for expected in ["By status", "By categories", "By author", "Diplomacy"]:
        assert expected in html, expected
    assert "?published_at__year=" in html  # the date hierarchy


def test_slug_must_be_unique_per_day_and_form_keeps_what_was_typed(client_for, editor):
    factories.post("Trust", author=editor, slug="an-essay-on-trust")

    response = client_for(editor).post(
        reverse("admin:blog_post_add"), post_form(title="A different title", author=editor.pk)
    )

    assert response.status_code == 200
    assert "Another post published on the same day already uses this slug." in (
        response.content.decode()
    )
    assert 'value="A different title"' in response.content.decode()
    assert Post.objects.count() == 1


def test_same_slug_on_another_day_is_fine(client_for, editor):
    factories.post("Trust", author=editor, slug="an-essay-on-trust",
                   published_at=timezone.now() - timezone.timedelta(days=3))  # fmt: skip

    response = client_for(editor).post(reverse("admin:blog_post_add"), post_form(author=editor.pk))

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Post.objects.filter(slug="an-essay-on-trust").count() == 2


def test_author_without_publish_permission_can_only_submit(client_for, author):
    from django.contrib.auth.models import Group, Permission

    Group.objects.get(name="Authors").permissions.remove(
        Permission.objects.get(codename="publish_post")
    )

    client = client_for(author)

    form = client.get(reverse("admin:blog_post_add")).context["adminform"].form
    assert [value for value, _ in form.fields["status"].choices] == ["draft", "pending"]
    forged = client.post(reverse("admin:blog_post_add"), post_form())
    assert forged.status_code == 200 and not Post.objects.exists()
    client.post(reverse("admin:blog_post_add"), post_form(status="pending"))
    assert Post.objects.get().status == Post.Status.PENDING


def test_site_settings_are_for_superusers(client_for, superuser, editor):
    assert client_for(editor).get(reverse("admin:blog_sitesettings_changelist")).status_code == 403
    response = client_for(superuser).get(reverse("admin:blog_sitesettings_changelist"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:blog_sitesettings_change", args=[1])


def test_post_list_filters_scheduled_posts_apart_from_published(client_for, editor, author):
    factories.post("Live", author=author)
    factories.post("Later", author=author, published_at=timezone.now() + timezone.timedelta(days=2))
    client = client_for(editor)
    changelist = reverse("admin:blog_post_changelist")

    scheduled = client.get(changelist, {"publication": "scheduled"})
    live = client.get(changelist, {"publication": "live"})

    assert [p.title for p in scheduled.context["cl"].result_list] == ["Later"]
    assert [p.title for p in live.context["cl"].result_list] == ["Live"]
    assert "Scheduled" in scheduled.content.decode()
