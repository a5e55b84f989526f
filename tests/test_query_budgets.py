"""Each public page costs a fixed number of SQL queries, whatever the amount of content."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from blog.models import SiteSettings
from comments.models import Comment

from . import factories

pytestmark = pytest.mark.django_db

# Queries each page makes when it is made afresh (the whole-page cache off, or for a
# signed-in reader) just after a change: the site settings and navigation are cached, but
# no post summary or discussion is.
BUDGETS = {
    "home": 5,  # count, which posts, then those posts, their categories, their tags
    "post": 6,  # post with author and image, categories, tags, related posts, likers, discussion
    "category": 7,  # the category, its sub-categories, then as the home page
    "tag": 6,
    "author": 6,
    "year": 7,  # as the home page, plus the previous and next years with posts
    "month": 7,
    "day": 9,  # previous and next days and months
    "page": 2,  # the page, its discussion (imported comments; none costs the same query)
}
# The same pages once their post counts, post summaries and discussion are kept.
KEPT_BUDGETS = {
    "home": 1,  # which posts
    "post": 1,  # the post; its article, likes, related posts and discussion are kept
    "category": 2,
    "tag": 2,
    "author": 2,
    "year": 3,
    "month": 3,
    "day": 5,
    "page": 1,
}


def build_site(size, author):
    """`size` posts on one day, each with `size` tags, two categories and images."""
    region = factories.category("Region")
    child = factories.category("Sub region", parent=region)
    tags = [f"tag-{n}" for n in range(size)]
    day = timezone.now() - timedelta(days=1)
    posts = []
    for n in range(size):
        post = factories.post(f"Post {n}", author=author, tags=tags, categories=[region, child],
                              published_at=day - timedelta(minutes=n))  # fmt: skip
        image = factories.post_image(post=post, caption=f"Caption {n}", credit="© Agency")
        post.featured_image = image
        post.body = f"Text.\n\n![](image:{image.pk})"
        post.save()
        posts.append(post)
    main = posts[0]
    for other in posts[1:]:
        main.related.add(other)
    for n in range(size):
        factories.post_image(post=main, caption=f"Extra {n}")
    about = factories.page("About", body="About us.")
    for n in range(size):  # comments on pages come from WordPress imports
        top = Comment.objects.create(page=about, name=f"R{n}", body="Hi.", status="approved")
        Comment.objects.create(page=about, parent=top, name="S", body="Yes.", status="approved")
    return main


def urls(main):
    day = main.publish_date
    return {
        "home": "/",
        "post": main.get_absolute_url(),
        "category": "/category/region/",
        "tag": "/tag/tag-0/",
        "author": f"/author/{main.author.username}/",
        "year": f"/{day:%Y}/",
        "month": f"/{day:%Y/%m}/",
        "day": f"/{day:%Y/%m/%d}/",
        "page": "/about/",
    }


def after_a_change(client):
    """The cache as a change leaves it, with the site's header and footer warmed again."""
    cache.clear()
    client.get("/search/")


@pytest.mark.parametrize("size", [3, 60])
def test_every_public_page_keeps_its_query_budget(
    client, author, django_assert_max_num_queries, size, settings
):
    settings.BLOG_POSTS_PER_PAGE = 50
    settings.PAGE_CACHE_SECONDS = 0
    main = build_site(size, author)
    SiteSettings.load()

    for name, url in urls(main).items():
        after_a_change(client)
        with django_assert_max_num_queries(BUDGETS[name]):
            response = client.get(url)
        assert response.status_code == 200, name
        assert len(response.context.get("summaries", [])) <= size
        with django_assert_max_num_queries(KEPT_BUDGETS[name]):
            assert client.get(url).content == response.content


def test_budgets_are_tight(client, author, django_assert_num_queries, settings):
    """The budgets are the real counts, so a new query per page shows up here."""
    settings.PAGE_CACHE_SECONDS = 0
    main = build_site(3, author)
    SiteSettings.load()

    for name, url in urls(main).items():
        after_a_change(client)
        with django_assert_num_queries(BUDGETS[name]):
            client.get(url)
        with django_assert_num_queries(KEPT_BUDGETS[name]):
            client.get(url)
