"""Every page type the site templates, with the data that fills each one.

`build_site()` makes a small blog with everything a page can show (threads, a removed
comment with replies, figures, footnotes, a poem, a table, a WordPress import), and
`STEPS` is a visit to each page type: the HTML checker (tests/test_html_valid.py) and
axe (tests/browser/test_accessible_pages.py) walk the same list, in order.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlencode, urlsplit

from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.socialaccount.models import SocialApp
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from blog import likes
from blog.models import NavigationItem, Post, Redirect, SiteSettings
from comments import antispam, notifications
from comments.models import Comment, ModerationRule, Report, Subscription
from wordpress.models import ImportRun

from . import factories

SQLITE_ONLY = "the pages are the same on every database: they are checked in the SQLite run"
PASSWORD = "a long and unguessable passphrase"
NEW_PASSWORD = "another long and unguessable passphrase"
# Names with markup: every page must show them as text.
MARKUP_NAME = '<b>Ann</b> & "Co"'

RICH_BODY = """\
Talks between private citizens can go *where governments cannot*.[^coined]

![](image:IMAGE)

> Track two diplomacy is unofficial, informal interaction between members of adversary groups.

| Round | Where | Delegates |
| :---- | :---: | --------: |
| First | Oslo | 12 |
| Second | Geneva | 9 |

```poem
Line breaks and
    indents are kept;

a blank line starts a stanza.
```

```python
def talk(side):
    return side + " listens"
```

1. Listen.
2. Answer.

