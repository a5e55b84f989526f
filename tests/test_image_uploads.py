"""Uploaded images: what is accepted, what is refused (and what the author is told),
and the resized renditions that accepted images get."""

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageSequence, PngImagePlugin

from blog.models import Post, PostImage
from core.images import make_renditions, strip_metadata, validate_image

from . import factories

pytestmark = pytest.mark.django_db

ALLOWED = "JPEG, PNG, WebP or GIF"
NOT_AN_IMAGE = f"This file is not an image we can read; upload a {ALLOWED} file."
DAMAGED = "This image file is damaged and cannot be read."
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" '
    b'onload="alert(1)"><script>alert(1)</script><rect width="10" height="10"/></svg>'
)


def raw(fmt, size=(64, 48), mode="RGB", **options):
    buffer = io.BytesIO()
    Image.new(mode, size, 0).save(buffer, fmt, **options)
    return buffer.getvalue()


def noise(fmt, size, mode="RGB"):
    buffer = io.BytesIO()
    Image.effect_noise(size, 80).convert(mode).save(buffer, fmt)
    return buffer.getvalue()


def refusal(upload):
    with pytest.raises(ValidationError) as raised:
        validate_image(upload)
    return raised.value.messages


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


# --- validate_image -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt", "mode"),
    [
        ("photo.jpg", "JPEG", "RGB"),
        ("photo.jpeg", "JPEG", "L"),
        ("drawing.png", "PNG", "RGBA"),
        ("drawing.png", "PNG", "P"),
        ("photo.webp", "WEBP", "RGB"),
        ("anim.gif", "GIF", "P"),
    ],
)
def test_real_images_are_accepted_with_their_size(name, fmt, mode):
    upload = factories.upload(name, content=raw(fmt, (120, 90), mode))
    assert validate_image(upload) == (120, 90)
    assert upload.tell() == 0  # Left where it was, ready to be stored.


def test_phone_jpeg_with_a_second_picture_is_accepted():
    # Many cameras write JPEGs that Pillow calls MPO; they are JPEGs to everyone else.
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (80, 60), "red"), Image.new("RGB", (80, 60), "blue")
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"

    upload = factories.upload("IMG_0001.jpg", "JPEG", content=buffer.getvalue())
    assert validate_image(upload) == (80, 60)
    image = factories.post_image(image=upload)
    assert (image.width, image.height) == (80, 60)


@pytest.mark.parametrize("name", ["drawing.svg", "drawing.png"])
def test_svg_is_refused_even_when_named_png(name):
    assert refusal(SimpleUploadedFile(name, SVG, "image/png")) == [NOT_AN_IMAGE]


def test_text_file_renamed_jpg_is_refused():
    upload = SimpleUploadedFile("notes.jpg", b"Minutes of the meeting.\n" * 40, "image/jpeg")
    assert refusal(upload) == [NOT_AN_IMAGE]


def test_html_with_an_image_extension_is_refused():
    upload = SimpleUploadedFile("x.gif", b"<html><script>alert(1)</script></html>", "image/gif")
    assert refusal(upload) == [NOT_AN_IMAGE]


def test_decompression_bomb_is_refused_without_being_decoded():
    # 400 million pixels declared, under 50 KB on disk.
    bomb = raw("PNG", (20000, 20000), "1")
    assert len(bomb) < 100_000
    messages = refusal(factories.upload("bomb.png", content=bomb))
    assert messages == [
        "This image has too many pixels to process safely; the limit is 40 million pixels."
    ]


def test_image_over_the_pixel_limit_is_refused_with_its_size(settings):
    settings.IMAGE_MAX_PIXELS = 10_000
    messages = refusal(factories.upload(content=raw("PNG", (200, 100))))
    assert messages == ["This image is 200 × 100 pixels; the limit is 10,000 pixels."]
    assert validate_image(factories.upload(content=raw("PNG", (100, 100)))) == (100, 100)


def test_image_over_pillows_own_warning_limit_gets_our_message():
    # 100 million pixels: Pillow only warns; our 40 million limit refuses it.
    messages = refusal(factories.upload(content=raw("PNG", (10000, 10000), "1")))
    assert messages == ["This image is 10000 × 10000 pixels; the limit is 40 million pixels."]


