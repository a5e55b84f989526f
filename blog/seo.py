"""What search engines and link previews read: descriptions, canonical URLs, JSON-LD."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from .rendering import plain_text

DESCRIPTION_LENGTH = 160

# The same escapes as django.utils.html.json_script: nothing in the data can close
# the <script> element or open a comment, whatever an author types in a title.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def description(html_fragment, fallback=""):
    """Sanitised HTML as one line of plain text of at most ~160 characters."""
    text = " ".join(plain_text(html_fragment or "").split()) or fallback
    return Truncator(text).chars(DESCRIPTION_LENGTH)


def absolute(request, path):
    return request.build_absolute_uri(path) if path else ""


def page_url(page_base, number):
    """The address of page `number` of a list whose first page is `page_base`."""
    return page_base if number == 1 else f"{page_base}page/{number}/"


def json_ld(data):
    """`data` as a JSON-LD <script> element, safe to put anywhere in the page."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_SCRIPT_ESCAPES)),  # noqa: S308 - escaped just above
    )


def image_object(request, image):
    if image is None:
        return None
    data = {
        "@type": "ImageObject",
        "url": absolute(request, image.image.url),
        "width": image.width,
        "height": image.height,
    }
    if image.caption:
        data["caption"] = image.caption
    if image.credit:
        data["creditText"] = image.credit
    return data


def publisher(request, site):
    data = {
        "@type": "Organization",
        "name": site.title,
        "url": absolute(request, reverse("blog:home")),
    }
    if site.logo:
        data["logo"] = {"@type": "ImageObject", "url": absolute(request, site.logo.url)}
    return data


def blog_posting(request, post, site):
    """The schema.org BlogPosting of a post, as a dict for `json_ld`."""
    url = absolute(request, post.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": description(post.excerpt_html),
        "datePublished": post.published_at.isoformat(),
        "dateModified": post.updated_at.isoformat(),
        "author": {
            "@type": "Person",
            "name": post.author.get_display_name(),
            "url": absolute(request, post.author.get_absolute_url()),
        },
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "publisher": publisher(request, site),
    }
    image = image_object(request, post.featured_image)
    if image:
        data["image"] = image
    categories = list(post.categories.all())
    if categories:
        data["articleSection"] = categories[0].name
    tags = [tag.name for tag in post.tags.all()]
    if tags:
        data["keywords"] = tags
    return data


def post_meta(request, post, site):
    """Everything the post page's <head> says about the post."""
    image = post.featured_image
    categories = list(post.categories.all())
    return {
        "title": post.title,
        "description": description(post.excerpt_html, fallback=site.tagline),
        "canonical": absolute(request, post.get_absolute_url()),
        "site_name": site.title,
        "og_type": "article",
        "image": image,
        "image_url": absolute(request, image.image.url) if image else "",
        "published_time": post.published_at.isoformat(),
        "modified_time": post.updated_at.isoformat(),
        "author_url": absolute(request, post.author.get_absolute_url()),
        "section": categories[0].name if categories else "",
        "tags": [tag.name for tag in post.tags.all()],
        "twitter_card": "summary_large_image" if image else "summary",
        "json_ld": json_ld(blog_posting(request, post, site)),
    }


def page_meta(request, site, title=""):
    """The default for every other page: the tagline, the page's own address."""
    return {
        "title": title or site.title,
        "description": Truncator(site.tagline).chars(DESCRIPTION_LENGTH),
        "canonical": absolute(request, request.path),
        "site_name": site.title,
        "og_type": "website",
        "twitter_card": "summary",
    }
