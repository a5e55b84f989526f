"""Bad input gets a clear 4xx or a form error with the text kept: never a 500, never garbage.

A NUL that reaches the database is an error on PostgreSQL alone (SQLite stores it), so
these count most in the PostgreSQL run.
"""

import itertools
import re
from urllib.parse import urlencode

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from blog.models import Post
from comments.models import Comment, Report

from . import factories
from .test_admin_roles import post_form
from .test_wordpress_import import run
from .wxr_files import WPItem, write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_wait(settings):
    settings.COMMENTS_MIN_SECONDS = 0


def _typed(**overrides):
    return post_form(title="A very late essay", body="Typed with *care*.", **overrides)


BOUNDARY = b"BoUnDaRyOfThEfOrM"


def _form(fields, encoding):
    """(body, content type) of a form sent with its values' bytes as they are."""
    fields = {name: value if isinstance(value, bytes) else str(value).encode()
              for name, value in fields.items()}  # fmt: skip
    if encoding == "urlencoded":
        return urlencode(fields), "application/x-www-form-urlencoded"
    part = b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
    body = b"".join(part % (BOUNDARY, name.encode(), value) for name, value in fields.items())
    return body + b"--%s--\r\n" % BOUNDARY, f"multipart/form-data; boundary={BOUNDARY.decode()}"


# Every address ---------------------------------------------------------------------------


def _patterns(patterns, route="", names=()):
    """(route, name, argument names) of each URL pattern, its route joined as resolve() does."""
    for pattern in patterns:
        part = str(pattern.pattern)
        joined = route + (part[1:] if route and part.startswith("^") else part)
        if isinstance(pattern, URLResolver):
            namespace = (pattern.namespace,) if pattern.namespace else ()
            yield from _patterns(pattern.url_patterns, joined, names + namespace)
        elif isinstance(pattern, URLPattern):
            name = ":".join((*names, pattern.name)) if pattern.name else None
            yield joined, name, list(pattern.pattern.regex.groupindex)


# The admin's own addresses are Django's; every other one is the site's.
PUBLIC_PATTERNS = [
    pattern for pattern in _patterns(get_resolver().url_patterns) if pattern[0][:6] != "admin/"
]


def _address(route, name, arguments, **given):
    """An address the pattern matches, with the values given and "x" or "1" for the rest."""
    if name is None:  # only plain routes have no name here: fill in their converters
        return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: "1" if m[1] == "int" else "x", route)
    free = [argument for argument in arguments if argument not in given]
    for values in itertools.product(["x", "1"], repeat=len(free)):
        try:
            return reverse(name, kwargs={**dict(zip(free, values, strict=True)), **given})
        except NoReverseMatch:
            continue
    raise AssertionError(f"No address for {route}")


A_DAY = {"year": "2024", "month": "01", "day": "01"}
ADDRESSES = [
    _address(route, name, arguments, **{k: v for k, v in A_DAY.items() if k in arguments})
    for route, name, arguments in PUBLIC_PATTERNS
]


def test_the_addresses_tried_cover_every_public_url_pattern():
    assert {resolve(address).route for address in ADDRESSES} == {
        route for route, _, _ in PUBLIC_PATTERNS
    }


@pytest.mark.parametrize("address", ADDRESSES)
def test_a_nul_in_any_address_or_query_parameter_is_a_bad_request(client, address):
    in_path = re.sub(r"([^/])(/?)$", r"\1%00\2", address) if address != "/" else "/%00"
    in_query = [f"{address}?{name}=1%00" for name in ("q", "cpage", "page", "replytocom", "p")]

    for bad in (in_path, *in_query):
        response = client.get(bad)
        assert response.status_code == 400, bad
        assert "NUL" in response.content.decode()


@pytest.mark.parametrize("query", ["q=a%00b", "status__exact=%00", "published_at__year=2024%00"])
def test_a_nul_in_the_admins_search_or_filters_is_a_bad_request(client_for, editor, query):
    response = client_for(editor).get(f"{reverse('admin:blog_post_changelist')}?{query}")

    assert response.status_code == 400


@pytest.mark.parametrize("cookie", ['sessionid="abcdefgh\\000ijklmn"', "sessionid=abcdefgh\x00ij"])
def test_a_session_cookie_with_a_nul_is_ignored(client, post, cookie):
    response = client.get(post.get_absolute_url(), HTTP_COOKIE=cookie)

    assert response.status_code == 200


