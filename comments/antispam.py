"""Anti-spam checks that need no third party; each can be switched off by a setting.

The comment form carries no per-visitor token, so a cached page can serve it to
every guest: its timestamp is signed, not stored.
"""

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Comment

SALT = "comments.form-timestamp"


class Rejected(Exception):
    """The comment cannot be accepted; the message says why, in words for the reader."""


class RateLimited(Rejected):
    """Too many comments from one address: answered with 429, the text kept."""


def form_token(post):
    """A signed, timestamped token tying a form to its post."""
    return signing.TimestampSigner(salt=SALT).sign(str(post.pk))


def check_form_token(token, post):
    """The form must be for this post, not too old, and not filled in inhumanly fast."""
    signer = signing.TimestampSigner(salt=SALT)
    max_age = timezone.timedelta(hours=settings.COMMENTS_FORM_MAX_AGE_HOURS)
    try:
        value = signer.unsign(token or "", max_age=max_age)
    except signing.SignatureExpired as error:
        raise Rejected(
            "This form was open for too long. Please send your comment again."
        ) from error
    except signing.BadSignature as error:
        raise Rejected("This form could not be checked. Please send your comment again.") from error
    if value != str(post.pk):
        raise Rejected("This form belongs to another post. Please send your comment again.")
    if settings.COMMENTS_MIN_SECONDS:
        _, encoded_time, _ = token.rsplit(":", 2)
        age = timezone.now().timestamp() - signing.b62_decode(encoded_time)
        if age < settings.COMMENTS_MIN_SECONDS:
            raise Rejected(
                "That was quicker than anyone can type. Please wait a moment and send it again."
            )


def check_honeypot(value):
    if settings.COMMENTS_HONEYPOT and value:
        raise Rejected("Please leave the field marked “leave this empty” empty.")


def check_rate(ip_address):
    """At most N comments per window from one address, counted in the shared database."""
    limit = settings.COMMENTS_RATE_LIMIT
    if not limit or not ip_address:
        return
    count, seconds = (int(part) for part in limit.split("/"))
    since = timezone.now() - timezone.timedelta(seconds=seconds)
    recent = Comment.objects.filter(ip_address=ip_address, submitted_at__gte=since).count()
    if recent >= count:
        raise RateLimited(
            f"You have sent {recent} comments in the last {seconds} seconds. "
            "Please wait a little before sending another."
        )


def check_duplicate(comment):
    if not settings.COMMENTS_DUPLICATE_CHECK:
        return
    same = Comment.objects.filter(post=comment.post, body=comment.body)
    same = same.filter(user=comment.user) if comment.user else same.filter(email=comment.email)
    if same.exists():
        raise Rejected("You have already posted this comment.")


def external_verdict(comment, request):
    """The optional checker's verdict (COMMENTS_SPAM_CHECKER): a reason if spam, else ''."""
    if not settings.COMMENTS_SPAM_CHECKER:
        return ""
    checker = import_string(settings.COMMENTS_SPAM_CHECKER)
    return checker(comment, request) or ""
