"""Background tasks that outlive the worker running them.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it
again: a worker killed mid-task (OOM, a deploy, a reboot) leaves it RUNNING for ever.
Here each task declares, with `@task(timeout=...)`, the longest a run of it can take.
A task still RUNNING past its timeout cannot be running any more, nor can one whose
worker ran on this machine and whose process is gone (a worker restarted after a crash
finds those at once). Every `manage.py db_worker` (core's, which wraps django-tasks-db's)
queues them again, with a warning in the log, when it starts and then every
`TASKS_RECOVERY_SECONDS`. A task whose worker died `MAX_ATTEMPTS` times is failed
instead, so one that kills its worker cannot do so for ever; `manage.py tasks` lists it.
A live worker never has to prove it is alive, which on SQLite it could not do while a
long import holds the database's only write lock: a task within its timeout whose
worker's process lives, or runs on another machine, is never started twice.

Delivery is therefore at least once: a task may run again after doing part of its
work. Tasks make that harmless: a message goes out through `core.tasks.send_once`,
which records it and never sends it again, and work on the database is done in one
transaction, which a dead worker leaves undone.
"""

import logging
import os
import socket
import threading
import time
from datetime import timedelta

import django_tasks
from django.db import connections
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# A task declared without a timeout (another app's) is taken for lost after this.
DEFAULT_TIMEOUT = timedelta(hours=1)
# Runs of one task that may end with its worker's death before it is failed.
MAX_ATTEMPTS = 3


class WorkerLost(Exception):
    """The worker running a task stopped before the task finished, too many times."""


def task(*, timeout, **options):
    """django-tasks' `@task(**options)`, with `timeout`, a timedelta: the longest a run
    can take, after which a task still marked running is taken for lost and run again."""

    def declare(function):
        function.timeout = timeout
        return django_tasks.task(**options)(function)

    return declare


def timeout_of(result):
    try:
        declared = import_string(result.task_path)
    except ImportError:  # the task is gone from the code
        return DEFAULT_TIMEOUT
    return getattr(getattr(declared, "func", None), "timeout", DEFAULT_TIMEOUT)


def worker_name():
    """A worker id that says where the worker runs: its machine and process."""
    return f"{socket.gethostname()[:50]}:{os.getpid()}"


def died_here(worker):
    """Whether `worker` (a `worker_name()`) ran on this machine and its process is gone: its
    tasks are lost now, not only once their timeout has passed. A process id used again by
    another process looks alive, which only leaves the timeout to tell."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname()[:50] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)  # signal 0 only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, under another user
        return False
    return False


def requeue_lost(now=None):
    """Queue again each task still running past its timeout, or fail it after
    MAX_ATTEMPTS runs; each is logged."""
    now = now or timezone.now()
    for result in DBTaskResult.objects.running().order_by("started_at"):
        timeout = timeout_of(result)
        worker = result.worker_ids[-1] if result.worker_ids else "?"
        if died_here(worker):
            why = f"its worker {worker} is no longer running"
        elif result.started_at + timeout <= now:
            why = f"it outlived its timeout of {timeout} on worker {worker}"
        else:
            continue
        # Unless its worker finished it, or another check took it, meanwhile.
        same_run = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
        )
        attempts = len(result.worker_ids)
        if attempts >= MAX_ATTEMPTS:
            failed = same_run.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=(
                    f"{WorkerLost.__qualname__}: its worker stopped while running it, "
                    f"{attempts} times; it is not run again unless retried."
                ),
            )
            if failed:
                logger.error(
                    "Task %s (%s) started at %s: %s; its worker stopped %d times while "
                    "running it, so it is failed, not run again. See `manage.py tasks`.",
                    result.pk, result.task_path, result.started_at, why, attempts,
                )  # fmt: skip
        elif same_run.update(status=TaskResultStatus.READY):
            logger.warning(
                "Task %s (%s) started at %s: %s, so it is queued to run again "
                "(attempt %d of %d).",
                result.pk, result.task_path, result.started_at, why, attempts + 1, MAX_ATTEMPTS,
            )  # fmt: skip


def keep_requeuing_lost(interval):
    """Look for lost tasks now and every `interval` seconds, in a thread of the worker."""

    def check():
        while True:
            try:
                requeue_lost()
            except Exception:
                logger.exception("Could not look for lost tasks; trying again later.")
            finally:
                connections.close_all()  # this thread's own connections
            time.sleep(interval)

    threading.Thread(target=check, name="requeue-lost-tasks", daemon=True).start()
