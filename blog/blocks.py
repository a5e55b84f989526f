"""The footer's blocks: categories, monthly archives and a tag cloud.

Each block counts from indexes alone (a few aggregate queries, a twentieth of a second
each at 100,000 posts), and all three are kept together until the lists of posts change.
Nothing is saved when a scheduled post goes live: the next one's time is a clock of
core.generation, which starts a new generation once that moment has passed.
"""

import math
from collections import Counter

from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from taggit.models import Tag

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


def kept_html(name, template, context, *, lists=True):
    """A block's HTML, `template` rendered with `context()`, kept until the lists of posts
    change (`lists=False`: until anything public changes) or the next scheduled post is due."""
    return generation.kept(
        ("blocks", name), lambda: render_to_string(template, context()), TIMEOUT, lists=lists
    )


def on_published_posts(uses, post):
    """How many of `uses` (rows naming a post in field `post`, as values_list() of what
    to count them by) are on published posts: all of them, less those on posts not
    published. Both come from indexes alone; testing each row's post took SQLite most of
    a second at 100,000 posts."""
    counts = Counter(dict(uses.annotate(count=Count("*")).order_by()))
    unpublished = uses.filter(**{f"{post}__in": Post.objects.unpublished()})
    counts.subtract(dict(unpublished.annotate(count=Count("*")).order_by()))
    return +counts  # without what is used on unpublished posts alone


def categories():
    """Categories with their number of published posts (a sub-category's posts not included)."""
    counts = on_published_posts(Post.categories.through.objects.values_list("category"), "post")
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
    """Months with published posts, newest first, by the permalink's (local) date.

    Counted by day, then added up here: grouping by day reads the days from an index
    alone, where truncating each post's date to its month reads every post."""
    days = (
        Post.objects.published().values_list("publish_date").annotate(count=Count("*")).order_by()
    )
    months = Counter()
    for day, count in days:
        months[day.replace(day=1)] += count
    return [
        {
            "month": month,
            "url": reverse(
                "blog:month", kwargs={"year": month.year, "month": f"{month.month:02d}"}
            ),
            "count": count,
        }
        for month, count in sorted(months.items(), reverse=True)
    ]


def tag_cloud(limit=TAG_CLOUD_SIZE):
    """The `limit` most used tags of published posts, alphabetical, each with a size 1–5."""
    counts = on_published_posts(TaggedPost.objects.values_list("tag"), "content_object")
    if not counts or limit < 1:
        return []
    # Ties at the bottom are broken by name, as everywhere, so every tag as used as the
    # last one that makes it is a candidate.
    least = sorted(counts.values(), reverse=True)[:limit][-1]
    candidates = Tag.objects.filter(pk__in=[pk for pk, count in counts.items() if count >= least])
    rows = sorted(
        ((counts[tag.pk], tag) for tag in candidates.only("name", "slug")),
        key=lambda row: (-row[0], row[1].name),
    )[:limit]
    low, high = math.log(rows[-1][0]), math.log(rows[0][0])
    spread = high - low or 1
    return sorted(
        (
            {
                "name": tag.name,
                "url": reverse("blog:tag", kwargs={"slug": tag.slug}),
                "count": count,
                "size": 1 + round((math.log(count) - low) / spread * (TAG_SIZES - 1)),
            }
            for count, tag in rows
        ),
        key=lambda tag: tag["name"].casefold(),
    )


def sidebar():
    return {"categories": categories(), "archives": monthly_archives(), "tags": tag_cloud()}
