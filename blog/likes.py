"""Readers liking posts: the like itself, the stored count, and what the post page shows.

Only these write PostLike rows and `Post.like_count`.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models import Case, Count, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, pre_delete

from core import generation

from .models import Post, PostLike

# Likers the post page shows by avatar; the count covers the rest.
SHOWN_LIKERS = 5


def like(post, user):
    """`user` likes `post`; liking it again changes nothing. Returns the post's like count."""
    with transaction.atomic():
        Post.objects.lock([post.pk])
        # get_or_create, not create: a double click's second request finds the first's row.
        _, changed = PostLike.objects.get_or_create(post=post, user=user)
        return _settle(post, changed)


def unlike(post, user):
    """`user` no longer likes `post` (if they did). Returns the post's like count."""
    with transaction.atomic():
        Post.objects.lock([post.pk])
        deleted, _ = PostLike.objects.filter(post=post, user=user).delete()
        return _settle(post, bool(deleted))


def _settle(post, changed):
    if changed:
        refresh_counts([post.pk])
    post.like_count = Post.objects.values_list("like_count", flat=True).get(pk=post.pk)
    return post.like_count


def refresh_counts(post_ids):
    """Store each post's number of likes, for the pages that show it, counted under the
    posts' lock so that readers liking at the same instant are all counted."""
    with transaction.atomic():
        post_ids = Post.objects.lock(post_ids)
        Post.objects.filter(pk__in=post_ids).update(like_count=true_like_count())


def connect_receivers():
    """Deleting an account takes its likes with it (CASCADE); the posts' counts follow."""
    pre_delete.connect(_remember_liked_posts, sender=settings.AUTH_USER_MODEL)
    post_delete.connect(_recount_liked_posts, sender=settings.AUTH_USER_MODEL)


def _remember_liked_posts(sender, instance, **kwargs):
    instance._liked_post_ids = list(
        PostLike.objects.filter(user=instance).values_list("post_id", flat=True)
    )


def _recount_liked_posts(sender, instance, **kwargs):
    if post_ids := getattr(instance, "_liked_post_ids", None):
        refresh_counts(post_ids)


def true_like_count():
    """An expression for a post's number of likes, counted from the likes themselves."""
    likes = PostLike.objects.filter(post=OuterRef("pk")).values("post").annotate(n=Count("pk"))
    return Coalesce(Subquery(likes.values("n")), 0)


def summary(count):
    """The words that go with a like count: "1 reader likes this", "12 readers like this"."""
    if not count:
        return "No likes yet"
    return f"{count} reader likes this" if count == 1 else f"{count} readers like this"


def login_url(post):
    """Where a guest signs in to like `post`, coming back to the post's likes."""
    return redirect_to_login(f"{post.get_absolute_url()}#likes").url


@dataclass(frozen=True)
class Liker:
    name: str
    initials: str
    avatar_url: str


@dataclass(frozen=True)
class Likes:
    count: int
    liked: bool  # by the viewer
    likers: list

    @property
    def summary(self):
        return summary(self.count)


def for_page(post, viewer):
    """What the likes block shows `viewer`, in one query: the latest likers, with the
    viewer's own like first when there is one, so the same rows say whether they like it.
    What a guest sees is the same for every guest, and kept until the content changes."""
    if not viewer.is_authenticated:
        return generation.kept(("likes", post.pk), lambda: _likes(post, viewer), 600)
    return _likes(post, viewer)


def _likes(post, viewer):
    rows = PostLike.objects.filter(post=post).select_related("user")
    if viewer.is_authenticated:
        rows = rows.order_by(
            Case(When(user=viewer.pk, then=Value(0)), default=Value(1)), "-created_at", "-pk"
        )
    else:
        rows = rows.order_by("-created_at", "-pk")
    users = [row.user for row in rows[:SHOWN_LIKERS]]
    return Likes(
        count=post.like_count,
        liked=bool(users) and viewer.is_authenticated and users[0].pk == viewer.pk,
        likers=[_liker(user) for user in users],
    )


def _liker(user):
    name = user.get_display_name()
    # The profiles work adds `avatar_url`; until a user has one, initials stand in.
    avatar_url = getattr(user, "avatar_url", "") or ""
    return Liker(name=name, initials=initials(name), avatar_url=avatar_url)


def initials(name):
    """The first letters of the first and last words: "Ann B. Author" → "AA", "reader" → "R"."""
    words = [word for word in re.split(r"[\W_]+", name) if word]
    chosen = words[:1] + words[1:][-1:]
    return "".join(word[0] for word in chosen).upper() or "?"
