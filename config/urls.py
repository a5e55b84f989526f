from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from django.views.static import serve

from accounts import ratelimit
from blog import admin_views
from blog import urls as blog_urls
from blog.sitemaps import SITEMAPS
from comments.feeds import PostCommentsFeed, SiteCommentsFeed
from core import security
from core.pagecache import public_page

admin.site.site_header = "Colloquy administration"
admin.site.site_title = "Colloquy"

urlpatterns = [
    path(
        "admin/markdownx/markdownify/",
        admin_views.markdown_preview,
        name="markdownx_markdownify",
    ),
    path("admin/markdownx/upload/", admin_views.image_upload, name="markdownx_upload"),
    # Before the admin's own URLs: its login page, with failed log-ins rate limited.
    path("admin/login/", ratelimit.limit_failed_logins(admin.site.login)),
    path("admin/", admin.site.urls),
    # Sign-up, sign-in, e-mail, password and "Log in with …" (django-allauth).
    path("accounts/", include("allauth.urls")),
    path("profile/", include("accounts.urls")),
    path("comments/feed/", public_page(SiteCommentsFeed()), name="comments_feed"),
    path("comments/", include("comments.urls")),
    re_path(
        rf"^{blog_urls.DATE}/{blog_urls.SLUG}/feed/$",
        public_page(PostCommentsFeed()),
        name="post_comments_feed",
    ),
    # Where browsers report what the Content-Security-Policy blocked.
    path("csp-report/", security.csp_report, name="csp_report"),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "robots.txt",
        public_page(TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
        name="robots_txt",
    ),
]


# allauth's rate limits answer with this page too.
handler429 = ratelimit.too_many_requests


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media))

# Last: pages live at the site root, after every other address.
urlpatterns.append(path("", include("blog.urls")))
