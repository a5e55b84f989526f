"""Background work, run by `manage.py db_worker` (django-tasks with its database backend)."""

from datetime import timedelta

from django.core.mail import EmailMessage

from . import queue


@queue.task(timeout=timedelta(minutes=10))
def send_email(subject, body, to, reply_to=None, headers=None):
    """Send one plain-text message; queue it with `send_email.enqueue(...)`."""
    message = EmailMessage(subject, body, to=to, reply_to=reply_to, headers=headers)
    return message.send()
