"""Readers commenting under a post: the form, the thread, and every way it can go wrong."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from blog.models import Post
from comments import antispam
from comments.models import Comment

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_wait(settings):
    settings.COMMENTS_MIN_SECONDS = 0


def send(client, post, **overrides):
    return client.post(f"/comments/post/{post.pk}/", factories.comment_form(post, **overrides))


def discussion(response):
    return response.content.decode().split('<section class="discussion"', 1)[1]


def test_guest_comment_waits_and_is_shown_only_to_its_author(client, post):
    response = send(client, post)

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"
    assert comment.status == Comment.Status.PENDING
    assert comment.status_reason == "first comment"
    mine = client.get(post.get_absolute_url()).content.decode()
    assert "Your comment is awaiting moderation." in mine
    assert "A thoughtful reply." in mine

    stranger = client.__class__()
    theirs = stranger.get(post.get_absolute_url()).content.decode()
    assert "A thoughtful reply." not in theirs
    assert "awaiting moderation" not in theirs


def test_approved_comment_shows_author_link_date_and_permalink(client, post):
    comment = factories.comment(
        post, name="Joseph", email="joseph@example.org", url="https://example.org/joseph"
    )

    html = discussion(client.get(post.get_absolute_url()))

    assert f'id="comment-{comment.pk}"' in html
    assert '<a href="https://example.org/joseph" rel="nofollow ugc noopener">Joseph</a>' in html
    assert f'href="/comments/{comment.pk}/"' in html
    assert comment.submitted_at.strftime("%B") in html
    assert f'href="?replytocom={comment.pk}#respond"' in html
    assert "joseph@example.org" not in html  # e-mail is never shown


def test_returning_commenter_is_approved_at_once(client, post):
    factories.comment(post, name="Grace Guest", email="grace@example.org")

    send(client, post, body="Back again.")

    latest = Comment.objects.latest("pk")
    assert latest.status == Comment.Status.APPROVED
    assert latest.status_reason == "previously approved commenter"


def test_signed_in_reader_comments_under_their_account_with_csrf(client_for, reader, post):
    client = client_for(reader)
    form_html = client.get(post.get_absolute_url()).content.decode()
    assert 'name="email"' not in form_html
    assert "Commenting as reader." in form_html

    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reader)
    refused = strict.post(
        f"/comments/post/{post.pk}/", factories.comment_form(post, name=None, email=None)
    )
    assert refused.status_code == 403
    assert not Comment.objects.exists()

    response = client.post(
        f"/comments/post/{post.pk}/", factories.comment_form(post, name=None, email=None)
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.user == reader and comment.name == "" and comment.email == reader.email


def test_guests_need_no_csrf_token(post):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        f"/comments/post/{post.pk}/", factories.comment_form(post)
    )

    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_remember_me_refills_the_guest_fields(client, post):
    send(client, post, remember="on", url="https://grace.example.org")

    html = client.get(post.get_absolute_url()).content.decode()

    assert 'value="Grace Guest"' in html
    assert 'value="grace@example.org"' in html
    assert 'value="https://grace.example.org"' in html


def test_without_remember_me_nothing_is_kept(client, post):
    send(client, post)

    assert 'value="Grace Guest"' not in client.get(post.get_absolute_url()).content.decode()


def test_sign_in_link_returns_to_the_form(client, post):
    html = client.get(post.get_absolute_url()).content.decode()

    assert f'href="/accounts/login/?next={post.get_absolute_url()}%23respond"' in html
    assert "provider-icons" not in html  # no "Log in with …" until a Social application exists


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"body": "   "}, "Please write something before sending."),
        ({"name": ""}, "This field is required."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"url": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"homepage": "http://spam.example"}, "leave this empty"),
        ({"token": "forged"}, "This form could not be checked."),
        ({"token": None}, "This form could not be checked."),
    ],
)
def test_bad_input_keeps_the_text_and_says_what_is_wrong(client, post, overrides, message):
    overrides.setdefault("body", "My carefully written words.")
    response = send(client, post, **overrides)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if overrides["body"].strip():
        assert "My carefully written words." in html
    assert not Comment.objects.exists()


def test_oversized_comment_is_refused_with_the_limit(settings, client, post):
    settings.COMMENTS_MAX_LENGTH = 50

    response = send(client, post, body="x" * 51)

    assert response.status_code == 400
    assert "at most 50 characters" in response.content.decode()
    assert "x" * 51 in response.content.decode()


def test_form_filled_too_fast_is_refused(settings, client, post):
    settings.COMMENTS_MIN_SECONDS = 30

    response = send(client, post)

    assert response.status_code == 400
    assert "quicker than anyone can type" in response.content.decode()
    assert not Comment.objects.exists()


def test_form_for_another_post_is_refused(client, post, author):
    other = factories.post("Other", author=author)

    response = send(client, post, token=antispam.form_token(other))

    assert response.status_code == 400
    assert "belongs to another post" in response.content.decode()


def test_expired_form_is_refused_and_a_fresh_one_offered(settings, client, post, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr("django.core.signing.time.time", lambda: 1_000_000_000)
        token = antispam.form_token(post)

    response = send(client, post, token=token)

    assert response.status_code == 400
    assert "open for too long" in response.content.decode()
    assert f'value="{token}"' not in response.content.decode()


def test_reply_keeps_its_true_parent_and_depth(client, post):
    top = factories.comment(post)
    middle = factories.comment(post, parent=top, body="Middle")

    send(client, post, parent=middle.pk, body="Deep reply")

    reply = Comment.objects.get(body="Deep reply")
    assert reply.parent == middle
    assert reply.depth == 2
    assert reply.path.startswith(middle.path + "/")


def test_reply_to_a_comment_of_another_post_is_refused(client, post, author):
    elsewhere = factories.comment(factories.post("Elsewhere", author=author))

    response = send(client, post, parent=elsewhere.pk, body="Misdirected")

    assert response.status_code == 400
    assert "not available" in response.content.decode()
    assert "Misdirected" in response.content.decode()
    assert not Comment.objects.filter(body="Misdirected").exists()


def test_reply_to_a_pending_comment_is_refused(client, post):
    pending = Comment.objects.create(post=post, name="P", email="p@example.org", body="Wait")

    response = send(client, post, parent=pending.pk, body="Too early")

    assert response.status_code == 400
    assert not Comment.objects.filter(body="Too early").exists()


@pytest.mark.parametrize("status", [Post.Status.DRAFT, Post.Status.PENDING, Post.Status.PRIVATE])
def test_unpublished_posts_take_no_comments(client, author, status):
    hidden = factories.post("Hidden", author=author, status=status)

    assert send(client, hidden).status_code == 404
    assert not Comment.objects.exists()


def test_unknown_post_takes_no_comments(client, post):
    assert client.post("/comments/post/999999/", factories.comment_form(post)).status_code == 404


def test_get_is_not_allowed(client, post):
    assert client.get(f"/comments/post/{post.pk}/").status_code == 405


def test_closed_post_says_so_and_keeps_the_text(client, author):
    closed = factories.post("Closed", author=author, comments_open=False)

    page = client.get(closed.get_absolute_url()).content.decode()
    response = send(client, closed, body="Too late, but mine")

    assert "Comments are closed." in page and "Leave a reply" not in page
    assert response.status_code == 403
    assert "Comments are closed on this post." in response.content.decode()
    assert "Too late, but mine" in response.content.decode()
    assert not Comment.objects.exists()


def test_comments_close_automatically_after_the_set_days(settings, client, author):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 14
    old = factories.post("Old", author=author, published_at=timezone.now() - timedelta(days=15))
    recent = factories.post("Recent", author=author)

    assert "Comments are closed." in client.get(old.get_absolute_url()).content.decode()
    assert send(client, old).status_code == 403
    assert send(client, recent).status_code == 302


def test_comments_stay_open_by_default_however_old(client, author):
    old = factories.post("Old", author=author, published_at=timezone.now() - timedelta(days=900))

    assert send(client, old).status_code == 302


def test_duplicate_comment_is_refused(client, post):
    factories.comment(post, name="Grace Guest", email="grace@example.org", body="Same words")

    response = send(client, post, body="Same words")

    assert response.status_code == 400
    assert "already posted this comment" in response.content.decode()
    assert Comment.objects.count() == 1


def test_rate_limit_answers_429_with_a_readable_page(settings, client, post):
    settings.COMMENTS_RATE_LIMIT = "2/60"
    send(client, post, body="one")
    send(client, post, body="two")

    response = send(client, post, body="three, kept")

    assert response.status_code == 429
    assert "Please wait a little" in response.content.decode()
    assert "three, kept" in response.content.decode()
    assert Comment.objects.count() == 2


def test_each_check_can_be_switched_off(settings, client, post):
    settings.COMMENTS_HONEYPOT = False
    settings.COMMENTS_RATE_LIMIT = ""
    settings.COMMENTS_DUPLICATE_CHECK = False
    settings.COMMENTS_MIN_SECONDS = 0

    for _ in range(7):
        assert send(client, post, homepage="filled", body="same").status_code == 302


def test_rate_limit_uses_the_forwarded_address_only_from_trusted_proxies(settings, client, post):
    settings.COMMENTS_RATE_LIMIT = "1/60"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]

    def from_address(body, forwarded, remote):
        return client.post(f"/comments/post/{post.pk}/", factories.comment_form(post, body=body),
                           HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)  # fmt: skip

    first = from_address("a", "198.51.100.7", "127.0.0.1")
    second = from_address("b", "198.51.100.8", "127.0.0.1")
    spoofed = from_address("c", "198.51.100.9", "203.0.113.5")

    assert (first.status_code, second.status_code, spoofed.status_code) == (302, 302, 302)
    addresses = list(Comment.objects.order_by("pk").values_list("ip_address", flat=True))
    assert addresses == ["198.51.100.7", "198.51.100.8", "203.0.113.5"]


def test_text_is_plain_escaped_and_links_are_nofollow(client, post):
    body = "<script>alert(1)</script> First line\nsecond line\n\nSee https://example.org/a?b=1&c=2."
    send(client, post, body=body, name='<img src=x onerror="alert(1)">',
         url="https://example.org/\"onmouseover=alert(1)")  # fmt: skip
    comment = Comment.objects.get()
    comment.status = Comment.Status.APPROVED
    comment.save()

    html = discussion(client.__class__().get(post.get_absolute_url()))

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; First line<br>\nsecond line</p>" in html
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">'
        "https://example.org/a?b=1&amp;c=2</a>." in html
    )
    assert "<img src=x" not in html and "&lt;img src=x onerror=" in html
    assert '/"onmouseover' not in html and "/&quot;onmouseover" in html


def test_permalink_redirects_to_the_comment_in_place(client, post):
    comment = factories.comment(post)

    response = client.get(f"/comments/{comment.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"


def test_permalink_of_hidden_comment_is_404(client, post):
    pending = Comment.objects.create(post=post, name="P", email="p@example.org", body="Wait")

    assert client.get(f"/comments/{pending.pk}/").status_code == 404


def test_reply_without_javascript_opens_the_form_for_that_comment(client, post):
    comment = factories.comment(post, name="Joseph")

    html = client.get(f"{post.get_absolute_url()}?replytocom={comment.pk}").content.decode()

    assert "Reply to Joseph" in html
    assert f'name="parent" value="{comment.pk}"' in html
    assert 'class="cancel-reply">Cancel reply</a>' in html


def test_signed_in_commenter_edits_within_the_window(client_for, reader, post):
    comment = factories.comment(post, user=reader, body="Typo hree")
    client = client_for(reader)

    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "Typo here"})

    comment.refresh_from_db()
    assert response.status_code == 302
    assert comment.body == "Typo here" and comment.body_html == "<p>Typo here</p>"
    assert comment.edited_at is not None


def test_editing_after_the_window_is_refused(client_for, reader, post):
    comment = factories.comment(
        post, user=reader, body="Old words", submitted_at=timezone.now() - timedelta(minutes=11)
    )

    response = client_for(reader).post(f"/comments/{comment.pk}/edit/", {"body": "New"})

    comment.refresh_from_db()
    assert response.status_code == 403
    assert "can be edited for 10 minutes" in response.content.decode()
    assert comment.body == "Old words"


def test_nobody_edits_or_deletes_someone_elses_comment(client_for, reader, post):
    comment = factories.comment(post, user=factories.user("someone"))
    client = client_for(reader)

    assert client.post(f"/comments/{comment.pk}/edit/", {"body": "Hijack"}).status_code == 403
    assert client.post(f"/comments/{comment.pk}/delete/").status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED and comment.body != "Hijack"


def test_guests_cannot_edit(client, post):
    comment = factories.comment(post)

    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "Hijack"})

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_deleting_a_comment_with_replies_leaves_a_placeholder(client_for, reader, post):
    comment = factories.comment(post, user=reader, body="Mine")
    factories.comment(post, parent=comment, body="A reply to it")
    client = client_for(reader)

    client.post(f"/comments/{comment.pk}/delete/")

    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED
    html = discussion(client.get(post.get_absolute_url()))
    assert "This comment was removed." in html
    assert "Mine" not in html and "A reply to it" in html
    assert comment.events.filter(action="deleted by author", actor=reader).exists()


def test_reports_send_a_comment_to_the_queue(settings, client, post):
    settings.COMMENTS_REPORTS_TO_HOLD = 2
    comment = factories.comment(post)

    client.post(f"/comments/{comment.pk}/report/", REMOTE_ADDR="198.51.100.1")
    client.post(f"/comments/{comment.pk}/report/", REMOTE_ADDR="198.51.100.1")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.reports.count() == 1

    response = client.post(f"/comments/{comment.pk}/report/", REMOTE_ADDR="198.51.100.2")
    comment.refresh_from_db()
    assert response.status_code == 200 and "moderators will look" in response.content.decode()
    assert comment.status == Comment.Status.PENDING
    assert comment.events.filter(action="held after reports").exists()


def test_comment_counts_on_listings_follow_approvals(client, post):
    comment = Comment.objects.create(post=post, name="P", email="p@example.org", body="Hi")
    from comments import services

    services.set_status(comment, Comment.Status.APPROVED)

    assert "1 comment" in client.get("/").content.decode()
    services.set_status(comment, Comment.Status.REMOVED)
    assert "1 comment" not in client.get("/").content.decode()


def test_edit_link_shows_only_within_the_window(client_for, reader, post):
    fresh = factories.comment(post, user=reader, body="Fresh")
    factories.comment(
        post, user=reader, body="Old", submitted_at=timezone.now() - timedelta(minutes=30)
    )

    html = discussion(client_for(reader).get(post.get_absolute_url()))

    assert html.count("/edit/") == 1 and f"/comments/{fresh.pk}/edit/" in html
    assert html.count(">Delete</button>") == 2


def test_account_commenters_link_to_their_website_or_page(client, post, reader):
    factories.comment(post, user=reader)
    reader.website = ""
    reader.save()

    html = discussion(client.get(post.get_absolute_url()))

    assert '<a href="/author/reader/" rel="nofollow ugc noopener">reader</a>' in html


def test_signing_in_from_the_form_returns_to_it(client, post, reader):
    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)
    login_link = f"/accounts/login/?next={post.get_absolute_url()}%23respond"
    page = client.get(login_link)
    assert page.status_code == 200
    assert f'name="next" value="{post.get_absolute_url()}#respond"' in page.content.decode()

    response = client.post(
        "/accounts/login/",
        {"login": reader.email, "password": "correct horse battery staple",
         "next": f"{post.get_absolute_url()}#respond"},
    )  # fmt: skip

    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#respond"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_sign_in_never_redirects_off_site(client, reader, target):
    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)
    response = client.post(
        "/accounts/login/",
        {"login": reader.email, "password": "correct horse battery staple", "next": target},
    )

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
