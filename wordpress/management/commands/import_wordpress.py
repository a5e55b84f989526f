import sys
import time

from django.core.management.base import BaseCommand, CommandError

from wordpress.importer import Importer, ImportError_, parse_author_map
from wordpress.wxr import WXRError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR): authors, categories, tags, posts, pages, images "
        "and comments. Runs in one transaction and can be run again: it updates and adds, "
        "and never duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="the .xml file from WordPress's Tools → Export")
        parser.add_argument(
            "--media-dir",
            help="the wp-content/uploads folder (or a WordPress.com media export) to take "
            "image files from; nothing is downloaded",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would happen; change nothing"
        )
        parser.add_argument(
            "--author-map",
            help="a CSV file of `wordpress_login,username_or_email` lines giving posts to "
            "existing accounts",
        )

    def handle(self, export, media_dir=None, dry_run=False, author_map=None, **options):
        bar = _Bar(self.stderr) if sys.stderr.isatty() and options["verbosity"] > 0 else None
        try:
            mapping = parse_author_map(author_map) if author_map else {}
            importer = Importer(
                export, media_dir=media_dir, author_map=mapping, dry_run=dry_run, progress=bar
            )
            report = importer.run()
        except (WXRError, ImportError_) as error:
            raise CommandError(f"{error} Nothing was changed.") from error
        finally:
            if bar:
                bar.close()
        self.stdout.write(report.as_text(dry_run=dry_run))


class _Bar:
    """A one-line progress bar, redrawn at most ten times a second."""

    WIDTH = 40

    def __init__(self, stream):
        self.stream, self.drawn_at, self.shown = stream, 0.0, -1

    def __call__(self, fraction):
        now = time.monotonic()
        percent = int(fraction * 100)
        if percent == self.shown or now - self.drawn_at < 0.1:
            return
        self.drawn_at, self.shown = now, percent
        filled = int(self.WIDTH * fraction)
        self.stream.write(
            f"\rImporting [{'#' * filled}{'.' * (self.WIDTH - filled)}] {percent:3d}%", ending=""
        )
        self.stream.flush()

    def close(self):
        if self.shown >= 0:
            self.stream.write("", ending="\n")
