"""Slugs: any text that can be one segment of an address, as WordPress allows.

WordPress accepts `’`, `†`, U+2011 or Arabic diacritics in a slug, which Django's
`validate_unicode_slug` refuses and `[-\\w]+` does not route. A slug here is stored
decoded (`café`, not `caf%C3%A9`), routed with `SEGMENT` and percent-encoded by
`reverse()` in links; browsers send it encoded and Django decodes it before routing.
"""

import functools
import re
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.signals import setting_changed
from django.core.validators import RegexValidator
from django.db import models
from django.dispatch import receiver
from django.urls import URLResolver, get_resolver
from django.utils.translation import gettext_lazy as _

# What the URL patterns accept for a slug (or a username): anything up to the next "/".
SEGMENT = r"[^/]+"
# What one path segment cannot hold: "/" parts segments, "?" and "#" end the path, "%"
# starts an escape, browsers read "\" as "/" and drop whitespace and control characters.
UNSAFE = re.compile(r"[/\\?#%\s\x00-\x1f\x7f-\x9f]+")
# "." and ".." are not segments at all: browsers resolve them away.
DOTS = re.compile(r"\.{1,2}")

validate_slug = RegexValidator(
    r"\A(?!\.{1,2}\Z)[^/\\?#%\s\x00-\x1f\x7f-\x9f]+\Z",
    _(
        "Enter a slug of letters, numbers, hyphens or other characters an address can "
        "hold: no spaces, and none of / \\ ? # %%."
    ),
    code="invalid",
)


def make_slug(text, max_length=200):
    """`text` made a valid slug: each run of what a segment cannot hold becomes a hyphen.
    "" when nothing usable is left."""
    slug = UNSAFE.sub("-", text or "")[:max_length]
    return "" if DOTS.fullmatch(slug) else slug


class SlugFormField(forms.CharField):
    default_validators = [validate_slug]
    # Read by the admin's prepopulated-field script: a slug filled in from a title keeps
    # its letters, as slugify(allow_unicode=True) does on the server.
    allow_unicode = True


class SlugField(models.CharField):
    """A slug validated by `validate_slug` instead of Django's stricter slug rules."""

    default_validators = [validate_slug]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SlugFormField, **kwargs})


# Old WordPress addresses the import's redirects answer; no URL pattern names them.
WORDPRESS_SEGMENTS = frozenset({"wp-admin", "wp-content"})
# The literal first segment a pattern's regex starts with, maybe inside its opening groups:
# "^admin/" (a route's), "^sitemap\\.xml\\Z", "^(?:page/(?P<page>[0-9]+)/)?$". None when it
# starts with a group or a class of characters instead ("^(?P<year>[0-9]{4})/", "^(?P<path>.+)").
FIRST_SEGMENT = re.compile(
    r"\^?(?:\((?:\?:|\?P<\w+>)?)*((?:[^\\/^$.|?*+()\[\]{}]|\\\W)+)(?:/|\$|\\Z|\Z)"
)


@functools.cache
def reserved_slugs():
    """The first path segments other parts of the site answer, which a top-level page
    cannot have: those of the URL patterns, of static files and media, and WordPress's."""
    reserved = set(WORDPRESS_SEGMENTS)
    reserved.update(_first_segments(get_resolver().url_patterns))
    for url in (settings.STATIC_URL, settings.MEDIA_URL):
        parts = urlsplit(url or "")
        if not parts.netloc:  # served here, not by another host
            reserved.add(parts.path.strip("/").split("/")[0])
    reserved.discard("")
    return frozenset(reserved)


def _first_segments(patterns):
    for entry in patterns:
        source = entry.pattern.regex.pattern
        if source in ("", "^") and isinstance(entry, URLResolver):
            yield from _first_segments(entry.url_patterns)
        elif found := FIRST_SEGMENT.match(source):
            yield re.sub(r"\\(.)", r"\1", found[1])


@receiver(setting_changed)
def _forget_reserved_slugs(setting, **kwargs):
    if setting in {"ROOT_URLCONF", "STATIC_URL", "MEDIA_URL"}:
        reserved_slugs.cache_clear()
