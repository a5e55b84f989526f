"""Accounts on django-allauth: sign-up with a verified e-mail address, sign-in, sign-out,
password reset and change, e-mail change, "Log in with …", rate limits, no enumeration,
and every account page on the site's own layout."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.adapter import SocialAccountAdapter
from blog.models import SiteSettings

from . import factories

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new passphrase for tests"


def verified(user):
    """The user's e-mail address, verified (factories make users without allauth's record)."""
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def member(db):
    return verified(factories.user("member", email="member@example.org", display_name="Mo"))


@pytest.fixture
def github(db):
    return SocialApp.objects.create(
        provider="github", name="Colloquy on GitHub", client_id="github-id", secret="s3cret"
    )


def sign_up(client, email="grace@example.org", next_url=None, **overrides):
    data = {
        "display_name": "Grace Hopper",
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    if next_url is not None:
        data["next"] = next_url
    return client.post("/accounts/signup/", data)


def log_in(client, login="member@example.org", password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"login": login, "password": password, **extra})


def link_in(message, word):
    """The path of the first link in the e-mail whose address contains `word`."""
    url = next(u for u in re.findall(r"https?://\S+", message.body) if word in u)
    return urlsplit(url).path


def assert_site_page(response):
    """Our layout, one h1, and nothing of allauth's unstyled default layout."""
    html = response.content.decode()
    assert 'class="site-header"' in html and 'class="skip-link"' in html
    assert html.count("<h1") == 1
    assert "<strong>Menu:</strong>" not in html
    return html


# Every page allauth serves is on the site's layout.

GUEST_PAGES = [
    ("/accounts/login/", 200),
    ("/accounts/signup/", 200),
    ("/accounts/password/reset/", 200),
    ("/accounts/password/reset/done/", 200),
    ("/accounts/password/reset/key/1-not-a-key/", 200),
    ("/accounts/password/reset/key/done/", 200),
    ("/accounts/confirm-email/", 200),
    ("/accounts/confirm-email/not-a-key/", 200),
    ("/accounts/inactive/", 200),
    ("/accounts/3rdparty/login/cancelled/", 200),
    ("/accounts/3rdparty/login/error/", 401),
    ("/accounts/github/login/", 200),
]
MEMBER_PAGES = [
    ("/accounts/email/", 200),
    ("/accounts/password/change/", 200),
    ("/accounts/3rdparty/", 200),
    ("/accounts/reauthenticate/", 200),
    ("/accounts/logout/", 200),
    ("/accounts/password/reset/", 200),
    ("/accounts/github/login/?process=connect", 200),
]


@pytest.mark.parametrize(("url", "status"), GUEST_PAGES)
def test_every_guest_account_page_has_the_site_layout(client, github, url, status):
    response = client.get(url)

    assert response.status_code == status
    assert_site_page(response)


@pytest.mark.parametrize(("url", "status"), MEMBER_PAGES)
def test_every_member_account_page_has_the_site_layout(client, member, github, url, status):
    client.force_login(member)

    response = client.get(url)

    assert response.status_code == status
    assert_site_page(response)


@pytest.mark.parametrize(
    "url", ["/accounts/email/", "/accounts/password/change/", "/accounts/3rdparty/"]
)
def test_account_pages_share_a_menu_marking_the_current_one(client, member, url):
    client.force_login(member)

    html = client.get(url).content.decode()

    assert '<nav class="account-menu" aria-label="Account settings">' in html
    assert f'<a href="{url}" aria-current="page">' in html


def test_setting_a_first_password_has_the_site_layout(client):
    social_only = factories.user("social")
    social_only.set_unusable_password()
    social_only.save()
    client.force_login(social_only)

    assert client.get("/accounts/password/change/")["Location"] == "/accounts/password/set/"
    assert_site_page(client.get("/accounts/password/set/"))


