"""Old WordPress addresses answer with a 301 to where the same thing lives now.

`/?p=12`, `/?page_id=7` and `/?attachment_id=30` are found by WordPress id; any other
old address (whatever the permalink structure was, with `comment-page-2/`, `feed/` or
`amp/` after it) by the path stored at import; `/wp-content/uploads/…` by file, resized
variants included. Only a 404 is answered, so a live page always wins over an old one.
"""

import re
from urllib.parse import unquote, urlencode, urlsplit

from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse

from blog.models import Page, Post

from .addresses import upload_key
from .models import ImportedItem

Kind = ImportedItem.Kind
ID_PARAMETERS = {"p": (Kind.POST, Kind.PAGE), "page_id": (Kind.PAGE,),
                 "attachment_id": (Kind.ATTACHMENT,)}  # fmt: skip
# What WordPress adds after an item's own address.
SUFFIX = re.compile(
    r"(?:comment-page-\d+/|feed/(?:rss2?/|atom/|rdf/)?|amp/|trackback/|embed/|page/\d+/)$"
)


class LegacyLinkMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/" and ID_PARAMETERS.keys() & request.GET.keys():
            url = self._by_id(request)
            if url:
                return HttpResponsePermanentRedirect(url)
        response = self.get_response(request)
        if response.status_code != 404 or getattr(request, "_legacy_checked", False):
            return response
        return self._redirect(request) or response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            return self._redirect(request)
        return None

    def _redirect(self, request):
        request._legacy_checked = True
        url = self._by_path(request)
        return HttpResponsePermanentRedirect(url) if url else None

    def _by_id(self, request):
        for parameter, kinds in ID_PARAMETERS.items():
            value = request.GET.get(parameter, "")
            if not value.isdecimal():
                continue
            items = ImportedItem.objects.filter(kind__in=kinds, key=value).select_related(
                "post", "page", "image__post"
            )
            for item in items:
                url = _address(request, item)
                if url:
                    return url
            # Colloquy's own feed ids are `/?p=<pk>` too.
            native = Post if parameter == "p" else Page if parameter == "page_id" else None
            if native is not None:
                target = native.objects.filter(pk=value).first()
                url = _visible_url(request, target)
                if url:
                    return url
        return None

    def _by_path(self, request):
        path = request.path
        key = upload_key(path)
        if key:
            items = ImportedItem.objects.filter(kind=Kind.FILE, key=key)
        else:
            trimmed = SUFFIX.sub("", path)
            items = ImportedItem.objects.filter(old_path__in={path, trimmed, f"{path}/"})
        for item in items.select_related("post", "page", "image__post", "category", "tag", "user"):
            url = _address(request, item)
            # Compared decoded: reverse() and the request escape a path differently.
            if url and unquote(urlsplit(url).path) != path:
                return _with_query(url, request)
        return None


def _address(request, item):
    """Where `item` lives now, if the visitor may see it there."""
    if item.post_id or item.page_id:
        return _visible_url(request, item.post or item.page)
    if item.image_id:
        image = item.image
        post_url = _visible_url(request, image.post) if image.post_id else None
        if post_url and item.kind != Kind.FILE:
            return f"{post_url}#image-{image.pk}"
        return image.image.url if image.image else post_url
    if item.category_id:
        return item.category.get_absolute_url()
    if item.tag_id:
        return reverse("blog:tag", kwargs={"slug": item.tag.slug})
    if item.user_id:
        return item.user.get_absolute_url()
    return None


def _visible_url(request, target):
    if target is None:
        return None
    user = request.user
    if isinstance(target, Post):
        visible = Post.objects.visible_to(user).filter(pk=target.pk).exists()
    else:
        visible = target.status == Page.Status.PUBLISHED or (
            user.is_staff and user.has_perm("blog.view_page")
        )
    return target.get_absolute_url() if visible else None


def _with_query(url, request):
    if "#" in url or not request.GET:
        return url
    return f"{url}?{urlencode(request.GET, doseq=True)}"
