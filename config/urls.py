from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.static import serve

from blog import admin_views
from comments.feeds import PostCommentsFeed

admin.site.site_header = "Colloquy administration"
admin.site.site_title = "Colloquy"

urlpatterns = [
    path(
        "admin/markdownx/markdownify/",
        admin_views.markdown_preview,
        name="markdownx_markdownify",
    ),
    path("admin/markdownx/upload/", admin_views.image_upload, name="markdownx_upload"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("comments/", include("comments.urls")),
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/(?P<slug>[-\w]+)/feed/$",
        PostCommentsFeed(),
        name="post_comments_feed",
    ),
]


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media))

# Last: pages live at the site root, after every other address.
urlpatterns.append(path("", include("blog.urls")))
