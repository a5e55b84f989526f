"""The moderation policy: what happens to a new comment, and why.

In order: a match on the disallowed list is spam; too many links or a match on the
moderation list waits for a moderator; staff, the post's author and commenters with
an approved comment already are trusted; everyone else waits for a moderator.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.functions import Lower

from .models import Comment, ModerationRule
from .text import URL


@dataclass(frozen=True)
class Decision:
    status: str
    reason: str


def decide(comment):
    """The status of a new, unsaved `comment` (with post, user or name/email, ip set)."""
    rules = _rules()
    disallowed = _match(comment, [r for r in rules if r.list == ModerationRule.List.DISALLOWED])
    if disallowed:
        return Decision(Comment.Status.SPAM, f"disallowed list: {disallowed}")

    links = len(URL.findall(comment.body))
    if links > settings.COMMENTS_MAX_LINKS:
        return Decision(
            Comment.Status.PENDING, f"{links} links (more than {settings.COMMENTS_MAX_LINKS})"
        )
    held = _match(comment, [r for r in rules if r.list == ModerationRule.List.MODERATION])
    if held:
        return Decision(Comment.Status.PENDING, f"moderation list: {held}")

    user = comment.user
    if user is not None and user.is_staff:
        return Decision(Comment.Status.APPROVED, "staff")
    if user is not None and comment.post.author_id == user.pk:
        return Decision(Comment.Status.APPROVED, "the post's author")
    if _approved_before(comment):
        return Decision(Comment.Status.APPROVED, "previously approved commenter")
    return Decision(Comment.Status.PENDING, "first comment")


RULES_KEY = "comments:moderation-rules"


def _rules():
    """The disallowed and moderation lists. Every new comment reads them and moderators
    seldom change them: they are kept, for a while at most should a change be missed."""
    rules = cache.get(RULES_KEY)
    if rules is None:
        rules = list(ModerationRule.objects.all())
        cache.set(RULES_KEY, rules, 60 * 5)
    return rules


def forget_rules(**kwargs):
    """A rule was added, changed or removed: the next comment reads the lists again (once
    the change is committed, so that nobody keeps the old lists in between)."""
    transaction.on_commit(lambda: cache.delete(RULES_KEY))


def _match(comment, rules):
    """The first rule the comment matches, described, or ''."""
    text = " ".join([comment.body, comment.name, comment.email, comment.url]).lower()
    email = (comment.email or (comment.user.email if comment.user else "")).lower()
    for rule in rules:
        if rule.kind == ModerationRule.Kind.WORD and _has_word(text, rule.value.lower()):
            return f"word “{rule.value}”"
        if rule.kind == ModerationRule.Kind.IP and _ip_matches(comment.ip_address, rule.value):
            return f"IP {rule.value}"
        if rule.kind == ModerationRule.Kind.EMAIL and _email_matches(email, rule.value.lower()):
            return f"e-mail {rule.value}"
    return ""


def _has_word(text, word):
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None


def _ip_matches(address, rule):
    """An exact address, or a prefix ending in "." or "*" such as "203.0.113.*"."""
    if not address:
        return False
    if rule.endswith(("*", ".")):
        return address.startswith(rule.rstrip("*"))
    return address == rule


def _email_matches(email, rule):
    """An exact address, or a whole domain written as "@example.com"."""
    return bool(email) and (email == rule or (rule.startswith("@") and email.endswith(rule)))


def _approved_before(comment):
    approved = Comment.objects.approved()
    if comment.user is not None:
        return approved.filter(user=comment.user).exists()
    if comment.name and comment.email:
        # Lower(email) is indexed (comment_email_key); iexact could not use an index.
        return (
            approved.annotate(email_key=Lower("email"))
            .filter(email_key=comment.email.lower(), user__isnull=True, name__iexact=comment.name)
            .exists()
        )
    return False
