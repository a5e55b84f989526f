"""Comments: each post's or page's thread, parents first, found again by WordPress id.

New comments are saved in bulk, a level at a time: Comment.prepare() gives them what
Comment.save() would (their place in the thread and their HTML).
"""

from django.core.exceptions import ValidationError

from comments import services as comment_services
from comments.models import Comment, refresh_comment_counts

from .. import content
from .common import clean_text, parents_first, update

COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REMOVED,
    "post-trashed": Comment.Status.REMOVED,
}
COMMENT_KINDS = {"pingback": Comment.Kind.PINGBACK, "trackback": Comment.Kind.TRACKBACK}
STATUS_REASON = "imported from WordPress"


def import_comments(state, item, *, post=None, page=None):
    if not item.comments:
        return
    target = {"post": post} if post is not None else {"page": page}
    imported = Comment.objects.filter(**target, legacy_id__isnull=False)
    existing = {comment.legacy_id: comment for comment in imported}
    by_id = {}
    for comment in item.comments:
        if comment.wp_id is None:
            state.report.count("comment", "skipped")
            state.report.problem(item.label, "a comment without wp:comment_id was skipped.")
        elif comment.wp_id in by_id:
            state.report.count("comment", "skipped")
            state.report.problem(item.label, f"comment {comment.wp_id} appears twice.")
        else:
            by_id[comment.wp_id] = comment
    saved = {}
    for wp_id in parents_first(by_id, lambda c: c.parent):
        comment = by_id[wp_id]
        parent = saved.get(comment.parent) if comment.parent else None
        if comment.parent and parent is None:
            state.report.problem(
                f"{item.label}, comment {wp_id}",
                f"its parent comment {comment.parent} is "
                "not in the export; it is kept as a top-level comment.",
            )
        saved[wp_id] = _import_comment(state, comment, parent, existing.get(wp_id), target)
        state.highest_comment_id = max(state.highest_comment_id, wp_id)
    new = [comment for comment in saved.values() if comment.pk is None]
    for depth in sorted({comment.depth for comment in new}):
        # Parents first: each level's rows have their ids before their replies point at them.
        Comment.objects.bulk_create([c for c in new if c.depth == depth], batch_size=500)
    if post is not None:
        state.commented_posts.add(post.pk)


def _import_comment(state, comment, parent, instance, target):
    submitted_at, _ = state.moment(comment.date, comment.date_gmt)
    status = COMMENT_STATUSES.get(comment.approved, Comment.Status.PENDING)
    body = content.comment_text(comment.content) or "(empty comment)"
    wanted = {
        "parent": parent,
        "kind": COMMENT_KINDS.get(comment.type, Comment.Kind.COMMENT),
        "user": state.users_by_wp_id.get(comment.user_id) if comment.user_id else None,
        "name": clean_text(comment.author)[:100],
        "email": comment.email.strip()[:254] if _valid_email(comment.email) else "",
        "url": comment.url.strip()[:300] if comment.url.strip().startswith("http") else "",
        "body": body,
        "status": status,
        "ip_address": _valid_ip(comment.ip),
        "submitted_at": submitted_at,
    }
    if instance is None:
        instance = Comment(legacy_id=comment.wp_id, status_reason=STATUS_REASON, **target, **wanted)
        instance.prepare()
        state.report.count("comment", "imported")  # saved with its level, in bulk
        return instance
    outcome = update(instance, wanted, save=False)
    if outcome == "updated":
        instance.save()
    state.report.count("comment", outcome)
    return instance


def _valid_email(value):
    from django.core.validators import validate_email

    try:
        validate_email((value or "").strip())
    except ValidationError:
        return False
    return True


def _valid_ip(value):
    from django.core.validators import validate_ipv46_address

    try:
        validate_ipv46_address((value or "").strip())
    except ValidationError:
        return None
    return value.strip()


def finish(state):
    """The counts of the posts that got comments, and anchors beyond every imported id."""
    if state.commented_posts:
        refresh_comment_counts(state.commented_posts)
    if state.highest_comment_id:
        comment_services.reserve_anchor_ids(state.highest_comment_id)
