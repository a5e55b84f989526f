"""Background work, run by `manage.py db_worker` (django-tasks with its database backend)."""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(subject, body, to, reply_to=None, headers=None, html=None):
    """Send one plain-text message, with `html` as its HTML alternative if given; queue it
    with `send_email.enqueue(...)`."""
    message = EmailMultiAlternatives(subject, body, to=to, reply_to=reply_to, headers=headers)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
