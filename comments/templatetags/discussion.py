from django import template
from django.conf import settings

from .. import thread
from ..forms import CommentForm
from ..models import Comment
from ..views import own_pending_ids, remembered_author

register = template.Library()


def _page(request):
    try:
        return int(request.GET.get("cpage", 1))
    except ValueError:
        return 1


@register.inclusion_tag("comments/discussion.html", takes_context=True)
def discussion(context, post):
    """A post's comments and the reply form, for the viewer in `context`."""
    request = context["request"]
    discussion = thread.build(post, own_pending_ids(request), _page(request))
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
        "request": request,
        "user": request.user,
        "post": post,
        "thread": discussion,
        "form": form,
        "replying_to": replying_to,
        "open": post.accepts_comments,
        "edit_minutes": settings.COMMENTS_EDIT_MINUTES,
    }


@register.filter
def editable_by(comment, user):
    """Whether `user` may still edit `comment` (their own, within the edit window)."""
    return comment.can_be_edited_by(user)
