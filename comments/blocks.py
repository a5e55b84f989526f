"""The footer's "recent comments" block; the comments app owns it (blog must not import us)."""

from .models import Comment

RECENT_COMMENTS = 5


def recent_comments(limit=RECENT_COMMENTS):
    """The newest approved comments on published posts and pages, in one query."""
    rows = (
        Comment.objects.approved()
        .on_public_targets()
        .select_related("user", "post", "page")
        .order_by("-submitted_at", "-pk")[:limit]
    )
    return [
        {
            "author": comment.author_name,
            "url": comment.get_absolute_url(),
            "post_title": comment.target.title,
            "post_url": comment.target.get_absolute_url(),
            "submitted_at": comment.submitted_at,
        }
        for comment in rows
    ]
