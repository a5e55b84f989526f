"""Posts and pages: made first without content, so every link can be rewritten; then
filled in pass 3 with their content, labels and comments."""

from collections import defaultdict

from django.utils.text import slugify
from django.utils.translation import gettext

from blog.models import PUBLICATION_DAYS, Page, Post, PostImage, TaggedPost
from blog.rendering import markdown_problem, plain_text
from blog.slugs import make_slug, reserved_slugs

from .. import addresses, content, wxr
from ..models import ImportedItem
from . import comments, links, media, people
from .common import clean_text, entry_label, parents_first, parse_date, to_int, unquote_slug, update

Kind = ImportedItem.Kind
POST_STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "future": Post.Status.PUBLISHED,  # with its future date: scheduled
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.PENDING,
    "private": Post.Status.PRIVATE,
}
# Statuses WordPress keeps for its own bookkeeping, never content.
NOT_CONTENT_STATUSES = {"auto-draft", "inherit"}


def create_new_posts_and_pages(state):
    """New posts and pages, before any content, and every item's new address."""
    links.map_old_paths(state)
    known_posts = state.known(Kind.POST)
    for entry in state.entries.values():
        if entry.type == "post" and _is_content(entry):
            row = known_posts.get(str(entry.wp_id))
            if row is not None and row.post_id:
                state.posts[entry.wp_id] = row.post
                _remember(state, Kind.POST, entry, post=row.post)
            else:
                state.guarded(entry_label(entry), "post", _new_post, state, entry)
    known_pages = state.known(Kind.PAGE)
    pages = {e.wp_id: e for e in state.entries.values() if e.type == "page" and _is_content(e)}
    for wp_id in parents_first(pages, lambda entry: entry.parent):
        row = known_pages.get(str(wp_id))
        if row is not None and row.page_id:
            state.pages[wp_id] = row.page
            _remember(state, Kind.PAGE, pages[wp_id], page=row.page)
        else:
            state.guarded(entry_label(pages[wp_id]), "page", _new_page, state, pages[wp_id])
    _attach_images_to_their_posts(state)
    links.map_new_addresses(state)


def _attach_images_to_their_posts(state):
    """An attachment belongs to the post WordPress uploaded it to (its attachment page
    leads there), unless it already belongs to a post here."""
    by_post = defaultdict(list)
    for wp_id, record in state.images.items():
        parent = state.posts.get(state.entries[wp_id].parent)
        if parent is not None and record.post_id is None:
            record.post = parent
            by_post[parent.pk].append(record.pk)
    for post_id, image_ids in by_post.items():
        PostImage.objects.filter(pk__in=image_ids).update(post_id=post_id)


def _is_content(entry):
    return entry.status not in NOT_CONTENT_STATUSES and entry.status != "trash"


def _new_post(state, entry):
    published_at, _ = state.moment(entry.date, entry.date_gmt)
    post = Post(
        title=clean_text(entry.title)[:300] or "(no title)",
        slug=make_slug(entry.slug),
        author=people.author_of(state, entry),
        status=Post.Status.DRAFT,
        published_at=published_at,
    )
    post.publish_date = post.local_publish_date()
    if (
        not post.slug
        or Post.objects.filter(publish_date=post.publish_date, slug=post.slug).exists()
    ):
        taken = post.slug
        post.slug = ""
        post.slug = post._unique_slug() if not taken else _next_free_slug(post, taken)
    post.save()
    state.posts[entry.wp_id] = post
    state.created.add(entry.wp_id)
    _remember(state, Kind.POST, entry, post=post)


def _new_page(state, entry):
    parent = state.pages.get(entry.parent)
    slug = make_slug(entry.slug) or slugify(entry.title, allow_unicode=True)[:200] or "page"
    if parent is None and (slug in reserved_slugs() or slug.isdigit()):
        state.report.problem(
            entry_label(entry),
            f"the address /{slug}/ belongs to another part of the site "
            f"here; the page lives at /{slug}-page/.",
        )
        slug = f"{slug}-page"
    base, n = slug, 2
    prefix = f"{parent.path}/" if parent else ""
    while Page.objects.filter(path=f"{prefix}{slug}").exists():
        slug, n = f"{base}-{n}", n + 1
    if slug != base:
        state.report.problem(
            entry_label(entry),
            f"a page already lives at /{prefix}{base}/; this one is at /{prefix}{slug}/.",
        )
    page = Page(
        title=clean_text(entry.title)[:300] or "(no title)",
        slug=slug,
        parent=parent,
        order=entry.menu_order,
    )
    page.save()
    state.pages[entry.wp_id] = page
    state.created.add(entry.wp_id)
    _remember(state, Kind.PAGE, entry, page=page)


def _remember(state, kind, entry, **target):
    """What the entry became, and that its address on the old site (as this export has
    it: the permalinks may have changed since the last one) leads there."""
    state.remember(
        kind, entry.wp_id, old_path=addresses.old_path(entry.link), guid=entry.guid, **target
    )


