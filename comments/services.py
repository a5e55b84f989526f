"""What happens to comments: posting, status changes, reports. Views and the admin call these."""

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import antispam, notifications, policy, tasks
from .models import Comment, ModerationEvent, Report


def submit(comment, request=None, notify=False):
    """Decide, save and announce a new comment. Raises antispam.Rejected.

    `notify`: the commenter asked for e-mail about follow-up comments.
    """
    antispam.check_rate(comment.ip_address)
    antispam.check_duplicate(comment)
    verdict = antispam.external_verdict(comment, request)
    decision = (
        policy.Decision(Comment.Status.SPAM, f"spam checker: {verdict}")
        if verdict
        else policy.decide(comment)
    )
    comment.status, comment.status_reason = decision.status, decision.reason
    with transaction.atomic():
        comment.save()
        ModerationEvent.objects.create(
            comment=comment, action="submitted", to_status=comment.status, note=decision.reason
        )
        # With the database task backend, the task goes in with the comment: one commit,
        # and never one without the other.
        tasks.announce.enqueue(comment.pk, comment.status, follow=notify)
    return comment


def set_status(comment, status, actor=None, action=None, note=""):
    """Move a comment to `status`, log who did it, and update what depends on it."""
    previous = comment.status
    if previous == status:
        return False
    actor = actor if actor is not None and actor.is_authenticated else None
    action = action or status
    with transaction.atomic():
        comment.status = status
        comment.status_reason = (f"{action} by {actor.get_username()}" if actor else action)[:200]
        comment.save(update_fields=["status", "status_reason"])
        ModerationEvent.objects.create(
            comment=comment,
            actor=actor,
            action=action,
            from_status=previous,
            to_status=status,
            note=note,
        )
        if status == Comment.Status.APPROVED:
            transaction.on_commit(lambda: notifications.comment_approved(comment), robust=True)
    return True


# A moderator's final word on a comment settles the reports about it; back to pending does not.
SETTLES_REPORTS = {Comment.Status.APPROVED, Comment.Status.SPAM, Comment.Status.REMOVED}


def moderate(comment, status, actor, action, note=""):
    """A moderator's decision: set the status and settle the comment's open reports.

    Returns whether the status changed. Approving a comment that is already public still
    settles its reports (the moderator has looked and keeps it), and the log says so.
    """
    with transaction.atomic():
        settled = 0
        if status in SETTLES_REPORTS:
            settled = Report.objects.filter(comment=comment, resolved=False).update(resolved=True)
        if settled:
            note = "; ".join(filter(None, [note, f"{settled} report(s) resolved"]))
        changed = set_status(comment, status, actor=actor, action=action, note=note)
        if not changed and settled:
            ModerationEvent.objects.create(
                comment=comment, actor=actor, action="reports resolved", note=note
            )
    return changed


def edit(comment, body):
    comment.body = body
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])  # shows it at once


def reserve_anchor_ids(highest):
    """Make every comment created from now on get a primary key above `highest`.

    An imported comment's anchor is `comment-<its old id>`, a new one's `comment-<pk>`;
    after importing old ids up to `highest`, new ids start above them so the two never
    meet. The id sequence only ever moves forward.
    """
    highest = int(highest)
    if highest < 1:
        return
    table = Comment._meta.db_table
    column = Comment._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Works for identity columns too: they own a sequence just like serial ones.
            cursor.execute(
                f"""
                SELECT setval(seq, GREATEST(
                    %s,
                    (SELECT COALESCE(MAX({quote(column)}), 0) FROM {quote(table)}),
                    COALESCE(pg_sequence_last_value(seq), 0)
                ))
                FROM (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq) AS owned
                """,  # noqa: S608 - the model's own quoted names; the values are bound
                [highest, quote(table), column],
            )
            # setval(NULL) quietly does nothing; a table without its sequence must not.
            if cursor.fetchone()[0] is None:
                raise RuntimeError(f"{table}.{column} has no sequence to advance.")
        elif connection.vendor == "sqlite":
            # Django's SQLite tables use AUTOINCREMENT: the next id is above sqlite_sequence's.
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [highest, table]
            )
            if cursor.rowcount == 0:  # no row yet: the table never had one inserted
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, highest]
                )
        else:
            raise NotImplementedError(f"reserve_anchor_ids does not know {connection.vendor}.")


def report(comment, user=None, ip_address=None, reason=""):
    """A reader reports a comment; enough reports hold it for a moderator."""
    with transaction.atomic():
        reports = Report.objects.filter(comment=comment, resolved=False)
        already = reports.filter(user=user) if user else reports.filter(ip_address=ip_address)
        if (user is None and ip_address is None) or already.exists():
            return False
        Report.objects.create(comment=comment, user=user, ip_address=ip_address, reason=reason)
        ModerationEvent.objects.create(
            comment=comment, actor=user, action="reported", note=reason[:200]
        )
        if (
            comment.status == Comment.Status.APPROVED
            and reports.count() >= settings.COMMENTS_REPORTS_TO_HOLD
        ):
            set_status(comment, Comment.Status.PENDING, action="held after reports")
    return True