# Bytes that are not UTF-8 ----------------------------------------------------------------


@pytest.mark.parametrize(
    "address", ["/search/?q=caf%E9", "/search/?q=ok&page=%FF", "/?cpage=%C3", "/feed/?x=%E9"]
)
def test_a_query_string_that_is_not_utf8_is_a_bad_request(client, post, address):
    response = client.get(address)

    assert response.status_code == 400
    assert "not UTF-8" in response.content.decode()


@pytest.mark.parametrize("field", ["name", "body", "url", "email"])
@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_a_comment_sent_in_bytes_that_are_not_utf8_is_refused_not_garbled(
    client, post, field, encoding
):
    data = factories.comment_form(post)
    data[field] = data[field].encode() + b" caf\xe9"
    body, content_type = _form(data, encoding)

    response = client.post(f"/comments/post/{post.pk}/", body, content_type=content_type)

    assert response.status_code == 400
    assert "not UTF-8" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_post_sent_from_the_admin_in_bytes_that_are_not_utf8_is_refused(client_for, editor):
    data = {**_typed(author=editor.pk), "body": b"Caf\xe9 society."}
    body, content_type = _form(data, "multipart")

    response = client_for(editor).post(
        reverse("admin:blog_post_add"), body, content_type=content_type
    )

    assert response.status_code == 400
    assert not Post.objects.exists()


def test_a_replacement_character_typed_in_a_form_is_text_like_any_other(client, post):
    typed = "The sign � stands for a lost letter."
    body, content_type = _form(factories.comment_form(post, body=typed), "urlencoded")

    response = client.post(f"/comments/post/{post.pk}/", body, content_type=content_type)

    assert response.status_code == 302
    assert Comment.objects.get().body == typed


# Dates ----------------------------------------------------------------------------------

# Days, months and years no post can have: past the last day, before the first, or none.
EDGE_DATES = [
    ("9999", "12", "31"), ("9999", "01", "01"), ("0999", "12", "31"), ("0000", "01", "01"),
    ("2024", "02", "30"), ("2024", "04", "31"), ("2024", "13", "01"), ("2024", "01", "00"),
    ("9999", "12"), ("9999", "01"), ("0999", "12"), ("0000", "01"), ("2024", "13"),
    ("2024", "00"), ("9999",), ("0999",), ("0000",),
]  # fmt: skip
PARTS = ("year", "month", "day")
DATED = [
    pytest.param(route, name, arguments, date, page, id=f"{route} {'-'.join(date)} page {page}")
    for route, name, arguments in PUBLIC_PATTERNS
    for date in EDGE_DATES
    if [part for part in PARTS if part in arguments] == list(PARTS[: len(date)])
    for page in ((None, "2") if "page" in arguments else (None,))
]


