"""Uploaded images: validation and resized renditions, with Pillow."""

import io
import warnings
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}


def validate_image(upload):
    """Accept only a real JPEG, PNG, WebP or GIF within the size and pixel limits.

    Returns (width, height). Raises ValidationError with a message an author
    can act on.
    """
    max_bytes = settings.IMAGE_MAX_UPLOAD_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            "This file is %(size)s; images may be at most %(max)s.",
            code="too_large",
            params={"size": filesizeformat(size), "max": filesizeformat(max_bytes)},
        )
    allowed = ", ".join(ALLOWED_FORMATS.values())
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
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
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            "This image is too large to process safely (%(detail)s).",
            code="bomb",
            params={"detail": error},
        ) from error
    except UnidentifiedImageError as error:
        raise ValidationError(
            "This file is not an image we can read; upload a %(allowed)s file.",
            code="not_image",
            params={"allowed": allowed},
        ) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            "This image file is damaged and cannot be read.", code="damaged"
        ) from error
    finally:
        upload.seek(position)
    return width, height


def _too_many_pixels(width, height):
    return ValidationError(
        "This image is %(width)s × %(height)s pixels; the limit is %(max)s million pixels.",
        code="too_many_pixels",
        params={
            "width": width,
            "height": height,
            "max": round(settings.IMAGE_MAX_PIXELS / 1_000_000),
        },
    )


def make_renditions(name, widths=None):
    """Write resized copies of the stored image `name`, one per width narrower than it.

    Returns {width: storage name}. GIFs are left alone to keep their animation.
    """
    widths = widths or settings.IMAGE_RENDITION_WIDTHS
    with default_storage.open(name) as stored, Image.open(stored) as image:
        if image.format == "GIF":
            return {}
        image.load()
        original_width = image.width
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        stem = PurePosixPath(name)
        renditions = {}
        for width in sorted(widths):
            if width >= original_width:
                break
            height = round(image.height * width / original_width)
            resized = image.resize((width, height), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            resized.save(buffer, "WEBP", quality=82, method=4)
            target = str(stem.parent / "renditions" / f"{stem.stem}-{width}w.webp")
            if default_storage.exists(target):
                default_storage.delete(target)
            renditions[width] = default_storage.save(target, ContentFile(buffer.getvalue()))
        return renditions
