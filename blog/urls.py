from django.urls import path, re_path

from . import views

app_name = "blog"

PAGE = r"(?:page/(?P<page>[0-9]+)/)?"

urlpatterns = [
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
        rf"^category/(?P<path>[-\w]+(?:/[-\w]+)*?)/{PAGE}$",
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
    path("<path:path>/", views.page_detail, name="page"),
]
