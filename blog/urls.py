from django.urls import path, re_path

from . import feeds, views

app_name = "blog"

PAGE = r"(?:page/(?P<page>[0-9]+)/)?"
CATEGORY_PATH = r"(?P<path>[-\w]+(?:/[-\w]+)*?)"

urlpatterns = [
    # Feeds first: "category/news/feed/" would otherwise be the archive of a "news/feed".
    path("feed/", feeds.LatestPostsFeed(), name="feed"),
    path("feed/atom/", feeds.LatestPostsAtomFeed(), name="feed_atom"),
    re_path(rf"^category/{CATEGORY_PATH}/feed/$", feeds.CategoryFeed(), name="category_feed"),
    re_path(
        rf"^category/{CATEGORY_PATH}/feed/atom/$",
        feeds.CategoryAtomFeed(),
        name="category_feed_atom",
    ),
    re_path(r"^tag/(?P<slug>[-\w]+)/feed/$", feeds.TagFeed(), name="tag_feed"),
    re_path(r"^tag/(?P<slug>[-\w]+)/feed/atom/$", feeds.TagAtomFeed(), name="tag_feed_atom"),
    re_path(r"^author/(?P<username>[\w.@+-]+)/feed/$", feeds.AuthorFeed(), name="author_feed"),
    re_path(
        r"^author/(?P<username>[\w.@+-]+)/feed/atom/$",
        feeds.AuthorAtomFeed(),
        name="author_feed_atom",
    ),
    re_path(rf"^{PAGE}$", views.HomeView.as_view(), name="home"),
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/(?P<slug>[-\w]+)/$",
        views.post_detail,
        name="post",
    ),
    re_path(
        rf"^(?P<year>[0-9]{{4}})/(?P<month>[0-9]{{2}})/(?P<day>[0-9]{{2}})/{PAGE}$",
        views.DayArchive.as_view(),
        name="day",
    ),
    re_path(
        rf"^(?P<year>[0-9]{{4}})/(?P<month>[0-9]{{2}})/{PAGE}$",
        views.MonthArchive.as_view(),
        name="month",
    ),
    re_path(rf"^(?P<year>[0-9]{{4}})/{PAGE}$", views.YearArchive.as_view(), name="year"),
    re_path(
        rf"^category/{CATEGORY_PATH}/{PAGE}$",
        views.CategoryArchive.as_view(),
        name="category",
    ),
    re_path(rf"^tag/(?P<slug>[-\w]+)/{PAGE}$", views.TagArchive.as_view(), name="tag"),
    re_path(
        rf"^author/(?P<username>[\w.@+-]+)/{PAGE}$",
        views.AuthorArchive.as_view(),
        name="author",
    ),
    path("like/<int:post_id>/", views.like_post, name="like"),
    path("search/", views.search, name="search"),
    path("<path:path>/", views.page_detail, name="page"),
]
