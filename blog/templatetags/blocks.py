from django import template

from .. import blocks

register = template.Library()


@register.inclusion_tag("includes/blocks.html")
def sidebar_blocks():
    """Categories, monthly archives and the tag cloud; no query once cached."""
    return blocks.sidebar()
