"""Old addresses answer with a 301 to where the same thing lives now.

Every old path is a row of one table (`Redirect`): a post's address before its slug or
date changed, and each imported item's address on the WordPress site it came from, also
with what WordPress adds after it (`comment-page-2/`, `feed/`, `amp/`). An app with old
addresses of another shape names a finder in its AppConfig, `old_addresses =
"module.function"`: given the request, the address the thing lives at now if the visitor
may see it there, or None (wordpress finds `/?p=12` by id and uploads by file).

Only a 404 is answered, so a live page always wins over an old address; `/?p=12` is the
one exception, since it is a post's address and not the home page's.
"""

import re
from urllib.parse import unquote, urlsplit

from django.apps import apps
from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.module_loading import import_string
from taggit.models import Tag

from .models import Page, Post, PostImage, Redirect

# What WordPress adds after an item's own address.
SUFFIX = re.compile(
    r"(?:comment-page-\d+/|feed/(?:rss2?/|atom/|rdf/)?|amp/|trackback/|embed/|page/\d+/)$"
)
# Ids at the site's root that name one thing: WordPress's, and this site's own feed ids
# (`/?p=<pk>`, blog.feeds).
ID_PARAMETERS = ("p", "page_id", "attachment_id")


class RedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/" and not request.GET.keys().isdisjoint(ID_PARAMETERS):
            url = current_url(request)
            if url:
                return HttpResponsePermanentRedirect(url)
        response = self.get_response(request)
        if response.status_code != 404 or getattr(request, "_redirect_checked", False):
            return response
        return self._redirect(request) or response

    def process_exception(self, request, exception):
        # A post URL that finds no post raises Http404: answer before the 404 page renders.
        if isinstance(exception, Http404):
            return self._redirect(request)
        return None

    def _redirect(self, request):
        request._redirect_checked = True
        url = current_url(request)
        return HttpResponsePermanentRedirect(url) if url else None


def current_url(request):
    """Where what used to live at the request's address lives now, if the visitor may see
    it there; the query string comes along, unless it is the address (`/?p=12`)."""
    if request.path == "/":
        return _found_by_apps(request) or _by_own_id(request)
    url = _by_path(request) or _found_by_apps(request)
    # Compared decoded: reverse() and the request escape a path differently.
    if url is None or unquote(urlsplit(url).path) == request.path:
        return None
    return _with_query(url, request.META.get("QUERY_STRING", ""))


def shown_post(user):
    """For a row with `post` and `image` fields: whether `user` may see the post it leads
    to, or the one its image is on. One EXISTS, so one query finds the row and says."""
    posts = Post.objects.visible_to(user)
    return Exists(posts.filter(pk=Coalesce(OuterRef("post"), OuterRef("image__post"))))


def visible_url(target, user, *, post_shown, file=False):
    """`address(target)` if `user` may see it there, else None; `post_shown` says whether
    they may see the post (the target, or the post its image is on)."""
    if isinstance(target, Post):
        return address(target) if post_shown else None
    if isinstance(target, Page):
        may_see = target.status == Page.Status.PUBLISHED or (
            user.is_staff and user.has_perm("blog.view_page")
        )
        return address(target) if may_see else None
    if isinstance(target, PostImage) and target.post_id and not post_shown:
        return target.image.url if target.image else None
    return address(target, file=file)


def address(target, *, file=False):
    """Where `target` lives now: a post, page, category or tag at its address; an image in
    its post (`#image-<pk>`), or at its file without a post or when `file` asks for it."""
    if isinstance(target, PostImage):
        post_url = target.post.get_absolute_url() if target.post_id else None
        if post_url and not file:
            return f"{post_url}#image-{target.pk}"
        return target.image.url if target.image else post_url
    if isinstance(target, Tag):
        return reverse("blog:tag", kwargs={"slug": target.slug})
    return target.get_absolute_url() if target is not None else None


def _by_path(request):
    path = request.path
    # The address itself, without what WordPress adds, or with the slash it may lack.
    candidates = [path, SUFFIX.sub("", path) if path.endswith("/") else f"{path}/"]
    candidates = [c for c in dict.fromkeys(candidates) if len(c) <= Redirect.PATH_LENGTH]
    if not candidates:
        return None
    rows = (
        Redirect.objects.filter(old_path__in=candidates)
        .select_related("post", "page", "category", "image__post", "tag")
        .annotate(post_shown=shown_post(request.user))
    )
    for row in sorted(rows, key=lambda row: candidates.index(row.old_path)):
        url = visible_url(row.target, request.user, post_shown=row.post_shown)
        if url and unquote(urlsplit(url).path) != path:
            return url
    return None


def _found_by_apps(request):
    for config in apps.get_app_configs():
        finder = getattr(config, "old_addresses", None)
        url = import_string(finder)(request) if finder else None
        if url:
            return url
    return None


def _by_own_id(request):
    for parameter, model in (("p", Post), ("page_id", Page)):
        value = request.GET.get(parameter, "")
        if value.isdecimal():
            visible = Post.objects.visible_to(request.user) if model is Post else Page.objects
            target = visible.filter(pk=value).first()
            url = visible_url(target, request.user, post_shown=True) if target else None
            if url:
                return url
    return None


def _with_query(url, query):
    """`url` with the request's query string, before its fragment; a URL with a query of
    its own (a storage URL's signature) is left as it is."""
    base, hash_, fragment = url.partition("#")
    if not query or "?" in base:
        return url
    return f"{base}?{query}{hash_}{fragment}"
