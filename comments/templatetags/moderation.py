"""The moderation summary on the admin index, for those who moderate."""

from django import template
from django.db.models import Count, Exists, OuterRef, Q

from ..models import Comment, Report

register = template.Library()


@register.inclusion_tag("admin/comments/moderation_summary.html", takes_context=True)
def moderation_summary(context):
    """How many comments wait for a moderator and how many are reported, in one query."""
    request = context.get("request")
    if request is None or not request.user.has_perm("comments.moderate_comment"):
        return {"show": False}
    open_reports = Report.objects.filter(comment=OuterRef("pk"), resolved=False)
    counts = Comment.objects.aggregate(
        pending=Count("pk", filter=Q(status=Comment.Status.PENDING)),
        reported=Count("pk", filter=Q(Exists(open_reports))),
    )
    return {"show": True, **counts}
