from django import template

from .. import blocks

register = template.Library()


@register.inclusion_tag("includes/recent_comments.html")
def recent_comments():
    """The five newest approved comments; no query once cached."""
    return {"comments": blocks.recent()}
