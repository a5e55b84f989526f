"""django-tasks-db's worker, which also runs again the tasks of workers that died."""

from django.conf import settings
from django_tasks_db.management.commands import db_worker

from core import queue


class Command(db_worker.Command):
    help = (
        "Run the background task worker. It also queues again tasks still running past "
        "their timeout, whose worker died (see core.queue)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # The task list shows who ran each task: a machine and process, not a random id.
        parser.set_defaults(worker_id=queue.worker_name())

    def handle(self, *args, **options):
        if options["batch"]:  # one pass over the queue, so one look for lost tasks first
            queue.requeue_lost()
        else:
            queue.keep_requeuing_lost(settings.TASKS_RECOVERY_SECONDS)
        super().handle(*args, **options)
