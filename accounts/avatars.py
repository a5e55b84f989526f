"""Avatars: uploads cut to a small square, and initials on a colour for everyone else."""

import hashlib
import io
import secrets
import unicodedata

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

# Uploads are kept at most this wide (and as tall): no one's 12-megapixel photo is stored.
SIZE = 256

# Background colours for initials avatars; white text on each passes WCAG AA (≥ 6:1).
PALETTE = (
    "#1f4e79",
    "#7b3fa0",
    "#a23b2a",
    "#2f6b3a",
    "#8a5300",
    "#34495e",
    "#a8326a",
    "#3d5a99",
    "#6b4f2a",
    "#00695c",
    "#5e35b1",
    "#b3261e",
)


def square(upload, size=SIZE):
    """The uploaded image centre-cropped to a square, at most `size` pixels, as WebP.

    `upload` was checked by `core.images.validate_image`. Returns a ContentFile with a
    fresh random name, so a new avatar never reuses a cached address.
    """
    upload.seek(0)
    with Image.open(upload) as image:
        image.load()  # the first frame of an animation
        # Phones store pictures sideways with an EXIF turn; browsers honour it, so must we.
        ImageOps.exif_transpose(image, in_place=True)
        has_alpha = "A" in image.getbands() or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
        side = min(size, image.width, image.height)  # never enlarge a small picture
        cropped = ImageOps.fit(image, (side, side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    cropped.save(buffer, "WEBP", quality=85, method=4)
    return ContentFile(buffer.getvalue(), name=f"{secrets.token_urlsafe(12)}.webp")


def initials(name, fallback=""):
    """Up to two capital letters: the first of the first and of the last word of `name`.

    Characters that are not letters or digits (emoji, punctuation) are skipped; with
    nothing left, `fallback` is tried the same way, then "?".
    """
    for text in (name, fallback):
        words = [
            [char for char in unicodedata.normalize("NFC", word) if char.isalnum()]
            for word in text.split()
        ]
        words = [word for word in words if word]
        if words:
            chosen = [words[0][0]] if len(words) == 1 else [words[0][0], words[-1][0]]
            return "".join(char.upper()[0] for char in chosen)
    return "?"


def colour_index(username):
    """A stable palette position for `username`, the same in every process."""
    digest = hashlib.sha256(username.encode()).digest()
    return digest[0] % len(PALETTE)


def valid_initials(text):
    return 1 <= len(text) <= 2 and all(char.isalnum() or char == "?" for char in text)
