"""A person's comments and follow-up subscriptions: list, export, erase.

`CommentsData` is the provider `accounts.personal_data` calls for people with an
account; the `guest_*` functions do the same by e-mail address for guests, from the
admin. Either way the discussion stays whole: a kept comment loses only who wrote it,
and a removed one goes through `services.set_status`, so counts and the moderation log
stay right and its replies keep their place under a placeholder.
"""

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q

from blog.models import Post

from . import services
from .models import Comment, ModerationEvent, Report, Subscription
from .notifications import absolute_url

DELETED_USER = "Deleted user"
GUEST = "Guest"
COMMENTS_PER_PAGE = 25
# What each status means to the person who wrote the comment.
STATUS_NOTES = {
    Comment.Status.APPROVED: "public",
    Comment.Status.PENDING: "waiting for a moderator",
    Comment.Status.SPAM: "held as spam, not shown",
    Comment.Status.REMOVED: "removed from the site",
}


# Whose rows ----------------------------------------------------------------------------


def user_comments(user):
    return Comment.objects.filter(user=user)


def user_subscriptions(user):
    """The account's subscriptions, and those made as a guest with its e-mail address
    (signing up verifies that address, so it is theirs)."""
    mine = Q(user=user)
    if user.email:
        mine |= Q(email__iexact=user.email)
    return Subscription.objects.filter(mine)


def guest_comments(email):
    return Comment.objects.filter(user__isnull=True, email__iexact=email)


def guest_subscriptions(email):
    return Subscription.objects.filter(user__isnull=True, email__iexact=email)


# Export --------------------------------------------------------------------------------


def _post(post):
    return {"title": post.title, "url": absolute_url(post.get_absolute_url())}


def export_comments(comments):
    # A comment is on a post or on a page (imported ones can be): the other key is None.
    return [
        {
            "id": comment.pk,
            "post": _post(comment.post) if comment.post_id else None,
            "page": _post(comment.page) if comment.page_id else None,
            "in_reply_to": comment.parent_id,
            "submitted_at": comment.submitted_at,
            "edited_at": comment.edited_at,
            "status": comment.status,
            "text": comment.body,
            "name": comment.name,
            "email": comment.email,
            "website": comment.url,
            "ip_address": comment.ip_address,
            "user_agent": comment.user_agent,
            "url": absolute_url(comment.get_absolute_url()) if comment.is_public else "",
        }
        for comment in comments.select_related("post", "page").order_by("submitted_at", "pk")
    ]


def export_subscriptions(subscriptions):
    return [
        {
            "post": _post(subscription.post),
            "email": subscription.email,
            "confirmed": subscription.confirmed,
            "created_at": subscription.created_at,
        }
        for subscription in subscriptions.select_related("post").order_by("created_at", "pk")
    ]


def export_guest(email):
    return {
        "email": email,
        "comments": export_comments(guest_comments(email)),
        "subscriptions": export_subscriptions(guest_subscriptions(email)),
    }


# Erase ---------------------------------------------------------------------------------