@pytest.mark.parametrize(("route", "name", "arguments", "date", "page"), DATED)
def test_a_date_no_post_can_have_is_not_found_at_every_dated_address(
    client, post, route, name, arguments, date, page
):
    given = dict(zip(PARTS, date, strict=False))
    if page:
        given["page"] = page
    if "slug" in arguments:
        given["slug"] = post.slug

    response = client.get(_address(route, name, arguments, **given))

    assert response.status_code == 404


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
@pytest.mark.parametrize(
    ("day", "time"),
    [("9999-12-31", "23:59"), ("9999-01-01", "00:00"), ("0999-12-31", "23:59"),
     ("0001-01-01", "00:00")],
)  # fmt: skip
def test_a_publication_date_no_address_can_have_is_a_form_error_with_the_text_kept(
    client_for, editor, settings, zone, day, time
):
    settings.TIME_ZONE = zone  # +14 and -11 hours: the furthest from UTC there are
    data = _typed(author=editor.pk, published_at_0=day, published_at_1=time)

    response = client_for(editor).post(reverse("admin:blog_post_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["published_at"] == [
        "Choose a publication date in the years 1000 to 9998."
    ]
    page = response.content.decode()
    assert 'value="A very late essay"' in page
    assert "Typed with *care*." in page
    assert not Post.objects.exists()


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
@pytest.mark.parametrize(("day", "time"), [("1000-01-01", "00:00"), ("9998-12-31", "23:59")])
def test_the_first_and_the_last_publication_days_work_everywhere(
    client_for, editor, settings, zone, day, time
):
    settings.TIME_ZONE = zone
    client = client_for(editor)
    data = _typed(author=editor.pk, published_at_0=day, published_at_1=time)

    assert client.post(reverse("admin:blog_post_add"), data).status_code == 302

    entry = Post.objects.get()
    year, month, date = day.split("-")
    assert entry.get_absolute_url() == f"/{year}/{month}/{date}/{entry.slug}/"
    changelist = reverse("admin:blog_post_changelist")
    drilled = f"?published_at__year={year}&published_at__month={int(month)}"
    for address in (entry.get_absolute_url(), "/", "/feed/", "/feed/atom/", "/sitemap.xml",
                    changelist, changelist + drilled,
                    f"{changelist}{drilled}&published_at__day={int(date)}"):  # fmt: skip
        assert client.get(address).status_code == 200, address
    archives = (f"/{year}/", f"/{year}/{month}/", f"/{year}/{month}/{date}/")
    shown = 200 if entry.is_public else 404  # the last day is still to come: scheduled
    assert [client.get(address).status_code for address in archives] == [shown] * 3


@pytest.mark.parametrize(
    "query",
    ["{f}__year=9999", "{f}__year=9999&{f}__month=12", "{f}__year=9999&{f}__month=12&{f}__day=31",
     "{f}__year=99999999999999999999"],
)  # fmt: skip
@pytest.mark.parametrize(
    ("changelist", "field"),
    [("admin:blog_post_changelist", "published_at"),
     ("admin:comments_comment_changelist", "submitted_at")],
)  # fmt: skip
def test_the_admins_dates_past_the_last_day_show_the_list_unfiltered(
    client_for, superuser, changelist, field, query
):
    url = reverse(changelist)

    response = client_for(superuser).get(f"{url}?{query.format(f=field)}")

    assert response.status_code == 302
    assert response["Location"] == f"{url}?e=1"


def test_an_imported_post_dated_past_the_last_day_is_dated_at_its_import(settings, tmp_path):
    settings.TIME_ZONE = "Pacific/Kiritimati"  # where 9999-12-31 23:59 UTC is the year 10000
    before = timezone.now()

    report = run(write(tmp_path, [WPItem(1, date_gmt="9999-12-31 23:59:59")]))

    assert Post.objects.get().published_at >= before
    assert "its date is outside the years 1000 to 9998" in report


# NUL in what is stored -------------------------------------------------------------------


def test_a_nul_in_a_report_reason_is_refused_with_the_reason_kept(client, post):
    comment = Comment.objects.create(
        post=post, name="Ann", email="ann@example.org", body="Hi.", status="approved"
    )

    response = client.post(
        reverse("comments:report", args=[comment.pk]), {"reason": "Rude\x00 words"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Null characters are not allowed." in page
    assert "Rude\x00 words" in page
    assert not Report.objects.exists()


def test_a_nul_in_the_browsers_name_is_not_stored(client, post):
    response = client.post(
        f"/comments/post/{post.pk}/",
        factories.comment_form(post),
        HTTP_USER_AGENT="Mozilla\x00/5.0",
    )

    assert response.status_code == 302
    assert Comment.objects.get().user_agent == "Mozilla/5.0"


@pytest.mark.parametrize("forwarded", ["203.0.113.7\x00", "not-an-address", "unknown"])
def test_a_forwarded_address_that_is_no_address_is_not_stored(client, post, settings, forwarded):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]

    response = client.post(f"/comments/post/{post.pk}/", factories.comment_form(post),
                           HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="127.0.0.1")  # fmt: skip

    assert response.status_code == 302
    assert Comment.objects.get().ip_address is None


# Numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["p=%C2%B2", "page_id=%C2%B2", "attachment_id=%C2%B9"])
def test_a_wordpress_id_in_digits_that_are_not_decimal_is_no_id(client, query):
    assert client.get(f"/?{query}").status_code == 200  # the home page, as for any unknown id


def test_a_reply_to_a_comment_numbered_in_superscript_shows_the_plain_form(client, post):
    response = client.get(f"{post.get_absolute_url()}?replytocom=%C2%B2")

    assert response.status_code == 200
    assert "Leave a reply" in response.content.decode()


def test_following_a_post_numbered_in_superscript_says_no_post_was_given(client_for, reader):
    act = reverse("profile:activity_action", args=["comments"])

    response = client_for(reader).post(act, {"action": "follow", "post": "²"})

    assert response.status_code == 400
    assert response.content.decode() == "No post given."
