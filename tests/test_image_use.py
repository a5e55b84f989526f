"""Who may use which image: in the preview, in a post's text, as its featured image, and
in the image admin. A user may use the images they uploaded, the images of posts they may
edit, and the images already shown on a published post; editors may use every image."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from blog.models import Post, PostImage, PostImageUse

from . import factories

pytestmark = pytest.mark.django_db

PREVIEW = "/admin/markdownx/markdownify/"
SECRET = {"alt_text": "Unannounced merger", "caption": "Board, 3 May", "credit": "Leaked ©"}


def change_form(post, **overrides):
    """What the admin's change form posts for `post`, with `overrides`."""
    moment = timezone.localtime(post.published_at)
    data = {
        "title": post.title,
        "slug": post.slug,
        "body": post.body,
        "excerpt": post.excerpt,
        "status": post.status,
        "published_at_0": moment.strftime("%Y-%m-%d"),
        "published_at_1": moment.strftime("%H:%M:%S"),
        "author": post.author_id,
        "comments_open": "on",
        "tags": "",
        "featured_image": post.featured_image_id or "",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def save(client, post, **overrides):
    return client.post(
        reverse("admin:blog_post_change", args=[post.pk]), change_form(post, **overrides)
    )


def form_errors(response):
    return response.context["adminform"].form.errors


@pytest.fixture
def their_draft_image(other_author):
    """An image on another author's draft, not shown anywhere public."""
    draft = factories.post("Their draft", author=other_author, status=Post.Status.DRAFT)
    image = factories.post_image(post=draft, uploaded_by=other_author, **SECRET)
    draft.body = f"Soon.\n\n![](image:{image.pk})"
    draft.save()
    return image


@pytest.fixture
def my_draft(author):
    return factories.post("My draft", author=author, status=Post.Status.DRAFT, body="Mine.")


def assert_leaks_nothing(html, image):
    for words in [*SECRET.values(), image.image.url, image.image.name]:
        assert words not in html


# --- Another author's draft image -------------------------------------------------------


def test_an_authors_preview_of_another_authors_draft_image_leaks_nothing(
    client_for, author, their_draft_image
):
    reference = f"![](image:{their_draft_image.pk})"
    content = f"Look:\n\n{reference}\n\nAnd inline {reference} too."

    response = client_for(author).post(PREVIEW, {"content": content})

    assert response.status_code == 200
    html = response.content.decode()
    assert_leaks_nothing(html, their_draft_image)
    assert "<img" not in html
    assert '<figure class="figure is-missing"></figure>' in html
    assert "And inline  too." in html


def test_an_author_cannot_save_a_post_showing_another_authors_draft_image(
    client_for, author, my_draft, their_draft_image
):
    body = f"My words.\n\n![](image:{their_draft_image.pk})"

    response = save(client_for(author), my_draft, body=body)

    assert response.status_code == 200
    assert form_errors(response)["body"] == [
        f"You may not use image {their_draft_image.pk}: use your own images, your posts' "
        "images or images already shown on a published post."
    ]
    assert body in response.content.decode()  # what was typed is still there
    my_draft.refresh_from_db()
    assert my_draft.body == "Mine."
    assert SECRET["caption"] not in my_draft.body_html


def test_an_author_cannot_put_another_authors_draft_image_in_the_excerpt(
    client_for, author, my_draft, their_draft_image
):
    response = save(client_for(author), my_draft, excerpt=f"![](image:{their_draft_image.pk})")

    assert response.status_code == 200
    assert str(their_draft_image.pk) in form_errors(response)["excerpt"][0]
    my_draft.refresh_from_db()
    assert my_draft.excerpt == ""


def test_an_author_may_feature_only_images_they_may_use(
    client_for, author, other_author, my_draft, their_draft_image, published_image
):
    own_upload = factories.post_image(uploaded_by=author, alt_text="Dropped, no post yet")
    of_my_draft = factories.post_image(post=my_draft, alt_text="On my draft")
    client = client_for(author)
    url = reverse("admin:blog_post_change", args=[my_draft.pk])

    offered = client.get(url).context["adminform"].form.fields["featured_image"].queryset
    refused = save(client, my_draft, featured_image=their_draft_image.pk)

    assert set(offered) == {own_upload, of_my_draft, published_image}
    assert refused.status_code == 200 and "featured_image" in form_errors(refused)
    my_draft.refresh_from_db()
    assert my_draft.featured_image is None
    assert save(client, my_draft, featured_image=published_image.pk).status_code == 302
    my_draft.refresh_from_db()
    assert my_draft.featured_image == published_image


def test_the_featured_image_search_finds_no_draft_image_of_another_author(
    client_for, author, my_draft, their_draft_image, published_image
):
    mine = factories.post_image(post=my_draft, alt_text="Unannounced, mine")
    published_image.alt_text = "Unannounced, published"
    published_image.save()

    response = client_for(author).get(
        reverse("admin:autocomplete"),
        {"term": "Unannounced", "app_label": "blog", "model_name": "post",
         "field_name": "featured_image"},
    )  # fmt: skip

    assert response.status_code == 200
    found = {int(result["id"]) for result in response.json()["results"]}
    assert found == {mine.pk, published_image.pk}


# --- Images shown on a published post ---------------------------------------------------


@pytest.fixture
def published_image(other_author):
    """Another author's image, shown in the body of their published post."""
    image = factories.post_image(uploaded_by=other_author, **SECRET)
    factories.post("Theirs, live", author=other_author, body=f"![](image:{image.pk})")
    return image


def test_an_image_shown_on_a_published_post_is_usable_by_every_author(
    client_for, author, my_draft, published_image
):
    client = client_for(author)
    reference = f"![](image:{published_image.pk})"

    preview = client.post(PREVIEW, {"content": reference}).content.decode()
    response = save(client, my_draft, body=reference, featured_image=published_image.pk)

    assert SECRET["caption"] in preview and published_image.image.url in preview
    assert response.status_code == 302, form_errors(response)
    my_draft.refresh_from_db()
    assert SECRET["caption"] in my_draft.body_html
    assert my_draft.featured_image == published_image


def test_the_featured_image_of_a_published_post_is_usable_by_every_author(
    client_for, author, my_draft, other_author
):
    image = factories.post_image(uploaded_by=other_author, **SECRET)
    factories.post("Pictured", author=other_author, featured_image=image)

    response = save(
        client_for(author), my_draft, body=f"![](image:{image.pk})", featured_image=image.pk
    )

    assert response.status_code == 302, form_errors(response)
    my_draft.refresh_from_db()
    assert my_draft.featured_image == image


@pytest.mark.parametrize(
    "status",
    [Post.Status.DRAFT, Post.Status.PENDING, Post.Status.PRIVATE, "scheduled"],
)
def test_an_image_shown_only_on_a_post_not_yet_public_is_not_usable_by_other_authors(
    client_for, author, my_draft, other_author, status
):
    image = factories.post_image(uploaded_by=other_author, **SECRET)
    later = {"published_at": timezone.now() + timedelta(days=1)} if status == "scheduled" else {}
    factories.post(
        "Theirs", author=other_author, body=f"![](image:{image.pk})",
        status=Post.Status.PUBLISHED if status == "scheduled" else status, **later,
    )  # fmt: skip

    preview = client_for(author).post(PREVIEW, {"content": f"![](image:{image.pk})"})
    response = save(client_for(author), my_draft, body=f"![](image:{image.pk})")

    assert_leaks_nothing(preview.content.decode(), image)
    assert response.status_code == 200 and "body" in form_errors(response)


def test_an_image_stops_being_usable_when_its_only_published_post_is_unpublished(
    client_for, author, my_draft, other_author
):
    image = factories.post_image(uploaded_by=other_author, **SECRET)
    theirs = factories.post("Theirs", author=other_author, body=f"![](image:{image.pk})")
    assert image in PostImage.objects.usable_by(author)

    theirs.status = Post.Status.DRAFT
    theirs.save()

    assert image not in PostImage.objects.usable_by(author)


def test_an_image_no_longer_in_a_published_posts_text_is_not_usable_by_other_authors(
    author, other_author
):
    image = factories.post_image(uploaded_by=other_author, **SECRET)
    theirs = factories.post("Theirs", author=other_author, body=f"![](image:{image.pk})")
    theirs.body = "The picture is gone."
    theirs.save()

    assert image not in PostImage.objects.usable_by(author)


def test_a_post_showing_image_7_does_not_make_image_70_usable(author, other_author):
    shown = factories.post_image(uploaded_by=other_author)
    longer = factories.post_image(pk=int(f"{shown.pk}0"), uploaded_by=other_author)
    factories.post("Theirs", author=other_author, body=f"![](image:{shown.pk})")

    usable = set(PostImage.objects.usable_by(author))

    assert shown in usable
    assert longer not in usable


# --- Uploads that belong to no post -----------------------------------------------------


@pytest.mark.parametrize(
    ("role", "usable"),
    [("author", True), ("other_author", False), ("editor", True), ("superuser", True),
     ("moderator", False)],
)  # fmt: skip
def test_an_upload_of_no_post_is_usable_by_its_uploader_and_editors_only(
    request, author, role, usable
):
    dropped = factories.post_image(uploaded_by=author, **SECRET)

    assert (dropped in PostImage.objects.usable_by(request.getfixturevalue(role))) is usable


def test_another_authors_upload_of_no_post_is_refused_in_the_preview_and_on_save(
    client_for, author, other_author, my_draft
):
    dropped = factories.post_image(uploaded_by=other_author, **SECRET)
    client = client_for(author)

    preview = client.post(PREVIEW, {"content": f"![](image:{dropped.pk})"})
    response = save(client, my_draft, body=f"![](image:{dropped.pk})")

    assert_leaks_nothing(preview.content.decode(), dropped)
    assert response.status_code == 200 and "body" in form_errors(response)
    dropped.refresh_from_db()
    assert dropped.post is None


def test_saving_a_post_adopts_only_its_authors_own_uploads(author, other_author):
    mine = factories.post_image(uploaded_by=author)
    theirs = factories.post_image(uploaded_by=other_author)
    factories.post("Theirs, live", author=other_author, featured_image=theirs)

    entry = factories.post(author=author, body=f"![](image:{mine.pk}) ![](image:{theirs.pk})")

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.post == entry
    assert theirs.post is None  # shown by the author, not theirs to change


# --- Editors and superusers -------------------------------------------------------------


@pytest.mark.parametrize("role", ["editor", "superuser"])
def test_an_editor_may_use_every_image(request, client_for, author, role, their_draft_image):
    client = client_for(request.getfixturevalue(role))
    dropped = factories.post_image(uploaded_by=author, alt_text="Dropped")
    entry = factories.post("Author's draft", author=author, status=Post.Status.DRAFT)
    body = f"![](image:{their_draft_image.pk})\n\n![](image:{dropped.pk})"

    preview = client.post(PREVIEW, {"content": body}).content.decode()
    response = save(client, entry, body=body, featured_image=their_draft_image.pk)

    assert SECRET["caption"] in preview and 'alt="Dropped"' in preview
    assert response.status_code == 302, form_errors(response)
    entry.refresh_from_db()
    assert entry.featured_image == their_draft_image
    assert SECRET["caption"] in entry.body_html


def test_an_author_may_keep_an_image_an_editor_put_in_their_post(
    client_for, author, editor, their_draft_image
):
    entry = factories.post("Author's draft", author=author, status=Post.Status.DRAFT)
    save(client_for(editor), entry, body=f"![](image:{their_draft_image.pk})")
    entry.refresh_from_db()
    assert their_draft_image in PostImage.objects.usable_by(author)

    response = save(client_for(author), entry, title="Retitled by the author")

    assert response.status_code == 302, form_errors(response)
    entry.refresh_from_db()
    assert entry.title == "Retitled by the author"


# --- The image admin --------------------------------------------------------------------


def image_admin_form(**overrides):
    data = {"alt_text": "Mine", "caption": "", "credit": "", "source_url": "", "description": ""}
    data.update(overrides)
    return data


def test_the_image_admin_post_field_refuses_a_post_the_user_may_not_edit(
    client_for, author, other_author, my_draft
):
    image = factories.post_image(uploaded_by=author, alt_text="Mine")
    theirs = factories.post("Theirs", author=other_author, status=Post.Status.DRAFT)
    url = reverse("admin:blog_postimage_change", args=[image.pk])
    client = client_for(author)

    refused = client.post(url, image_admin_form(post=theirs.pk))
    image.refresh_from_db()
    attached_to_theirs = image.post
    accepted = client.post(url, image_admin_form(post=my_draft.pk))

    assert refused.status_code == 200
    assert "post" in form_errors(refused)
    assert attached_to_theirs is None
    assert accepted.status_code == 302
    image.refresh_from_db()
    assert image.post == my_draft


def test_the_image_admin_lists_only_images_the_user_may_use_or_edit(
    client_for, author, my_draft, their_draft_image, published_image
):
    own = factories.post_image(uploaded_by=author, alt_text="Own upload")
    of_my_post = factories.post_image(post=my_draft, alt_text="On my draft")

    response = client_for(author).get(reverse("admin:blog_postimage_changelist"))

    listed = set(response.context["cl"].result_list)
    assert listed == {own, of_my_post, published_image}
    assert their_draft_image not in listed
    other = client_for(author).get(
        reverse("admin:blog_postimage_change", args=[their_draft_image.pk])
    )
    assert other.status_code == 302  # "does not exist": nothing of it shown
    assert_leaks_nothing(other.content.decode(), their_draft_image)


def test_an_author_sees_a_published_image_of_another_author_read_only(
    client_for, author, published_image
):
    client = client_for(author)
    url = reverse("admin:blog_postimage_change", args=[published_image.pk])

    page = client.get(url)
    response = client.post(url, image_admin_form(alt_text="Defaced"))

    assert page.status_code == 200
    assert 'name="alt_text"' not in page.content.decode()
    assert response.status_code == 403
    published_image.refresh_from_db()
    assert published_image.alt_text == SECRET["alt_text"]


# --- The table of uses ------------------------------------------------------------------


def test_a_post_records_the_images_it_shows_in_body_excerpt_and_as_featured(author):
    in_body, in_excerpt, featured, unused = (factories.post_image() for _ in range(4))

    entry = factories.post(
        author=author, body=f"![](image:{in_body.pk}) ![](image:999999)",
        excerpt=f"![](image:{in_excerpt.pk})", featured_image=featured,
    )  # fmt: skip

    assert set(entry.shown_images.all()) == {in_body, in_excerpt, featured}
    assert list(unused.shown_on.all()) == []


def test_the_migration_records_the_images_existing_posts_show(author):
    image, featured = factories.post_image(), factories.post_image()
    entry = factories.post(author=author, body=f"![](image:{image.pk})", featured_image=featured)
    PostImageUse.objects.all().delete()
    migration = importlib.import_module("blog.migrations.0007_post_image_uses")

    migration.record_image_uses(apps, None)

    assert set(entry.shown_images.all()) == {image, featured}
