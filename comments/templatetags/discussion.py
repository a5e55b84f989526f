from django import template
from django.conf import settings

from core import generation, pagecache

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


TEMPLATE = "comments/discussion.html"
# Long enough to spare the work under load, short enough for the form's signed timestamp.
SHARED_SECONDS = 600


@register.simple_tag(takes_context=True)
def discussion(context, target):
    """The comments on a post or page, and a post's reply form, for the viewer in `context`.

    What an anonymous reader with nothing personal sees is the same for everyone: its
    HTML is kept for each comment page until the content generation moves on, so a
    post made afresh does not render its hundreds of comments again.
    """
    request = context["request"]
    shared = (
        not request.user.is_authenticated
        and not pagecache.is_personal(request)
        and "comment_form" not in context
        and "replytocom" not in request.GET
    )
    if not shared:
        return _render(context, target)
    return generation.kept(
        ("discussion", target_field(target), target.pk, _page(request)),
        lambda: _render(context, target),
        SHARED_SECONDS,
    )


def _render(context, target):
    """What an inclusion tag does: the template in a new context that keeps the CSRF token."""
    new_context = context.new(_discussion(context, target))
    csrf_token = context.get("csrf_token")  # lazy: only a form that shows it makes a cookie
    if csrf_token is not None:
        new_context["csrf_token"] = csrf_token
    return context.template.engine.get_template(TEMPLATE).render(new_context)


def _discussion(context, target):
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
        if reply_id.isdecimal():
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
