"""What one import shares between its steps: its input, what it found and made, its report."""

import logging
from collections import defaultdict
from datetime import UTC
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from blog.models import Redirect, publication_day

from ..models import ImportedItem
from .common import parse_date, update
from .report import Report

logger = logging.getLogger(__name__)


class ImportError_(Exception):
    """A problem with the command's own input (the author map, the media folder)."""


class State:
    """The run's input and everything its steps found and made, keyed by WordPress id.

    Each step fills its own part; later steps read what earlier ones left.
    """

    def __init__(self, path, *, media_dir=None, author_map=None, dry_run=False, progress=None):
        self.path = Path(path)
        self.media_dir = Path(media_dir) if media_dir else None
        self.author_map = author_map or {}
        self.dry_run = dry_run
        self.progress = progress
        self.report = Report()
        self.stored_files = []
        self._rows = {}  # kind -> {key: ImportedItem}
        self._redirects = None  # old path -> the target ids it leads to
        if not self.path.is_file():
            raise ImportError_(f"There is no file at {self.path}.")
        if self.media_dir is not None and not self.media_dir.is_dir():
            raise ImportError_(f"The media folder {self.media_dir} does not exist.")
        # The index (pass 1).
        self.site = None
        self.site_key = ""
        self.hosts = set()
        self.offset = None  # the old site's UTC offset, if its dates tell
        self.authors = {}  # login -> wxr.Author
        self.terms = {}  # (taxonomy, slug) -> wxr.Term
        self.entries = {}  # wp_id -> Entry
        self.children = defaultdict(list)  # parent wp_id -> attachment ids, for galleries
        # Authors and terms.
        self.users = {}  # login -> User
        self.users_by_wp_id = {}
        self.categories = {}  # slug -> Category
        self.tags = {}  # slug -> Tag
        # Attachments (pass 2).
        self.images = {}  # attachment wp_id -> PostImage
        self.files = {}  # upload key ("2010/10/photo.jpg") -> PostImage
        self.variants = {}  # "source:digest" -> PostImage with a use's own words
        self.media_index = None  # file name -> paths in the media folder, made when needed
        # Posts and pages, made before any content.
        self.posts = {}  # wp_id -> Post
        self.pages = {}  # wp_id -> Page
        self.addresses = {}  # wp_id -> new URL
        self.paths = {}  # old path -> wp_id
        self.created = set()  # wp_ids of the posts and pages this run creates
        # Content and comments (pass 3).
        self.commented_posts = set()
        self.highest_comment_id = 0

    def read(self, pass_number):
        return _Progress(self.path, self.progress, pass_number)

    def delete_stored_files(self):
        for name in self.stored_files:
            default_storage.delete(name)
        self.stored_files = []

    def known(self, kind):
        """{key: ImportedItem} for this site and kind, from earlier runs (read once a run)."""
        if kind not in self._rows:
            rows = ImportedItem.objects.filter(site=self.site_key, kind=kind).select_related(
                "post", "page", "image", "category", "tag", "user"
            )
            self._rows[kind] = {row.key: row for row in rows}
        return self._rows[kind]

    def remember(self, kind, key, *, old_path="", guid="", **target):
        """Record what `key` became, and let its old address lead there; written only when
        it differs from what is stored."""
        key = str(key)
        row = self.known(kind).get(key)
        fields = {"guid": guid, **target}
        if row is None:
            row = ImportedItem.objects.create(site=self.site_key, kind=kind, key=key, **fields)
            self._rows[kind][key] = row
        else:
            update(row, fields)
        if old_path:
            (made,) = target.values()
            if not self._redirect(old_path, made):
                self.report.problem(
                    f"{kind} {key}", f"its old address is too long to redirect: {old_path}"
                )

    def _redirect(self, old_path, target):
        """Let `old_path` lead to `target`; written only when it differs from what is stored
        (every redirect, read once a run)."""
        if self._redirects is None:
            self._redirects = Redirect.objects.destinations()
        wanted = Redirect.leading_to(target)
        if self._redirects.get(old_path) == wanted:
            return True
        kept = Redirect.objects.point(old_path, target, Redirect.Source.IMPORTED)
        if kept:
            self._redirects[old_path] = wanted
        return kept

    def guarded(self, label, kind, function, *args):
        """Run one item's import in a savepoint: a problem skips the item, not the import."""
        try:
            with transaction.atomic():
                return function(*args)
        except Exception as error:
            logger.exception("Importing %s failed", label)
            self.report.count(kind, "skipped")
            self.report.problem(label, f"skipped: {error}")
            return None

    def moment(self, date, date_gmt):
        """(when, is_known): WordPress's GMT date, else its local date in the site's zone;
        a date no post may have here (blog.models.PUBLICATION_DAYS) is not known."""
        gmt, local = parse_date(date_gmt), parse_date(date)
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
