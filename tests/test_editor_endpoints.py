"""The Markdown editor's endpoints: live preview and drag-and-drop image upload."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from blog.models import Post, PostImage

from . import factories

pytestmark = pytest.mark.django_db

PREVIEW = "/admin/markdownx/markdownify/"
UPLOAD = "/admin/markdownx/upload/"
NOT_AN_IMAGE = "This file is not an image we can read; upload a JPEG, PNG, WebP or GIF file."
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file())


def upload_data(**overrides):
    data = {"image": factories.upload("dropped.png"), "alt_text": "A map of the border"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- Who may use them -----------------------------------------------------------------


@pytest.mark.parametrize("url", [PREVIEW, UPLOAD])
def test_anonymous_is_sent_to_the_admin_login(client, url):
    response = client.post(url, {"content": "**secret**", **upload_data()})

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert b"<strong>" not in response.content
    assert not PostImage.objects.exists()
    assert media_files() == []


@pytest.mark.parametrize("role", ["reader", "moderator"])
@pytest.mark.parametrize("url", [PREVIEW, UPLOAD])
def test_staff_without_blog_permissions_are_refused(request, client_for, role, url):
    client = client_for(request.getfixturevalue(role))
    response = client.post(url, {"content": "**secret**", **upload_data()})

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith("/admin/login/")
    assert b"<strong>secret</strong>" not in response.content
    assert not PostImage.objects.exists()
    assert media_files() == []


def test_moderator_is_forbidden_not_redirected(client_for, moderator):
    # A moderator is staff, so the login page would not help them.
    response = client_for(moderator).post(PREVIEW, {"content": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize("url", [PREVIEW, UPLOAD])
def test_get_is_not_allowed(client_for, author, url):
    response = client_for(author).get(url, {"content": "**x**"})
    assert response.status_code == 405


# --- Preview --------------------------------------------------------------------------


def test_author_preview_is_sanitised_html(client_for, author):
    response = client_for(author).post(
        PREVIEW,
        {
            "content": "## Talks\n\n**Bold** move.<script>alert(1)</script>\n\n"
            "[x](javascript:alert(1)) <img src=x onerror=alert(1)>"
        },
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    assert "<h2>Talks</h2>" in html
    assert "<strong>Bold</strong> move." in html
    assert "<script" not in html and "alert(1)</" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_preview_shows_a_figure_for_an_image_reference(client_for, author):
    image = factories.post_image(
        alt_text="The record's alt", caption="A caption", uploaded_by=author
    )
    response = client_for(author).post(PREVIEW, {"content": f"![typed alt](image:{image.pk})"})

    html = response.content.decode()
    assert '<figure class="figure"' in html
    assert 'alt="The record\'s alt"' in html
    assert "A caption" in html
    assert "typed alt" not in html


def test_empty_preview_is_empty(client_for, author):
    response = client_for(author).post(PREVIEW, {})
    assert response.status_code == 200
    assert response.content == b""


# --- Upload ---------------------------------------------------------------------------


def test_author_upload_creates_an_image_record(client_for, author):
    response = client_for(author).post(UPLOAD, upload_data(caption="The 1994 line"))

    assert response.status_code == 201
    image = PostImage.objects.get()
    assert response.json()["image_code"] == f"![A map of the border](image:{image.pk})"
    assert response.json()["id"] == image.pk
    assert response.json()["url"] == image.image.url
    assert image.uploaded_by == author
    assert image.alt_text == "A map of the border"
    assert image.caption == "The 1994 line"
    assert (image.width, image.height) == (64, 48)
    assert image.post is None
    assert [path.name for path in media_files()] == [Path(image.image.name).name]


def test_upload_code_survives_brackets_in_the_alt_text(client_for, author):
    response = client_for(author).post(UPLOAD, upload_data(alt_text="Chart ] of [2024"))

    assert response.status_code == 201
    image = PostImage.objects.get()
    code = response.json()["image_code"]
    entry = factories.post(author=author, body=f"Above.\n\n{code}\n\nBelow.")
    assert f'src="{image.image.url}"' in entry.body_html
    assert "Chart ] of [2024" in entry.body_html  # The alt text, from the record.


def test_upload_to_own_post_attaches_it(client_for, author):
    entry = factories.post(author=author, status=Post.Status.DRAFT)
    response = client_for(author).post(UPLOAD, upload_data(post=entry.pk))

    assert response.status_code == 201
    assert PostImage.objects.get().post == entry


def test_editor_may_upload_to_anyones_post(client_for, editor, author):
    entry = factories.post(author=author, status=Post.Status.DRAFT)
    response = client_for(editor).post(UPLOAD, upload_data(post=entry.pk))

    assert response.status_code == 201
    image = PostImage.objects.get()
    assert image.post == entry
    assert image.uploaded_by == editor


@pytest.mark.parametrize("status", [Post.Status.DRAFT, Post.Status.PUBLISHED, Post.Status.PRIVATE])
def test_upload_to_another_authors_post_is_refused(client_for, author, other_author, status):
    theirs = factories.post(author=other_author, status=status)
    response = client_for(author).post(UPLOAD, upload_data(post=theirs.pk))

    assert response.status_code == 400
    assert "Select a valid choice" in response.json()["message"]
    assert not PostImage.objects.exists()
    assert media_files() == []


def test_upload_without_alt_text_is_refused(client_for, author):
    response = client_for(author).post(UPLOAD, upload_data(alt_text=""))

    assert response.status_code == 400
    assert response.json()["errors"] == ["This field is required."]
    assert response.json()["message"] == "This field is required."
    assert not PostImage.objects.exists()
    assert media_files() == []


def test_upload_without_a_file_is_refused(client_for, author):
    response = client_for(author).post(UPLOAD, {"alt_text": "Something"})

    assert response.status_code == 400
    assert response.json()["message"]
    assert not PostImage.objects.exists()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("drawing.svg", SVG, "image/svg+xml"),
        SimpleUploadedFile("drawing.png", SVG, "image/png"),
        SimpleUploadedFile("notes.jpg", b"Minutes of the meeting.\n" * 20, "image/jpeg"),
    ],
    ids=["svg", "svg-named-png", "text-named-jpg"],
)
def test_upload_of_a_non_image_is_refused_with_the_validators_message(client_for, author, upload):
    response = client_for(author).post(UPLOAD, upload_data(image=upload))

    assert response.status_code == 400
    assert NOT_AN_IMAGE in response.json()["errors"]
    assert NOT_AN_IMAGE in response.json()["message"]
    assert not PostImage.objects.exists()
    assert media_files() == []


def test_upload_of_a_bomb_is_refused_cleanly(client_for, author):
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")
    bomb = factories.upload("bomb.png", content=buffer.getvalue())
    response = client_for(author).post(UPLOAD, upload_data(image=bomb))

    assert response.status_code == 400
    assert response.json()["message"] == (
        "This image has too many pixels to process safely; the limit is 40 million pixels."
    )
    assert not PostImage.objects.exists()
    assert media_files() == []


def test_upload_over_the_size_limit_is_refused(client_for, author, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 100
    response = client_for(author).post(UPLOAD, upload_data())

    assert response.status_code == 400
    assert "images may be at most 100\xa0bytes" in response.json()["message"]
    assert media_files() == []


def test_upload_needs_the_image_permission(client_for, author):
    # An author whose role no longer grants adding images (but still writing posts).
    author.groups.first().permissions.remove(
        Permission.objects.get(codename="add_postimage", content_type__app_label="blog")
    )
    response = client_for(author).post(UPLOAD, upload_data())

    assert response.status_code == 403
    assert not PostImage.objects.exists()


# --- CSRF -----------------------------------------------------------------------------


@pytest.fixture
def csrf_client(author):
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    return client


def _token(client):
    client.get("/admin/")
    return client.cookies["csrftoken"].value


@pytest.mark.parametrize("url", [UPLOAD, PREVIEW])
def test_endpoints_refuse_a_post_without_a_csrf_token(csrf_client, url):
    response = csrf_client.post(url, {"content": "x", **upload_data()})

    assert response.status_code == 403
    assert not PostImage.objects.exists()
    assert media_files() == []


def test_upload_with_the_csrf_token_is_accepted(csrf_client):
    token = _token(csrf_client)
    response = csrf_client.post(UPLOAD, upload_data(), HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 201
    assert PostImage.objects.count() == 1


def test_upload_with_a_wrong_csrf_token_is_refused(csrf_client):
    _token(csrf_client)
    response = csrf_client.post(UPLOAD, upload_data(), HTTP_X_CSRFTOKEN="x" * 32)

    assert response.status_code == 403
    assert not PostImage.objects.exists()