def test_someone_who_signed_in_elsewhere_can_set_a_first_password(client):
    social_only = factories.user("social")
    social_only.set_unusable_password()
    social_only.save()
    client.force_login(social_only)

    response = client.post(
        "/accounts/password/set/", {"password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 302
    social_only.refresh_from_db()
    assert social_only.check_password(PASSWORD)


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/password/set/",
        "/accounts/3rdparty/",
        "/accounts/reauthenticate/",
    ],
)
def test_member_pages_send_guests_to_sign_in_and_back(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("/accounts/logout/", "/"),
        ("/accounts/3rdparty/signup/", "/accounts/login/"),
    ],
)
def test_pages_with_nothing_to_do_for_guests_redirect(client, url, target):
    response = client.get(url)

    assert response.status_code == 302 and response["Location"] == target


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/"])
def test_signed_in_members_skip_the_entrance(client, member, url):
    client.force_login(member)

    assert client.get(url)["Location"] == "/"


# allauth puts the request's site in these pages' context as `site`.
ENTRANCE_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/1-not-a-key/",
    "/accounts/confirm-email/",
    "/accounts/confirm-email/not-a-key/",
]


@pytest.mark.parametrize("url", ENTRANCE_PAGES)
def test_account_pages_keep_the_site_settings_in_title_header_and_footer(client, url):
    blog = SiteSettings.load()
    blog.title, blog.tagline = "The Geneva Dialogue", "Considered writing"
    blog.footer_text = "Published by *the Forum*."
    blog.save()

    html = client.get(url).content.decode()

    assert re.search(r"<title>[^<]+ – The Geneva Dialogue</title>", html)
    assert "<span>The Geneva Dialogue</span>" in html and "Considered writing</p>" in html
    assert "Published by <em>the Forum</em>." in html
    assert f"&copy; {timezone.localdate():%Y} The Geneva Dialogue</p>" in html


def test_forms_label_every_field_and_announce_errors(client):
    html = client.get("/accounts/signup/").content.decode()
    for field in ("display_name", "email", "password1", "password2"):
        assert f'<label for="id_{field}">' in html

    html = sign_up(client, email="not an address").content.decode()

    assert 'class="field-error" id="id_email_error" role="alert"' in html
    assert 'aria-describedby="id_email_error"' in html
    assert 'aria-invalid="true"' in html


# Sign-up, verification, and back to the post.


