from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


def grant_blog_permissions(**kwargs):
    from accounts import roles

    post_perms = ["view_post", "add_post", "change_post", "delete_post", "publish_post"]
    image_perms = ["view_postimage", "add_postimage", "change_postimage", "delete_postimage"]
    everything = {
        "blog": [
            *post_perms,
            "edit_others_posts",
            *image_perms,
            *(f"{action}_{model}" for action in ("view", "add", "change", "delete")
              for model in ("category", "page")),
            # Redirects are made by what moves; editors look them up and delete them.
            "view_redirect",
            "delete_redirect",
        ],
        "taggit": [f"{action}_tag" for action in ("view", "add", "change", "delete")],
    }  # fmt: skip
    roles.grant(
        {
            roles.AUTHORS: [f"blog.{name}" for name in post_perms + image_perms],
            roles.EDITORS: [f"{app}.{name}" for app, names in everything.items() for name in names],
        }
    )


def start_new_generation(**kwargs):
    """After `migrate` (every deploy runs it), nothing the code before kept is served by
    the code after: a page, a fragment or a value kept in the shape the old code made."""
    from core import generation

    generation.bump()


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Blog"
    # A scheduled post going live changes the home page, its archives and feeds.
    clocks = ["blog.blocks.next_scheduled_at"]

    def ready(self):
        from taggit.models import Tag

        from core import changes

        from . import likes, search
        from .checks import reserved_page_slugs
        from .models import (
            Category,
            NavigationItem,
            Page,
            Post,
            PostImage,
            PostLike,
            SiteSettings,
            TaggedPost,
        )

        checks.register(reserved_page_slugs, checks.Tags.database)
        post_migrate.connect(grant_blog_permissions, sender=self)
        post_migrate.connect(start_new_generation, sender=self)

        # What the public sees; the first ones change which posts the lists hold.
        changes.public(Post, unlisted={"like_count", "comment_count"})
        for model in (Category, Tag, TaggedPost, Post.categories.through, Post.related.through):
            changes.public(model)
        for model in (Page, NavigationItem, SiteSettings, PostImage, PostLike):
            changes.public(model, lists=False)
        changes.committed.connect(search.follow)
        likes.connect_receivers()
