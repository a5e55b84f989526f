"""Whole pages for anonymous readers, kept in the shared cache.

A view opts in with `@public_page`. The middleware then keeps the page it renders for a
reader who carries no personal cookie (no session, no "remember me", no pending comment,
no message), with the site-wide content generation it was made under: whatever bumps the
generation makes every kept page stale at once, in every process that shares the cache.
Anything that changes by the clock alone (a scheduled post going live) is a clock of
core.generation: once its moment has passed, the next request starts a new generation before
anything is made.

A reader who carries a personal cookie never gets a kept page and never has theirs kept,
so nobody sees another person's page. Kept pages answer conditional requests (ETag and
Last-Modified) with 304 and tell a CDN or proxy in front how long it may keep them.
"""

import gzip
import hashlib
import itertools
import re
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from . import generation

# Kept pages are compressed once, when kept, for the readers who accept gzip (every
# browser). Nothing secret is on them, so compression reveals nothing (BREACH).
GZIP_MIN_LENGTH = 1024
_accepts_gzip = re.compile(r"\bgzip\b")


def personal_cookies():
    """The cookies whose reader may see something made for them alone: the setting's,
    and those the apps name (their AppConfig's `personal_cookies`)."""
    named = (getattr(config, "personal_cookies", ()) for config in apps.get_app_configs())
    return {*settings.PAGE_CACHE_PERSONAL_COOKIES, *itertools.chain.from_iterable(named)}


def public_page(view):
    """Mark what `view` renders as the same for every anonymous reader."""

    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_page = True
        return response

    wrapper.__name__ = getattr(view, "__name__", type(view).__name__)
    wrapper.__doc__ = view.__doc__
    wrapper.__wrapped__ = view
    return wrapper


def is_personal(request):
    """A request that may see something made for this reader alone."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or any(
        name in cookies for name in personal_cookies()
    )


class PageCacheMiddleware:
    """Answers anonymous readers from the cache; keeps what `@public_page` views render."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with generation.per_request():
            return self._respond(request)

    def _respond(self, request):
        personal = request.method not in ("GET", "HEAD") or is_personal(request)
        key = None if personal else _key(request)
        if key:
            # The page is kept with the generation it was made under: one round trip
            # asks for both, and a page made under an older one is made again.
            current, entry = generation.current_and(key)
            if entry is not None and entry.get("generation") == current and not _expired(entry):
                return _answer(request, *_restore(entry, request))

        # Before anything is made: a scheduled moment that has passed starts a new
        # generation, so no count or fragment kept before it is used for this page.
        generation.next_change(ask=False)
        made_under = generation.current() if key else None
        response = self.get_response(request)
        if not getattr(response, "public_page", False):
            return response
        if personal or not _keepable(response):
            _mark_private(response)
            return response
        entry = _entry(response, compress=bool(key))
        if key:
            entry["generation"] = made_under
            entry["stale_at"] = generation.next_change()
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
        return _answer(request, response, entry["etag"], entry["last_modified"])


def _key(request):
    """Where this request's page is kept, or None when it is made afresh every time.
    One key per address: a page made again replaces the stale one."""
    if not settings.PAGE_CACHE_SECONDS:
        return None
    if not set(request.GET).issubset(settings.PAGE_CACHE_QUERY_PARAMETERS):
        return None  # an unknown parameter (a search, a tracking tag) gets a fresh page
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "page:" + hashlib.md5(address.encode(), usedforsecurity=False).hexdigest()


def _keepable(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies  # a cookie set for this reader makes the page theirs
        and not response.has_header("Cache-Control")
    )


def _entry(response, compress):
    """What is kept of a page: its body (gzipped only, when large enough to be worth it:
    the cache reads a tenth of the bytes), status, headers and validators."""
    content = response.content
    packed = None
    if compress and len(content) >= GZIP_MIN_LENGTH:
        packed = gzip.compress(content, compresslevel=6, mtime=0)
    return {
        "content": None if packed else content,
        "gzip": packed,
        "status": response.status_code,
        "headers": {
            name: value
            for name, value in response.headers.items()
            if name.lower() not in ("content-length", "set-cookie")
        },
        "etag": f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"',
        "last_modified": time.time(),
        "stale_at": None,
    }


def _restore(entry, request):
    """The kept page as a response, gzipped for a reader who accepts it; with its ETag
    (each encoding its own) and when it was made."""
    etag = entry["etag"]
    body = entry["content"]
    gzipped = entry["gzip"] is not None and _accepts_gzip.search(
        request.headers.get("Accept-Encoding", "")
    )
    if gzipped:
        body, etag = entry["gzip"], f'{etag[:-1]}-gzip"'
    elif body is None:
        body = gzip.decompress(entry["gzip"])
    response = HttpResponse(body, status=entry["status"])
    for name, value in entry["headers"].items():
        response.headers[name] = value
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    # Answered above CommonMiddleware, which sets it on pages made afresh.
    response.headers["Content-Length"] = str(len(body))
    return response, etag, entry["last_modified"]


def _answer(request, response, etag, last_modified):
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(last_modified)
    patch_cache_control(
        response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_PROXY_SECONDS
    )
    patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
    return get_conditional_response(
        request, etag=etag, last_modified=int(last_modified), response=response
    )


def _mark_private(response):
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])


def _expired(entry):
    return entry["stale_at"] is not None and entry["stale_at"] <= timezone.now()
