from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from core.backups import archive


class Command(BaseCommand):
    help = (
        "Write one archive of the database and every media file into BACKUP_DIR, while "
        "the site runs; --keep N deletes all but the newest N archives made there."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            help="The folder to write the archive into, instead of BACKUP_DIR.",
        )
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="Then keep only the newest N archives this command made in that folder.",
        )

    def handle(self, *args, output_dir=None, keep=None, **options):
        if keep is not None and keep < 1:
            raise CommandError(_("--keep must be 1 or more (got %(keep)d).") % {"keep": keep})
        folder = output_dir or settings.BACKUP_DIR
        progress = self.stdout.write if options["verbosity"] else lambda message: None
        try:
            path = archive.create(folder, connection, default_storage, progress)
        except Exception as error:
            raise CommandError(
                _("The backup failed, and no archive was written: %(error)s") % {"error": error}
            ) from error
        progress(self.style.SUCCESS(_("Backup written: %(path)s") % {"path": path}))
        if keep is None:
            return
        try:
            for old in archive.prune(folder, keep):
                progress(_("Deleted an older backup: %(path)s") % {"path": old})
        except OSError as error:
            raise CommandError(
                _("The backup is written, but an older one could not be deleted: %(error)s")
                % {"error": error}
            ) from error
