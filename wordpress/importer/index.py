"""Pass 1: the index of the export, small enough to keep whole in memory."""

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from .. import wxr
from .common import parse_date, unquote_slug


@dataclass(slots=True)
class Entry:
    """What the first pass remembers of an item: enough to know where it will live."""

    wp_id: int
    type: str
    status: str
    slug: str
    title: str
    link: str
    guid: str
    parent: int
    menu_order: int
    date: str
    date_gmt: str
    creator: str
    attached_file: str = ""
    attachment_url: str = ""


def index(state):
    """Pass 1: every item's id, type, status, address, date and parent; the authors and terms."""
    offsets = Counter()
    with state.read(0) as source:
        for record in wxr.read(source):
            if isinstance(record, wxr.Site):
                state.site = record
            elif isinstance(record, wxr.Author):
                if record.login:
                    state.authors.setdefault(record.login, record)
            elif isinstance(record, wxr.Term):
                _index_term(state, record)
            elif isinstance(record, wxr.Problem):
                state.report.count("item", "skipped")
                state.report.problem(record.label, record.message)
            else:
                _index_item(state, record, offsets)
    # WordPress.com names the network in base_site_url; the blog is base_blog_url.
    state.site_key = (state.site.base_blog_url or state.site.link).rstrip("/")
    state.hosts = {
        urlsplit(url).netloc.lower()
        for url in (state.site.link, state.site.base_site_url, state.site.base_blog_url)
        if url
    }
    # WordPress's local dates are in the site's zone; the commonest offset is that zone.
    state.offset = offsets.most_common(1)[0][0] if offsets else None


def _index_term(state, term):
    if term.taxonomy not in ("category", "post_tag"):
        state.report.count("other term", "skipped")
        return
    if not term.slug:
        state.report.count(_term_kind(term.taxonomy), "skipped")
        state.report.problem(f"{term.taxonomy} “{term.name}”", "skipped: it has no slug.")
        return
    # WordPress 6 lists each category and tag a second time as a wp:term.
    state.terms.setdefault((term.taxonomy, unquote_slug(term.slug)), term)


def _index_item(state, item, offsets):
    if item.wp_id in state.entries:
        state.report.problem(item.label, "appears twice in the file; the first one counts.")
        return
    entry = Entry(
        wp_id=item.wp_id,
        type=item.type,
        status=item.status,
        slug=unquote_slug(item.slug),
        title=item.title,
        link=item.link,
        guid=item.guid,
        parent=item.parent,
        menu_order=item.menu_order,
        date=item.date,
        date_gmt=item.date_gmt,
        creator=item.creator,
        attached_file=item.meta.get("_wp_attached_file", ""),
        attachment_url=item.attachment_url,
    )
    state.entries[item.wp_id] = entry
    if item.type == "attachment" and item.parent:
        state.children[item.parent].append(item.wp_id)
    if item.creator:
        state.authors.setdefault(item.creator, wxr.Author(login=item.creator))
    for taxonomy, slug, name in item.terms:
        if taxonomy in ("category", "post_tag") and slug:
            state.terms.setdefault((taxonomy, unquote_slug(slug)), wxr.Term(taxonomy, slug, name))
    local, gmt = parse_date(item.date), parse_date(item.date_gmt)
    if local and gmt:
        offsets[local - gmt] += 1


def _term_kind(taxonomy):
    return "category" if taxonomy == "category" else "tag"
