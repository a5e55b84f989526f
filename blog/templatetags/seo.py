from django import template
from django.utils.html import format_html_join

from .. import seo

register = template.Library()


@register.inclusion_tag("includes/meta.html", takes_context=True)
def page_meta(context):
    """Description, canonical URL, OpenGraph and Twitter tags of any page."""
    request, site_settings = context.get("request"), context.get("site_settings")
    if request is None or site_settings is None:  # rendered without the site's context processors
        return {"meta": None}
    page = context.get("page")
    title = context.get("heading") or getattr(page, "title", "")
    return {"meta": seo.page_meta(request, site_settings, title)}


@register.inclusion_tag("includes/meta.html", takes_context=True)
def post_head_meta(context, post):
    """The same for a post, with its image, dates, author and JSON-LD."""
    request, site_settings = context.get("request"), context.get("site_settings")
    if request is None or site_settings is None:
        return {"meta": None}
    return {"meta": seo.post_meta(request, post, site_settings)}


@register.simple_tag(takes_context=True)
def pagination_links(context):
    """<link rel="prev"/"next"> for a paginated list, absolute like the canonical URL."""
    page_obj, page_base = context.get("page_obj"), context.get("page_base")
    if page_obj is None or page_base is None or "request" not in context:
        return ""
    request = context["request"]
    links = []
    if page_obj.has_previous():
        links.append(("prev", seo.page_url(page_base, page_obj.previous_page_number())))
    if page_obj.has_next():
        links.append(("next", seo.page_url(page_base, page_obj.next_page_number())))
    return format_html_join(
        "\n  ",
        '<link rel="{}" href="{}">',
        ((rel, request.build_absolute_uri(path)) for rel, path in links),
    )
