from django.shortcuts import get_object_or_404
from django.urls import reverse

from blog.feeds import KeptFeed, PlainTextRss
from blog.models import Post
from blog.views import date_or_404

from .models import Comment

FEED_SIZE = 50


class PostCommentsFeed(KeptFeed):
    """RSS of a post's newest approved comments, at the post's address + feed/."""

    feed_type = PlainTextRss

    def get_object(self, request, year, month, day, slug):
        return get_object_or_404(
            Post.objects.published(), publish_date=date_or_404(year, month, day), slug=slug
        )

    def title(self, post):
        return f"Comments on “{post.title}”"

    def link(self, post):
        return f"{post.get_absolute_url()}#comments"

    def description(self, post):
        return f"The discussion of “{post.title}”."

    def items(self, post):
        return (
            Comment.objects.approved()
            .filter(post=post)
            .select_related("user", "post")
            .order_by("-submitted_at")[:FEED_SIZE]
        )

    def item_title(self, comment):
        return f"By {comment.author_name}"

    def item_description(self, comment):
        return comment.body_html

    def item_link(self, comment):
        return comment.get_absolute_url()

    def item_guid(self, comment):
        return f"comment-{comment.pk}"

    item_guid_is_permalink = False

    def item_author_name(self, comment):
        return comment.author_name

    def item_pubdate(self, comment):
        return comment.submitted_at


class SiteCommentsFeed(KeptFeed):
    """RSS of the newest approved comments on all published posts and pages, at /comments/feed/."""

    feed_type = PlainTextRss

    def title(self):
        return f"Comments on {self.site_settings.title}"

    def link(self):
        return reverse("blog:home")

    def description(self):
        return "The newest comments on every post and page."

    def items(self):
        return (
            Comment.objects.approved()
            .on_public_targets()
            .select_related("user", "post", "page")
            # The posts' and pages' titles and addresses, not their texts.
            .defer(*(f"post__{field}" for field in Post.TEXTS), "page__body", "page__body_html")
            .order_by("-submitted_at")[:FEED_SIZE]
        )

    def item_title(self, comment):
        return f"{comment.author_name} on “{comment.target.title}”"

    item_description = PostCommentsFeed.item_description
    item_link = PostCommentsFeed.item_link
    item_guid = PostCommentsFeed.item_guid
    item_guid_is_permalink = False
    item_author_name = PostCommentsFeed.item_author_name
    item_pubdate = PostCommentsFeed.item_pubdate
