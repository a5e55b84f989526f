"""Addresses: where each old item lives now, and links in content rewritten to it."""

import re
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from .. import addresses
from .common import to_int


def map_old_paths(state):
    """Which item each old path (a permalink of any structure) belongs to."""
    for wp_id, entry in state.entries.items():
        path = addresses.old_path(entry.link)
        if path:
            state.paths.setdefault(path, wp_id)


def map_new_addresses(state):
    """The new address of each post and page, once they all exist."""
    for wp_id, post in state.posts.items():
        state.addresses[wp_id] = post.get_absolute_url()
    for wp_id, page in state.pages.items():
        state.addresses[wp_id] = page.get_absolute_url()


def rewrite_link(state, url):
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or not addresses.is_old_site(url, state.hosts):
        return url
    if not parts.netloc and not parts.path.startswith("/"):
        return url  # "#footnote" or a relative link: nothing to do with the old site
    new = _new_address(state, parts)
    if new is None:
        return url
    return urlunsplit(("", "", new, "", parts.fragment))


def _new_address(state, parts):
    query = parse_qs(parts.query)
    for name in ("p", "page_id", "attachment_id"):
        if name in query:
            return _address_of_id(state, to_int(query[name][0]))
    key = addresses.upload_key(urlunsplit(parts))
    if key:
        record = state.files.get(key)
        return record.image.url if record is not None and record.image else None
    path = addresses.old_path(urlunsplit(("", "", parts.path, "", "")))
    wp_id = state.paths.get(path)
    if wp_id is not None:
        return _address_of_id(state, wp_id)
    category = re.fullmatch(r"/category/(?:.+/)?([^/]+)/", path)
    if category and unquote(category.group(1)) in state.categories:
        return state.categories[unquote(category.group(1))].get_absolute_url()
    return None


def _address_of_id(state, wp_id):
    if wp_id in state.addresses:
        return state.addresses[wp_id]
    entry = state.entries.get(wp_id)
    if entry is not None and entry.type == "attachment" and wp_id in state.images:
        parent = state.addresses.get(entry.parent)
        image = state.images[wp_id]
        return parent or (image.image.url if image.image else None)
    return None
