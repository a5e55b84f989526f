"""Reading the addresses of a WordPress site: uploads, permalinks, WordPress.com hosts."""

import re
from urllib.parse import unquote, urlsplit

# "photo-300x200.jpg", "photo-scaled.jpg", "photo-e1382045656123.jpg": one original.
RESIZED = re.compile(r"(?:-\d+x\d+|-scaled|-rotated|-e\d{10,13})+(?=\.\w+$)")
# Jetpack's image CDN: https://i0.wp.com/<host>/<path>
PHOTON = re.compile(r"i\d\.wp\.com")


def upload_key(url):
    """An uploaded file's path below the uploads folder, resized variants made the original.

    "https://example.org/wp-content/uploads/2010/10/photo-300x200.jpg?w=300" and
    "https://example.files.wordpress.com/2010/10/photo.jpg" both give "2010/10/photo.jpg";
    an address that is not an upload gives "".
    """
    if not url:
        return ""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower()
    path = unquote(parts.path)
    if PHOTON.fullmatch(host):
        path = "/" + path.lstrip("/").split("/", 1)[-1]
    if "/wp-content/uploads/" in path:
        path = path.split("/wp-content/uploads/", 1)[1]
    elif host.endswith(".files.wordpress.com"):
        path = path.lstrip("/")
    else:
        return ""
    return RESIZED.sub("", path)


def old_path(link):
    """The path of an old address worth redirecting; not `/?p=12`, which ids answer."""
    parts = urlsplit(link or "")
    path = unquote(parts.path)
    if not path or path == "/" or parts.query:
        return ""
    last = path.rsplit("/", 1)[-1]
    return path if path.endswith("/") or "." in last else f"{path}/"


def is_old_site(url, hosts):
    """Whether `url` points at the old site: one of its `hosts`, WordPress.com's, or relative."""
    host = urlsplit(url).netloc.lower()
    return (
        not host
        or host in hosts
        or host.endswith(".files.wordpress.com")
        or PHOTON.fullmatch(host) is not None
    )