def test_file_over_the_byte_limit_is_refused(settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 2048
    content = noise("PNG", (200, 200))
    assert len(content) > 2048
    messages = refusal(factories.upload(content=content))
    assert len(messages) == 1
    assert messages[0].startswith("This file is ")
    assert messages[0].endswith("; images may be at most 2.0\xa0KB.")


def test_file_at_the_byte_limit_is_accepted(settings):
    content = raw("PNG", (40, 40))
    settings.IMAGE_MAX_UPLOAD_BYTES = len(content)
    assert validate_image(factories.upload(content=content)) == (40, 40)


@pytest.mark.parametrize("keep", [0.5, 0.9, "all but the end marker"])
def test_truncated_jpeg_is_refused(keep):
    content = noise("JPEG", (400, 300))
    cut = len(content) - 2 if keep == "all but the end marker" else int(len(content) * keep)
    upload = factories.upload("cut.jpg", "JPEG", content=content[:cut])
    assert refusal(upload) == [DAMAGED]


def test_png_with_a_damaged_chunk_is_refused():
    content = bytearray(noise("PNG", (100, 100)))
    index = content.index(b"IDAT") + 40
    content[index : index + 20] = b"\x00" * 20
    assert refusal(factories.upload(content=bytes(content))) == [DAMAGED]


@pytest.mark.parametrize(("name", "fmt"), [("scan.bmp", "BMP"), ("scan.tif", "TIFF")])
def test_valid_image_in_another_format_is_refused(name, fmt):
    messages = refusal(factories.upload(name, content=raw(fmt)))
    assert messages == [f"{fmt} images are not accepted; use {ALLOWED}."]


def test_bmp_named_jpg_is_refused_by_its_content():
    messages = refusal(factories.upload("scan.jpg", content=raw("BMP")))
    assert messages == [f"BMP images are not accepted; use {ALLOWED}."]


# --- The model ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"), [("a.jpg", "JPEG"), ("b.png", "PNG"), ("c.webp", "WEBP"), ("d.gif", "GIF")]
)
def test_post_image_records_width_and_height(name, fmt):
    image = PostImage(image=factories.upload(name, fmt, size=(150, 100)), alt_text="Alt")
    image.full_clean()
    image.save()
    image.refresh_from_db()
    assert (image.width, image.height) == (150, 100)
    assert default_storage.exists(image.image.name)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.png", SVG, "image/png"), NOT_AN_IMAGE),
        (SimpleUploadedFile("x.jpg", b"hello", "image/jpeg"), NOT_AN_IMAGE),
        (SimpleUploadedFile("x.png", raw("BMP"), "image/png"), "BMP images are not accepted"),
    ],
    ids=["svg", "text", "bmp"],
)
def test_post_image_full_clean_refuses_non_images(upload, message):
    image = PostImage(image=upload, alt_text="Alt")
    with pytest.raises(ValidationError) as raised:
        image.full_clean()
    assert any(text.startswith(message) for text in raised.value.message_dict["image"])


def test_post_image_full_clean_refuses_other_extensions():
    image = PostImage(image=factories.upload("scan.bmp", content=raw("BMP")), alt_text="Alt")
    with pytest.raises(ValidationError) as raised:
        image.full_clean()
    assert "File extension “bmp” is not allowed" in " ".join(raised.value.message_dict["image"])


# --- Renditions -----------------------------------------------------------------------


def rendition_size(name):
    with default_storage.open(name) as stored, Image.open(stored) as image:
        return image.format, image.size


@pytest.mark.parametrize("width", [481, 1000, 1700])
def test_wide_image_gets_a_webp_rendition_per_narrower_width(width):
    image = factories.post_image(image=factories.upload("wide.png", size=(width, 300)))
    expected = [w for w in settings.IMAGE_RENDITION_WIDTHS if w < width]
    assert expected

    assert sorted(int(w) for w in image.renditions) == expected
    for rendition_width, name in image.renditions.items():
        assert name.endswith(".webp")
        assert rendition_size(name) == (
            "WEBP",
            (int(rendition_width), round(300 * int(rendition_width) / width)),
        )
    renditions_on_disk = [path for path in media_files() if "/renditions/" in path]
    assert len(renditions_on_disk) == len(expected)


