"""sitemap.xml: the public addresses of posts, pages and archives."""

from django.contrib.auth import get_user_model
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from .models import Category, Page, Post


def _published(prefix):
    """A filter on `prefix` (a relation to Post) that keeps only what the public may read."""
    return Q(
        **{
            f"{prefix}__status": Post.Status.PUBLISHED,
            f"{prefix}__published_at__lte": timezone.now(),
        }
    )


class HomeSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["blog:home"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return Post.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class PostSitemap(Sitemap):
    def items(self):
        return (
            Post.objects.published().newest_first().only("pk", "slug", "published_at", "updated_at")
        )

    def lastmod(self, post):
        return post.updated_at


class PageSitemap(Sitemap):
    def items(self):
        return Page.objects.filter(status=Page.Status.PUBLISHED).only("path", "updated_at")

    def lastmod(self, page):
        return page.updated_at


class CategorySitemap(Sitemap):
    def items(self):
        # The newest change among the category's own posts; none when it has none yet.
        return Category.objects.annotate(
            lastmod=Max("posts__updated_at", filter=_published("posts"))
        ).order_by("path")

    def lastmod(self, category):
        return category.lastmod


class TagSitemap(Sitemap):
    """Tags with at least one published post: an empty tag archive is not worth a visit."""

    def items(self):
        return (
            Tag.objects.annotate(
                lastmod=Max(
                    "blog_taggedpost_items__content_object__updated_at",
                    filter=_published("blog_taggedpost_items__content_object"),
                )
            )
            .filter(lastmod__isnull=False)
            .order_by("slug")
        )

    def location(self, tag):
        return reverse("blog:tag", kwargs={"slug": tag.slug})

    def lastmod(self, tag):
        return tag.lastmod


class AuthorSitemap(Sitemap):
    """Active authors with at least one published post."""

    def items(self):
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .annotate(lastmod=Max("posts__updated_at", filter=_published("posts")))
            .filter(lastmod__isnull=False)
            .order_by("username")
        )

    def lastmod(self, author):
        return author.lastmod


SITEMAPS = {
    "home": HomeSitemap,
    "posts": PostSitemap,
    "pages": PageSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}
