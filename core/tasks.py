"""Background work, run by `manage.py db_worker` (django-tasks with its database backend)."""

from datetime import timedelta

from django.core.mail import EmailMultiAlternatives

from . import queue
from .models import SentMail


def send_once(key, message):
    """Send `message` unless a message was sent under `key` already, then record it.

    A task run again after its worker died sends what it had not sent yet, never what it
    had: a worker that stops between the mail server's answer and the record (a moment)
    sends that one message a second time, which is the price of never losing one."""
    if SentMail.objects.filter(key=key).exists():
        return 0
    sent = message.send()
    SentMail.objects.get_or_create(key=key)
    return sent


# A message is handed to the mail server in EMAIL_TIMEOUT seconds or fails.
@queue.task(timeout=timedelta(minutes=10), takes_context=True)
def send_email(context, subject, body, to, reply_to=None, headers=None, html=None):
    """Send one plain-text message, with `html` as its HTML alternative if given; queue it
    with `send_email.enqueue(...)`."""
    message = EmailMultiAlternatives(subject, body, to=to, reply_to=reply_to, headers=headers)
    if html:
        message.attach_alternative(html, "text/html")
    return send_once(f"send_email:{context.task_result.id}", message)
