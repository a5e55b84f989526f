"""The footer's blocks: categories, monthly archives and a tag cloud.

Each block is one aggregate query, and all three are cached together on the
site-wide content generation. Nothing is saved when a scheduled post goes live: the
next one's time is a clock of core.generation, which starts a new generation once that
moment has passed.
"""

import math

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from core import generation

from .models import Category, Post, TaggedPost

TAG_CLOUD_SIZE = 30
TAG_SIZES = 5  # tag-size-1 … tag-size-5 in site.css
TIMEOUT = 60 * 60


def next_scheduled_at():
    """When the next scheduled post goes live, or None."""
    return (
        Post.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


def cached(name, build, *, lists=True):
    """`build()`, kept until the lists of posts change (`lists=False`: until anything
    public changes) or the next scheduled post is due."""
    return generation.cached(("blocks", name), build, TIMEOUT, lists=lists)


def categories():
    """Categories with their number of published posts (a sub-category's posts not included).

    Counted from the filings alone, each tested on its joined post: grouping the
    categories' join with every post made SQLite take seconds at 100,000 posts."""
    filings = Post.categories.through.objects.filter(
        post__status=Post.Status.PUBLISHED, post__published_at__lte=timezone.now()
    )
    counts = dict(
        filings.values_list("category").annotate(count=Count("pk")).values_list("category", "count")
    )
    return [
        {
            "name": row.name,
            "url": row.get_absolute_url(),
            "count": counts[row.pk],
            "depth": row.path.count("/"),
        }
        for row in Category.objects.filter(pk__in=list(counts)).order_by("path")
    ]


def monthly_archives():
    """Months with published posts, newest first, by the permalink's (local) date."""
    rows = (
        Post.objects.published()
        .annotate(month=TruncMonth("publish_date"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("-month")
    )
    return [
        {
            "month": row["month"],
            "url": reverse(
                "blog:month",
                kwargs={"year": row["month"].year, "month": f"{row['month'].month:02d}"},
            ),
            "count": row["count"],
        }
        for row in rows
    ]


def tag_cloud(limit=TAG_CLOUD_SIZE):
    """The `limit` most used tags of published posts, alphabetical, each with a size 1–5."""
    rows = list(
        TaggedPost.objects.filter(content_object__in=Post.objects.published())
        .values("tag__name", "tag__slug")
        .annotate(count=Count("pk"))
        .order_by("-count", "tag__name")[:limit]
    )
    if not rows:
        return []
    low, high = math.log(rows[-1]["count"]), math.log(rows[0]["count"])
    spread = high - low or 1
    return sorted(
        (
            {
                "name": row["tag__name"],
                "url": reverse("blog:tag", kwargs={"slug": row["tag__slug"]}),
                "count": row["count"],
                "size": 1 + round((math.log(row["count"]) - low) / spread * (TAG_SIZES - 1)),
            }
            for row in rows
        ),
        key=lambda tag: tag["name"].casefold(),
    )


def sidebar():
    return cached(
        "sidebar",
        lambda: {
            "categories": categories(),
            "archives": monthly_archives(),
            "tags": tag_cloud(),
        },
    )
