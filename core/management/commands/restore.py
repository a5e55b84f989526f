import tempfile

from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from core import generation
from core.backups import BackupError, database, restored
from core.backups import archive as archives


class Command(BaseCommand):
    help = (
        "Put the database and the media back as they were in a backup archive, then "
        "empty the cache. Refuses an archive that is damaged, from another database or "
        "from a newer schema, before changing anything."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="An archive made by manage.py backup.")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, archive=None, interactive=True, verbosity=1, **options):
        self.progress = self.stdout.write if verbosity else lambda message: None
        path = archive
        with tempfile.TemporaryDirectory(prefix="colloquy-restore-") as scratch:
            self.progress(_("Checking %(archive)s…") % {"archive": path})
            try:
                unpacked = archives.unpack(path, scratch)
                manifest = unpacked["manifest"]
                archives.check(manifest, connection)
            except BackupError as error:
                raise CommandError(error) from None
            self.progress(_("It is %(what)s.") % {"what": archives.describe(manifest)})
            if interactive and not self.confirmed():
                self.stdout.write(_("Restore cancelled: nothing was changed."))
                return
            self.restore(path, unpacked, scratch)

    def confirmed(self):
        answer = input(
            _(
                "This replaces the database %(database)s and every media file with those of "
                "the backup: whatever changed since it was made is lost.\n"
                "Type 'yes' to restore, or 'no' to cancel: "
            )
            % {"database": connection.settings_dict["NAME"]}
        )
        return answer.strip().lower() == "yes"

    def restore(self, path, unpacked, scratch):
        manifest, files = unpacked["manifest"], unpacked["files"]
        self.progress(_("Restoring the database…"))
        try:
            database.load(connection, files[manifest["database"]["name"]], scratch)
        except BackupError as error:
            raise CommandError(
                _("The database could not be restored, and is as it was: %(error)s")
                % {"error": error}
            ) from None
        self.progress(_("Restoring the media…"))
        try:
            written, deleted, kept = archives.put_media(manifest, files, default_storage)
        except Exception as error:
            raise CommandError(
                _(
                    "The database is restored, but the media could not be: %(error)s. "
                    "Put that right and restore the same archive again."
                )
                % {"error": error}
            ) from error
        self.progress(
            _("Media: %(written)d file(s) written, %(deleted)d deleted, %(kept)d unchanged.")
            % {"written": written, "deleted": deleted, "kept": kept}
        )
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            self.progress(
                _("The backup is from an older schema: applying %(count)d migration(s)…")
                % {"count": len(pending)}
            )
            try:
                call_command("migrate", interactive=False, verbosity=0)
            except Exception as error:
                raise CommandError(
                    _(
                        "The database and the media are restored, but migrate failed: "
                        "%(error)s. Put that right and run manage.py migrate."
                    )
                    % {"error": error}
                ) from error
        # Emptied before the new generation: a page made meanwhile from the data before the
        # restore is kept under the old one, which nothing reads again.
        cache.clear()
        generation.bump()
        problems = []
        if not isinstance(caches["default"], DummyCache) and cache.get(generation.KEY) is None:
            problems.append(
                _(
                    "the cache did not answer (see the log), so it may still serve pages from "
                    "after the backup: empty it once it answers again"
                )
            )
        else:
            self.progress(_("The cache is emptied, and a new content generation started."))
        answers = restored.send_robust(sender=self.__class__, archive=path, manifest=manifest)
        problems += [
            _("%(receiver)s, a receiver of core.backups.restored, failed: %(error)s")
            % {"receiver": getattr(receiver, "__qualname__", receiver), "error": answer}
            for receiver, answer in answers
            if isinstance(answer, Exception)
        ]
        if problems:
            raise CommandError(
                _("The database and the media are restored, but %(problems)s.")
                % {"problems": "; ".join(problems)}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restored. Empty any cache in front of the site too (a CDN, a proxy): "
                    "it may keep pages from after the backup."
                )
            )
        )