def test_sign_up_verify_and_land_back_on_the_posts_form(client, post):
    form_url = f"{post.get_absolute_url()}#respond"
    invitation = client.get(post.get_absolute_url()).content.decode()
    assert f'href="/accounts/login/?next={post.get_absolute_url()}%23respond"' in invitation
    login_page = client.get(f"/accounts/login/?next={post.get_absolute_url()}%23respond")
    main = login_page.content.decode().split('<main id="content"', 1)[1]
    signup_link = re.search(r'href="(/accounts/signup/\?[^"]+)"', main)[1]
    assert parse_qs(urlsplit(signup_link.replace("&amp;", "&")).query)["next"] == [form_url]

    response = sign_up(client, next_url=form_url)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    grace = User.objects.get(email="grace@example.org")
    assert not EmailAddress.objects.get(user=grace).verified
    assert "_auth_user_id" not in client.session
    (message,) = mail.outbox
    assert message.to == ["grace@example.org"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    confirm_url = link_in(message, "/accounts/confirm-email/")

    page = client.get(confirm_url)
    assert page.status_code == 200
    assert "grace@example.org" in assert_site_page(page)
    response = client.post(confirm_url)

    assert response.status_code == 302
    assert response["Location"] == form_url
    assert client.session["_auth_user_id"] == str(grace.pk)
    assert EmailAddress.objects.get(user=grace).verified
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Commenting as Grace Hopper." in html


def test_new_accounts_cannot_sign_in_before_verifying(client):
    sign_up(client)
    client.cookies.clear()

    response = log_in(client, login="grace@example.org")

    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_accounts_from_before_confirm_their_address_at_first_sign_in(client, post):
    older = factories.user("older", email="older@example.org")  # no allauth address record

    response = log_in(client, login="older@example.org", next=post.get_absolute_url())

    assert response["Location"] == "/accounts/confirm-email/"
    response = client.post(link_in(mail.outbox[0], "/accounts/confirm-email/"))
    assert response["Location"] == post.get_absolute_url()
    assert client.session["_auth_user_id"] == str(older.pk)


def test_usernames_come_from_the_display_name_never_the_address(client):
    sign_up(client, email="grace@example.org", display_name="Grace Hopper")
    sign_up(Client(), email="other.grace@example.org", display_name="Grace Hopper")
    sign_up(Client(), email="secret.handle@example.org", display_name="李雷")

    first, second, third = User.objects.order_by("pk")
    assert first.username == "grace-hopper" and first.display_name == "Grace Hopper"
    assert second.username.startswith("grace-hopper") and second.username != first.username
    assert third.username.startswith("reader") and "secret" not in third.username
    assert third.get_absolute_url().startswith("/author/reader")


def test_sign_up_uses_the_password_validators(client):
    response = sign_up(client, password1="password", password2="password")

    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not User.objects.exists()


def test_sign_up_with_a_taken_address_looks_the_same_and_mails_its_owner(client, member):
    taken = sign_up(client, email="member@example.org")
    fresh = sign_up(Client(), email="new@example.org")

    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"] == "/accounts/confirm-email/"
    assert User.objects.filter(email="member@example.org").count() == 1
    by_address = {message.to[0]: message for message in mail.outbox}
    assert "already" in by_address["member@example.org"].subject.lower()
    assert "/accounts/confirm-email/" in by_address["new@example.org"].body


# Signing in and out.


def test_members_sign_in_with_their_address_and_return_to_next(client, member, post):
    response = log_in(client, next=f"{post.get_absolute_url()}#respond")

    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#respond"
    assert client.session["_auth_user_id"] == str(member.pk)


def test_without_next_sign_in_goes_home(client, member):
    assert log_in(client)["Location"] == "/"


def test_unknown_address_and_wrong_password_get_the_same_answer(client, member):
    wrong = log_in(client, password="not the password")
    unknown = log_in(client, login="nobody@example.org", password="not the password")

    assert wrong.status_code == unknown.status_code == 200
    errors = [re.search(r'role="alert">(.*?)</div>', r.content.decode(), re.S)[1]
              for r in (wrong, unknown)]  # fmt: skip
    assert errors[0] == errors[1]
    assert "not correct" in errors[0]


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "https:evil.example", "/\\evil.example"]
)
def test_sign_in_never_redirects_off_site(client, member, target):
    response = log_in(client, next=target)

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_sign_up_never_redirects_off_site(client, target):
    sign_up(client, next_url=target)
    confirm_url = link_in(mail.outbox[0], "/accounts/confirm-email/")

    response = client.post(confirm_url)

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_sign_out_takes_a_post(client, member):
    client.force_login(member)

    page = client.get("/accounts/logout/")
    assert page.status_code == 200 and "_auth_user_id" in client.session
    response = client.post("/accounts/logout/")

    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_staff_still_sign_in_to_the_admin_with_their_username(client):
    factories.user("editor1", is_staff=True, is_superuser=True)

    response = client.post(
        "/admin/login/?next=/admin/", {"username": "editor1", "password": PASSWORD}
    )

    assert response.status_code == 302 and response["Location"] == "/admin/"


# Passwords.


def test_password_reset_by_mail(client, member):
    response = client.post("/accounts/password/reset/", {"email": "member@example.org"})
    assert response["Location"] == "/accounts/password/reset/done/"
    (message,) = mail.outbox
    assert message.from_email == settings.DEFAULT_FROM_EMAIL

    key_page = client.get(link_in(message, "/accounts/password/reset/key/"), follow=True)
    form_url = key_page.redirect_chain[-1][0]
    assert_site_page(key_page)
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response["Location"] == "/accounts/password/reset/key/done/"
    assert log_in(Client(), password=NEW_PASSWORD)["Location"] == "/"


