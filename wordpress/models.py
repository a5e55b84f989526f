from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone


class ImportedItem(models.Model):
    """Something that came from a WordPress site, by its WordPress key.

    A second import finds what the first one made through these rows, and WordPress's
    `/?p=12` and `/wp-content/uploads/…` addresses lead there (wordpress.redirects); its
    other old addresses are rows of blog's redirect table. Comments keep their WordPress id
    on the comment itself (`Comment.legacy_id`).
    """

    class Kind(models.TextChoices):
        AUTHOR = "author", "Author"
        CATEGORY = "category", "Category"
        TAG = "tag", "Tag"
        POST = "post", "Post"
        PAGE = "page", "Page"
        ATTACHMENT = "attachment", "Attachment"
        # An uploaded file's own address (/wp-content/uploads/…), which links point at.
        FILE = "file", "Uploaded file"
        # An image as one post shows it, with words of its own (a caption per use).
        FIGURE = "figure", "Figure"

    site = models.CharField(max_length=200, help_text="The WordPress site's address.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The post or attachment ID, the term's slug, the author's login, the file's upload path.
    key = models.CharField(max_length=300)
    guid = models.CharField(max_length=500, blank=True)

    post = models.ForeignKey("blog.Post", null=True, blank=True, on_delete=models.CASCADE)
    page = models.ForeignKey("blog.Page", null=True, blank=True, on_delete=models.CASCADE)
    image = models.ForeignKey("blog.PostImage", null=True, blank=True, on_delete=models.CASCADE)
    category = models.ForeignKey("blog.Category", null=True, blank=True, on_delete=models.CASCADE)
    tag = models.ForeignKey("taggit.Tag", null=True, blank=True, on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "key"], name="imported_item_unique"),
        ]
        indexes = [models.Index(fields=["kind", "key"], name="imported_item_lookup")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key} from {self.site}"

    @property
    def target(self):
        return self.post or self.page or self.image or self.category or self.tag or self.user


def _import_storage():
    return storages["imports"]


class ImportRun(models.Model):
    """An export uploaded in the admin and imported by the task worker."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    export = models.FileField(
        "WordPress export (.xml)", upload_to="exports/", storage=_import_storage, max_length=300
    )
    original_name = models.CharField(max_length=300, blank=True, editable=False)
    media_dir = models.CharField(
        "media folder on the server",
        max_length=500,
        blank=True,
        help_text="The wp-content/uploads folder (or a WordPress.com media export), "
        "already copied to this server. Nothing is downloaded.",
    )
    dry_run = models.BooleanField(
        "dry run", default=False, help_text="Report what would happen and change nothing."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, editable=False)
    finished_at = models.DateTimeField(null=True, editable=False)
    report = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "WordPress import"

    def __str__(self):
        return f"{self.original_name or self.export.name} ({self.get_state_display()})"
