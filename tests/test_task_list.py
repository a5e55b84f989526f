"""`manage.py tasks`: what is running, stuck or failed, and putting it right."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.tasks import send_email

from . import tasks


@pytest.fixture(autouse=True)
def database_queue(settings, transactional_db):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def listing(*args):
    out = StringIO()
    call_command("tasks", *args, stdout=out)
    return out.getvalue()


def running(result, worker="web1:4312", minutes_ago=1):
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        worker_ids=[worker],
        started_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def failed_mail(settings):
    """A message the mail server refused: its task failed."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    result = send_email.enqueue("Refused", "The server is down.", ["reader@example.org"])
    run_worker()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.FAILED
    return result


def status(result):
    return DBTaskResult.objects.get(pk=result.id).status


def test_nothing_running_or_failed_is_said_plainly():
    send_email.enqueue("Waiting", "For a worker.", ["reader@example.org"])

    out = listing()

    assert "Running: 0" in out
    assert "Failed: 0" in out
    assert "Waiting: 1, queued since" in out
    assert "--retry" not in out


def test_a_running_task_is_listed_with_its_start_and_worker():
    result = send_email.enqueue("Hello", "Body.", ["reader@example.org"])
    running(result, worker="web1:4312", minutes_ago=3)

    out = listing()

    assert "Running: 1" in out
    assert f"{result.id}  core.tasks.send_email('Hello', 'Body.', ['reader@example.org'])" in out
    assert "(3\xa0minutes ago) on worker web1:4312, attempt 1 of 3" in out
    assert "its timeout ends at" in out
    assert "STUCK" not in out


def test_a_task_past_its_timeout_is_listed_as_stuck():
    result = send_email.enqueue("Hello", "Body.", ["reader@example.org"])
    running(result, minutes_ago=11)

    out = listing()

    assert "STUCK: past its timeout since" in out
    assert "manage.py tasks --retry ID" in out


def test_a_failed_task_is_listed_with_its_worker_and_error(settings):
    result = failed_mail(settings)

    out = listing()

    assert "Failed: 1" in out
    assert f"{result.id}  core.tasks.send_email('Refused'" in out
    assert "after 1 attempt(s)" in out
    assert "ConnectionRefusedError" in out
    assert "manage.py tasks --discard ID" in out


def test_a_failed_task_retried_runs_again(settings):
    result = failed_mail(settings)

    out = listing("--retry", str(result.id))
    run_worker()

    assert f"Queued again: {result.id}" in out
    assert status(result) == TaskResultStatus.SUCCESSFUL
    assert [message.subject for message in mail.outbox] == ["Refused"]


def test_a_stuck_task_retried_runs_at_once():
    result = send_email.enqueue("Stuck", "Body.", ["reader@example.org"])
    running(result, minutes_ago=11)

    listing("--retry", str(result.id))

    assert status(result) == TaskResultStatus.READY


def test_a_task_within_its_timeout_is_retried_only_with_force():
    result = tasks.wait_for.enqueue("/nowhere")
    running(result, worker="web1:4312", minutes_ago=1)

    with pytest.raises(CommandError, match="running on worker web1:4312, within its timeout"):
        listing("--retry", str(result.id))
    assert status(result) == TaskResultStatus.RUNNING

    listing("--retry", str(result.id), "--force")
    assert status(result) == TaskResultStatus.READY


def test_a_discarded_task_is_gone(settings):
    result = failed_mail(settings)

    out = listing("--discard", str(result.id))

    assert f"Discarded: {result.id}" in out
    assert not DBTaskResult.objects.filter(pk=result.id).exists()
    assert "Failed: 0" in listing()


def test_only_failed_tasks_are_discarded():
    result = send_email.enqueue("Hello", "Body.", ["reader@example.org"])
    running(result)

    with pytest.raises(CommandError, match="is running: only failed tasks are discarded"):
        listing("--discard", str(result.id))
    assert status(result) == TaskResultStatus.RUNNING


def test_a_successful_task_is_not_retried():
    result = send_email.enqueue("Hello", "Body.", ["reader@example.org"])
    run_worker()

    with pytest.raises(CommandError, match="is successful: only failed or stuck tasks"):
        listing("--retry", str(result.id))
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "bad, message",
    [
        ("12345678-1234-5678-1234-567812345678", "No task with the id 12345678-"),
        ("not-an-id", "Not a task id"),
    ],
)
def test_one_wrong_id_changes_nothing(settings, bad, message):
    result = failed_mail(settings)

    with pytest.raises(CommandError, match=message):
        listing("--retry", str(result.id), bad)
    with pytest.raises(CommandError, match=message):
        listing("--discard", str(result.id), bad)

    assert status(result) == TaskResultStatus.FAILED


def test_a_task_gone_from_the_code_is_listed_and_taken_for_lost_after_an_hour():
    result = send_email.enqueue("Hello", "Body.", ["reader@example.org"])
    DBTaskResult.objects.filter(pk=result.id).update(task_path="blog.tasks.removed_long_ago")
    running(result, minutes_ago=61)

    out = listing()

    assert f"{result.id}  blog.tasks.removed_long_ago('Hello'" in out
    assert "STUCK" in out
