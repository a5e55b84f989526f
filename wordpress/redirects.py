"""WordPress's old addresses that are not paths of their own, for blog.redirects.

`/?p=12`, `/?page_id=7` and `/?attachment_id=30` are found by WordPress id, and
`/wp-content/uploads/…` by file, resized variants included. Every other old address of an
imported item (whatever the permalink structure was) is a row of blog's redirect table.
"""

from blog.redirects import shown_post, visible_url

from .addresses import upload_key
from .models import ImportedItem

Kind = ImportedItem.Kind
ID_PARAMETERS = {"p": (Kind.POST, Kind.PAGE), "page_id": (Kind.PAGE,),
                 "attachment_id": (Kind.ATTACHMENT,)}  # fmt: skip


def current_url(request):
    """Where the item at this WordPress address lives now, if the visitor may see it."""
    if request.path == "/":
        return _by_id(request)
    key = upload_key(request.path)
    return _by_file(request, key) if key else None


def _by_id(request):
    for parameter, kinds in ID_PARAMETERS.items():
        value = request.GET.get(parameter, "")
        if value.isdecimal():
            url = _first_visible(request, ImportedItem.objects.filter(kind__in=kinds, key=value))
            if url:
                return url
    return None


def _by_file(request, key):
    return _first_visible(request, ImportedItem.objects.filter(kind=Kind.FILE, key=key), file=True)


def _first_visible(request, items, *, file=False):
    items = items.select_related("post", "page", "image__post").annotate(
        post_shown=shown_post(request.user)
    )
    for item in items:
        url = visible_url(item.target, request.user, post_shown=item.post_shown, file=file)
        if url:
            return url
    return None