[^coined]: The phrase was coined by Joseph Montville in 1981.
"""


def build_site(settings):
    """The blog every visit reads; returns its people and things by name. `settings` is
    pytest-django's fixture: forms are sent at once, and the third sign-up is refused."""
    settings.COMMENTS_MIN_SECONDS = 0
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}
    site = SimpleNamespace()
    blog = SiteSettings.load()
    blog.title = "The Official Blog of Colloquy"
    blog.tagline = "Considered writing"
    blog.footer_text = "Published by **Colloquy**. [About us](/about/)."
    blog.save()

    site.reader = _member("reader", "Rea Reader", roles=[roles.READERS])
    site.leaver = _member("leaver", "Lee Leaver", roles=[roles.READERS])
    site.newcomer = factories.user("newcomer", email="newcomer@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=site.newcomer, email=site.newcomer.email, primary=True)
    site.author = _member(
        "author",
        MARKUP_NAME,
        roles=[roles.AUTHORS],
        bio="Ann writes about mediation.",
        website="https://example.org/ann",
    )
    site.editor = _member("editor", "Eddie Editor", roles=[roles.EDITORS])
    site.superuser = _member("root", "Root", is_staff=True, is_superuser=True)

    site.news = factories.category("News", description="What happened this week.")
    site.talks = factories.category("Talks", parent=site.news)
    site.about = factories.page("About", body="We publish **considered** writing.")
    factories.page("Team", parent=site.about, body="Who we are.")
    NavigationItem.objects.create(settings=blog, page=site.about, order=1)
    NavigationItem.objects.create(settings=blog, category=site.news, order=2)

    now = timezone.now()
    for number in range(12):
        factories.post(
            f"Dispatch {number}",
            author=site.editor,
            published_at=now - timedelta(days=30 + number),
            excerpt=f"Dispatch number {number}.",
            categories=[site.news],
        )
    site.image = factories.post_image(
        alt_text="A delegation at the table",
        caption="The second round",
        credit="Jane Doe © Reuters",
        uploaded_by=site.author,
    )
    site.rich = factories.post(
        "Track two at the table",
        author=site.author,
        body=RICH_BODY.replace("IMAGE", str(site.image.pk)),
        excerpt="Where *governments* cannot go.",
        categories=[site.talks],
        tags=["mediation", "peace"],
        featured_image=site.image,
    )
    site.image.post = site.rich
    site.image.save()
    site.discussed = factories.post(
        "On listening",
        author=site.author,
        body="Listening is **work**.",
        categories=[site.news],
        tags=["mediation"],
        published_at=now - timedelta(days=2),
    )
    site.closed = factories.post(
        "An old notice",
        author=site.editor,
        comments_open=False,
        published_at=now - timedelta(days=3),
    )
    site.draft = factories.post("Not ready", author=site.author, status=Post.Status.DRAFT)
    Redirect.objects.point("/2019/04/01/track-two/", site.rich, Redirect.Source.RENAMED)
    site.redirect = Redirect.objects.get()

    site.comment = factories.comment(
        site.discussed,
        name="Guest Gail",
        email="gail@example.org",
        url="https://example.org/gail",
        body="Listening *is* work.",
    )
    factories.comment(
        site.discussed, parent=site.comment, user=site.author, body="Thank you, Gail."
    )
    reply = factories.comment(site.discussed, parent=site.comment, user=site.reader, body="Agreed.")
    factories.comment(
        site.discussed, parent=reply, name="Deep Dan", email="dan@example.org", body="Yes."
    )
    removed = factories.comment(
        site.discussed, name="Spammer", body="Buy now", status=Comment.Status.REMOVED
    )
    factories.comment(site.discussed, parent=removed, user=site.reader, body="This was spam.")
    site.own = factories.comment(site.discussed, user=site.reader, body="My own words.")
    site.own.edited_at = timezone.now()
    site.own.save(update_fields=["edited_at"])
    site.pending = factories.comment(
        site.discussed,
        name="Pat Pending",
        email="pat@example.org",
        body="Waiting for a moderator.",
        status=Comment.Status.PENDING,
    )
    likes.like(site.discussed, site.editor)
    likes.like(site.discussed, site.superuser)
    site.reported = Report.objects.create(comment=site.comment, user=site.reader, reason="Rude")
    factories.comment(site.about, name="Guest Gail", email="gail@example.org", body="Nice page.")
    site.subscription = Subscription.objects.create(post=site.discussed, email="gail@example.org")
    site.subscription_confirmed = Subscription.objects.create(
        post=site.discussed, email="dan@example.org", confirmed=True
    )
    ModerationRule.objects.create(list=ModerationRule.List.MODERATION, value="moderators")
    SocialApp.objects.create(provider="github", name="GitHub", client_id="id", secret="s")
    site.import_run = ImportRun.objects.create(
        original_name="blog.wordpress.2024-02-08.xml",
        state=ImportRun.State.DONE,
        started_by=site.superuser,
        started_at=now - timedelta(minutes=2),
        finished_at=now - timedelta(minutes=1),
        report="Import finished.\nPosts: 1 new.\nComments: 3 new.",
    )
    site.running_import = ImportRun.objects.create(
        original_name="news.wordpress.2024-03-01.xml",
        state=ImportRun.State.RUNNING,
        started_by=site.superuser,
        started_at=now,
    )
    return site


def _member(username, display_name, **fields):
    person = factories.user(username, display_name=display_name, password=PASSWORD, **fields)
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    return person


def link_in_last_mail(word):
    """The path of the newest e-mail's first link whose address contains `word`."""
    body = mail.outbox[-1].body
    return urlsplit(next(u for u in re.findall(r"https?://\S+", body) if word in u)).path


@dataclass
class Step:
    """One page type: the page at `path`, or the answer to a form sent there.

    `path` and `post` may be functions of the site, for addresses known only once the
    data (or an earlier step's e-mail) exists. `origin` is the page the form is on.
    """

    name: str
    path: object
    who: str | None = None  # an attribute of the site; None: a guest
    post: object = None
    origin: object = None
    status: int = 200

    def url(self, site):
        return self.path(site) if callable(self.path) else self.path

    def data(self, site):
        return self.post(site) if callable(self.post) else self.post

    def origin_url(self, site):
        return self.origin(site) if callable(self.origin) else self.origin


def _post_url(site, attribute):
    return getattr(site, attribute).get_absolute_url()


def _admin(name, *args, query=None):
    def url(site):
        path = reverse(f"admin:{name}", args=[arg(site) for arg in args])
        return f"{path}?{urlencode(query)}" if query else path

    return url


def _comment_form(post, **fields):
    return {"token": antispam.form_token(post), **fields}


def _moderate(site):
    token = notifications.moderation_token(site.pending, "approve", site.editor)
    return reverse("comments:moderate", args=[token])


STEPS = [
    # The public site.
    Step("home", "/"),
    Step("home, page 2", "/page/2/"),
    Step("post with a discussion", lambda site: _post_url(site, "discussed")),
    Step("post with figures, footnotes, a poem and a table", lambda s: _post_url(s, "rich")),
    Step("post with comments closed", lambda site: _post_url(site, "closed")),
    Step(
        "post answering a reply link",
        lambda s: f"{_post_url(s, 'discussed')}?replytocom={s.comment.pk}",
    ),
    Step("year archive", lambda site: f"/{site.discussed.published_at:%Y}/"),
    Step("month archive", lambda site: f"/{site.discussed.published_at:%Y/%m}/"),
    Step("day archive", lambda site: f"/{site.discussed.published_at:%Y/%m/%d}/"),
    Step("category archive", "/category/news/"),
    Step("sub-category archive", "/category/news/talks/"),
    Step("tag archive", "/tag/mediation/"),
    Step("author archive", "/author/author/"),
    Step("page", "/about/"),
    Step("child page", "/about/team/"),
    Step("search with results", "/search/?q=listening"),
    Step("search with no results", "/search/?q=zebra"),
    Step("search without words", "/search/"),
    Step("not found", "/no-such-page/", status=404),
    Step("unreadable request", "/search/?q=%00", status=400),
    Step("comment permalink target", lambda site: f"/comments/{site.comment.pk}/"),
    Step(
        "report a comment",
        lambda site: f"/comments/{site.comment.pk}/report/",
        post={"reason": "Off topic"},
        origin=lambda site: _post_url(site, "discussed"),
    ),
    Step(
        "report refused",
        lambda site: f"/comments/{site.comment.pk}/report/",
        post={"reason": "x" * 400},
        origin=lambda site: _post_url(site, "discussed"),
        status=400,
    ),
    Step(
        "comment on a closed post",
        lambda site: f"/comments/post/{site.closed.pk}/",
        post={"name": "Guest", "email": "guest@example.org", "body": "Too late?"},
        origin=lambda site: _post_url(site, "closed"),
        status=403,
    ),
    Step(
        "comment with errors",
        lambda site: f"/comments/post/{site.discussed.pk}/",
        post=lambda site: _comment_form(
            site.discussed, name="", email="not an address", url="not a website", body=""
        ),
        origin=lambda site: _post_url(site, "discussed"),
        status=400,
    ),
    Step(
        "guest's comment awaiting moderation",
        lambda site: f"/comments/post/{site.discussed.pk}/",
        post=lambda site: _comment_form(
            site.discussed, name="New Guest", email="new@example.org", body="Am I heard?"
        ),
        origin=lambda site: _post_url(site, "discussed"),
    ),
    Step("moderate from an e-mail link", _moderate),
    Step(
        "confirm following the comments",
        lambda site: reverse(
            "comments:confirm_follow", args=[notifications.confirm_token(site.subscription)]
        ),
    ),
    Step(
        "stop e-mail about comments",
        lambda site: reverse(
            "comments:unsubscribe",
            args=[notifications.unsubscribe_token(site.subscription_confirmed)],
        ),
    ),
    Step("draft preview", lambda site: _post_url(site, "draft"), who="author"),
    # Accounts.
    Step("sign in", "/accounts/login/"),
    Step("sign up", "/accounts/signup/"),
    Step(
        "sign-up form with errors",
        "/accounts/signup/",
        post={"display_name": "", "email": "nope", "password1": "a", "password2": "b"},
        origin="/accounts/signup/",
    ),
    Step(
        "sign up, verification sent",
        "/accounts/signup/",
        post={
            "display_name": "Grace Hopper",
            "email": "grace@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        origin="/accounts/signup/",
    ),
    Step(
        "too many requests",
        "/accounts/signup/",
        post={
            "display_name": "Ada",
            "email": "ada@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        origin="/accounts/signup/",
        status=429,
    ),
    Step(
        "confirm an e-mail address",
        lambda site: reverse(
            "account_confirm_email",
            args=[EmailConfirmationHMAC(EmailAddress.objects.get(user=site.newcomer)).key],
        ),
    ),
    Step("confirm with a wrong key", "/accounts/confirm-email/not-a-key/"),
    Step("password reset", "/accounts/password/reset/"),
    Step(
        "password reset sent",
        "/accounts/password/reset/",
        post={"email": "reader@example.org"},
        origin="/accounts/password/reset/",
    ),
    Step(
        "new password from the e-mailed key",
        lambda site: link_in_last_mail("/accounts/password/reset/key/"),
    ),
    Step("password reset with a wrong key", "/accounts/password/reset/key/1-not-a-key/"),
    Step("password reset done", "/accounts/password/reset/key/done/"),
    Step("inactive account", "/accounts/inactive/"),
    Step("continue to a social login", "/accounts/github/login/"),
    Step("social login cancelled", "/accounts/3rdparty/login/cancelled/"),
    Step("social login failed", "/accounts/3rdparty/login/error/", status=401),
    Step("e-mail management", "/accounts/email/", who="reader"),
    Step("password change", "/accounts/password/change/", who="reader"),
    Step("connected accounts", "/accounts/3rdparty/", who="reader"),
    Step("connect a social account", "/accounts/github/login/?process=connect", who="reader"),
    Step("confirm your password", "/accounts/reauthenticate/", who="reader"),
    Step("sign out", "/accounts/logout/", who="reader"),
    Step("profile", "/profile/", who="reader"),
    Step(
        "profile with errors",
        "/profile/",
        who="reader",
        post={"display_name": "", "website": "not a website"},
        origin="/profile/",
        status=400,
    ),
    Step("profile activity", "/profile/activity/", who="reader"),
    Step("delete your account", "/profile/delete/", who="reader"),
    Step("delete an author's account", "/profile/delete/", who="author"),
    Step(
        "account deleted",
        "/profile/delete/",
        who="leaver",
        post={"comments": "keep", "password": PASSWORD},
        origin="/profile/delete/",
    ),
    # A reader's own comments in the discussion.
    Step(
        "reader's comment awaiting moderation",
        lambda site: f"/comments/post/{site.discussed.pk}/",
        who="reader",
        post=lambda site: _comment_form(
            site.discussed, body="A second thought, for the moderators."
        ),
        origin=lambda site: _post_url(site, "discussed"),
    ),
    Step("edit your comment", lambda site: f"/comments/{site.own.pk}/edit/", who="reader"),
    Step(
        "edit with errors",
        lambda site: f"/comments/{site.own.pk}/edit/",
        who="reader",
        post={"body": ""},
        origin=lambda site: f"/comments/{site.own.pk}/edit/",
        status=400,
    ),
    Step(
        "delete your comment",
        lambda site: f"/comments/{site.own.pk}/delete/",
        who="reader",
        post={},
        origin=lambda site: _post_url(site, "discussed"),
    ),
    # The admin.
    Step("admin sign-in", "/admin/login/"),
    Step("admin index", "/admin/", who="superuser"),
    Step("admin app index", "/admin/blog/", who="superuser"),
    Step("post changelist", "/admin/blog/post/", who="superuser"),
    Step("post add form", "/admin/blog/post/add/", who="superuser"),
    Step("post change form", _admin("blog_post_change", lambda s: s.rich.pk), who="superuser"),
    Step("post change form, author", _admin("blog_post_change", lambda s: s.rich.pk), who="author"),
    Step(
        "post form with errors",
        "/admin/blog/post/add/",
        who="superuser",
        post={"title": "", "status": "published"},
        origin="/admin/blog/post/add/",
    ),
    Step("post image changelist", "/admin/blog/postimage/", who="superuser"),
    Step("post image add form", "/admin/blog/postimage/add/", who="superuser"),
    Step(
        "post image change form",
        _admin("blog_postimage_change", lambda s: s.image.pk),
        who="superuser",
    ),
    Step("category changelist", "/admin/blog/category/", who="superuser"),
    Step(
        "category change form",
        _admin("blog_category_change", lambda s: s.talks.pk),
        who="superuser",
    ),
    Step("page changelist", "/admin/blog/page/", who="superuser"),
    Step("page change form", _admin("blog_page_change", lambda s: s.about.pk), who="superuser"),
    Step("redirects", "/admin/blog/redirect/", who="editor"),
    Step("redirect", _admin("blog_redirect_change", lambda s: s.redirect.pk), who="editor"),
    Step(
        "site settings",
        _admin("blog_sitesettings_change", lambda s: SiteSettings.load().pk),
        who="superuser",
    ),
    Step("comment changelist", "/admin/comments/comment/", who="superuser"),
    Step(
        "comments awaiting moderation",
        "/admin/comments/comment/?status__exact=pending",
        who="editor",
    ),
    Step(
        "comment change form",
        _admin("comments_comment_change", lambda s: s.comment.pk),
        who="superuser",
    ),
    Step("moderation rules", "/admin/comments/moderationrule/", who="superuser"),
    Step("moderation rule add form", "/admin/comments/moderationrule/add/", who="superuser"),
    Step("reports", "/admin/comments/report/", who="superuser"),
    Step(
        "report change form",
        _admin("comments_report_change", lambda s: s.reported.pk),
        who="superuser",
    ),
    Step("users", "/admin/accounts/user/", who="superuser"),
    Step(
        "user change form", _admin("accounts_user_change", lambda s: s.author.pk), who="superuser"
    ),
    Step("guest data", "/admin/comments/comment/guest-data/", who="superuser"),
    Step(
        "guest data found",
        "/admin/comments/comment/guest-data/?email=gail%40example.org",
        who="superuser",
    ),
    Step("WordPress imports", "/admin/wordpress/importrun/", who="superuser"),
    Step("WordPress import form", "/admin/wordpress/importrun/add/", who="superuser"),
    Step(
        "WordPress import report",
        _admin("wordpress_importrun_change", lambda s: s.import_run.pk),
        who="superuser",
    ),
    Step(
        "WordPress import running",
        _admin("wordpress_importrun_change", lambda s: s.running_import.pk),
        who="superuser",
    ),
]
