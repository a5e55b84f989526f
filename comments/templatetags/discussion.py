from django import template
from django.conf import settings

from .. import thread
from ..forms import CommentForm
from ..models import Comment, target_field
from ..views import own_pending_ids, remembered_author

register = template.Library()


def _page(request):
    try:
        return int(request.GET.get("cpage", 1))
    except ValueError:
        return 1


@register.inclusion_tag("comments/discussion.html", takes_context=True)
def discussion(context, target):
    """The comments on a post or page, and a post's reply form, for the viewer in `context`.

    Pages show their (imported) comments read-only, and nothing at all when they have none.
    """
    request = context["request"]
    kind = target_field(target)
    discussion = thread.build(target, own_pending_ids(request), _page(request))
    shared = {
        "request": request,
        "user": request.user,
        "target": target,
        "kind": kind,
        "author_id": getattr(target, "author_id", None),
        "thread": discussion,
        "edit_minutes": settings.COMMENTS_EDIT_MINUTES,
    }
    if kind != "post":
        return {**shared, "open": False, "show": bool(discussion.nodes)}
    post = target
    form = context.get("comment_form")
    replying_to = None
    if form is None:
        initial = {}
        reply_id = request.GET.get("replytocom", "")
        if reply_id.isdigit():
            replying_to = (
                Comment.objects.approved()
                .filter(post=post, pk=int(reply_id))
                .select_related("user")
                .first()
            )
            if replying_to is not None:
                initial["parent"] = replying_to.pk
        if not request.user.is_authenticated:
            initial.update(remembered_author(request))
            initial["remember"] = bool(initial.get("email"))
        form = CommentForm(post=post, user=request.user, initial=initial)
    elif getattr(form, "cleaned_data", None):
        replying_to = form.cleaned_data.get("parent")
    return {
        **shared,
        "show": True,
        "post": post,
        "form": form,
        "replying_to": replying_to,
        "open": post.accepts_comments,
    }


@register.filter
def editable_by(comment, user):
    """Whether `user` may still edit `comment` (their own, within the edit window)."""
    return comment.can_be_edited_by(user)