@pytest.mark.parametrize("width", [64, 479, 480])
def test_image_no_wider_than_the_smallest_width_gets_no_renditions(width):
    image = factories.post_image(image=factories.upload("narrow.png", size=(width, 200)))
    assert image.renditions == {}
    assert not [path for path in media_files() if "/renditions/" in path]
    assert image.srcset() == ""


def test_gif_gets_no_renditions_to_keep_its_animation():
    frames = [Image.new("P", (900, 300), color) for color in (1, 2, 3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    image = factories.post_image(
        image=factories.upload("anim.gif", "GIF", content=buffer.getvalue())
    )
    assert image.renditions == {}
    assert media_files() == [image.image.name]


def test_renditions_follow_the_exif_orientation():
    # A camera's portrait photo: stored landscape, with "rotate 90°" in its EXIF.
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 600), "white").save(buffer, "JPEG", exif=exif)
    image = factories.post_image(
        image=factories.upload("portrait.jpg", "JPEG", content=buffer.getvalue())
    )

    assert sorted(image.renditions) == ["480"]  # 600 px wide once turned upright.
    assert rendition_size(image.renditions["480"]) == ("WEBP", (480, 800))


def test_transparent_greyscale_png_keeps_its_transparency():
    source = Image.new("LA", (600, 200), (255, 0))
    buffer = io.BytesIO()
    source.save(buffer, "PNG")
    image = factories.post_image(image=factories.upload("logo.png", content=buffer.getvalue()))
    with default_storage.open(image.renditions["480"]) as stored, Image.open(stored) as rendition:
        assert rendition.mode == "RGBA"
        assert rendition.getpixel((10, 10))[3] == 0


def test_images_with_the_same_stem_keep_their_own_renditions():
    red = io.BytesIO()
    Image.new("RGB", (1000, 500), (255, 0, 0)).save(red, "JPEG")
    blue = io.BytesIO()
    Image.new("RGB", (1000, 500), (0, 0, 255)).save(blue, "PNG")
    first = factories.post_image(
        image=factories.upload("photo.jpg", "JPEG", content=red.getvalue())
    )
    second = factories.post_image(image=factories.upload("photo.png", content=blue.getvalue()))

    assert first.renditions["480"] != second.renditions["480"]
    with default_storage.open(first.renditions["480"]) as stored, Image.open(stored) as picture:
        red_value, _, blue_value = picture.convert("RGB").getpixel((10, 10))
    assert red_value > 200 and blue_value < 50


def test_make_renditions_regenerates_in_place():
    image = factories.post_image(image=factories.upload("wide.png", size=(900, 300)))
    before = media_files()
    again = make_renditions(image.image.name)
    assert {str(w): name for w, name in again.items()} == image.renditions
    assert media_files() == before


# --- Through the admin ----------------------------------------------------------------

ADMIN_ADD = "/admin/blog/post/add/"


def post_form(author, image_upload, title="Talks resume in Geneva"):
    return {
        "title": title,
        "slug": "",
        "body": "The delegations met again on Tuesday.",
        "excerpt": "",
        "status": Post.Status.DRAFT,
        "published_at_0": "2025-03-04",
        "published_at_1": "10:00:00",
        "author": author.pk,
        "comments_open": "on",
        "tags": "",
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        "images-0-image": image_upload,
        "images-0-alt_text": "The delegations at the table",
        "images-0-caption": "Tuesday's session",
        "images-0-credit": "",
        "images-0-source_url": "",
        "_save": "Save",
    }