def test_password_reset_for_an_unknown_address_looks_the_same(client, member):
    known = client.post("/accounts/password/reset/", {"email": "member@example.org"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "member@example.org",
        "nobody@example.org",  # told that no account uses the address
    ]
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body


def test_members_change_their_password_and_are_told_by_mail(client, member):
    client.force_login(member)

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert "_auth_user_id" in client.session  # still signed in
    assert log_in(Client(), password=NEW_PASSWORD)["Location"] == "/"
    assert [message.to for message in mail.outbox] == [["member@example.org"]]


def test_password_change_checks_the_validators(client, member):
    client.force_login(member)

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "12345678", "password2": "12345678"},
    )

    assert response.status_code == 200
    assert "This password is entirely numeric." in response.content.decode()


# Changing the e-mail address.


def test_changing_the_address_asks_for_the_password_then_verifies_the_new_one(client, member):
    client.force_login(member)

    response = client.post("/accounts/email/", {"action_add": "", "email": "mo@example.net"})
    assert response["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.post("/accounts/email/", {"action_add": "", "email": "mo@example.net"})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.email == "member@example.org"  # until the new address is verified
    confirmation = next(m for m in mail.outbox if m.to == ["mo@example.net"])
    client.post(link_in(confirmation, "/accounts/confirm-email/"))
    member.refresh_from_db()
    assert member.email == "mo@example.net"
    assert list(EmailAddress.objects.filter(user=member).values_list("email", flat=True)) == [
        "mo@example.net"
    ]
    assert log_in(Client(), login="mo@example.net")["Location"] == "/"


# Rate limits.


def main_of(response):
    html = assert_site_page(response)
    return html[html.index('<main id="content"') : html.index("</main>")]


def test_the_sixth_failed_sign_in_gets_the_admins_429_even_with_the_right_password(client, member):
    factories.user("boss", is_staff=True, is_superuser=True)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert "not correct" in log_in(client, password="wrong").content.decode()
        client.post("/admin/login/", {"username": "boss", "password": "wrong"})

    blocked = log_in(client, password="wrong")
    right = log_in(client)
    admin = client.post("/admin/login/", {"username": "boss", "password": PASSWORD})

    for response in (blocked, right, admin):
        assert response.status_code == 429
        assert response["Retry-After"] == str(settings.LOGIN_FAILURE_WINDOW)
        assert "Too many attempts" in main_of(response)
    assert main_of(blocked) == main_of(right) == main_of(admin)
    assert "_auth_user_id" not in client.session


def test_the_sixth_failed_admin_login_gets_429_even_with_the_right_password(client):
    factories.user("boss", is_staff=True, is_superuser=True)

    def admin_login(password):
        return client.post("/admin/login/", {"username": "boss", "password": password})

    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert admin_login("wrong").status_code == 200

    blocked = admin_login("wrong")
    right = admin_login(PASSWORD)

    for response in (blocked, right):
        assert response.status_code == 429
        assert response["Retry-After"] == str(settings.LOGIN_FAILURE_WINDOW)
        assert "Too many attempts" in assert_site_page(response)
    assert "_auth_user_id" not in client.session
    # Another username from the same address still gets its own tries.
    factories.user("other-boss", is_staff=True, is_superuser=True)
    response = client.post("/admin/login/", {"username": "other-boss", "password": PASSWORD})
    assert response.status_code == 302


def test_admin_logins_are_limited_per_address_across_usernames(client, settings):
    settings.LOGIN_FAILURE_IP_LIMIT = 3
    for n in range(3):
        client.post("/admin/login/", {"username": f"guess{n}", "password": "wrong"})

    response = client.post("/admin/login/", {"username": "guess-next", "password": "wrong"})

    assert response.status_code == 429


def test_admin_failures_are_counted_per_client_address(client):
    factories.user("boss", is_staff=True, is_superuser=True)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "boss", "password": "wrong"})

    elsewhere = Client(REMOTE_ADDR="192.0.2.7")
    response = elsewhere.post("/admin/login/", {"username": "boss", "password": PASSWORD})

    assert response.status_code == 302


