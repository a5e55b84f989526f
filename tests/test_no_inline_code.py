"""No page holds what the Content-Security-Policy blocks: a style attribute, a <style>
element, a script written into the page, an event handler or a javascript: link. Data
blocks (JSON-LD, JSON) are not scripts and may stay."""

from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.test import RequestFactory

from blog.models import SiteSettings
from comments.models import Comment

from . import factories

pytestmark = pytest.mark.django_db

DATA_BLOCKS = {"application/ld+json", "application/json"}
TABLE = "| Party | Seats |\n|:--|--:|\n| Left | 12 |\n"


class InlineCode(HTMLParser):
    """What of a page a strict policy blocks, as (tag, what) pairs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            scripted = name in ("href", "src", "action") and "javascript:" in (value or "")
            if name == "style" or name.startswith("on") or scripted:
                self.found.append((tag, f"{name}={value!r}"))
        if tag == "style":
            self.found.append((tag, "a <style> element"))
        if tag == "script" and "src" not in attributes:
            self._script = (attributes.get("type") or "").lower()

    def handle_data(self, data):
        if self._script is not None and self._script not in DATA_BLOCKS and data.strip():
            self.found.append(("script", data.strip()[:80]))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def inline_code(response):
    assert response.status_code == 200, response
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser.found


@pytest.fixture
def content(author):
    SiteSettings.load()
    post = factories.post(
        "On listening", author=author, body=f"A table.\n\n{TABLE}", tags=["mediation"],
        categories=[factories.category("Region")],
    )  # fmt: skip
    post.featured_image = factories.post_image(post)
    post.save()
    Comment.objects.create(post=post, name="Ada", body="Maps matter.", status="approved")
    factories.page("About", body=TABLE)
    return post


def public_urls(post):
    return [
        "/",
        post.get_absolute_url(),
        "/about/",
        "/category/region/",
        "/tag/mediation/",
        f"/author/{post.author.username}/",
        f"/{post.publish_date:%Y}/",
        "/search/?q=listening",
    ]


def test_no_public_page_holds_inline_code(client, content):
    for url in public_urls(content):
        assert inline_code(client.get(url)) == [], url


def test_no_page_of_a_signed_in_reader_holds_inline_code(client, reader, content):
    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)
    # A change of address waiting for confirmation adds allauth's hidden form.
    EmailAddress.objects.create(user=reader, email="new@example.org", verified=False)
    client.force_login(reader)
    urls = [
        *public_urls(content),
        "/profile/",
        "/profile/activity/",
        "/profile/delete/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/3rdparty/",
    ]
    for url in urls:
        assert inline_code(client.get(url)) == [], url


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/admin/login/"]
)
def test_no_sign_in_page_holds_inline_code(client, url):
    assert inline_code(client.get(url)) == []


def test_no_admin_page_holds_inline_code(client, superuser, content):
    client.force_login(superuser)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    urls = ["/admin/"]
    for app in admin.site.get_app_list(request):
        for model in app["models"]:
            urls += [url for url in (model.get("admin_url"), model.get("add_url")) if url]
    urls += [
        f"/admin/blog/post/{content.pk}/change/",
        f"/admin/blog/postimage/{content.featured_image.pk}/change/",
        f"/admin/comments/comment/{content.comments.get().pk}/change/",
        f"/admin/accounts/user/{content.author.pk}/change/",
    ]
    assert "/admin/blog/post/" in urls and "/admin/blog/postimage/" in urls
    for url in urls:
        # follow: the site settings' list opens its one record
        assert inline_code(client.get(url, follow=True)) == [], url
