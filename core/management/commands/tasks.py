import uuid

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core import queue

FAILED_SHOWN = 50


class Command(BaseCommand):
    help = (
        "List the background tasks that are running, stuck (running past their timeout: "
        "their worker died) or failed; --retry or --discard them."
    )

    def add_arguments(self, parser):
        actions = parser.add_mutually_exclusive_group()
        actions.add_argument(
            "--retry", nargs="+", metavar="ID", help="Queue these failed or stuck tasks again."
        )
        actions.add_argument(
            "--discard", nargs="+", metavar="ID", help="Delete these failed tasks."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="With --retry: also tasks still within their timeout, whose worker you "
            "know has stopped.",
        )

    def handle(self, *args, retry=None, discard=None, force=False, **options):
        if retry:
            self.retry(self.find(retry), force)
        elif discard:
            self.discard(self.find(discard))
        else:
            self.list()

    def find(self, ids):
        """The task results with these ids, or a CommandError naming those not found."""
        try:
            wanted = [uuid.UUID(value) for value in ids]
        except ValueError as error:
            raise CommandError(_("Not a task id: %(error)s.") % {"error": error}) from error
        found = DBTaskResult.objects.in_bulk(wanted)
        missing = [str(value) for value in wanted if value not in found]
        if missing:
            raise CommandError(_("No task with the id %(ids)s.") % {"ids": ", ".join(missing)})
        return list(found.values())

    def retry(self, results, force):
        now = timezone.now()
        for result in results:
            if result.status == TaskResultStatus.RUNNING:
                if not force and now < deadline(result) and not queue.died_here(worker(result)):
                    raise CommandError(
                        _(
                            "Task %(id)s is running on worker %(worker)s, within its timeout "
                            "(until %(deadline)s). If that worker has stopped, add --force."
                        )
                        % {
                            "id": result.pk,
                            "worker": worker(result),
                            "deadline": moment(deadline(result)),
                        }
                    )
            elif result.status != TaskResultStatus.FAILED:
                raise CommandError(
                    _("Task %(id)s is %(status)s: only failed or stuck tasks are retried.")
                    % {"id": result.pk, "status": result.get_status_display().lower()}
                )
        with transaction.atomic():
            for result in results:
                DBTaskResult.objects.filter(pk=result.pk, status=result.status).update(
                    status=TaskResultStatus.READY, finished_at=None
                )
                self.stdout.write(
                    _("Queued again: %(id)s %(task)s") % {"id": result.pk, "task": what(result)}
                )

    def discard(self, results):
        for result in results:
            if result.status != TaskResultStatus.FAILED:
                raise CommandError(
                    _("Task %(id)s is %(status)s: only failed tasks are discarded.")
                    % {"id": result.pk, "status": result.get_status_display().lower()}
                )
        with transaction.atomic():
            for result in results:
                DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.FAILED).delete()
                self.stdout.write(
                    _("Discarded: %(id)s %(task)s") % {"id": result.pk, "task": what(result)}
                )

    def list(self):
        now = timezone.now()
        running = DBTaskResult.objects.running().order_by("started_at")
        failed = DBTaskResult.objects.failed().order_by("-finished_at")
        failed_count = failed.count()
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()

        self.stdout.write(_("Running: %(count)d") % {"count": len(running)})
        for result in running:
            self.show(result, self.running_lines(result, now))
        self.stdout.write(_("Failed: %(count)d") % {"count": failed_count})
        for result in failed[:FAILED_SHOWN]:
            self.show(result, self.failed_lines(result))
        if failed_count > FAILED_SHOWN:
            self.stdout.write(
                "  " + _("… and %(count)d older") % {"count": failed_count - FAILED_SHOWN}
            )
        if oldest:
            self.stdout.write(
                _("Waiting: %(count)d, queued since %(start)s")
                % {"count": waiting.count(), "start": moment(oldest)}
            )
        else:
            self.stdout.write(_("Waiting: 0"))
        if running or failed_count:
            self.stdout.write("")
            self.stdout.write(
                _("Run a failed or stuck task again: manage.py tasks --retry ID [ID …]")
            )
            self.stdout.write(_("Delete a failed task: manage.py tasks --discard ID [ID …]"))

    def show(self, result, lines):
        self.stdout.write(f"  {result.pk}  {what(result)}")
        for line in lines:
            self.stdout.write(f"      {line}")

    def running_lines(self, result, now):
        yield _(
            "started %(start)s (%(ago)s ago) on worker %(worker)s, attempt %(attempt)d of %(max)d"
        ) % {
            "start": moment(result.started_at),
            "ago": timesince(result.started_at, now),
            "worker": worker(result),
            "attempt": len(result.worker_ids),
            "max": queue.MAX_ATTEMPTS,
        }
        end = deadline(result)
        if queue.died_here(worker(result)):
            yield self.style.WARNING(
                _(
                    "STUCK: its worker's process is gone; a running worker queues it again "
                    "within %(seconds)g seconds"
                )
                % {"seconds": settings.TASKS_RECOVERY_SECONDS}
            )
            return
        if end > now:
            yield _("its timeout ends at %(end)s") % {"end": moment(end)}
            return
        yield self.style.WARNING(
            _(
                "STUCK: past its timeout since %(end)s, so its worker has stopped; a running "
                "worker queues it again within %(seconds)g seconds"
            )
            % {"end": moment(end), "seconds": settings.TASKS_RECOVERY_SECONDS}
        )

    def failed_lines(self, result):
        yield _("failed %(end)s on worker %(worker)s, after %(attempts)d attempt(s)") % {
            "end": moment(result.finished_at),
            "worker": worker(result),
            "attempts": len(result.worker_ids),
        }
        yield self.style.ERROR(error(result))


def deadline(result):
    return result.started_at + queue.timeout_of(result)


def worker(result):
    return result.worker_ids[-1] if result.worker_ids else "?"


def moment(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S %Z")


def what(result):
    """The task and its arguments, each cut short: enough to tell which it is."""
    arguments = [short(value) for value in result.args_kwargs.get("args", [])] + [
        f"{name}={short(value)}" for name, value in result.args_kwargs.get("kwargs", {}).items()
    ]
    return f"{result.task_path}({', '.join(arguments)})"


def short(value, length=40):
    text = repr(value)
    return text if len(text) <= length else text[: length - 1] + "…"


def error(result):
    lines = [line for line in result.traceback.splitlines() if line.strip()]
    return lines[-1] if lines else result.exception_class_path or "?"
