"""Posts: the queryset every list asks, the post itself, its images, tags, likes and old
addresses."""

import datetime
import re
from urllib.parse import unquote

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from core import changes, generation
from core.images import make_renditions, validate_image

from ..rendering import image_ids, render_markdown, summary_html
from ..slugs import SlugField
from .categories import Category
from .trees import check_markdown

# The days a post may be published on (its address's date, in the site's time zone): years
# of four digits, as the address has, and a year to spare after the last, for the
# archives' and the admin's steps to the next day, month or year.
PUBLICATION_DAYS = (datetime.date(1000, 1, 1), datetime.date(9998, 12, 31))


def publication_day(moment):
    """The day `moment` falls on in the site's time zone, or None outside PUBLICATION_DAYS."""
    try:
        day = timezone.localdate(moment)
    except OverflowError:  # past the last day Python has, in this zone
        return None
    first, last = PUBLICATION_DAYS
    return day if first <= day <= last else None


class TaggedPost(TaggedItemBase):
    content_object = models.ForeignKey("Post", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_post_unique"),
        ]


class PostQuerySet(changes.PublicQuerySet):
    def published(self):
        """What the public may read: published and no longer scheduled."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        return self.filter(status=Post.Status.PUBLISHED, published_at__gt=timezone.now())

    def unpublished(self):
        """What the public may not read (yet): drafts, private and scheduled posts. Two
        ranges of the status index, not the negation of published(), which reads every
        post: these are few, the published ones many."""
        others = [status for status in Post.Status.values if status != Post.Status.PUBLISHED]
        return self.filter(
            Q(status__in=others) | Q(status=Post.Status.PUBLISHED, published_at__gt=timezone.now())
        )

    def visible_to(self, user):
        """Everything `user` may open: staff see drafts and private posts too."""
        if user.is_active and user.is_staff and user.has_perm("blog.view_post"):
            if user.has_perm("blog.edit_others_posts"):
                return self
            return self.filter(
                Q(pk__in=self.published()) | Q(author=user) | Q(status=Post.Status.PRIVATE)
            )
        return self.published()

    def editable_by(self, user):
        """The posts `user` may change: their own, or everyone's for editors."""
        if not user.has_perm("blog.change_post"):
            return self.none()
        if user.has_perm("blog.edit_others_posts"):
            return self
        return self.filter(author=user)

    def filed_under(self, category):
        """Posts filed in `category` or one of its sub-categories, each once. EXISTS, not a
        join with DISTINCT: the newest of a large category come straight from the
        publication index. The categories' ids are given as such, so that PostgreSQL can
        tell a small category from a large one (and start from its few posts)."""
        ids = generation.kept(
            ("category-tree", category.pk),
            lambda: list(category.with_descendants().values_list("pk", flat=True)),
            60 * 60,
            lists=True,
        )
        filed = Post.categories.through.objects.filter(post=OuterRef("pk"), category__in=ids)
        return self.filter(Exists(filed))

    def for_listing(self):
        """What a list of post summaries shows, in a fixed number of queries."""
        return self.select_related("author", "featured_image").prefetch_related(
            "categories", "tags"
        )

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def lock(self, ids):
        """Hold the rows of posts `ids` until the transaction ends, waiting for whoever holds
        them now; in id order, so two writers never wait for each other. A count computed
        after this sees every change committed before it (PostgreSQL's READ COMMITTED reads
        each statement afresh), so counts stored under the lock cannot drift."""
        ids = sorted({pk for pk in ids if pk is not None})
        if ids:
            list(self.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        return ids

    def without_texts(self):
        """Posts for what needs no body: the texts are the bulk of a row (and TOASTed on
        PostgreSQL, where reading them costs the more)."""
        return self.defer(*Post.TEXTS)


class PostImageQuerySet(changes.PublicQuerySet):
    def editable_by(self, user):
        """The images whose words and file `user` may change: their uploads and the images
        of posts they may edit (every image, for editors)."""
        if user.has_perm("blog.edit_others_posts"):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(uploaded_by=user) | Q(post__in=Post.objects.editable_by(user)))

    def usable_by(self, user):
        """The images `user` may show in a post: those they may edit, those already shown
        on a post they may edit, and those shown on a published post (live, not scheduled).

        The one rule for the preview, a post's text, its featured image and the image
        admin. Found in the table of uses that each post keeps (PostImageUse).
        """
        if user.has_perm("blog.edit_others_posts"):
            return self
        if not user.is_authenticated:
            return self.none()
        posts = Post.objects.editable_by(user)
        shown = PostImageUse.objects.filter(
            Q(post__in=Post.objects.published()) | Q(post__in=posts), image=OuterRef("pk")
        )
        return self.filter(Q(uploaded_by=user) | Q(post__in=posts) | Exists(shown))


