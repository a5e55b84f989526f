"""RSS 2.0 and Atom feeds of published posts, at WordPress's addresses."""

import copy
import mimetypes
from xml.sax.saxutils import escape as xml_escape

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator
from taggit.models import Tag

from core import generation

from .models import Category, Post, SiteSettings

FEED_SIZE = 20
KEPT_SECONDS = 10 * 60


class PlainTextRss(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 whose titles and channel description show as written. Readers take a
    channel's description for HTML and guess whether a title is (feedparser does too), so
    their text goes in HTML-escaped: a name such as "<b>Ann</b>" shows as typed, never as
    markup. Authors and categories are read as text; items' descriptions are HTML already."""

    def __init__(self, **fields):
        super().__init__(**_escaped(fields, "title", "description"))

    def add_item(self, **fields):
        super().add_item(**_escaped(fields, "title"))


def _escaped(fields, *names):
    # Quotes mean nothing in HTML text: only &, < and > are escaped, so "It's" stays as is.
    return {**fields, **{name: xml_escape(fields[name]) for name in names if fields.get(name)}}


class RssWithContent(PlainTextRss):
    """RSS 2.0 whose items may carry the full post in <content:encoded>, as WordPress's do."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])


class AtomWithContent(feedgenerator.Atom1Feed):
    """Atom whose entries may carry the full post in <content type="html">."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


class KeptFeed(Feed):
    """A feed kept whole under the content generation: it is the same for everyone, and
    writing out twenty posts' full text or fifty comments is slow. Its items see the
    request as `self.request` and the site's settings as `self.site_settings`."""

    def __call__(self, request, *args, **kwargs):
        kept = generation.kept(
            # Its address without the query string, which no feed reads: made-up
            # parameters must not fill the cache with copies.
            ("feed", request.build_absolute_uri(request.path)),
            lambda: self._made(request, *args, **kwargs),
            KEPT_SECONDS,
        )
        return HttpResponse(kept["content"], headers=kept["headers"])

    def _made(self, request, *args, **kwargs):
        # One Feed instance serves every request: give each request its own copy.
        feed = copy.copy(self)
        feed.request = request
        feed.site_settings = SiteSettings.load()
        response = super(KeptFeed, feed).__call__(request, *args, **kwargs)
        return {"content": response.content, "headers": dict(response.headers)}


class PostFeed(KeptFeed):
    """The newest published posts of an archive (the whole site unless a subclass narrows it).

    Items carry the excerpt as their summary and, when FEED_FULL_CONTENT is on, the whole
    post as their content.
    """

    feed_type = RssWithContent

    def get_object(self, request, *args, **kwargs):
        return None

    def posts(self, obj):
        return Post.objects.published()

    def items(self, obj):
        # Which posts, from the publication index alone, then those posts with what goes
        # with them: ordered by date, the join with authors and images has SQLite sort
        # every published post.
        ids = list(self.posts(obj).newest_first().values_list("pk", flat=True)[:FEED_SIZE])
        found = Post.objects.for_listing().in_bulk(ids)
        return [found[pk] for pk in ids]

    def title(self, obj):
        return self.site_settings.title

    def link(self, obj):
        return reverse("blog:home")

    def description(self, obj):
        return self.site_settings.tagline or f"The newest posts on {self.site_settings.title}."

    def feed_url(self, obj):
        return self.request.path

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        return post.excerpt_html

    def item_extra_kwargs(self, post):
        return {"content_html": post.body_html if settings.FEED_FULL_CONTENT else ""}

    def item_guid(self, post):
        # Like WordPress's: the post's number on the site, so it survives a new slug or date.
        # An imported post keeps the one it had, so feed readers do not show it again.
        return post.guid or f"{settings.SITE_URL}/?p={post.pk}"

    item_guid_is_permalink = False

    def item_author_name(self, post):
        return post.author.get_display_name()

    def item_author_link(self, post):
        return self.request.build_absolute_uri(post.author.get_absolute_url())

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return post.updated_at

    def item_categories(self, post):
        return [category.name for category in post.categories.all()] + [
            tag.name for tag in post.tags.all()
        ]

    def item_enclosures(self, post):
        image = post.featured_image
        if image is None or not image.image:
            return []
        try:
            length = image.image.size
        except OSError:  # A missing file still has an address; readers may fetch it.
            length = 0
        mime_type = mimetypes.guess_type(image.image.name)[0] or "application/octet-stream"
        return [
            feedgenerator.Enclosure(
                self.request.build_absolute_uri(image.image.url), str(length), mime_type
            )
        ]


class AtomMixin:
    feed_type = AtomWithContent

    def subtitle(self, obj):
        return self.description(obj)


class LatestPostsFeed(PostFeed):
    """The whole site's newest posts, at /feed/."""


class LatestPostsAtomFeed(AtomMixin, LatestPostsFeed):
    """The same as Atom, at /feed/atom/."""


class CategoryFeed(PostFeed):
    def get_object(self, request, path):
        return get_object_or_404(Category, path=path.strip("/"))

    def posts(self, category):
        # As on the archive page, a category includes its sub-categories' posts.
        return Post.objects.published().filed_under(category)

    def title(self, category):
        return f"{self.site_settings.title} – Category: {category.name}"

    def link(self, category):
        return category.get_absolute_url()

    def description(self, category):
        return category.description or f"The newest posts filed under {category.name}."


class CategoryAtomFeed(AtomMixin, CategoryFeed):
    """A category's feed as Atom."""


class TagFeed(PostFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def posts(self, tag):
        return Post.objects.published().filter(tags=tag)

    def title(self, tag):
        return f"{self.site_settings.title} – Tag: {tag.name}"

    def link(self, tag):
        return reverse("blog:tag", kwargs={"slug": tag.slug})

    def description(self, tag):
        return f"The newest posts tagged {tag.name}."


class TagAtomFeed(AtomMixin, TagFeed):
    """A tag's feed as Atom."""


class AuthorFeed(PostFeed):
    def get_object(self, request, username):
        return get_object_or_404(get_user_model(), username=username, is_active=True)

    def posts(self, author):
        return Post.objects.published().filter(author=author)

    def title(self, author):
        return f"{self.site_settings.title} – Posts by {author.get_display_name()}"

    def link(self, author):
        return author.get_absolute_url()

    def description(self, author):
        return f"The newest posts by {author.get_display_name()}."


class AuthorAtomFeed(AtomMixin, AuthorFeed):
    """An author's feed as Atom."""
