"""Mail goes out through the task queue, never in the request or an ad-hoc thread."""

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks import TaskResultStatus

from core.tasks import send_email


def test_queued_mail_is_sent_by_the_task(settings):
    send_email.enqueue("Welcome", "Hello.", ["reader@example.org"])

    assert [message.subject for message in mail.outbox] == ["Welcome"]
    assert mail.outbox[0].to == ["reader@example.org"]


@pytest.mark.django_db(transaction=True)
def test_database_backend_keeps_mail_until_the_worker_runs(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    result = send_email.enqueue("Queued", "Later.", ["reader@example.org"])

    assert mail.outbox == []
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert [message.subject for message in mail.outbox] == ["Queued"]
