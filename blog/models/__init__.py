"""The blog's models, a module per part: trees, categories, posts and their images, what
surrounds them (pages, the site's settings, its navigation), and the old addresses that
lead to them."""

from .categories import Category
from .posts import (
    PUBLICATION_DAYS,
    Post,
    PostImage,
    PostImageQuerySet,
    PostImageUse,
    PostLike,
    PostQuerySet,
    TaggedPost,
    _post_image_path,  # noqa: F401 - the migrations name blog.models'
    publication_day,
)
from .redirects import Redirect
from .site import NavigationItem, Page, SiteSettings
from .trees import PathTree, check_markdown

__all__ = [
    "PUBLICATION_DAYS",
    "Category",
    "NavigationItem",
    "Redirect",
    "Page",
    "PathTree",
    "Post",
    "PostImage",
    "PostImageQuerySet",
    "PostImageUse",
    "PostLike",
    "PostQuerySet",
    "SiteSettings",
    "TaggedPost",
    "check_markdown",
    "publication_day",
]
