"""Tasks that only the tests queue, for a real `manage.py db_worker` to run."""

import time
from datetime import timedelta
from pathlib import Path

from django.core.mail import EmailMessage

from core import queue
from core.tasks import send_once


def _wait_for(path):
    while not Path(path).exists():
        time.sleep(0.05)


@queue.task(timeout=timedelta(seconds=1), takes_context=True)
def mail_twice(context, gate):
    """Send a first message, say so in `gate`.waiting, wait for `gate`, send a second."""
    key = context.task_result.id
    send_once(f"{key}:first", EmailMessage("First", "One.", to=["reader@example.org"]))
    Path(f"{gate}.waiting").touch()
    _wait_for(gate)
    send_once(f"{key}:second", EmailMessage("Second", "Two.", to=["reader@example.org"]))


@queue.task(timeout=timedelta(minutes=10))
def wait_for(gate):
    """Note each start in `gate`.starts, then wait for `gate`: a long task, alive."""
    with open(f"{gate}.starts", "a") as starts:
        starts.write("started\n")
    _wait_for(gate)