def test_editor_adds_a_post_with_an_inline_image(client_for, editor):
    response = client_for(editor).post(ADMIN_ADD, post_form(editor, factories.upload()))

    assert response.status_code == 302
    entry = Post.objects.get()
    image = entry.images.get()
    assert image.uploaded_by == editor
    assert (image.width, image.height) == (64, 48)
    assert image.alt_text == "The delegations at the table"


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("drawing.png", SVG, "image/png"),
        SimpleUploadedFile("drawing.svg", SVG, "image/svg+xml"),
        SimpleUploadedFile("notes.jpg", b"Minutes of the meeting.", "image/jpeg"),
    ],
    ids=["svg-named-png", "svg", "text-named-jpg"],
)
def test_editor_posting_a_non_image_gets_the_form_back_with_the_error(client_for, editor, upload):
    response = client_for(editor).post(ADMIN_ADD, post_form(editor, upload))

    assert response.status_code == 200
    content = response.content.decode()
    # Django's own image field speaks first in the admin; validate_image's message is
    # what the admin shows once it uses core.images.ValidatedImageField.
    shown = [
        message
        for message in (
            "Upload a valid image. The file you uploaded was either not an image or a "
            "corrupted image.",
            NOT_AN_IMAGE,
        )
        if message in content
    ]
    assert shown, "the author is not told why the image was refused"
    assert 'class="errorlist' in content
    # Nothing saved, no file left behind.
    assert not Post.objects.exists()
    assert not PostImage.objects.exists()
    assert media_files() == []
    # What they typed is still there.
    assert 'value="Talks resume in Geneva"' in content
    assert "The delegations met again on Tuesday." in content
    assert 'value="The delegations at the table"' in content


