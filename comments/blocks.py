"""The footer's "recent comments" block; the comments app owns it (blog must not import us)."""

from blog import blocks
from blog.models import Post

from .models import Comment

RECENT_COMMENTS = 5


def recent_comments(limit=RECENT_COMMENTS):
    """The newest approved comments on published posts, in one query."""
    rows = (
        Comment.objects.approved()
        .filter(post__in=Post.objects.published())
        .select_related("user", "post")
        .order_by("-submitted_at", "-pk")[:limit]
    )
    return [
        {
            "author": comment.author_name,
            "url": comment.get_absolute_url(),
            "post_title": comment.post.title,
            "post_url": comment.post.get_absolute_url(),
            "submitted_at": comment.submitted_at,
        }
        for comment in rows
    ]


def recent():
    return blocks.cached("recent-comments", recent_comments)
