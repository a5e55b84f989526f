from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone

from blog.models import Page, Post
from core import changes

from .text import render_comment


class CommentQuerySet(changes.PublicQuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def on_public_targets(self):
        """Those on published posts and pages, where the public can read them. Tested on
        the joined post or page, row by row: not against the set of every published post,
        which a large archive makes costly to gather for the few comments a feed shows."""
        return self.filter(
            Q(post__status=Post.Status.PUBLISHED, post__published_at__lte=timezone.now())
            | Q(page__status=Page.Status.PUBLISHED)
        )

    def on(self, target):
        """The comments on `target`, a post or a page."""
        return self.filter(**{target_field(target): target})

    def thread_of(self, target):
        """The discussion of a post or page in display order, in one indexed query."""
        return (
            self.on(target)
            .exclude(status=Comment.Status.SPAM)
            .select_related("user")
            .order_by("path", "pk")
        )


# What a comment can be on: the model's label, and the Comment field that points at it.
TARGET_FIELDS = {"blog.post": "post", "blog.page": "page"}


def target_field(target):
    """The Comment field that points at `target`: "post" or "page"."""
    try:
        return TARGET_FIELDS[target._meta.label_lower]
    except (AttributeError, KeyError) as error:
        raise TypeError(f"Comments are on posts or pages, not on {target!r}.") from error


def _path_segment(moment):
    """A fixed-width, sortable piece of the thread path: microseconds since 1970 in base 36.

    A moment before 1970 (in an imported archive) wraps round to the top of the range: such
    comments keep their order among themselves and their threads stay whole, after their
    siblings from 1970 on."""
    micros = int(moment.timestamp() * 1_000_000) % 36**12
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while micros:
        micros, rest = divmod(micros, 36)
        out = digits[rest] + out
    return out.rjust(12, "0")


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        REMOVED = "removed", "Removed"

    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        PINGBACK = "pingback", "Pingback"
        TRACKBACK = "trackback", "Trackback"

    # A comment is on a post or (imported from WordPress) on a page: exactly one of the two.
    post = models.ForeignKey(
        "blog.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    page = models.ForeignKey(
        "blog.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    # Its id on the site it was imported from; its anchor keeps it, so old links still work.
    legacy_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    # The true parent, however deep. A comment with replies cannot be deleted on its own
    # (remove it instead, leaving a placeholder); deleting the post takes the whole thread.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # Sortable path of the thread: ordering by it lists a discussion in display order.
    path = models.CharField(max_length=1000, editable=False, db_index=False)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COMMENT)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    url = models.URLField("website", max_length=300, blank=True)

    body = models.TextField()
    body_html = models.TextField(editable=False)

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    status_reason = models.CharField(
        "why", max_length=200, blank=True, help_text="What decided the status."
    )
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["path", "pk"]
        indexes = [
            models.Index(fields=["post", "path"], name="comment_thread"),
            models.Index(fields=["page", "path"], name="comment_page_thread"),
            models.Index(fields=["status", "-submitted_at", "-id"], name="comment_queue"),
            models.Index(fields=["ip_address", "submitted_at"], name="comment_ip_recent"),
            models.Index(fields=["email", "status"], name="comment_email_status"),
            # Has this guest (any capitalisation of the address) been approved before?
            models.Index(Lower("email"), "status", name="comment_email_key"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, page__isnull=True)
                | Q(post__isnull=True, page__isnull=False),
                name="comment_on_post_or_page",
            ),
            # The importer finds the comments it brought in earlier by these.
            models.UniqueConstraint(
                fields=["post", "legacy_id"],
                condition=Q(legacy_id__isnull=False),
                name="comment_post_legacy_id",
            ),
            models.UniqueConstraint(
                fields=["page", "legacy_id"],
                condition=Q(legacy_id__isnull=False),
                name="comment_page_legacy_id",
            ),
        ]
        permissions = [("moderate_comment", "Can moderate comments")]

    def __str__(self):
        return f"{self.author_name} on “{self.target}”"

    @staticmethod
    def place(parent, submitted_at):
        """(depth, path) in its thread of a comment submitted at `submitted_at` in reply to
        `parent`, or at the top level for None; only the parent's depth and path are read.
        Ordering by path lists a thread in display order: replies under their parent,
        siblings by time."""
        segment = _path_segment(submitted_at)
        if parent is None:
            return 0, segment
        return parent.depth + 1, f"{parent.path}/{segment}"

    def prepare(self):
        """Make what save() derives from the fields given: a new comment's place in its
        thread, from its parent and submission time, and the HTML of its body. Writers
        that bulk_create comments call it, so that their rows are those save() writes."""
        if not self.path:  # a comment keeps its place: its replies' paths start with it
            self.depth, self.path = self.place(self.parent, self.submitted_at)
        self.body_html = render_comment(self.body)

    def save(self, *args, **kwargs):
        self.prepare()
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        with transaction.atomic():  # the comment and its post's count, together or not at all
            super().save(*args, **kwargs)
            # A comment awaiting approval, the common case when guests post, changes no
            # public page: no recount for it (nor, see comments.apps, a new generation).
            if self.shows_publicly():
                self._recount()
        self._status_when_loaded = self.status

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            deleted = super().delete(*args, **kwargs)
            if self._status_when_loaded == self.Status.APPROVED:
                self._recount()
        return deleted

    def shows_publicly(self):
        """Public pages show it now, or showed it until this change."""
        return self.is_public or self._status_when_loaded == self.Status.APPROVED

    def _recount(self):
        """Whoever saved it (a service, the admin, the shell), its post's count is stored
        again, in the same transaction."""
        if self.post_id:  # only posts keep a count; pages show none
            refresh_comment_counts([self.post_id])

    @classmethod
    def from_db(cls, db, field_names, values):
        comment = super().from_db(db, field_names, values)
        comment._status_when_loaded = comment.__dict__.get("status")
        return comment

    _status_when_loaded = None

    def get_absolute_url(self):
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @property
    def anchor(self):
        """The HTML id in its discussion; an imported comment's is its old one."""
        return f"comment-{self.pk if self.legacy_id is None else self.legacy_id}"

    @property
    def target(self):
        """The post or the page the comment is on."""
        return self.post if self.post_id else self.page

    @property
    def target_is_public(self):
        if self.post_id:
            return self.post.is_public
        return self.page_id is not None and self.page.status == Page.Status.PUBLISHED

    @property
    def author_name(self):
        if self.user_id and not self.name:
            return self.user.get_display_name()
        return self.name or "Anonymous"

    @property
    def author_url(self):
        if self.url:
            return self.url
        if self.user_id:
            return self.user.website or self.user.get_absolute_url()
        return ""

    @property
    def is_public(self):
        return self.status == self.Status.APPROVED

    def can_be_edited_by(self, user, now=None):
        if not (user.is_authenticated and self.user_id == user.pk):
            return False
        if self.status == self.Status.REMOVED:
            return False
        window = timezone.timedelta(minutes=settings.COMMENTS_EDIT_MINUTES)
        return (now or timezone.now()) - self.submitted_at <= window