def test_editor_posting_a_truncated_jpeg_is_told_it_is_damaged(client_for, editor):
    content = noise("JPEG", (300, 200))
    upload = SimpleUploadedFile("cut.jpg", content[: len(content) // 2], "image/jpeg")
    response = client_for(editor).post(ADMIN_ADD, post_form(editor, upload))

    assert response.status_code == 200
    assert DAMAGED in response.content.decode()
    assert not Post.objects.exists()
    assert media_files() == []


def test_editor_edits_a_post_that_already_has_an_image(client_for, editor):
    # The stored image is validated again with the form; that must not need the upload.
    entry = factories.post(author=editor, status=Post.Status.DRAFT, body="Before.")
    image = factories.post_image(post=entry, alt_text="Old alt")
    entry.body = f"Before.\n\n![](image:{image.pk})"
    entry.save()
    data = post_form(editor, "", title=entry.title)
    data.pop("images-0-image")
    data.update(
        {
            "slug": entry.slug,
            "body": entry.body,
            "images-INITIAL_FORMS": "1",
            "images-0-id": image.pk,
            "images-0-post": entry.pk,
            "images-0-alt_text": "New alt",
        }
    )

    response = client_for(editor).post(f"/admin/blog/post/{entry.pk}/change/", data)

    assert response.status_code == 302
    image.refresh_from_db()
    assert image.alt_text == "New alt"
    entry.refresh_from_db()
    assert 'alt="New alt"' in entry.body_html


def test_stored_image_is_not_refused_when_the_limits_tighten(settings):
    image = factories.post_image()
    settings.IMAGE_MAX_UPLOAD_BYTES = 10
    image.caption = "Added later"
    image.full_clean()
    image.save()
    # A new upload is still held to the new limit.
    with pytest.raises(ValidationError):
        validate_image(factories.upload())


def test_media_root_is_the_tests_own(tmp_path):
    assert Path(settings.MEDIA_ROOT) == tmp_path / "media"
    assert not os.path.exists(tmp_path / "media") or media_files() == []


# --- What a stored original keeps ---------------------------------------------------------

RED, WHITE = factories.RED, factories.WHITE


def assert_upright_without_metadata(name, source, size=(600, 1000)):
    with default_storage.open(name) as stored:
        content = stored.read()
    with Image.open(io.BytesIO(content)) as picture, Image.open(io.BytesIO(source)) as taken:
        assert picture.format == "JPEG"
        assert picture.size == size
        assert dict(picture.getexif()) == {}
        assert "comment" not in picture.info
        assert picture.info["icc_profile"] == taken.info["icc_profile"]
        assert picture.quantization == taken.quantization  # written with quality="keep"
        rgb = picture.convert("RGB")
        assert _near(rgb.getpixel((size[0] // 2, 10)), RED)  # the red edge is on top
        assert _near(rgb.getpixel((size[0] // 2, size[1] - 10)), WHITE)
    assert b"Exif\x00\x00" not in content
    assert b"PhoneMaker" not in content


def _near(pixel, colour):
    return all(abs(a - b) < 40 for a, b in zip(pixel, colour, strict=True))


def upload_through_the_post_form(client, user, content):
    upload = factories.upload("IMG_0042.jpg", "JPEG", content=content)
    assert client.post(ADMIN_ADD, post_form(user, upload)).status_code == 302
    return PostImage.objects.get().image.name


def upload_through_the_image_admin(client, user, content):
    upload = factories.upload("IMG_0042.jpg", "JPEG", content=content)
    data = {"image": upload, "alt_text": "A portrait", "caption": "", "credit": "",
            "source_url": "", "description": "", "post": ""}  # fmt: skip
    assert client.post("/admin/blog/postimage/add/", data).status_code == 302
    return PostImage.objects.get().image.name


def upload_by_dropping_it_on_the_editor(client, user, content):
    upload = factories.upload("IMG_0042.jpg", "JPEG", content=content)
    response = client.post("/admin/markdownx/upload/", {"image": upload, "alt_text": "A portrait"})
    assert response.status_code == 201
    return PostImage.objects.get().image.name


def upload_as_the_site_logo(client, user, content):
    from blog.models import SiteSettings

    upload = factories.upload("logo.jpg", "JPEG", content=content)
    data = {"title": "Colloquy", "tagline": "", "footer_text": "", "logo": upload,
            "navigation-TOTAL_FORMS": "0", "navigation-INITIAL_FORMS": "0",
            "navigation-MIN_NUM_FORMS": "0", "navigation-MAX_NUM_FORMS": "1000"}  # fmt: skip
    settings_row = SiteSettings.load()
    response = client.post(f"/admin/blog/sitesettings/{settings_row.pk}/change/", data)
    assert response.status_code == 302
    return SiteSettings.load().logo.name


@pytest.mark.parametrize(
    "upload",
    [upload_through_the_post_form, upload_through_the_image_admin,
     upload_by_dropping_it_on_the_editor, upload_as_the_site_logo],
    ids=["post form", "image admin", "editor drop", "site logo"],
)  # fmt: skip
def test_a_stored_original_is_upright_and_keeps_no_gps_position(client_for, superuser, upload):
    content = factories.camera_jpeg(quality=60)

    name = upload(client_for(superuser), superuser, content)

    assert_upright_without_metadata(name, content)


def metadata_of(content):
    with Image.open(io.BytesIO(content)) as picture:
        return dict(picture.getexif()), {key for key in picture.info if key != "dpi"}


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_lose_their_exif_and_xmp(fmt):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] = (46.0, 12.0, 30.0)
    buffer = io.BytesIO()
    options = {"exif": exif, "xmp": b"<x:xmpmeta>Geneva</x:xmpmeta>"}
    if fmt == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", "Taken at home")
        options["pnginfo"] = text
    Image.new("RGB", (300, 200), WHITE).save(buffer, fmt, **options)
    assert metadata_of(buffer.getvalue())[0]  # the upload has them

    stored = strip_metadata(factories.upload(f"x.{fmt.lower()}", fmt, content=buffer.getvalue()))

    content = stored.read()
    exif_left, info = metadata_of(content)
    assert exif_left == {}
    assert not info & {"exif", "xmp", "XML:com.adobe.xmp", "Comment"}
    assert b"Geneva" not in content
    assert Image.open(io.BytesIO(content)).size == (200, 300)  # turned upright


def test_an_animated_gif_stays_animated_and_loses_its_comment():
    frames = [Image.new("RGB", (90, 60), colour) for colour in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:],
                   duration=[100, 200, 300], loop=0, comment=b"Taken at home")  # fmt: skip

    stored = strip_metadata(factories.upload("anim.gif", "GIF", content=buffer.getvalue()))

    content = stored.read()
    assert b"Taken at home" not in content
    with Image.open(io.BytesIO(content)) as picture:
        assert picture.n_frames == 3
        assert picture.info["loop"] == 0
        timing, colours = [], []
        for frame in ImageSequence.Iterator(picture):
            timing.append(frame.info["duration"])
            colours.append(frame.convert("RGB").getpixel((5, 5)))
    assert timing == [100, 200, 300]
    assert colours == [(255, 0, 0), (0, 128, 0), (0, 0, 255)]
