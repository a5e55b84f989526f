"""Small builders for test data; each takes keyword overrides."""

import io
import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags, Image, ImageCms

from blog.models import Category, Page, Post, PostImage
from comments import antispam
from comments.models import Comment, target_field

_counter = itertools.count(1)


def user(username=None, roles=(), **fields):
    username = username or f"user{next(_counter)}"
    person = get_user_model().objects.create_user(
        username=username,
        email=fields.pop("email", f"{username}@example.org"),
        password=fields.pop("password", "correct horse battery staple"),
        **fields,
    )
    for role in roles:
        person.groups.add(Group.objects.get(name=role))
    person.refresh_from_db()
    return person


def image_bytes(fmt="PNG", size=(64, 48), color=(30, 80, 120)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


RED, WHITE = (255, 0, 0), (255, 255, 255)


def camera_jpeg(size=(1000, 600), **save_options):
    """A phone's portrait photo: stored landscape with "rotate 90°" in its EXIF, where it
    was taken, and a colour profile. Its left edge is red: once upright, the top edge is."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (46.0, 12.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (6.0, 8.0, 40.0)
    picture = Image.new("RGB", size, WHITE)
    picture.paste(RED, (0, 0, 100, size[1]))
    buffer = io.BytesIO()
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    picture.save(
        buffer, "JPEG", exif=exif, comment=b"Taken at home", icc_profile=profile, **save_options
    )
    return buffer.getvalue()


def upload(name="photo.png", fmt="PNG", size=(64, 48), content=None):
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif",
                    "WEBP": "image/webp"}.get(fmt, "application/octet-stream")  # fmt: skip
    return SimpleUploadedFile(
        name, content if content is not None else image_bytes(fmt, size), content_type
    )


def post_image(post=None, **fields):
    fields.setdefault("alt_text", "A delegation at the table")
    fields.setdefault("image", upload(f"photo{next(_counter)}.png"))
    return PostImage.objects.create(post=post, **fields)


def category(name=None, parent=None, **fields):
    name = name or f"Category {next(_counter)}"
    return Category.objects.create(name=name, parent=parent, **fields)


def post(title=None, author=None, tags=(), categories=(), **fields):
    title = title or f"Post {next(_counter)}"
    fields.setdefault("status", Post.Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
    fields.setdefault("body", f"Body of {title}.")
    entry = Post.objects.create(title=title, author=author or user(), **fields)
    if tags:
        entry.tags.add(*tags)
    if categories:
        entry.categories.add(*categories)
    return entry


def page(title=None, **fields):
    title = title or f"Page {next(_counter)}"
    fields.setdefault("status", Page.Status.PUBLISHED)
    return Page.objects.create(title=title, **fields)


# A comment's `minute` counts from here: a test orders a discussion without waiting, and
# the discussion is long past the minutes in which its authors may edit it.
DISCUSSION_BEGAN = timedelta(days=1)


def comment(target, body="A thoughtful reply.", *, user=None, parent=None, minute=None, **fields):
    """An approved comment on `target` (a post or a page), saved as the site saves one (its
    path, depth and HTML made by `Comment.save()`): a guest's, or `user`'s; a reply to
    `parent`. `minute`: written that many minutes into a discussion that began a day ago."""
    fields.setdefault("status", Comment.Status.APPROVED)
    if user is None:
        fields.setdefault("name", "Grace Guest")
        fields.setdefault("email", "grace@example.org")
    if minute is not None:
        fields["submitted_at"] = timezone.now() - DISCUSSION_BEGAN + timedelta(minutes=minute)
    return Comment.objects.create(
        **{target_field(target): target}, body=body, user=user, parent=parent, **fields
    )


def comment_form(post, **fields):
    """What a guest's comment form sends for `post`; a field given as None is left out."""
    data = {
        "name": "Grace Guest",
        "email": "grace@example.org",
        "url": "",
        "body": "A thoughtful reply.",
        "token": antispam.form_token(post),
        **fields,
    }
    return {key: value for key, value in data.items() if value is not None}
