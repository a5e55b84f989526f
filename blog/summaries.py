"""The post summaries of the home page and the archives, each one's HTML kept.

A list page made afresh asks the database only which posts it shows; each summary's
HTML is kept under the site-wide content generation, so only a post never shown since
the last change is fetched (with its author, image, categories and tags) and rendered.
"""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core import generation

from .models import Post

TEMPLATE = "includes/post_summary.html"
TIMEOUT = 60 * 60


def render(posts):
    """The summaries' HTML, in order, for `posts` (a page of a post queryset)."""
    ids = list(posts.values_list("pk", flat=True))
    found = generation.kept_many({pk: ("summary", pk) for pk in ids}, _render, TIMEOUT)
    return [mark_safe(found[pk]) for pk in ids if pk in found]  # noqa: S308 - ours


def _render(ids):
    fetched = (
        Post.objects.for_listing()
        .defer("body", "body_html", "search_document")  # the bulk of a row; not shown
        .in_bulk(ids)
    )
    return {pk: render_to_string(TEMPLATE, {"post": post}) for pk, post in fetched.items()}
