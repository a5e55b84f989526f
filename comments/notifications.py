"""E-mail about comments, sent as background tasks once the change is committed.

`services` calls these from `transaction.on_commit`, so they only queue mail (with
`core.tasks.send_email`) for changes that were saved. Links in the mail carry signed
tokens; `mail_views` reads them back with the `read_*_token` functions below.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from blog.models import SiteSettings
from core.tasks import send_email

from .models import Comment, Subscription

MODERATE_PERMISSION = "comments.moderate_comment"
# The word a moderation link carries, and the status it sets.
ACTIONS = {"approve": Comment.Status.APPROVED, "spam": Comment.Status.SPAM}
MODERATE_LINK_MAX_AGE = timedelta(days=7)
CONFIRM_LINK_MAX_AGE = timedelta(days=7)
# At most one confirmation e-mail per address in this time, so the comment form
# cannot be used to send mail to strangers.
CONFIRMATION_INTERVAL = timedelta(days=1)

_MODERATE_SALT = "comments.notifications.moderate"
_CONFIRM_SALT = "comments.notifications.confirm-follow"
_UNSUBSCRIBE_SALT = "comments.notifications.unsubscribe"


def comment_submitted(comment, follow=False):
    """A new comment was saved: moderators hear of it when it waits for them; with
    `follow`, the commenter's follow-up subscription starts (guests confirm it first)."""
    if comment.status == Comment.Status.PENDING:
        _tell_moderators(comment)
    elif comment.status == Comment.Status.APPROVED:
        comment_approved(comment)
    if follow:
        start_following(comment)


def start_following(comment):
    """The commenter asked for e-mail about follow-up comments on the post."""
    # Spam never subscribes anyone, so spammers cannot make the site mail strangers.
    if comment.status != Comment.Status.SPAM:
        _start_subscription(comment)


def comment_approved(comment):
    """A comment became public: the post's author and subscribers to the thread hear of it."""
    # A page (its comments imported, its discussion closed) has neither author nor subscribers.
    if not comment.post_id or not _first_approval(comment):
        return
    told = _tell_post_author(comment)
    _tell_subscribers(comment, already_told=told)


# Signed links ----------------------------------------------------------------------


def moderation_token(comment, action, moderator):
    return signing.dumps({"c": comment.pk, "a": action, "u": moderator.pk}, salt=_MODERATE_SALT)


def read_moderation_token(token):
    """(comment id, action, moderator id); raises signing.BadSignature (or its
    subclass SignatureExpired) for a tampered or expired token."""
    data = signing.loads(token, salt=_MODERATE_SALT, max_age=MODERATE_LINK_MAX_AGE)
    try:
        comment_id, action, user_id = int(data["c"]), data["a"], int(data["u"])
    except (KeyError, TypeError, ValueError) as error:
        raise signing.BadSignature("Malformed token.") from error
    if action not in ACTIONS:
        raise signing.BadSignature("Unknown action.")
    return comment_id, action, user_id


def confirm_token(subscription):
    return signing.dumps({"s": subscription.pk}, salt=_CONFIRM_SALT)


def read_confirm_token(token):
    return _subscription_id(signing.loads(token, salt=_CONFIRM_SALT, max_age=CONFIRM_LINK_MAX_AGE))


def unsubscribe_token(subscription):
    return signing.dumps({"s": subscription.pk}, salt=_UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token):
    # No expiry: an unsubscribe link in an old message must keep working.
    return _subscription_id(signing.loads(token, salt=_UNSUBSCRIBE_SALT))


def _subscription_id(data):
    try:
        return int(data["s"])
    except (KeyError, TypeError, ValueError) as error:
        raise signing.BadSignature("Malformed token.") from error


def absolute_url(path):
    """The site's public address (the SITE_URL setting) followed by `path`."""
    return settings.SITE_URL + path


def moderation_queue_url():
    try:
        path = reverse("admin:comments_comment_changelist")
    except NoReverseMatch:  # the comment admin is not registered
        return absolute_url(reverse("admin:index"))
    return absolute_url(f"{path}?status__exact={Comment.Status.PENDING}")


# Who hears of what -----------------------------------------------------------------


