"""Categories: a tree of their own, each post filed in several."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify

from ..slugs import SlugField
from .trees import PathTree


class Category(PathTree):
    name = models.CharField(max_length=200)
    slug = SlugField(max_length=200, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(blank=True)
    # "parent-slug/child-slug": the archive's URL, the way to find sub-categories,
    # and (being unique) what keeps a slug unique among its siblings.
    path = models.CharField(max_length=1000, unique=True, editable=False)

    class Meta:
        verbose_name_plural = "categories"
        ordering = ["path"]

    def __str__(self):
        return " › ".join(self.path_names()) if self.parent_id else self.name

    def path_names(self):
        names, node = [], self
        while node is not None:
            names.insert(0, node.name)
            node = node.parent
        return names

    def clean(self):
        self.clean_tree("category")

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)[:200] or "category"
        self.save_tree(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:category", kwargs={"path": self.path})

    def with_descendants(self):
        return Category.objects.filter(Q(pk=self.pk) | Q(path__startswith=f"{self.path}/"))