def erase_comments(comments, name, remove_content, actor=None, reason=""):
    """Forget who wrote `comments`: name becomes `name`; e-mail, website, IP address,
    browser and account are cleared. With `remove_content` the comments are also
    removed (logged, counted) and their text deleted. Returns how many were changed."""
    ids = list(comments.values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        if remove_content:
            action = f"removed: {reason}"[:30] if reason else "removed"
            for comment in Comment.objects.filter(pk__in=ids).exclude(
                status=Comment.Status.REMOVED
            ):
                services.set_status(comment, Comment.Status.REMOVED, actor=actor, action=action)
        fields = {
            "user": None,
            "name": name,
            "email": "",
            "url": "",
            "ip_address": None,
            "user_agent": "",
        }
        if remove_content:
            fields.update(body="", body_html="")
        Comment.objects.filter(pk__in=ids).update(**fields)
        note = "text deleted" if remove_content else f"kept as “{name}”"
        ModerationEvent.objects.bulk_create(
            ModerationEvent(
                comment_id=pk,
                actor=actor,
                action="personal data erased",
                note=f"{reason}; {note}" if reason else note,
            )
            for pk in ids
        )
    return len(ids)


def erase_guest(email, remove_content, actor):
    """A moderator erases a guest commenter's data. Returns (comments, subscriptions)."""
    with transaction.atomic():
        comments = erase_comments(
            guest_comments(email), GUEST, remove_content, actor=actor, reason="guest's request"
        )
        subscriptions, _ = guest_subscriptions(email).delete()
    return comments, subscriptions


# The provider for accounts -------------------------------------------------------------


class CommentsData:
    key = "comments"
    label = "Comments"

    def export(self, user):
        return {
            "comments": export_comments(user_comments(user)),
            "subscriptions": export_subscriptions(user_subscriptions(user)),
            "reports": [
                {
                    "comment_id": report.comment_id,
                    "reason": report.reason,
                    "created_at": report.created_at,
                }
                for report in Report.objects.filter(user=user).order_by("created_at", "pk")
            ],  # fmt: skip
        }

    def erase(self, user, remove_content):
        erase_comments(user_comments(user), DELETED_USER, remove_content, reason="account deleted")
        user_subscriptions(user).delete()
        # The reports stay (moderators act on them) without saying who sent them.
        Report.objects.filter(user=user).update(user=None, ip_address=None)

    def activity(self, request):
        user = request.user
        comments = (
            user_comments(user).select_related("post", "page").order_by("-submitted_at", "-pk")
        )
        page = Paginator(comments, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
        for comment in page:
            comment.status_note = STATUS_NOTES.get(comment.status, "")
        threads = self._threads(user)
        return "comments/profile_activity.html", {
            "comments_page": page,
            "threads": threads,
            "following": any(thread["following"] for thread in threads),
            "can_follow": bool(user.email),
        }

    @staticmethod
    def _threads(user):
        """Each post the person follows or has commented on, newest first, and whether
        they get e-mail about it (a guest subscription not yet confirmed is off)."""
        subscriptions = {
            subscription.post_id: subscription
            for subscription in user_subscriptions(user).select_related("post")
        }
        commented = (
            Post.objects.published()
            .filter(comments__user=user)
            .exclude(pk__in=subscriptions)
            .distinct()
        )
        threads = [{"post": s.post, "following": s.confirmed} for s in subscriptions.values()]
        threads += [{"post": post, "following": False} for post in commented]
        threads.sort(key=lambda thread: thread["post"].published_at, reverse=True)
        return threads

    def act(self, request):
        user, data = request.user, request.POST
        action = data.get("action")
        if action == "unfollow_all":
            user_subscriptions(user).delete()
            return "You will get no more e-mail about new comments on any post."
        if action == "unfollow":
            post = self._post(Post.objects.all(), data.get("post"))
            user_subscriptions(user).filter(post=post).delete()
            return f"You will get no more e-mail about new comments on “{post.title}”."
        if action == "follow":
            post = self._post(Post.objects.published(), data.get("post"))
            if not user.email:
                raise ValueError("An account without an e-mail address cannot follow threads.")
            # A signed-in reader's address is verified: follow at once, as when commenting.
            subscription = user_subscriptions(user).filter(post=post).first() or Subscription(
                post=post, email=user.email
            )
            subscription.user, subscription.confirmed = user, True
            subscription.save()
            return f"You will get an e-mail when someone comments on “{post.title}”."
        raise ValueError(f"Unknown action {action!r}.")

    @staticmethod
    def _post(posts, value):
        if not str(value or "").isdecimal():
            raise ValueError("No post given.")
        post = posts.filter(pk=int(value)).first()
        if post is None:
            raise ValueError("No such post.")
        return post
