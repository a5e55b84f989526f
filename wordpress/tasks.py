"""The admin's imports, run by the task worker."""

import logging
import shutil
import tempfile
import time
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from core import queue

from .importer import Importer, ImportError_
from .models import ImportRun
from .wxr import WXRError

logger = logging.getLogger(__name__)


def progress_name(run_id):
    return f"progress/{run_id}.txt"


def read_progress(run_id):
    """How far the worker has got with run `run_id`, as a whole percentage, or None."""
    storage = storages["imports"]
    try:
        with storage.open(progress_name(run_id)) as handle:
            return int(handle.read().strip() or 0)
    except (OSError, ValueError):
        return None


class _ProgressFile:
    """The import runs in one transaction, so its progress is written beside it, not in it."""

    def __init__(self, run_id):
        self.name, self.written_at, self.shown = progress_name(run_id), 0.0, -1
        self.storage = storages["imports"]

    def __call__(self, fraction):
        percent, now = int(fraction * 100), time.monotonic()
        if percent != self.shown and now - self.written_at >= 1:
            self.written_at, self.shown = now, percent
            self.storage.delete(self.name)
            self.storage.save(self.name, ContentFile(str(percent).encode()))

    def remove(self):
        self.storage.delete(self.name)


# Far longer than the largest export takes (bench/README.md): a live import is never
# started twice. Its worker gone, `manage.py tasks --retry ID --force` runs it again now.
@queue.task(timeout=timedelta(hours=6))
def run_import(run_id):
    run = ImportRun.objects.get(pk=run_id)
    if run.state in (ImportRun.State.DONE, ImportRun.State.FAILED):
        return  # finished, by a run whose worker stopped before it could say so
    run.state, run.started_at = ImportRun.State.RUNNING, timezone.now()
    run.save(update_fields=["state", "started_at"])
    progress = _ProgressFile(run_id)
    try:
        with tempfile.NamedTemporaryFile(suffix=".xml") as copy:
            # The storage may be remote: the importer reads a local file three times.
            with run.export.open("rb") as export:
                shutil.copyfileobj(export, copy)
            copy.flush()
            importer = Importer(
                copy.name, media_dir=run.media_dir or None, dry_run=run.dry_run, progress=progress
            )
            report = importer.run()
        run.state, run.report = ImportRun.State.DONE, report.as_text(dry_run=run.dry_run)
    except (WXRError, ImportError_) as error:
        run.state, run.report = ImportRun.State.FAILED, f"{error}\nNothing was changed."
    except Exception as error:
        logger.exception("WordPress import %s failed", run_id)
        run.state = ImportRun.State.FAILED
        run.report = f"The import stopped on an unexpected error: {error!r}\nNothing was changed."
    finally:
        progress.remove()
        # The export holds commenters' e-mail and IP addresses: it is not kept.
        run.export.delete(save=False)
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "report", "finished_at", "export"])
