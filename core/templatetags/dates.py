from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def datetime_attribute(value):
    """`value` as a `<time datetime>` wants it: ISO 8601 in the site's time zone, to the
    second (HTML allows at most three digits of a second; `|date:"c"` writes six)."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()
