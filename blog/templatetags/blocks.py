from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .. import blocks

register = template.Library()


@register.simple_tag
def sidebar_blocks():
    """Categories, monthly archives and the tag cloud: their HTML is kept with the data,
    so a page made afresh neither queries nor renders them."""
    html = blocks.cached(
        "sidebar-html", lambda: render_to_string("includes/blocks.html", blocks.sidebar())
    )
    return mark_safe(html)  # noqa: S308 - our own template's output
