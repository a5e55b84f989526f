"""Importing a WordPress export: one transaction, keyed by WordPress ids, safe to run again.

The export is streamed three times, so its size never sits in memory:
1. an index of every item's id, type, status, address, date and parent (small), with
   the authors and terms, which are imported first;
2. the attachments, so that posts can refer to their image records;
3. the posts and pages with their content and comments.
New posts and pages are created (without content) before the third pass, so a link
from one post to any other is rewritten to its new address whatever the file order.
"""

import csv
import hashlib
import html
import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from taggit.models import Tag

from blog.models import (
    PUBLICATION_DAYS,
    RESERVED_SLUGS,
    Category,
    Page,
    Post,
    PostImage,
    TaggedPost,
    publication_day,
)
from blog.rendering import markdown_problem, plain_text
from blog.slugs import make_slug
from comments import services as comment_services
from comments.models import Comment, _path_segment
from comments.text import render_comment
from core import db, generation
from core.images import strip_metadata, validate_image

from . import addresses, content, wxr
from .models import ImportedItem

logger = logging.getLogger(__name__)
Kind = ImportedItem.Kind

POST_STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "future": Post.Status.PUBLISHED,  # with its future date: scheduled
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.PENDING,
    "private": Post.Status.PRIVATE,
}
COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REMOVED,
    "post-trashed": Comment.Status.REMOVED,
}
COMMENT_KINDS = {"pingback": Comment.Kind.PINGBACK, "trackback": Comment.Kind.TRACKBACK}
# Statuses WordPress keeps for its own bookkeeping, never content.
NOT_CONTENT_STATUSES = {"auto-draft", "inherit"}
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
STATUS_REASON = "imported from WordPress"


class ImportError_(Exception):
    """A problem with the command's own input (the author map, the media folder)."""


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


class Report:
    """Counts per kind of record, and each problem with the item it concerns."""

    OUTCOMES = ("imported", "updated", "unchanged", "skipped")

    def __init__(self):
        self.counts = defaultdict(Counter)
        self.problems = []
        self.notes = []

    def count(self, kind, outcome, n=1):
        self.counts[kind][outcome] += n

    def problem(self, label, message):
        self.problems.append((label, message))

    def as_text(self, dry_run=False):
        lines = ["Dry run: nothing was changed." if dry_run else "Import finished."]
        width = max([len(kind) for kind in self.counts] + [10])
        lines.append(f"{'':<{width}}  " + "  ".join(f"{outcome:>9}" for outcome in self.OUTCOMES))
        for kind, counts in self.counts.items():
            lines.append(
                f"{kind:<{width}}  "
                + "  ".join(f"{counts[outcome]:>9}" for outcome in self.OUTCOMES)
            )
        lines += self.notes
        if self.problems:
            lines.append(f"{len(self.problems)} to look at:")
            lines += [f"- {label}: {message}" for label, message in self.problems]
        return "\n".join(lines)

    def as_dict(self):
        return {
            "counts": {kind: dict(counts) for kind, counts in self.counts.items()},
            "problems": [{"item": label, "message": message} for label, message in self.problems],
            "notes": self.notes,
        }


class _Progress:
    """Reads a file while remembering how far it got, for the progress bar."""

    def __init__(self, path, report_to, pass_number, passes=3):
        self.file = open(path, "rb")  # noqa: SIM115 - closed by the caller's `with`
        self.size = max(Path(path).stat().st_size, 1)
        self.report_to, self.pass_number, self.passes = report_to, pass_number, passes

    def read(self, n=-1):
        data = self.file.read(n)
        if self.report_to:
            done = (self.pass_number + self.file.tell() / self.size) / self.passes
            self.report_to(done)
        return data

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.file.close()


def parse_author_map(path):
    """`wordpress_login,username_or_email` per line: the Colloquy account that gets the posts."""
    users = get_user_model().objects
    mapping = {}
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            for number, row in enumerate(csv.reader(handle), start=1):
                if not row or row[0].strip().startswith("#"):
                    continue
                if len(row) != 2 or not row[0].strip() or not row[1].strip():
                    raise ImportError_(
                        f"{path}, line {number}: write `wordpress_login,username_or_email`."
                    )
                login, who = row[0].strip(), row[1].strip()
                user = users.filter(Q(username=who) | Q(email__iexact=who)).first()
                if user is None:
                    raise ImportError_(f"{path}, line {number}: no account “{who}” exists.")
                mapping[login] = user
    except OSError as error:
        raise ImportError_(f"Cannot read the author map: {error}.") from error
    except UnicodeDecodeError as error:
        raise ImportError_(f"The author map is not UTF-8 text: {error}.") from error
    return mapping


