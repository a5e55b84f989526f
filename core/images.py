"""Uploaded images: validation, the original as stored, and resized renditions, with Pillow."""

import io
import warnings
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

# Pillow's format names. Phone cameras save JPEGs with a second picture (MPO);
# they are JPEG files to the author and to every browser.
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}
ALLOWED_NAMES = "JPEG, PNG, WebP or GIF"


def validate_image(upload):
    """Accept only a real JPEG, PNG, WebP or GIF within the size and pixel limits.

    Returns (width, height). Raises ValidationError with a message an author
    can act on. A file already in storage (a record validated again when it is
    edited) was checked when it was uploaded, and is let through: returns None.
    """
    if getattr(upload, "_committed", False):
        return None
    max_bytes = settings.IMAGE_MAX_UPLOAD_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            "This file is %(size)s; images may be at most %(max)s.",
            code="too_large",
            params={"size": filesizeformat(size), "max": filesizeformat(max_bytes)},
        )
    allowed = ALLOWED_NAMES
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            # Our own pixel limit, checked below, gives the clearer message.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format = image.format
                width, height = image.size
                if image_format not in ALLOWED_FORMATS:
                    raise ValidationError(
                        "%(format)s images are not accepted; use %(allowed)s.",
                        code="format",
                        params={"format": image_format, "allowed": allowed},
                    )
                if width * height > settings.IMAGE_MAX_PIXELS:
                    raise _too_many_pixels(width, height)
                image.verify()
            # verify() reads the structure only (nothing at all for JPEG): decode the
            # pixels too, so a truncated file is refused here and not when resized.
            upload.seek(0)
            with Image.open(upload) as image:
                if image.format in ("JPEG", "MPO"):
                    image.draft("RGB", (1, 1))  # Decodes every byte, at 1/8 scale.
                image.load()
    except Image.DecompressionBombError as error:
        raise ValidationError(
            "This image has too many pixels to process safely; the limit is %(max)s.",
            code="bomb",
            params={"max": _pixel_limit()},
        ) from error
    except UnidentifiedImageError as error:
        raise ValidationError(
            "This file is not an image we can read; upload a %(allowed)s file.",
            code="not_image",
            params={"allowed": allowed},
        ) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise _damaged() from error
    finally:
        upload.seek(position)
    return width, height


def _damaged():
    return ValidationError("This image file is damaged and cannot be read.", code="damaged")


def _too_many_pixels(width, height):
    return ValidationError(
        "This image is %(width)s × %(height)s pixels; the limit is %(max)s.",
        code="too_many_pixels",
        params={"width": width, "height": height, "max": _pixel_limit()},
    )


def _pixel_limit():
    limit = settings.IMAGE_MAX_PIXELS
    if limit >= 1_000_000:
        return f"{round(limit / 1_000_000, 1):g} million pixels"
    return f"{limit:,} pixels"


class ValidatedImageField(forms.FileField):
    """A form's image upload, refused with `validate_image`'s messages.

    Django's forms.ImageField answers every unreadable file (an SVG, a text file,
    a decompression bomb) with one generic message; this says what is wrong.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        )
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is not None:
            validate_image(upload)
        return upload


class PublicImageField(ValidatedImageField):
    """An upload that the site will show: validated, then cleaned by `strip_metadata`."""

    def to_python(self, data):
        upload = super().to_python(data)
        return strip_metadata(upload) if upload is not None else None


def strip_metadata(upload):
    """The accepted image `upload` as it is to be stored: turned upright, without EXIF
    (where and when it was taken, the camera), XMP or comments; its colour profile stays.

    JPEGs are written again with their own quantisation tables (quality="keep"; a phone's
    second picture is dropped), PNGs and GIFs losslessly, animations frame by frame with
    their timing. A WebP with no EXIF or XMP is kept as it came, since writing it again
    could only lose quality; one with them is written at quality 95. Returns a ContentFile
    named like the upload.
    """
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            content = _without_metadata(image)
    except (OSError, SyntaxError, ValueError) as error:
        raise _damaged() from error
    upload.seek(0)
    return ContentFile(
        content if content is not None else upload.read(), name=PurePosixPath(upload.name).name
    )


def _without_metadata(image):
    """The image written again without its metadata; None for a WebP with none to lose."""
    if image.format == "WEBP" and not {"exif", "xmp"} & image.info.keys():
        return None
    # Pillow's JPEG and WebP writers drop a colour profile unless given it; its JPEG and
    # GIF writers copy a comment unless given another.
    options = {"icc_profile": image.info.get("icc_profile"), "comment": b""}
    file_format = "JPEG" if image.format == "MPO" else image.format
    if file_format != "JPEG" and getattr(image, "is_animated", False):
        # Turning an animation would turn its first frame only; cameras do not make them.
        options["duration"] = [_frame_duration(frame) for frame in ImageSequence.Iterator(image)]
        options.update(save_all=True, loop=image.info.get("loop", 0))
        image.seek(0)
    else:
        image.load()
        ImageOps.exif_transpose(image, in_place=True)
    if file_format == "JPEG":
        # "keep" needs a JPEG's own tables; a phone's MPO gets a high quality instead.
        options["quality"] = "keep" if image.format == "JPEG" else 95
        options["progressive"] = image.info.get("progressive", False)
    elif file_format == "WEBP":
        options["quality"] = 95
    output = io.BytesIO()
    image.save(output, file_format, **options)
    return output.getvalue()


def _frame_duration(frame):
    frame.load()  # A WebP frame's duration is known once it is read.
    return frame.info.get("duration", 0)


def make_renditions(name, widths=None):
    """Write resized copies of the stored image `name`, one per width narrower than it.

    Returns {width: storage name}. GIFs are left alone to keep their animation.
    """
    widths = widths or settings.IMAGE_RENDITION_WIDTHS
    with default_storage.open(name) as stored, Image.open(stored) as image:
        if image.format == "GIF":
            return {}
        image.load()
        # Originals are stored upright (strip_metadata); one stored before is turned here.
        ImageOps.exif_transpose(image, in_place=True)
        original_width = image.width
        if image.mode not in ("RGB", "RGBA"):
            has_alpha = "A" in image.getbands() or "transparency" in image.info
            image = image.convert("RGBA" if has_alpha else "RGB")
        source = PurePosixPath(name)
        renditions = {}
        for width in sorted(widths):
            if width >= original_width:
                break
            height = round(image.height * width / original_width)
            resized = image.resize((width, height), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            resized.save(buffer, "WEBP", quality=82, method=4)
            # The whole file name, extension too: photo.jpg and photo.png in one
            # folder must not share (and overwrite each other's) renditions.
            target = str(source.parent / "renditions" / f"{source.name}-{width}w.webp")
            if default_storage.exists(target):
                default_storage.delete(target)
            renditions[width] = default_storage.save(target, ContentFile(buffer.getvalue()))
        return renditions
