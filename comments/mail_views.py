"""The pages behind links in comment e-mail: moderate, confirm a follow-up, unsubscribe.

Mail scanners open links, so a GET only shows a page with a button and the POST acts.
The signed token in the address is the authority; no one needs to sign in.
"""

from django.contrib.auth import get_user_model
from django.core import signing
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import notifications, services
from .models import Comment, Subscription

EXPIRED = "This link has expired."
INVALID = "This link is not valid: it may have been cut short or changed."

_ACTION_WORDS = {
    # action: (button, what the event log says, what the page says afterwards)
    "approve": ("Approve", "approved by e-mail link", "The comment is approved and public."),
    "spam": ("Mark as spam", "marked spam by e-mail link", "The comment is marked as spam."),
}

only_get_and_post = require_http_methods(["GET", "HEAD", "POST"])


def _page(request, template, context, status=200):
    return render(request, f"comments/{template}.html", context, status=status)


def _read(reader, token):
    """The token's contents, or the message saying why the link cannot be used."""
    try:
        return reader(token), None
    except signing.SignatureExpired:
        return None, EXPIRED
    except signing.BadSignature:
        return None, INVALID


@never_cache
@only_get_and_post
def moderate(request, token):
    data, problem = _read(notifications.read_moderation_token, token)
    context = {"queue_url": notifications.moderation_queue_url()}
    if problem:
        hint = " Moderate the comment in the admin instead." if problem == EXPIRED else ""
        return _page(request, "confirm_action", {**context, "message": problem + hint}, 400)
    comment_id, action, moderator_id = data
    comment = Comment.objects.select_related("post", "page", "user").filter(pk=comment_id).first()
    if comment is None:
        context["message"] = "This comment no longer exists."
        return _page(request, "confirm_action", context, 404)
    moderator = get_user_model()._default_manager.filter(pk=moderator_id).first()
    if not _may_moderate(moderator):
        message = "This link's moderator can no longer moderate comments."
        return _page(request, "confirm_action", {**context, "message": message}, 403)

    status = notifications.ACTIONS[action]
    button, event_action, done = _ACTION_WORDS[action]
    context.update({"comment": comment, "button": button})
    if comment.status == status:
        context["message"] = f"This comment is already {comment.get_status_display().lower()}."
    elif comment.status == Comment.Status.REMOVED:
        context["message"] = "This comment was removed; only the admin can bring it back."
        return _page(request, "confirm_action", context, 409)
    elif request.method == "POST":
        services.moderate(comment, status, actor=moderator, action=event_action)
        context["message"] = done
    else:
        context["can_act"] = True
    return _page(request, "confirm_action", context)


def _may_moderate(user):
    return user is not None and user.is_active and user.has_perm(notifications.MODERATE_PERMISSION)


@never_cache
@only_get_and_post
def confirm_follow(request, token):
    subscription_id, problem = _read(notifications.read_confirm_token, token)
    if problem:
        hint = " Tick the box again the next time you comment." if problem == EXPIRED else ""
        return _page(request, "subscription_confirm", {"message": problem + hint}, 400)
    subscription = Subscription.objects.select_related("post").filter(pk=subscription_id).first()
    if subscription is None:
        message = "This subscription no longer exists."
        return _page(request, "subscription_confirm", {"message": message}, 404)
    context = {"subscription": subscription, "post": subscription.post}
    if subscription.confirmed:
        context["message"] = "You already receive e-mail about new comments on this post."
    elif request.method == "POST":
        subscription.confirmed = True
        subscription.save(update_fields=["confirmed"])
        context["message"] = "Confirmed: you will receive e-mail about new comments on this post."
    else:
        context["can_act"] = True
    return _page(request, "subscription_confirm", context)


# One-click unsubscribing (RFC 8058) means mail programs POST here without a CSRF
# token; the secret, signed token in the address is what protects it.
@csrf_exempt
@never_cache
@only_get_and_post
def unsubscribe(request, token):
    subscription_id, problem = _read(notifications.read_unsubscribe_token, token)
    if problem:
        return _page(request, "subscription_unsubscribe", {"message": problem}, 400)
    subscription = Subscription.objects.select_related("post").filter(pk=subscription_id).first()
    if subscription is None:
        message = "You do not receive e-mail about this post's comments (any more)."
        return _page(request, "subscription_unsubscribe", {"message": message})
    context = {"subscription": subscription, "post": subscription.post}
    if request.method == "POST":
        subscription.delete()
        context["message"] = "Done: you will receive no more e-mail about this post's comments."
    else:
        context["can_act"] = True
    return _page(request, "subscription_unsubscribe", context)
