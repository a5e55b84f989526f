from django import template
from django.utils.safestring import mark_safe

from .. import blocks

register = template.Library()


@register.simple_tag
def sidebar_blocks():
    """Categories, monthly archives and the tag cloud: their HTML is kept, so a page made
    afresh neither queries nor renders them."""
    html = blocks.kept_html("sidebar", "includes/blocks.html", blocks.sidebar)
    return mark_safe(html)  # noqa: S308 - our own template's output