def refresh_comment_counts(post_ids):
    """Store each post's number of approved comments, for listings that show it, counted
    under the posts' lock so that two moderators deciding at once are both counted."""
    with transaction.atomic():
        post_ids = Post.objects.lock(post_ids)  # page comments have no post: None is left out
        Post.objects.filter(pk__in=post_ids).update(comment_count=true_comment_count())


def true_comment_count():
    """An expression for a post's number of approved comments, counted from the comments."""
    approved = (
        Comment.objects.filter(post=OuterRef("pk"), status=Comment.Status.APPROVED)
        .values("post")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(approved), 0)


class ModerationRule(models.Model):
    """A word, IP address or e-mail address on the disallowed or the moderation list."""

    class List(models.TextChoices):
        DISALLOWED = "disallowed", "Disallowed (spam)"
        MODERATION = "moderation", "Hold for moderation"

    class Kind(models.TextChoices):
        WORD = "word", "Word or phrase"
        IP = "ip", "IP address"
        EMAIL = "email", "E-mail address"

    list = models.CharField(max_length=10, choices=List.choices)
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.WORD)
    value = models.CharField(max_length=200)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["list", "kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["list", "kind", "value"], name="moderation_rule_unique")
        ]

    def __str__(self):
        return f"{self.get_list_display()}: {self.value}"

    def save(self, *args, **kwargs):
        self.value = self.value.strip()
        if self.kind != self.Kind.WORD:
            self.value = self.value.lower()
        super().save(*args, **kwargs)


class Report(models.Model):
    """A reader's report that a comment breaks the rules."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"],
                condition=Q(user__isnull=False),
                name="one_report_per_user",
            )
        ]

    def __str__(self):
        return f"Report on comment {self.comment_id}"


class ModerationEvent(models.Model):
    """Who changed a comment's status, when, and from what to what."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.action} by {self.actor or 'the system'} at {self.at:%Y-%m-%d %H:%M}"


class Subscription(models.Model):
    """A follow-up subscription to a post's discussion; guests confirm it by e-mail first."""

    post = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="subscriptions")
    email = models.EmailField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "email"], name="subscription_unique")
        ]

    def __str__(self):
        return f"{self.email} follows “{self.post}”"
