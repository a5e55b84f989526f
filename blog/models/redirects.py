"""Old addresses: each leads to where what lived there lives now."""

import functools
import operator

from django.db import models
from django.db.models import Q
from django.utils import timezone
from taggit.models import Tag

from .categories import Category
from .posts import Post, PostImage
from .site import Page

# What a redirect may lead to, by field: exactly one of them.
REDIRECT_TARGETS = {
    "post": Post,
    "page": Page,
    "category": Category,
    "image": PostImage,
    "tag": Tag,
}


def _exactly_one_of(fields):
    """A condition: exactly one of the nullable `fields` is set."""
    cases = (Q(**{f"{other}__isnull": other != field for other in fields}) for field in fields)
    return functools.reduce(operator.or_, cases)


class RedirectQuerySet(models.QuerySet):
    def point(self, old_path, target, source):
        """Let `old_path` lead to `target` from now on (a row that already does is left as it
        is); False when the path is too long to keep."""
        if len(old_path) > Redirect.PATH_LENGTH:
            return False
        fields = Redirect.leading_to(target)
        row = self.filter(old_path=old_path).values(*fields).first()
        if row is None:
            self.create(old_path=old_path, source=source, **fields)
        elif row != fields:
            self.filter(old_path=old_path).update(source=source, **fields)
        return True

    def destinations(self):
        """{old path: `Redirect.leading_to()` its target} of these rows."""
        fields = [f"{name}_id" for name in REDIRECT_TARGETS]
        return {row.pop("old_path"): row for row in self.values("old_path", *fields).iterator()}


class Redirect(models.Model):
    """An address something had before, which leads to where it lives now (blog.redirects).

    A post's address before its slug or date changed, and each item's address on the
    WordPress site it was imported from. The row names the thing, not its new address, so
    it answers with the current one however often the thing moved since: always one hop.
    """

    class Source(models.TextChoices):
        RENAMED = "renamed", "Slug or date changed"
        IMPORTED = "imported", "WordPress import"

    # Any post's address (its slug has up to 200 characters) and WordPress's; even at four
    # bytes a character, one PostgreSQL index entry holds it.
    PATH_LENGTH = 500

    old_path = models.CharField(
        "old address",
        max_length=PATH_LENGTH,
        unique=True,
        help_text="Decoded, as Django reads a request's path: /2024/05/01/café/.",
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="redirects"
    )
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="redirects"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="redirects"
    )
    image = models.ForeignKey(
        PostImage, null=True, blank=True, on_delete=models.CASCADE, related_name="redirects"
    )
    tag = models.ForeignKey(
        Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="redirects"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = RedirectQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_of(REDIRECT_TARGETS), name="redirect_has_one_target"
            ),
        ]

    def __str__(self):
        return f"{self.old_path} → {self.target}"

    @property
    def target(self):
        return self.post or self.page or self.category or self.image or self.tag

    @staticmethod
    def leading_to(target):
        """The target fields of a row leading to `target`: {"post_id": 12, "page_id": None, …}."""
        return {
            f"{name}_id": target.pk if isinstance(target, model) else None
            for name, model in REDIRECT_TARGETS.items()
        }
