"""Every response carries the security headers, kept pages and error pages included, and
the policy allows no inline script or style."""

import ast

import pytest
from django.test import Client

from blog.models import SiteSettings

from . import factories
from .test_settings import run_manage

pytestmark = pytest.mark.django_db

POLICY = "Content-Security-Policy"


@pytest.fixture(autouse=True)
def _site():
    SiteSettings.load()  # made on the first request otherwise, which bumps the generation


def directives_of(response):
    """The policy of `response` as {directive: [values]}."""
    policy = {}
    for part in response[POLICY].split(";"):
        name, *values = part.split()
        policy[name] = values
    return policy


def assert_security_headers(response):
    policy = directives_of(response)
    for directive in ("script-src", "style-src"):
        assert policy[directive] == ["'self'"], (directive, policy[directive])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["img-src"] == ["'self'"]
    assert policy["form-action"][0] == "'self'"
    assert policy["report-uri"] == ["/csp-report/"]
    permissions = response["Permissions-Policy"]
    features = ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics",
                "interest-cohort")  # fmt: skip
    for feature in features:
        assert f"{feature}=()" in permissions, feature
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_a_public_page_and_the_same_page_kept_carry_the_headers(author):
    post = factories.post("On listening", author=author)
    made = Client().get(post.get_absolute_url())
    kept = Client().get(post.get_absolute_url())

    assert made.templates and not kept.templates  # the second came from the page cache
    for response in (made, kept):
        assert response.status_code == 200
        assert_security_headers(response)


@pytest.mark.parametrize("url", ["/feed/", "/comments/feed/", "/sitemap.xml", "/robots.txt"])
def test_feeds_and_files_for_machines_carry_the_headers(client, author, url):
    factories.post("On listening", author=author)

    response = client.get(url)

    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.parametrize("url", ["/admin/", "/admin/blog/post/", "/admin/blog/post/add/"])
def test_admin_pages_carry_the_headers(client, superuser, url):
    client.force_login(superuser)

    response = client.get(url)

    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.parametrize("url", ["/admin/login/", "/accounts/login/", "/accounts/signup/"])
def test_sign_in_pages_carry_the_headers(client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert_security_headers(response)


def test_a_404_carries_the_headers(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert_security_headers(response)


def test_a_400_for_an_unreadable_address_carries_the_headers(client):
    response = client.get("/search/?q=%00")

    assert response.status_code == 400
    assert_security_headers(response)


def test_the_429_page_carries_the_headers(client, settings):
    settings.LOGIN_FAILURE_IP_LIMIT = 1
    client.post("/admin/login/", {"username": "guess", "password": "wrong"})

    response = client.post("/admin/login/", {"username": "guess", "password": "wrong"})

    assert response.status_code == 429
    assert_security_headers(response)


def test_an_uploaded_image_served_by_django_carries_the_headers(client, author):
    image = factories.post_image(factories.post("On listening", author=author))

    response = client.get(image.image.url)

    assert response.status_code == 200
    assert_security_headers(response)


def test_a_static_file_served_by_whitenoise_carries_the_headers(settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True

    response = Client().get("/static/js/comments.js")  # a new client loads the middleware

    assert response.status_code == 200
    assert_security_headers(response)


def test_the_reporting_api_endpoint_is_named_where_the_policy_has_report_to(client, settings):
    directives = {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "report-to": "csp"}
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": directives}  # as with HTTPS=true

    response = client.get("/")

    assert directives_of(response)["report-to"] == ["csp"]
    assert response["Reporting-Endpoints"] == 'csp="/csp-report/"'


def test_over_plain_http_the_policy_reports_to_report_uri_alone(client):
    response = client.get("/")

    assert "report-to" not in directives_of(response)
    assert "Reporting-Endpoints" not in response


def _policy_with(**env):
    result = run_manage(
        "shell", "-c",
        "from django.conf import settings as s; "
        "print({k: list(v) if isinstance(v, list) else str(v) "
        "for k, v in s.CONTENT_SECURITY_POLICY['DIRECTIVES'].items()})",
        **env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip().splitlines()[-1])


def test_embed_origins_open_frame_src_to_those_hosts_alone():
    policy = _policy_with(EMBED_ORIGINS="https://www.youtube-nocookie.com,https://player.vimeo.com")

    assert policy["frame-src"] == ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
    assert policy["script-src"] == ["'self'"]


def test_media_on_another_host_is_allowed_as_images():
    policy = _policy_with(MEDIA_URL="https://media.example.org/uploads/")

    assert policy["img-src"] == ["'self'", "https://media.example.org"]


def test_over_https_the_policy_reports_to_the_reporting_api_too():
    policy = _policy_with(HTTPS="true")

    assert policy["report-to"] == "csp"
    assert policy["report-uri"] == "/csp-report/"
