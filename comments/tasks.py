"""Background work of the comments app, run by `manage.py db_worker`."""

from datetime import timedelta

from django.db import transaction

from core import queue

from . import notifications
from .models import Comment


@queue.task(timeout=timedelta(minutes=10))
def announce(comment_id, status, follow=False):
    """Tell whoever should hear of a new comment saved with `status`: moderators when it
    waits, the post's author and the thread's followers when it is public. Run by the
    worker, so that posting a comment waits for none of it.

    A moderator who changed the status in the meantime told whoever needed telling; the
    follow-up e-mail the commenter asked for still starts, unless it was spam."""
    # Its mail is queued all at once or not at all: run again, it queues each message once.
    with transaction.atomic():
        comment = (
            Comment.objects.select_related("post", "page", "user").filter(pk=comment_id).first()
        )
        if comment is None:
            return
        if comment.status == status:
            notifications.comment_submitted(comment, follow=follow)
        elif follow:
            notifications.start_following(comment)