def test_too_many_sign_ups_get_the_429_page_and_when_to_come_back(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1/2m/ip"}
    sign_up(client)

    response = sign_up(client, email="again@example.org")

    assert response.status_code == 429
    assert response["Retry-After"] == "120"
    assert "Too many attempts" in main_of(response)
    assert not User.objects.filter(email="again@example.org").exists()


def test_too_many_resets_for_one_address_get_the_429_page_and_when_to_come_back(
    client, member, settings
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "1/m/key"}
    client.post("/accounts/password/reset/", {"email": "member@example.org"})

    response = client.post("/accounts/password/reset/", {"email": "member@example.org"})

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Too many attempts" in main_of(response)
    assert len(mail.outbox) == 1


# Log in with GitHub, Google, Facebook.


def test_posting_to_a_provider_starts_its_oauth_flow_without_the_network(client, github):
    response = client.post("/accounts/github/login/", {"process": "login"})

    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://github.com/login/oauth/authorize"
    query = parse_qs(url.query)
    assert query["client_id"] == ["github-id"]
    assert query["redirect_uri"] == ["http://testserver/accounts/github/login/callback/"]
    assert query["state"]


def test_a_get_to_a_provider_only_shows_a_button(client, github):
    response = client.get("/accounts/github/login/?process=login")

    assert response.status_code == 200
    assert '<form class="account-form" method="post"' in response.content.decode()


def test_login_page_offers_the_configured_providers_with_icons(client, github):
    html = client.get("/accounts/login/?next=/somewhere/").content.decode()

    assert "/accounts/github/login/?process=login&amp;next=%2Fsomewhere%2F" in html
    assert "/static/img/providers/github.svg" in html
    assert "/accounts/google/login/" not in html


def test_comment_form_offers_only_providers_with_an_app(client, post):
    html = client.get(post.get_absolute_url()).content.decode()
    assert "provider-icons" not in html

    SocialApp.objects.create(provider="google", name="Google", client_id="g", secret="s")
    html = client.get(post.get_absolute_url()).content.decode()

    back = f"{post.get_absolute_url()}%23respond"
    assert f'href="/accounts/google/login/?process=login&amp;next={back}"' in html
    assert 'alt="Google"' in html and "/static/img/providers/google.svg" in html
    assert "/accounts/github/login/" not in html
    assert "/accounts/facebook/login/" not in html


def test_the_provider_list_costs_no_query_once_any_page_has_loaded(client, post, github):
    client.get("/")

    with CaptureQueriesContext(connection) as queries:
        html = client.get(post.get_absolute_url()).content.decode()

    assert "/accounts/github/login/" in html
    assert not [q for q in queries.captured_queries if "socialaccount" in q["sql"]]


def test_removing_an_app_removes_its_icon(client, post, github):
    assert "/accounts/github/login/" in client.get(post.get_absolute_url()).content.decode()

    github.delete()

    assert "/accounts/github/login/" not in client.get(post.get_absolute_url()).content.decode()


def test_social_sign_ups_get_a_display_name_from_the_provider(rf):
    sociallogin = SocialLogin(user=User(), account=SocialAccount(provider="github"))
    data = {"username": "ghopper", "email": "grace@example.org", "name": "Grace Hopper"}

    user = SocialAccountAdapter().populate_user(rf.get("/"), sociallogin, data)

    assert user.display_name == "Grace Hopper" and user.username == "ghopper"