def import_content(state):
    """Pass 3: each post's and page's content, labels and comments."""
    with state.read(2) as source:
        for record in wxr.read(source):
            if not isinstance(record, wxr.Item):
                continue
            if record.type in ("post", "page") and not _is_content(state.entries[record.wp_id]):
                state.report.count(record.type, "skipped")
                if record.status == "trash":
                    state.report.problem(record.label, "skipped: it is in the trash.")
                continue
            if record.type == "post" and record.wp_id in state.posts:
                state.guarded(record.label, "post", _import_post, state, record)
            elif record.type == "page" and record.wp_id in state.pages:
                state.guarded(record.label, "page", _import_page, state, record)
            elif record.type not in ("post", "page", "attachment"):
                state.report.count(f"other ({record.type})", "skipped")


def _convert(state, item, html):
    try:
        converted = content.to_markdown(
            html,
            image=lambda ref: media.image_for(state, item, ref),
            link=lambda url: links.rewrite_link(state, url),
            gallery=lambda: sorted(
                state.children.get(item.wp_id, []),
                key=lambda wp_id: (state.entries[wp_id].menu_order, wp_id),
            ),
            footnotes=_footnotes(item.meta.get("footnotes", "")),
        )
    except RecursionError:
        # HTML nested hundreds deep: its words are kept, as plain text.
        kept = gettext("its HTML is nested too deep to convert; its text is kept as it is.")
        state.report.problem(item.label, kept)
        return plain_text(html)
    for message in converted.problems:
        state.report.problem(item.label, message)
    problem = markdown_problem(converted.markdown)
    if problem:
        # Kept whole; the renderer shows it as plain text until someone shortens it.
        kept = gettext("It is kept whole and shown as plain text until then.")
        state.report.problem(item.label, f"{problem} {kept}")
    return converted.markdown


def _import_post(state, item):
    entry = state.entries[item.wp_id]
    post = state.posts[item.wp_id]
    published_at, dated = state.moment(entry.date, entry.date_gmt)
    status = POST_STATUSES.get(item.status, Post.Status.DRAFT)
    if item.password:
        status = Post.Status.PRIVATE
        state.report.problem(
            item.label, "was protected by a password; it is private (staff only) here."
        )
    if item.status not in POST_STATUSES:
        state.report.problem(item.label, f"unknown status “{item.status}”; kept as a draft.")
    thumbnail = state.images.get(to_int(item.meta.get("_thumbnail_id")))
    wanted = {
        "title": clean_text(item.title)[:300] or "(no title)",
        "body": _convert(state, item, item.content),
        "excerpt": _convert(state, item, item.excerpt) if item.excerpt.strip() else "",
        "status": status,
        "sticky": item.sticky,
        "comments_open": item.comment_status == "open",
        "author": people.author_of(state, entry),
        "guid": item.guid[:500],
        "featured_image": thumbnail if thumbnail is not None and thumbnail.image else None,
    }
    if dated:
        wanted["published_at"] = published_at
    elif parse_date(entry.date_gmt) or parse_date(entry.date):
        first, last = (day.year for day in PUBLICATION_DAYS)
        message = gettext(
            "its date is outside the years %(first)d to %(last)d: it is dated when it "
            "was first imported."
        )
        state.report.problem(item.label, message % {"first": first, "last": last})
    outcome = update(post, wanted, save=False)
    new = item.wp_id in state.created
    filed = [
        _file(post, new, Post.categories.through, "post", "category", item, state.categories),
        _file(post, new, TaggedPost, "content_object", "tag", item, state.tags),
    ]
    if any(filed):
        outcome = "updated"
    if outcome == "updated":
        post.save()  # after the filing, so the search index has the labels too
    state.report.count("post", "imported" if item.wp_id in state.created else outcome)
    comments.import_comments(state, item, post=post)


def _file(post, new, through, post_field, label_field, item, imported):
    """File `post` under the item's categories (or tags); whether anything changed.

    The links are written directly, without the m2m signals: the post's save that
    follows re-indexes it once, with everything.
    """
    taxonomy = "category" if label_field == "category" else "post_tag"
    slugs = [unquote_slug(slug) for kind, slug, _ in item.terms if kind == taxonomy]
    wanted = {imported[slug].pk for slug in slugs if slug in imported}
    links = through.objects.filter(**{post_field: post})
    current = set() if new else set(links.values_list(f"{label_field}_id", flat=True))
    if wanted == current:
        return False
    links.exclude(**{f"{label_field}_id__in": wanted}).delete()
    through.objects.bulk_create(
        [through(**{post_field: post, f"{label_field}_id": pk}) for pk in wanted - current]
    )
    return True


def _import_page(state, item):
    page = state.pages[item.wp_id]
    status = Page.Status.PUBLISHED if item.status == "publish" else Page.Status.DRAFT
    if item.status != "publish" and item.status != "draft":
        state.report.problem(item.label, f"a page with status “{item.status}” is a draft here.")
    if item.password:
        status = Page.Status.DRAFT
        state.report.problem(item.label, "was protected by a password; it is a draft here.")
    wanted = {
        "title": clean_text(item.title)[:300] or "(no title)",
        "body": _convert(state, item, item.content),
        "status": status,
        "order": item.menu_order,
    }
    outcome = update(page, wanted)
    state.report.count("page", "imported" if item.wp_id in state.created else outcome)
    comments.import_comments(state, item, page=page)


def _next_free_slug(post, base):
    taken = set(
        Post.objects.filter(publish_date=post.publish_date, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _footnotes(meta_value):
    import json

    try:
        notes = json.loads(meta_value) if meta_value else None
    except ValueError:
        return None
    return notes if isinstance(notes, list) else None
