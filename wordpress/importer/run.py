"""The whole import: its steps in order, in one transaction, and the report."""

from django.db import transaction
from django.utils import timezone

from core import changes, db

from . import comments, media, people, posts, terms
from .index import index
from .state import State


class Importer:
    def __init__(self, path, *, media_dir=None, author_map=None, dry_run=False, progress=None):
        self.state = State(
            path, media_dir=media_dir, author_map=author_map, dry_run=dry_run, progress=progress
        )

    @property
    def report(self):
        return self.state.report

    def run(self):
        """Import everything, or nothing: raises wxr.WXRError with the database untouched."""
        state = self.state
        index(state)
        try:
            with transaction.atomic():
                people.import_authors(state)
                terms.import_terms(state)
                media.import_attachments(state)
                posts.create_new_posts_and_pages(state)
                posts.import_content(state)
                _finish(state)
                if state.dry_run:
                    transaction.set_rollback(True)
        except BaseException:
            state.delete_stored_files()
            raise
        if state.dry_run:
            changes.discard()  # what it noted was rolled back
            state.delete_stored_files()
        else:
            db.analyze()  # the lists' plans depend on how many posts each holds now
        return state.report


def _finish(state):
    comments.finish(state)
    if state.offset is not None:
        here = timezone.localtime().utcoffset()
        if here != state.offset:
            state.report.notes.append(
                f"The WordPress site's clock was UTC{_format_offset(state.offset)}, this "
                f"site's is UTC{_format_offset(here)}: some posts' dates, and so their "
                "addresses, differ by a day; their old addresses redirect."
            )


def _format_offset(offset):
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