class Importer:
    def __init__(self, path, *, media_dir=None, author_map=None, dry_run=False, progress=None):
        self.path = Path(path)
        self.media_dir = Path(media_dir) if media_dir else None
        self.author_map = author_map or {}
        self.dry_run = dry_run
        self.progress = progress
        self.report = Report()
        self.stored_files = []
        self._rows = {}  # kind -> {key: ImportedItem}
        if not self.path.is_file():
            raise ImportError_(f"There is no file at {self.path}.")
        if self.media_dir is not None and not self.media_dir.is_dir():
            raise ImportError_(f"The media folder {self.media_dir} does not exist.")

    # The whole run --------------------------------------------------------------------

    def run(self):
        """Import everything, or nothing: raises wxr.WXRError with the database untouched."""
        self._index()
        try:
            with transaction.atomic():
                self._import_authors()
                self._import_terms()
                self._import_attachments()
                self._create_new_posts_and_pages()
                self._import_content()
                self._finish()
                if self.dry_run:
                    transaction.set_rollback(True)
        except BaseException:
            self._delete_stored_files()
            raise
        if self.dry_run:
            self._delete_stored_files()
        else:
            db.analyze()  # the lists' plans depend on how many posts each holds now
        return self.report

    def _read(self, pass_number):
        return _Progress(self.path, self.progress, pass_number)

    def _delete_stored_files(self):
        for name in self.stored_files:
            default_storage.delete(name)
        self.stored_files = []

    # Pass 1: the index ---------------------------------------------------------------

    def _index(self):
        self.site = None
        self.authors = {}  # login -> wxr.Author
        self.terms = {}  # (taxonomy, slug) -> wxr.Term
        self.entries = {}  # wp_id -> Entry
        self.children = defaultdict(list)  # parent wp_id -> attachment ids, for galleries
        offsets = Counter()
        with self._read(0) as source:
            for record in wxr.read(source):
                if isinstance(record, wxr.Site):
                    self.site = record
                elif isinstance(record, wxr.Author):
                    if record.login:
                        self.authors.setdefault(record.login, record)
                elif isinstance(record, wxr.Term):
                    self._index_term(record)
                elif isinstance(record, wxr.Problem):
                    self.report.count("item", "skipped")
                    self.report.problem(record.label, record.message)
                else:
                    self._index_item(record, offsets)
        # WordPress.com names the network in base_site_url; the blog is base_blog_url.
        self.site_key = (self.site.base_blog_url or self.site.link).rstrip("/")
        self.hosts = {
            urlsplit(url).netloc.lower()
            for url in (self.site.link, self.site.base_site_url, self.site.base_blog_url)
            if url
        }
        # WordPress's local dates are in the site's zone; the commonest offset is that zone.
        self.offset = offsets.most_common(1)[0][0] if offsets else None

    def _index_term(self, term):
        if term.taxonomy not in ("category", "post_tag"):
            self.report.count("other term", "skipped")
            return
        if not term.slug:
            self.report.count(_term_kind(term.taxonomy), "skipped")
            self.report.problem(f"{term.taxonomy} “{term.name}”", "skipped: it has no slug.")
            return
        # WordPress 6 lists each category and tag a second time as a wp:term.
        self.terms.setdefault((term.taxonomy, _unquote_slug(term.slug)), term)

    def _index_item(self, item, offsets):
        if item.wp_id in self.entries:
            self.report.problem(item.label, "appears twice in the file; the first one counts.")
            return
        entry = Entry(
            wp_id=item.wp_id,
            type=item.type,
            status=item.status,
            slug=_unquote_slug(item.slug),
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
        self.entries[item.wp_id] = entry
        if item.type == "attachment" and item.parent:
            self.children[item.parent].append(item.wp_id)
        if item.creator:
            self.authors.setdefault(item.creator, wxr.Author(login=item.creator))
        for taxonomy, slug, name in item.terms:
            if taxonomy in ("category", "post_tag") and slug:
                self.terms.setdefault(
                    (taxonomy, _unquote_slug(slug)), wxr.Term(taxonomy, slug, name)
                )
        local, gmt = _parse_date(item.date), _parse_date(item.date_gmt)
        if local and gmt:
            offsets[local - gmt] += 1

    # Authors and terms -----------------------------------------------------------------

    def _known(self, kind):
        """{key: ImportedItem} for this site and kind, from earlier runs (read once a run)."""
        if kind not in self._rows:
            rows = ImportedItem.objects.filter(site=self.site_key, kind=kind).select_related(
                "post", "page", "image", "category", "tag", "user"
            )
            self._rows[kind] = {row.key: row for row in rows}
        return self._rows[kind]

    def _remember(self, kind, key, *, old_path="", guid="", **target):
        """Record what `key` became; written only when it differs from what is stored."""
        key = str(key)
        row = self._known(kind).get(key)
        fields = {"old_path": old_path, "guid": guid, **target}
        if row is None:
            row = ImportedItem.objects.create(site=self.site_key, kind=kind, key=key, **fields)
            self._rows[kind][key] = row
        else:
            _update(row, fields)

    def _import_authors(self):
        User = get_user_model()
        known = self._known(Kind.AUTHOR)
        self.users = {}  # login -> User
        self.users_by_wp_id = {}
        for login, author in self.authors.items():
            user, outcome = self._author_user(User, login, author, known)
            self.users[login] = user
            if author.wp_id:
                self.users_by_wp_id[author.wp_id] = user
            self.report.count("author", outcome)

    def _author_user(self, User, login, author, known):
        mapped = self.author_map.get(login)
        if mapped is not None:
            self._remember(Kind.AUTHOR, login, user=mapped)
            return mapped, "unchanged"
        if login in known and known[login].user_id:
            return known[login].user, "unchanged"
        if author.email:
            same_person = User.objects.filter(email__iexact=author.email).first()
            if same_person is not None:
                self._remember(Kind.AUTHOR, login, user=same_person)
                self.report.problem(
                    f"author {login}",
                    f"given to the existing account {same_person.get_username()} "
                    "(same e-mail address).",
                )
                return same_person, "unchanged"
        username = _free_username(User, login)
        if username != login:
            self.report.problem(f"author {login}", f"imported as {username}: {login} was taken.")
        user = User(
            username=username,
            email=author.email,
            first_name=author.first_name[:150],
            last_name=author.last_name[:150],
            display_name=(author.display_name or login)[: _max_length(User, "display_name")],
        )
        user.set_unusable_password()
        user.save()
        self._remember(Kind.AUTHOR, login, user=user)
        return user, "imported"

    def _author_of(self, entry):
        user = self.users.get(entry.creator)
        if user is None:
            # An item with no author at all goes to the first author of the file.
            user = next(iter(self.users.values()), None) or self._fallback_author()
        return user

    def _fallback_author(self):
        User = get_user_model()
        user = User.objects.filter(is_superuser=True).order_by("pk").first()
        if user is None:
            user = User(username=_free_username(User, "wordpress"), display_name="WordPress")
            user.set_unusable_password()
            user.save()
        self.users[""] = user
        return user

    def _import_terms(self):
        self.categories = {}  # slug -> Category
        self.tags = {}  # slug -> Tag
        known = self._known(Kind.CATEGORY)
        categories = {
            slug: term for (taxonomy, slug), term in self.terms.items() if taxonomy == "category"
        }
        for slug in _parents_first(categories, lambda term: _unquote_slug(term.parent)):
            self._import_category(slug, categories[slug], known)
        known = self._known(Kind.TAG)
        for (taxonomy, slug), term in self.terms.items():
            if taxonomy == "post_tag":
                self._import_tag(slug, term, known)

    def _import_category(self, slug, term, known):
        parent_slug = _unquote_slug(term.parent)
        parent = self.categories.get(parent_slug) if parent_slug else None
        if parent_slug and parent is None:
            self.report.problem(
                f"category {slug}",
                f"its parent “{parent_slug}” is not in the export; kept at the top level.",
            )
        name = _clean_text(term.name) or slug
        wanted = {
            "name": name[:200],
            "description": _clean_text(term.description),
            "parent": parent,
        }
        row = known.get(slug)
        category = row.category if row else None
        segment = make_slug(slug) or slugify(name, allow_unicode=True)[:200] or "category"
        if category is None:
            path = f"{parent.path}/{segment}" if parent else segment
            category = Category.objects.filter(path=path).first()
            if category is not None:
                self.report.problem(f"category {slug}", "merged with the existing category.")
        if category is None:
            category = Category(slug=segment, **wanted)
            category.save()
            outcome = "imported"
        else:
            outcome = _update(category, wanted)
        self.categories[slug] = category
        self._remember(
            Kind.CATEGORY, slug, category=category, old_path=f"/category/{category.path}/"
        )
        self.report.count("category", outcome)

    def _import_tag(self, slug, term, known):
        name = (_clean_text(term.name) or slug)[:100]
        row = known.get(slug)
        tag = row.tag if row else None
        segment = make_slug(slug, 100)
        if tag is None:
            tag = Tag.objects.filter(Q(slug=segment) | Q(name=name)).first()
        if tag is None:
            # Without a usable slug, taggit makes one from the name.
            tag = Tag.objects.create(name=name, slug=segment)
            outcome = "imported"
        else:
            outcome = "unchanged"
        self.tags[slug] = tag
        self._remember(Kind.TAG, slug, tag=tag, old_path=f"/tag/{slug}/")
        self.report.count("tag", outcome)

    # Pass 2: attachments ---------------------------------------------------------------

    def _import_attachments(self):
        self.images = {}  # attachment wp_id -> PostImage
        self.files = {}  # upload key ("2010/10/photo.jpg") -> PostImage
        self.variants = {}  # "source:digest" -> PostImage with a use's own words
        self._media_index = None
        for key, row in self._known(Kind.FILE).items():
            if row.image_id:
                self.files[key] = row.image
        known = self._known(Kind.ATTACHMENT)
        with self._read(1) as source:
            for record in wxr.read(source):
                if isinstance(record, wxr.Item) and record.type == "attachment":
                    self._guarded(
                        record.label, "attachment", self._import_attachment, record, known
                    )

    def _guarded(self, label, kind, function, *args):
        """Run one item's import in a savepoint: a problem skips the item, not the import."""
        try:
            with transaction.atomic():
                return function(*args)
        except Exception as error:
            logger.exception("Importing %s failed", label)
            self.report.count(kind, "skipped")
            self.report.problem(label, f"skipped: {error}")
            return None

    def _import_attachment(self, item, known):
        key = addresses.upload_key(item.attachment_url) or item.meta.get("_wp_attached_file", "")
        if PurePosixPath(key).suffix.lower() not in IMAGE_EXTENSIONS:
            self.report.count("attachment", "skipped")
            self.report.problem(
                item.label,
                f"not an image ({PurePosixPath(key).suffix or 'no extension'}); "
                f"links to it keep the old address {item.attachment_url}.",
            )
            return
        caption, credit = content.split_credit(_one_line(plain_text(item.excerpt)))
        wanted = {
            "alt_text": _clean_text(item.meta.get("_wp_attachment_image_alt", ""))[:300]
            or _clean_text(item.title)[:300]
            or PurePosixPath(key).stem[:300],
            "caption": caption[:500],
            "credit": credit[:300],
            "description": _one_line(plain_text(item.content)),
        }
        row = known.get(str(item.wp_id))
        record = row.image if row else None
        if record is None:
            record = PostImage(uploaded_by=self._author_of(self.entries[item.wp_id]), **wanted)
            self._attach_file(record, item, key)
            record.save(rerender_posts=False)
            outcome = "imported"
        else:
            outcome = _update(record, wanted, save=False)
            if not record.image and self._attach_file(record, item, key):
                outcome = "updated"
            if outcome == "updated":
                record.save(rerender_posts=False)
        self.images[item.wp_id] = record
        if key:
            self.files[key] = record
            self._remember(
                Kind.FILE, key, image=record, old_path=addresses.upload_path(item.attachment_url)
            )
        self._remember(
            Kind.ATTACHMENT,
            item.wp_id,
            image=record,
            old_path=addresses.old_path(item.link),
            guid=item.guid,
        )
        self.report.count("attachment", outcome)

    def _attach_file(self, record, item, key):
        """Copy the image's file from the media folder into storage; False if it is missing."""
        found = self._find_media(key, item.meta.get("_wp_attached_file", ""))
        label = item.label
        if found is None:
            self.report.problem(
                label,
                f"image file {key or item.attachment_url} not found "
                "in the media folder; its figure shows the caption only.",
            )
            return False
        with found.open("rb") as handle:
            upload = File(handle, name=found.name)
            try:
                validate_image(upload)
                if self.dry_run:
                    return True
                # Stored upright and without its EXIF (a GPS position, above all).
                stored = strip_metadata(upload)
            except ValidationError as error:
                self.report.problem(label, f"image file {found} refused: {' '.join(error)}")
                return False
            name = default_storage.save(f"images/{key}", stored)
        self.stored_files.append(name)
        record.image = name
        return True

    def _find_media(self, *keys):
        if self.media_dir is None:
            return None
        for key in keys:
            if key and (self.media_dir / key).is_file():
                return self.media_dir / key
        if self._media_index is None:
            # A WordPress.com media export may not keep the year/month folders.
            self._media_index = defaultdict(list)
            for path in self.media_dir.rglob("*"):
                if path.is_file():
                    self._media_index[path.name].append(path)
        for key in keys:
            candidates = self._media_index.get(PurePosixPath(key).name) if key else None
            if candidates:
                return candidates[0]
        return None

    # Addresses ----------------------------------------------------------------------------

    def _rewrite_link(self, url):
        parts = urlsplit(url)
        if parts.scheme not in ("", "http", "https") or not addresses.is_old_site(url, self.hosts):
            return url
        if not parts.netloc and not parts.path.startswith("/"):
            return url  # "#footnote" or a relative link: nothing to do with the old site
        new = self._new_address(parts)
        if new is None:
            return url
        return urlunsplit(("", "", new, "", parts.fragment))

    def _new_address(self, parts):
        query = parse_qs(parts.query)
        for name in ("p", "page_id", "attachment_id"):
            if name in query:
                return self._address_of_id(_int(query[name][0]))
        key = addresses.upload_key(urlunsplit(parts))
        if key:
            record = self.files.get(key)
            return record.image.url if record is not None and record.image else None
        path = addresses.old_path(urlunsplit(("", "", parts.path, "", "")))
        wp_id = self.paths.get(path)
        if wp_id is not None:
            return self._address_of_id(wp_id)
        category = re.fullmatch(r"/category/(?:.+/)?([^/]+)/", path)
        if category and unquote(category.group(1)) in self.categories:
            return self.categories[unquote(category.group(1))].get_absolute_url()
        return None

    def _address_of_id(self, wp_id):
        if wp_id in self.addresses:
            return self.addresses[wp_id]
        entry = self.entries.get(wp_id)
        if entry is not None and entry.type == "attachment" and wp_id in self.images:
            parent = self.addresses.get(entry.parent)
            image = self.images[wp_id]
            return parent or (image.image.url if image.image else None)
        return None

    # New posts and pages, before any content ------------------------------------------------

    def _create_new_posts_and_pages(self):
        self.posts = {}  # wp_id -> Post
        self.pages = {}  # wp_id -> Page
        self.addresses = {}  # wp_id -> new URL
        self.paths = {}  # old path -> wp_id
        self.created = set()  # wp_ids of the posts and pages this run creates
        for wp_id, entry in self.entries.items():
            path = addresses.old_path(entry.link)
            if path:
                self.paths.setdefault(path, wp_id)
        known_posts = self._known(Kind.POST)
        for entry in self.entries.values():
            if entry.type == "post" and self._is_content(entry):
                row = known_posts.get(str(entry.wp_id))
                if row is not None and row.post_id:
                    self.posts[entry.wp_id] = row.post
                else:
                    self._guarded(_entry_label(entry), "post", self._new_post, entry)
        known_pages = self._known(Kind.PAGE)
        pages = {
            e.wp_id: e for e in self.entries.values() if e.type == "page" and self._is_content(e)
        }
        for wp_id in _parents_first(pages, lambda entry: entry.parent):
            row = known_pages.get(str(wp_id))
            if row is not None and row.page_id:
                self.pages[wp_id] = row.page
            else:
                self._guarded(_entry_label(pages[wp_id]), "page", self._new_page, pages[wp_id])
        self._attach_images_to_their_posts()
        for wp_id, post in self.posts.items():
            self.addresses[wp_id] = post.get_absolute_url()
        for wp_id, page in self.pages.items():
            self.addresses[wp_id] = page.get_absolute_url()

    def _attach_images_to_their_posts(self):
        """An attachment belongs to the post WordPress uploaded it to (its attachment page
        leads there), unless it already belongs to a post here."""
        by_post = defaultdict(list)
        for wp_id, record in self.images.items():
            parent = self.posts.get(self.entries[wp_id].parent)
            if parent is not None and record.post_id is None:
                record.post = parent
                by_post[parent.pk].append(record.pk)
        for post_id, image_ids in by_post.items():
            PostImage.objects.filter(pk__in=image_ids).update(post_id=post_id)

    def _is_content(self, entry):
        return entry.status not in NOT_CONTENT_STATUSES and entry.status != "trash"

    def _moment(self, date, date_gmt):
        """(when, is_known): WordPress's GMT date, else its local date in the site's zone;
        a date no post may have here (blog.models.PUBLICATION_DAYS) is not known."""
        gmt, local = _parse_date(date_gmt), _parse_date(date)
        try:
            if gmt is not None:
                moment = gmt.replace(tzinfo=UTC)
            elif local is not None and self.offset is not None:
                moment = (local - self.offset).replace(tzinfo=UTC)
            else:
                moment = timezone.make_aware(local) if local is not None else None
        except OverflowError:  # the offset took it past the last day there is
            moment = None
        if moment is None or publication_day(moment) is None:
            return timezone.now(), False
        return moment, True

    def _new_post(self, entry):
        published_at, _ = self._moment(entry.date, entry.date_gmt)
        post = Post(
            title=_clean_text(entry.title)[:300] or "(no title)",
            slug=make_slug(entry.slug),
            author=self._author_of(entry),
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
        self.posts[entry.wp_id] = post
        self.created.add(entry.wp_id)
        self._remember(
            Kind.POST,
            entry.wp_id,
            post=post,
            old_path=addresses.old_path(entry.link),
            guid=entry.guid,
        )

    def _new_page(self, entry):
        parent = self.pages.get(entry.parent)
        slug = make_slug(entry.slug) or slugify(entry.title, allow_unicode=True)[:200] or "page"
        if parent is None and (slug in RESERVED_SLUGS or slug.isdigit()):
            self.report.problem(
                _entry_label(entry),
                f"the address /{slug}/ belongs to another part of the site "
                f"here; the page lives at /{slug}-page/.",
            )
            slug = f"{slug}-page"
        base, n = slug, 2
        prefix = f"{parent.path}/" if parent else ""
        while Page.objects.filter(path=f"{prefix}{slug}").exists():
            slug, n = f"{base}-{n}", n + 1
        if slug != base:
            self.report.problem(
                _entry_label(entry),
                f"a page already lives at /{prefix}{base}/; this one is at /{prefix}{slug}/.",
            )
        page = Page(
            title=_clean_text(entry.title)[:300] or "(no title)",
            slug=slug,
            parent=parent,
            order=entry.menu_order,
        )
        page.save()
        self.pages[entry.wp_id] = page
        self.created.add(entry.wp_id)
        self._remember(
            Kind.PAGE,
            entry.wp_id,
            page=page,
            old_path=addresses.old_path(entry.link),
            guid=entry.guid,
        )

    # Pass 3: content and comments ----------------------------------------------------------

    def _import_content(self):
        self.commented_posts = set()
        self.highest_comment_id = 0
        with self._read(2) as source:
            for record in wxr.read(source):
                if not isinstance(record, wxr.Item):
                    continue
                if record.type in ("post", "page") and not self._is_content(
                    self.entries[record.wp_id]
                ):
                    self.report.count(record.type, "skipped")
                    if record.status == "trash":
                        self.report.problem(record.label, "skipped: it is in the trash.")
                    continue
                if record.type == "post" and record.wp_id in self.posts:
                    self._guarded(record.label, "post", self._import_post, record)
                elif record.type == "page" and record.wp_id in self.pages:
                    self._guarded(record.label, "page", self._import_page, record)
                elif record.type not in ("post", "page", "attachment"):
                    self.report.count(f"other ({record.type})", "skipped")

    def _convert(self, item, html):
        try:
            converted = content.to_markdown(
                html,
                image=lambda ref: self._image_for(item, ref),
                link=self._rewrite_link,
                gallery=lambda: sorted(
                    self.children.get(item.wp_id, []),
                    key=lambda wp_id: (self.entries[wp_id].menu_order, wp_id),
                ),
                footnotes=_footnotes(item.meta.get("footnotes", "")),
            )
        except RecursionError:
            # HTML nested hundreds deep: its words are kept, as plain text.
            kept = gettext("its HTML is nested too deep to convert; its text is kept as it is.")
            self.report.problem(item.label, kept)
            return plain_text(html)
        for message in converted.problems:
            self.report.problem(item.label, message)
        problem = markdown_problem(converted.markdown)
        if problem:
            # Kept whole; the renderer shows it as plain text until someone shortens it.
            kept = gettext("It is kept whole and shown as plain text until then.")
            self.report.problem(item.label, f"{problem} {kept}")
        return converted.markdown

    def _image_for(self, item, ref):
        """The image record a picture in the content stands for, or None if it is not ours.

        WordPress keeps a caption with each use of an image, which may differ from the
        media library's: a use with other words gets its own record, sharing the file.
        """
        record = self.images.get(ref.attachment_id) if ref.attachment_id else None
        key = addresses.upload_key(ref.url)
        if record is None and key:
            record = self.files.get(key)
        if record is None:
            if not key or not addresses.is_old_site(ref.url, self.hosts):
                return None
            record = PostImage(
                alt_text=(ref.alt or PurePosixPath(key).stem)[:300],
                caption=ref.caption[:500],
                credit=ref.credit[:300],
                uploaded_by=self._author_of(self.entries[item.wp_id]),
            )
            self._attach_file(record, item, key)
            record.save(rerender_posts=False)
            self.files[key] = record
            self._remember(Kind.FILE, key, image=record, old_path=addresses.upload_path(ref.url))
        words = {
            "alt_text": (ref.alt or record.alt_text)[:300],
            "caption": ref.caption[:500],
            "credit": ref.credit[:300],
        }
        if any(getattr(record, name) != value for name, value in words.items()):
            record = self._variant(record, words, ref.attachment_id or key)
        if record.post_id is None and item.type == "post" and item.wp_id in self.posts:
            record.post = self.posts[item.wp_id]
            record.save(rerender_posts=False, update_fields=["post"])
        return record.pk

    def _variant(self, record, words, source):
        """A record for one use of an image with its own words; found again on the next run."""
        digest = hashlib.sha256("\x00".join(words.values()).encode()).hexdigest()[:16]
        key = f"{source}:{digest}"
        if key not in self.variants:
            row = self._known(Kind.FIGURE).get(key)
            variant = row.image if row is not None else None
            if variant is None:
                variant = PostImage(
                    image=record.image.name,
                    renditions=record.renditions,
                    description=record.description,
                    uploaded_by=record.uploaded_by,
                    **words,
                )
                variant.save(rerender_posts=False)
                self._remember(Kind.FIGURE, key, image=variant)
            self.variants[key] = variant
        return self.variants[key]

    def _import_post(self, item):
        entry = self.entries[item.wp_id]
        post = self.posts[item.wp_id]
        published_at, dated = self._moment(entry.date, entry.date_gmt)
        status = POST_STATUSES.get(item.status, Post.Status.DRAFT)
        if item.password:
            status = Post.Status.PRIVATE
            self.report.problem(
                item.label, "was protected by a password; it is private (staff only) here."
            )
        if item.status not in POST_STATUSES:
            self.report.problem(item.label, f"unknown status “{item.status}”; kept as a draft.")
        thumbnail = self.images.get(_int(item.meta.get("_thumbnail_id")))
        wanted = {
            "title": _clean_text(item.title)[:300] or "(no title)",
            "body": self._convert(item, item.content),
            "excerpt": self._convert(item, item.excerpt) if item.excerpt.strip() else "",
            "status": status,
            "sticky": item.sticky,
            "comments_open": item.comment_status == "open",
            "author": self._author_of(entry),
            "guid": item.guid[:500],
            "featured_image": thumbnail if thumbnail is not None and thumbnail.image else None,
        }
        if dated:
            wanted["published_at"] = published_at
        elif _parse_date(entry.date_gmt) or _parse_date(entry.date):
            first, last = (day.year for day in PUBLICATION_DAYS)
            message = gettext(
                "its date is outside the years %(first)d to %(last)d: it is dated when it "
                "was first imported."
            )
            self.report.problem(item.label, message % {"first": first, "last": last})
        outcome = _update(post, wanted, save=False)
        new = item.wp_id in self.created
        filed = [
            self._file(
                post, new, Post.categories.through, "post", "category", item, self.categories
            ),
            self._file(post, new, TaggedPost, "content_object", "tag", item, self.tags),
        ]
        if any(filed):
            outcome = "updated"
        if outcome == "updated":
            post.save()  # after the filing, so the search index has the labels too
        self.report.count("post", "imported" if item.wp_id in self.created else outcome)
        self._import_comments(item, post=post)

    def _file(self, post, new, through, post_field, label_field, item, imported):
        """File `post` under the item's categories (or tags); whether anything changed.

        The links are written directly, without the m2m signals: the post's save that
        follows re-indexes it once, with everything.
        """
        taxonomy = "category" if label_field == "category" else "post_tag"
        slugs = [_unquote_slug(slug) for kind, slug, _ in item.terms if kind == taxonomy]
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

    def _import_page(self, item):
        page = self.pages[item.wp_id]
        status = Page.Status.PUBLISHED if item.status == "publish" else Page.Status.DRAFT
        if item.status != "publish" and item.status != "draft":
            self.report.problem(item.label, f"a page with status “{item.status}” is a draft here.")
        if item.password:
            status = Page.Status.DRAFT
            self.report.problem(item.label, "was protected by a password; it is a draft here.")
        wanted = {
            "title": _clean_text(item.title)[:300] or "(no title)",
            "body": self._convert(item, item.content),
            "status": status,
            "order": item.menu_order,
        }
        outcome = _update(page, wanted)
        self.report.count("page", "imported" if item.wp_id in self.created else outcome)
        self._import_comments(item, page=page)

    def _import_comments(self, item, *, post=None, page=None):
        if not item.comments:
            return
        target = {"post": post} if post is not None else {"page": page}
        imported = Comment.objects.filter(**target, legacy_id__isnull=False)
        existing = {comment.legacy_id: comment for comment in imported}
        by_id = {}
        for comment in item.comments:
            if comment.wp_id is None:
                self.report.count("comment", "skipped")
                self.report.problem(item.label, "a comment without wp:comment_id was skipped.")
            elif comment.wp_id in by_id:
                self.report.count("comment", "skipped")
                self.report.problem(item.label, f"comment {comment.wp_id} appears twice.")
            else:
                by_id[comment.wp_id] = comment
        saved = {}
        for wp_id in _parents_first(by_id, lambda c: c.parent):
            comment = by_id[wp_id]
            parent = saved.get(comment.parent) if comment.parent else None
            if comment.parent and parent is None:
                self.report.problem(
                    f"{item.label}, comment {wp_id}",
                    f"its parent comment {comment.parent} is "
                    "not in the export; it is kept as a top-level comment.",
                )
            saved[wp_id] = self._import_comment(comment, parent, existing.get(wp_id), target)
            self.highest_comment_id = max(self.highest_comment_id, wp_id)
        new = [comment for comment in saved.values() if comment.pk is None]
        for depth in sorted({comment.depth for comment in new}):
            # Parents first: each level's rows have their ids before their replies point at them.
            Comment.objects.bulk_create([c for c in new if c.depth == depth], batch_size=500)
        if post is not None:
            self.commented_posts.add(post.pk)

    def _import_comment(self, comment, parent, instance, target):
        submitted_at, _ = self._moment(comment.date, comment.date_gmt)
        status = COMMENT_STATUSES.get(comment.approved, Comment.Status.PENDING)
        body = content.comment_text(comment.content) or "(empty comment)"
        wanted = {
            "parent": parent,
            "kind": COMMENT_KINDS.get(comment.type, Comment.Kind.COMMENT),
            "user": self.users_by_wp_id.get(comment.user_id) if comment.user_id else None,
            "name": _clean_text(comment.author)[:100],
            "email": comment.email.strip()[:254] if _valid_email(comment.email) else "",
            "url": comment.url.strip()[:300] if comment.url.strip().startswith("http") else "",
            "body": body,
            "status": status,
            "ip_address": _valid_ip(comment.ip),
            "submitted_at": submitted_at,
        }
        if instance is None:
            instance = Comment(
                legacy_id=comment.wp_id, status_reason=STATUS_REASON, **target, **wanted
            )
            segment = _path_segment(submitted_at)
            instance.depth = parent.depth + 1 if parent else 0
            instance.path = f"{parent.path}/{segment}" if parent else segment
            instance.body_html = render_comment(body)
            self.report.count("comment", "imported")  # saved with its level, in bulk
            return instance
        outcome = _update(instance, wanted, save=False)
        if outcome == "updated":
            instance.save()
        self.report.count("comment", outcome)
        return instance

    # After everything ------------------------------------------------------------------------

    def _finish(self):
        if self.commented_posts:
            comment_services.refresh_counts(self.commented_posts)
        if self.highest_comment_id:
            comment_services.reserve_anchor_ids(self.highest_comment_id)
        if self.offset is not None:
            here = timezone.localtime().utcoffset()
            if here != self.offset:
                self.report.notes.append(
                    f"The WordPress site's clock was UTC{_format_offset(self.offset)}, this "
                    f"site's is UTC{_format_offset(here)}: some posts' dates, and so their "
                    "addresses, differ by a day; their old addresses redirect."
                )
        generation.bump()


# Helpers -------------------------------------------------------------------------------------


def _update(instance, wanted, save=True):
    """Set the fields that differ; "updated" if any did (saved unless `save` is False)."""
    changed = [name for name, value in wanted.items() if _current(instance, name) != _stored(value)]
    for name in changed:
        setattr(instance, name, wanted[name])
    if changed and save:
        instance.save()
    return "updated" if changed else "unchanged"


def _current(instance, name):
    # A relation is compared by its id, so comparing never loads the related row.
    field = instance._meta.get_field(name)
    return getattr(instance, field.attname)


def _stored(value):
    return value.pk if isinstance(value, models.Model) else value


def _parents_first(nodes, parent_of):
    """The keys of `nodes` with every parent before its children (cycles broken)."""
    order, state = [], {}
    for key in nodes:
        chain = []
        while key in nodes and key not in state:
            state[key] = "visiting"
            chain.append(key)
            key = parent_of(nodes[key])
        for node in reversed(chain):
            state[node] = "done"
            order.append(node)
    return order


def _unquote_slug(slug):
    return unquote(slug or "").strip()


def _one_line(text):
    return " ".join((text or "").split())


def _clean_text(text):
    """One line of text; WordPress keeps titles and term names with HTML entities."""
    return " ".join(html.unescape(text or "").split())


def _int(value, default=0):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _parse_date(value):
    try:
        moment = datetime.strptime((value or "").strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return moment if moment.year > 1 else None


def _format_offset(offset):
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _entry_label(entry):
    return f"{entry.type} {entry.wp_id} “{(entry.title.strip() or '(no title)')[:60]}”"


def _term_kind(taxonomy):
    return "category" if taxonomy == "category" else "tag"


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


def _free_username(User, login):
    base = re.sub(r"[^\w.@+-]", "", login)[:140] or "author"
    username, n = base, 2
    while User.objects.filter(username=username).exists():
        username, n = f"{base}-{n}", n + 1
    return username


def _max_length(model, field):
    return model._meta.get_field(field).max_length


def _valid_email(value):
    from django.core.validators import validate_email

    try:
        validate_email((value or "").strip())
    except ValidationError:
        return False
    return True


def _valid_ip(value):
    from django.core.validators import validate_ipv46_address

    try:
        validate_ipv46_address((value or "").strip())
    except ValidationError:
        return None
    return value.strip()


def _footnotes(meta_value):
    import json

    try:
        notes = json.loads(meta_value) if meta_value else None
    except ValueError:
        return None
    return notes if isinstance(notes, list) else None
