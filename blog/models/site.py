"""What surrounds the posts: pages, the site's settings and its header navigation."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify

from core.images import validate_image

from ..rendering import image_ids, render_markdown
from ..slugs import SlugField, reserved_slugs
from .categories import Category
from .posts import PostImage
from .trees import PathTree, check_markdown


class Page(PathTree):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=300)
    slug = SlugField(max_length=200, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    order = models.IntegerField(default=0, help_text="Lower numbers come first.")
    body = models.TextField(blank=True, help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    path = models.CharField(max_length=1000, unique=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "title"]

    def __str__(self):
        return self.title

    def clean(self):
        check_markdown(self, "body")
        if self.parent_id is None and self.slug in reserved_slugs():
            raise ValidationError({"slug": "This address is used by another part of the site."})
        if self.parent_id is None and re.fullmatch(r"\d+", self.slug or ""):
            raise ValidationError({"slug": "A top-level page cannot be a number (it is a year)."})
        self.clean_tree("page")

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title, allow_unicode=True)[:200] or "page"
        self.body_html = render_markdown(self.body, PostImage.objects.in_bulk(image_ids(self.body)))
        self.save_tree(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:page", kwargs={"path": self.path})


class SiteSettings(models.Model):
    """The one row of settings that staff change in the admin, not in code."""

    title = models.CharField(max_length=200, default="Colloquy")
    tagline = models.CharField(max_length=300, blank=True)
    logo = models.ImageField(
        upload_to="site/",
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp", "gif"]), validate_image],
    )
    footer_text = models.TextField(blank=True, help_text="Markdown.")
    footer_html = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "site settings"

    def __str__(self):
        return "Site settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        self.footer_html = render_markdown(self.footer_text, {})
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        found = cls.objects.filter(pk=1).first()
        if found is None:
            # The defaults, made on first read: nothing public changes, so no save signal.
            cls.objects.bulk_create([cls(pk=1)], ignore_conflicts=True)
            found = cls.objects.get(pk=1)
        return found


class NavigationItem(models.Model):
    """A header link: to a page, a category, or any address."""

    settings = models.ForeignKey(SiteSettings, on_delete=models.CASCADE, related_name="navigation")
    label = models.CharField(max_length=100, blank=True, help_text="Defaults to the target's name.")
    page = models.ForeignKey(Page, null=True, blank=True, on_delete=models.CASCADE)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE)
    url = models.CharField("address", max_length=500, blank=True)
    order = models.IntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(page__isnull=False, category__isnull=True, url="")
                    | Q(page__isnull=True, category__isnull=False, url="")
                    | (Q(page__isnull=True, category__isnull=True) & ~Q(url=""))
                ),
                name="navigation_item_has_one_target",
            ),
        ]

    def __str__(self):
        return self.get_label()

    def clean(self):
        targets = [bool(self.page_id), bool(self.category_id), bool(self.url)]
        if sum(targets) != 1:
            raise ValidationError("Choose exactly one of a page, a category or an address.")
        if self.url and not re.match(r"^(https?://|/)", self.url):
            raise ValidationError({"url": "Use a full address (https://…) or a path (/…)."})

    def get_label(self):
        if self.label:
            return self.label
        target = self.page or self.category
        return target.title if self.page_id else (target.name if target else self.url)

    def get_url(self):
        if self.page_id:
            return self.page.get_absolute_url()
        if self.category_id:
            return self.category.get_absolute_url()
        return self.url
