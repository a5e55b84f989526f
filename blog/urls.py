from django.urls import path, re_path

from core.pagecache import public_page

from . import feeds, views
from .slugs import SEGMENT

app_name = "blog"

PAGE = r"(?:page/(?P<page>[0-9]+)/)?"
# Any slug WordPress accepts (blog.slugs), and any username, is one segment.
CATEGORY_PATH = rf"(?P<path>{SEGMENT}(?:/{SEGMENT})*?)"
SLUG = rf"(?P<slug>{SEGMENT})"
USERNAME = rf"(?P<username>{SEGMENT})"
DATE = r"(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})"

urlpatterns = [
    # Feeds first: "category/news/feed/" would otherwise be the archive of a "news/feed".
    path("feed/", public_page(feeds.LatestPostsFeed()), name="feed"),
    path("feed/atom/", public_page(feeds.LatestPostsAtomFeed()), name="feed_atom"),
    re_path(
        rf"^category/{CATEGORY_PATH}/feed/$",
        public_page(feeds.CategoryFeed()),
        name="category_feed",
    ),
    re_path(
        rf"^category/{CATEGORY_PATH}/feed/atom/$",
        public_page(feeds.CategoryAtomFeed()),
        name="category_feed_atom",
    ),
    re_path(rf"^tag/{SLUG}/feed/$", public_page(feeds.TagFeed()), name="tag_feed"),
    re_path(rf"^tag/{SLUG}/feed/atom/$", public_page(feeds.TagAtomFeed()), name="tag_feed_atom"),
    re_path(
        rf"^author/{USERNAME}/feed/$",
        public_page(feeds.AuthorFeed()),
        name="author_feed",
    ),
    re_path(
        rf"^author/{USERNAME}/feed/atom/$",
        public_page(feeds.AuthorAtomFeed()),
        name="author_feed_atom",
    ),
    re_path(rf"^{PAGE}$", public_page(views.HomeView.as_view()), name="home"),
    re_path(
        rf"^{DATE}/{SLUG}/$",
        public_page(views.post_detail),
        name="post",
    ),
    re_path(
        rf"^(?P<year>[0-9]{{4}})/(?P<month>[0-9]{{2}})/(?P<day>[0-9]{{2}})/{PAGE}$",
        public_page(views.DayArchive.as_view()),
        name="day",
    ),
    re_path(
        rf"^(?P<year>[0-9]{{4}})/(?P<month>[0-9]{{2}})/{PAGE}$",
        public_page(views.MonthArchive.as_view()),
        name="month",
    ),
    re_path(
        rf"^(?P<year>[0-9]{{4}})/{PAGE}$", public_page(views.YearArchive.as_view()), name="year"
    ),
    re_path(
        rf"^category/{CATEGORY_PATH}/{PAGE}$",
        public_page(views.CategoryArchive.as_view()),
        name="category",
    ),
    re_path(rf"^tag/{SLUG}/{PAGE}$", public_page(views.TagArchive.as_view()), name="tag"),
    re_path(
        rf"^author/{USERNAME}/{PAGE}$",
        public_page(views.AuthorArchive.as_view()),
        name="author",
    ),
    path("like/<int:post_id>/", views.like_post, name="like"),
    path("search/", views.search, name="search"),
    path("<path:path>/", public_page(views.page_detail), name="page"),
]