def _post_image_path(instance, filename):
    return timezone.now().strftime("images/%Y/%m/") + filename


class PostImage(models.Model):
    """An image with the words that go with it; the body refers to it as image:ID."""

    post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(
        upload_to=_post_image_path,
        width_field="width",
        height_field="height",
        max_length=300,
        validators=[
            FileExtensionValidator(["jpg", "jpeg", "png", "webp", "gif"]),
            validate_image,
        ],
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    alt_text = models.CharField(
        max_length=300,
        help_text="Describe the image for readers who cannot see it.",
    )
    caption = models.CharField(max_length=500, blank=True)
    credit = models.CharField(max_length=300, blank=True, help_text="e.g. “Jane Doe © Reuters”")
    source_url = models.URLField("source link", max_length=500, blank=True)
    description = models.TextField(
        blank=True, help_text="Longer notes about the image; not shown with the figure."
    )
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PostImageQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.alt_text or self.image.name

    @property
    def markdown(self):
        """`![alt](image:ID)`, with the alt text made safe to sit between the brackets."""
        alt = re.sub(r"\s+", " ", self.alt_text).strip()
        alt = re.sub(r"([\\\[\]])", r"\\\1", alt)
        return f"![{alt}](image:{self.pk})"

    def srcset(self):
        entries = [
            f"{settings.MEDIA_URL}{name} {width}w"
            for width, name in sorted(self.renditions.items(), key=lambda item: int(item[0]))
        ]
        if entries and self.width:
            entries.append(f"{self.image.url} {self.width}w")
        return ", ".join(entries)

    def save(self, *args, rerender_posts=True, **kwargs):
        """`rerender_posts=False` is for callers that render the posts themselves (imports)."""
        # A new record made from another one's file brings that one's renditions along.
        file_changed = (self.pk is None and not self.renditions) or (
            self.pk is not None and self._file_changed()
        )
        super().save(*args, **kwargs)
        if file_changed and self.image:
            self.renditions = {str(w): name for w, name in make_renditions(self.image.name).items()}
            super().save(update_fields=["renditions"])
        if rerender_posts:
            # The words of a figure live here, so the posts that show it render again.
            for post in self._posts_showing_it():
                post.save()

    def delete(self, *args, **kwargs):
        showing = list(self._posts_showing_it().values_list("pk", flat=True))
        result = super().delete(*args, **kwargs)
        # Loaded afresh: a post that featured the image no longer does.
        for post in Post.objects.filter(pk__in=showing):
            post.save()
        return result

    def _posts_showing_it(self):
        return Post.objects.filter(Q(pk=self.post_id) | Q(pk__in=self.shown_on.values("pk")))

    def _file_changed(self):
        stored = PostImage.objects.filter(pk=self.pk).values_list("image", flat=True).first()
        return stored != self.image.name


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING = "pending", "Pending review"
        PRIVATE = "private", "Private (staff only)"
        PUBLISHED = "published", "Published"

    # The bulk of a row, which a page that shows no post's text need not read.
    TEXTS = ("body", "body_html", "excerpt", "excerpt_html", "search_document")

    title = models.CharField(max_length=300)
    slug = SlugField(
        max_length=200,
        db_index=True,
        blank=True,
        help_text="Part of the post's address; unique among posts of the same day.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    body = models.TextField(blank=True, help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    excerpt = models.TextField(blank=True, help_text="Shown on listings; Markdown.")
    # The excerpt rendered, or when there is none, the body's opening words.
    excerpt_html = models.TextField(blank=True, editable=False)
    featured_image = models.ForeignKey(
        PostImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    categories = models.ManyToManyField(Category, blank=True, related_name="posts")
    tags = TaggableManager(through=TaggedPost, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publication date",
        default=timezone.now,
        help_text="A future date schedules the post: it stays hidden until then.",
    )
    # The publication date in the site's time zone: the permalink's date.
    publish_date = models.DateField(editable=False)
    sticky = models.BooleanField(default=False, help_text="Keep at the top of the home page.")
    comments_open = models.BooleanField(default=True)
    # The feed id readers' feed readers already know, for a post that came from elsewhere.
    guid = models.CharField("feed id", max_length=500, blank=True, editable=False)
    # Approved comments, kept up to date by the comments app so listings need no count.
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    # Readers who like the post, kept up to date by blog.likes for the same reason.
    like_count = models.PositiveIntegerField(default=0, editable=False)
    # PostgreSQL's weighted search words (blog.search), GIN-indexed there; unused on SQLite.
    search_document = SearchVectorField(null=True, editable=False)
    related = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        verbose_name="of related interest",
        help_text="Picked posts; when empty, posts sharing tags and categories are shown.",
    )
    # The images the body, the excerpt and the featured image show, kept on save.
    shown_images = models.ManyToManyField(
        PostImage, through="PostImageUse", related_name="shown_on", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        permissions = [
            ("edit_others_posts", "Can edit and publish other people's posts"),
            ("publish_post", "Can publish posts"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["publish_date", "slug"], name="post_slug_unique_per_date"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="post_status_published"),
            models.Index(fields=["author", "status", "-published_at"], name="post_author_listing"),
            # The home page's order (sticky posts first), walked newest first: no sort of
            # every published post on each request. Not a partial index: SQLite, whose
            # statistics are sampled (core.db.analyze), may still prefer to sort from the
            # one above, half a second at 100,000 posts.
            models.Index(fields=["status", "-sticky", "-published_at", "-id"], name="post_home"),
            # What the footer counts (posts by day, posts not published), in the index
            # alone: read from the rows, texts and all, 100,000 posts took a second.
            models.Index(fields=["status", "publish_date", "published_at", "id"], name="post_days"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        day = self.local_publish_date()
        return reverse(
            "blog:post",
            kwargs={
                "year": day.year,
                "month": f"{day.month:02d}",
                "day": f"{day.day:02d}",
                "slug": self.slug,
            },
        )

    def local_publish_date(self):
        return timezone.localdate(self.published_at)

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def accepts_comments(self):
        """Open for comments: the flag is on and, if set, the closing age not reached."""
        if not (self.comments_open and self.is_public):
            return False
        days = settings.COMMENTS_CLOSE_AFTER_DAYS
        return not days or timezone.now() - self.published_at < timezone.timedelta(days=days)

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.published_at > timezone.now()

    def clean(self):
        if self.published_at and publication_day(self.published_at) is None:
            first, last = (day.year for day in PUBLICATION_DAYS)
            message = _("Choose a publication date in the years %(first)d to %(last)d.")
            raise ValidationError({"published_at": message % {"first": first, "last": last}})
        check_markdown(self, "body", "excerpt")
        if self.published_at and self.slug:
            clash = Post.objects.filter(
                publish_date=self.local_publish_date(), slug=self.slug
            ).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(
                    {"slug": "Another post published on the same day already uses this slug."}
                )
        for field in ("body", "excerpt"):
            ids = set(image_ids(getattr(self, field)))
            missing = ids - set(PostImage.objects.filter(pk__in=ids).values_list("pk", flat=True))
            if missing:
                raise ValidationError(
                    {field: f"No image with id {', '.join(map(str, sorted(missing)))} exists."}
                )

    def save(self, *args, **kwargs):
        self.publish_date = self.local_publish_date()
        if not self.slug:
            self.slug = self._unique_slug()
        self.render()
        images_may_change = kwargs.get("update_fields") is None or bool(
            {"body", "excerpt", "featured_image"} & set(kwargs["update_fields"])
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html", "excerpt_html"}
        old_path = self._stored_path()
        super().save(*args, **kwargs)
        if old_path and old_path != self.get_absolute_url():
            # Links to the old address keep working: blog.redirects answers them with a 301.
            # Kept decoded, as Django reads a request's path (a slug holds no "%").
            redirects = Post._meta.get_field("redirects").related_model  # blog.models.redirects
            redirects.objects.point(unquote(old_path), self, redirects.Source.RENAMED)
        ids = image_ids(self.body)
        if ids:
            # Images the author dropped into the editor before the post existed belong to it
            # now; not someone else's, which showing an image never makes theirs to change.
            PostImage.objects.filter(
                pk__in=ids, post__isnull=True, uploaded_by=self.author_id
            ).update(post=self)
        if images_may_change:
            self._record_image_uses()

    def _record_image_uses(self):
        shown = {*image_ids(self.body), *image_ids(self.excerpt), self.featured_image_id}
        # A reference to an image that is gone (or never was) shows nothing.
        self.shown_images.set(
            PostImage.objects.filter(pk__in=shown - {None}).values_list("pk", flat=True)
        )

    def _stored_path(self):
        """The address the saved row has now, before this save changes it."""
        if self.pk is None:
            return None
        stored = Post.objects.filter(pk=self.pk).values("publish_date", "slug").first()
        if stored is None:
            return None
        day = stored["publish_date"]
        return reverse(
            "blog:post",
            kwargs={"year": day.year, "month": f"{day.month:02d}", "day": f"{day.day:02d}",
                    "slug": stored["slug"]},
        )  # fmt: skip

    def render(self):
        images = PostImage.objects.in_bulk(image_ids(self.body) + image_ids(self.excerpt))
        self.body_html = render_markdown(self.body, images)
        self.excerpt_html = (
            render_markdown(self.excerpt, images) if self.excerpt else summary_html(self.body_html)
        )

    def _unique_slug(self):
        base = slugify(self.title, allow_unicode=True)[:190] or "post"
        taken = set(
            Post.objects.filter(publish_date=self.publish_date, slug__startswith=base)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        return slug

    def with_relations(self):
        """This post with its categories, tags and picks loaded, for a page made once and
        kept: a fragment that comes from the cache never asks for them."""
        prefetch_related_objects([self], "categories", "tags", "related")
        return self

    def related_posts(self, limit=3):
        """The author's picks, or the published posts sharing the most tags and categories."""
        picked = [post for post in self.related.all() if post.is_public]
        if picked:
            return picked
        tag_ids = [tag.pk for tag in self.tags.all()]
        category_ids = [category.pk for category in self.categories.all()]
        if not tag_ids and not category_ids:
            return []
        # A few more than needed: some may be drafts or scheduled. Kept until the content
        # changes, so a post page made afresh asks only for the posts themselves.
        scores = generation.kept(
            ("related", self.pk, limit),
            lambda: dict(_sharing_most(self.pk, tag_ids, category_ids, limit * 4)),
            60 * 60,
            lists=True,
        )
        posts = Post.objects.published().select_related("author", "featured_image")
        found = posts.in_bulk(list(scores))
        ranked = sorted(
            found.values(), key=lambda post: (scores[post.pk], post.published_at), reverse=True
        )
        return ranked[:limit]


def _sharing_most(post_id, tag_ids, category_ids, limit):
    """[(id, score)] of the posts sharing the most tags and categories with a post.

    Counted from the tag and category rows alone (indexed), so the cost follows how many
    posts share a label, not how many posts there are.
    """
    tagged, filed = TaggedPost._meta.db_table, Post.categories.through._meta.db_table
    tag_marks = ", ".join(["%s"] * len(tag_ids)) or "NULL"
    category_marks = ", ".join(["%s"] * len(category_ids)) or "NULL"
    sql = (
        f"SELECT post_id, COUNT(*) AS score FROM ("  # noqa: S608 - table names and placeholders
        f" SELECT content_object_id AS post_id FROM {tagged} WHERE tag_id IN ({tag_marks})"
        f" UNION ALL"
        f" SELECT post_id FROM {filed} WHERE category_id IN ({category_marks})"
        f") shared WHERE post_id <> %s GROUP BY post_id ORDER BY score DESC, post_id DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*tag_ids, *category_ids, post_id, limit])
        return cursor.fetchall()


class PostImageUse(models.Model):
    """A post shows an image: in its body or excerpt, or as its featured image."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="image_uses")
    image = models.ForeignKey(PostImage, on_delete=models.CASCADE, related_name="uses")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "image"], name="post_image_use_once"),
        ]

    def __str__(self):
        return f"{self.post} shows {self.image}"


class PostLike(models.Model):
    """A signed-in reader likes a post; once each."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_likes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="post_like_once_per_user"),
        ]
        indexes = [
            # The post page's "latest likers".
            models.Index(fields=["post", "-created_at"], name="post_like_recent"),
        ]

    def __str__(self):
        return f"{self.user} likes {self.post}"
