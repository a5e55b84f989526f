from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from blog.blocks import cached

from .. import blocks

register = template.Library()


@register.simple_tag
def recent_comments():
    """The five newest approved comments; no query and no rendering once cached."""
    html = cached(
        "recent-comments-html",
        lambda: render_to_string("includes/recent_comments.html", {"comments": blocks.recent()}),
        lists=False,
    )
    return mark_safe(html)  # noqa: S308 - our own template's output
