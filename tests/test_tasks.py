"""Mail goes out through the task queue, never in the request or an ad-hoc thread; a task
whose worker died runs again, and sends no message twice."""

import logging
import os
import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core import queue
from core.tasks import send_email
from wordpress.models import ImportRun
from wordpress.tasks import run_import


def test_queued_mail_is_sent_by_the_task(db):
    send_email.enqueue("Welcome", "Hello.", ["reader@example.org"])

    assert [message.subject for message in mail.outbox] == ["Welcome"]
    assert mail.outbox[0].to == ["reader@example.org"]


@pytest.fixture
def database_queue(settings, transactional_db):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def left_running(result, worker_ids, minutes_ago):
    """Mark `result` as claimed by `worker_ids` in turn, the last `minutes_ago` minutes ago."""
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        worker_ids=worker_ids,
        started_at=timezone.now() - timedelta(minutes=minutes_ago),
        finished_at=None,
    )


def stored(result):
    return DBTaskResult.objects.get(pk=result.id)


def test_database_backend_keeps_mail_until_the_worker_runs(database_queue):
    result = send_email.enqueue("Queued", "Later.", ["reader@example.org"])

    assert mail.outbox == []
    run_worker()
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert [message.subject for message in mail.outbox] == ["Queued"]


def test_a_worker_runs_again_the_task_of_a_dead_worker_and_leaves_a_live_ones_alone(
    database_queue, caplog
):
    lost = send_email.enqueue("Lost", "Its worker was killed.", ["reader@example.org"])
    left_running(lost, ["web1:4312"], minutes_ago=11)  # send_email is given 10 minutes
    busy = send_email.enqueue("Busy", "Its worker is still at it.", ["reader@example.org"])
    left_running(busy, ["web2:77"], minutes_ago=9)

    with caplog.at_level(logging.WARNING, logger="core.queue"):
        run_worker()

    assert [message.subject for message in mail.outbox] == ["Lost"]
    assert stored(lost).status == TaskResultStatus.SUCCESSFUL
    assert stored(lost).worker_ids == ["web1:4312", queue.worker_name()]
    assert stored(busy).status == TaskResultStatus.RUNNING
    [warning] = caplog.records
    assert warning.levelno == logging.WARNING
    for text in [str(lost.id), "core.tasks.send_email", "web1:4312", "queued to run again"]:
        assert text in warning.getMessage()


def test_a_message_sent_before_the_worker_died_is_not_sent_again(database_queue):
    result = send_email.enqueue("Once", "Sent, then the worker died.", ["reader@example.org"])
    run_worker()
    # The worker died after sending, before the queue heard the task had succeeded.
    left_running(result, ["web1:4312"], minutes_ago=11)
    mail.outbox.clear()

    run_worker()

    assert mail.outbox == []
    assert stored(result).status == TaskResultStatus.SUCCESSFUL


def test_a_task_whose_worker_died_three_times_is_failed_not_run_again(database_queue, caplog):
    result = send_email.enqueue("Deadly", "Kills its worker.", ["reader@example.org"])
    left_running(result, ["web1:1", "web1:2", "web1:3"], minutes_ago=11)

    with caplog.at_level(logging.ERROR, logger="core.queue"):
        run_worker()

    assert mail.outbox == []
    assert stored(result).status == TaskResultStatus.FAILED
    assert "3 times" in stored(result).traceback
    [error] = caplog.records
    assert str(result.id) in error.getMessage()
    assert "manage.py tasks" in error.getMessage()


def test_the_worker_is_named_after_its_machine_and_process(database_queue):
    result = send_email.enqueue("Named", "By its worker.", ["reader@example.org"])

    run_worker()

    assert stored(result).worker_ids == [f"{socket.gethostname()}:{os.getpid()}"]


def test_an_import_finished_before_its_worker_died_keeps_its_report_when_run_again(db):
    run = ImportRun.objects.create(
        export="", state=ImportRun.State.DONE, report="Posts: 3 imported."
    )

    run_import.enqueue(run.pk)

    run.refresh_from_db()
    assert (run.state, run.report) == (ImportRun.State.DONE, "Posts: 3 imported.")