def _tell_moderators(comment):
    moderators = (
        get_user_model()
        ._default_manager.with_perm(
            MODERATE_PERMISSION,
            is_active=True,
            include_superusers=True,
            # Two backends sign people in (username, allauth); permissions are Django's own.
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .exclude(email="")
        .order_by("pk")
    )
    context = {
        "comment": comment,
        "target": comment.target,
        "author_email": _author_email(comment),
        "queue_url": moderation_queue_url(),
        "link_days": MODERATE_LINK_MAX_AGE.days,
        "site_title": _site_title(),
    }
    subject = f"New comment awaiting moderation on “{comment.target.title}”"
    for moderator in moderators:
        links = {
            f"{action}_url": absolute_url(
                reverse("comments:moderate", args=[moderation_token(comment, action, moderator)])
            )
            for action in ACTIONS
        }
        _send(subject, "moderation", {**context, **links, "moderator": moderator}, moderator.email)


def _tell_post_author(comment):
    """Mail the post's author unless they wrote the comment; the addresses told."""
    author = comment.post.author
    if not (author.is_active and author.email) or comment.user_id == author.pk:
        return set()
    context = {
        "comment": comment,
        "post": comment.post,
        "author_email": _author_email(comment),
        "comment_url": absolute_url(comment.get_absolute_url()),
        "site_title": _site_title(),
    }
    _send(f"New comment on “{comment.post.title}”", "post_author", context, author.email)
    return {author.email.lower()}


def _tell_subscribers(comment, already_told=()):
    post = comment.post
    if not post.is_public:
        return
    subscriptions = Subscription.objects.filter(post=post, confirmed=True).order_by("pk")
    own_email = _author_email(comment)
    if own_email:
        subscriptions = subscriptions.exclude(email__iexact=own_email)
    if comment.user_id:
        subscriptions = subscriptions.exclude(user_id=comment.user_id)
    context = {
        "comment": comment,
        "post": post,
        "comment_url": absolute_url(comment.get_absolute_url()),
        "site_title": _site_title(),
    }
    for subscription in subscriptions:
        if subscription.email.lower() in already_told:
            continue
        unsubscribe_url = absolute_url(
            reverse("comments:unsubscribe", args=[unsubscribe_token(subscription)])
        )
        _send(
            f"New comment on “{post.title}”",
            "follow_up",
            {**context, "unsubscribe_url": unsubscribe_url},
            subscription.email,
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                # RFC 8058: mail programs may unsubscribe with one POST to that address.
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )


def _start_subscription(comment):
    """Signed-in commenters follow at once; guests get one confirmation e-mail a day."""
    if comment.user_id:
        email = comment.user.email
        if not email:
            return
        subscription, _ = Subscription.objects.get_or_create(
            post=comment.post, email__iexact=email, defaults={"email": email}
        )
        if not subscription.confirmed or subscription.user_id != comment.user_id:
            subscription.confirmed, subscription.user = True, comment.user
            subscription.save(update_fields=["confirmed", "user"])
        return

    email = comment.email
    if not email:
        return
    subscription, _ = Subscription.objects.get_or_create(
        post=comment.post, email__iexact=email, defaults={"email": email}
    )
    if subscription.confirmed or _confirmation_sent_lately(email):
        return
    subscription.confirmation_sent_at = timezone.now()
    subscription.save(update_fields=["confirmation_sent_at"])
    context = {
        "post": comment.post,
        "confirm_url": absolute_url(
            reverse("comments:confirm_follow", args=[confirm_token(subscription)])
        ),
        "link_days": CONFIRM_LINK_MAX_AGE.days,
        "site_title": _site_title(),
    }
    _send(
        f"Confirm e-mail about new comments on “{comment.post.title}”",
        "follow_confirm",
        context,
        subscription.email,
    )


def _confirmation_sent_lately(email):
    since = timezone.now() - CONFIRMATION_INTERVAL
    return Subscription.objects.filter(email__iexact=email, confirmation_sent_at__gt=since).exists()


# Helpers ---------------------------------------------------------------------------


def _first_approval(comment):
    """Whether this is the comment's first time public: a comment held after reports
    and approved again has been announced already."""
    return comment.events.filter(to_status=Comment.Status.APPROVED).count() <= 1


def _author_email(comment):
    if comment.email:
        return comment.email
    return comment.user.email if comment.user_id else ""


def _site_title():
    return SiteSettings.load().title


def _one_line(text):
    """Header-safe text: user-supplied titles must not add lines (headers) to a message."""
    return " ".join(str(text).split())


def _send(subject, template, context, to, headers=None):
    body = render_to_string(f"comments/email/{template}.txt", context)
    send_email.enqueue(_one_line(subject), body, [to], headers=headers)
