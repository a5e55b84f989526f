"""Who may do what, role by role: the overview, one role and one address per case.

The details (whose posts an author sees, what a decision logs) are in
test_admin_roles.py and test_comment_admin.py; this file is the table to read first.
"""

import re

import pytest
from django.shortcuts import resolve_url
from django.urls import reverse

from blog.models import Post, PostLike
from comments.models import Comment

from . import factories

pytestmark = pytest.mark.django_db

ROLES = ("guest", "reader", "author", "editor", "moderator", "superuser")

LOGIN = "admin login"  # a redirect to the admin's sign-in page
SIGN_IN = "site sign-in"  # a redirect to the site's sign-in page

# What each role gets from each admin page: a status code, or LOGIN.
ADMIN = {
    #                                      guest  reader author editor moderator superuser
    "index":                              (LOGIN, LOGIN, 200,   200,   200,      200),
    "blog_post_changelist":               (LOGIN, LOGIN, 200,   200,   403,      200),
    "blog_post_add":                      (LOGIN, LOGIN, 200,   200,   403,      200),
    "blog_postimage_changelist":          (LOGIN, LOGIN, 200,   200,   403,      200),
    "blog_category_changelist":           (LOGIN, LOGIN, 403,   200,   403,      200),
    "blog_category_add":                  (LOGIN, LOGIN, 403,   200,   403,      200),
    "taggit_tag_add":                     (LOGIN, LOGIN, 403,   200,   403,      200),
    "blog_page_changelist":               (LOGIN, LOGIN, 403,   200,   403,      200),
    "blog_redirect_changelist":           (LOGIN, LOGIN, 403,   200,   403,      200),
    "blog_redirect_add":                  (LOGIN, LOGIN, 403,   403,   403,      403),  # 4
    "blog_sitesettings_changelist":       (LOGIN, LOGIN, 403,   403,   403,      302),  # 1
    "accounts_user_changelist":           (LOGIN, LOGIN, 403,   403,   403,      200),
    "auth_group_changelist":              (LOGIN, LOGIN, 403,   403,   403,      200),
    "comments_comment_changelist":        (LOGIN, LOGIN, 200,   200,   200,      200),  # 2
    "comments_comment_add":               (LOGIN, LOGIN, 403,   403,   403,      403),  # 3
    "comments_moderationrule_changelist": (LOGIN, LOGIN, 403,   200,   200,      200),
    "comments_report_changelist":         (LOGIN, LOGIN, 403,   200,   200,      200),
}  # fmt: skip
# 1 Site settings are one row: the list redirects to it.
# 2 Authors see the comments on their own posts, read-only.
# 3 Comments come from readers on the site, never from the admin.
# 4 Redirects are made by what moves (a slug or date changed, an import), never by hand.

# The admin index's sections (app/model) each role sees, among Colloquy's own apps.
OWN_APPS = ("accounts", "auth", "blog", "comments", "taggit")
WRITING = {"blog/post", "blog/postimage"}
FILING = {"blog/category", "taggit/tag", "blog/page", "blog/redirect"}
MODERATING = {"comments/comment", "comments/moderationrule", "comments/report"}
RUNNING_THE_SITE = {"blog/sitesettings", "accounts/user", "auth/group"}
SECTIONS = {
    "author": WRITING | {"comments/comment"},
    "editor": WRITING | FILING | MODERATING,
    "moderator": MODERATING,
    "superuser": WRITING | FILING | MODERATING | RUNNING_THE_SITE,
}

# The public site: opening a draft's address and liking a published post.
SITE = {
    #                 guest    reader author editor moderator superuser
    "open draft":    (404,     404,   200,   200,   404,      200),  # the author's own draft
    "like post":     (SIGN_IN, 302,   302,   302,   302,      302),
}  # fmt: skip

# What the editor's live preview shows of another author's image: the figure ("shown"),
# or a missing image ("hidden", no alt text, caption, credit or file address).
SHOWN, HIDDEN = "shown", "hidden"
IMAGES = {
    #                              guest  reader author  editor moderator superuser
    "image on their draft":       (LOGIN, LOGIN, HIDDEN, SHOWN, 403,      SHOWN),
    "image on a published post":  (LOGIN, LOGIN, SHOWN,  SHOWN, 403,      SHOWN),
    "their upload of no post":    (LOGIN, LOGIN, HIDDEN, SHOWN, 403,      SHOWN),
}  # fmt: skip

# Who approves a waiting comment with the admin's bulk action.
APPROVES = {
    "guest": False,
    "reader": False,
    "author": False,  # even on their own post
    "editor": True,
    "moderator": True,
    "superuser": True,
}


def cases(table):
    return [
        pytest.param(role, row, expected, id=f"{role}-{row}")
        for row, outcomes in table.items()
        for role, expected in zip(ROLES, outcomes, strict=True)
    ]


@pytest.fixture
def as_role(request, client, client_for):
    """as_role("editor") is a client signed in as the editor; "guest" is signed out."""

    def sign_in(role):
        return client if role == "guest" else client_for(request.getfixturevalue(role))

    return sign_in


def assert_outcome(response, expected, login_url):
    if expected in (LOGIN, SIGN_IN):
        assert response.status_code == 302
        assert response["Location"].startswith(login_url)
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(("role", "page", "expected"), cases(ADMIN))
def test_admin_pages(as_role, role, page, expected):
    response = as_role(role).get(reverse(f"admin:{page}"))

    assert_outcome(response, expected, f"{reverse('admin:login')}?next=")


@pytest.mark.parametrize("role", SECTIONS)
def test_admin_index_shows_each_role_its_sections(as_role, role):
    html = as_role(role).get(reverse("admin:index")).content.decode()

    linked = set(re.findall(r'href="/admin/([a-z_]+/[a-z_]+)/"', html))
    assert {section for section in linked if section.split("/")[0] in OWN_APPS} == SECTIONS[role]


@pytest.mark.parametrize(("role", "action", "expected"), cases(SITE))
def test_public_site(as_role, author, role, action, expected, settings):
    client = as_role(role)
    if action == "open draft":
        draft = factories.post("Draft", author=author, status=Post.Status.DRAFT)
        response = client.get(draft.get_absolute_url())
    else:
        post = factories.post("Published", author=author)
        response = client.post(reverse("blog:like", args=[post.pk]), {"action": "like"})
        assert PostLike.objects.filter(post=post).exists() == (expected != SIGN_IN)

    assert_outcome(response, expected, resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize(("role", "image", "expected"), cases(IMAGES))
def test_previewing_another_authors_image(as_role, other_author, role, image, expected):
    words = {"alt_text": "Their alt", "caption": "Their caption", "credit": "Their credit"}
    if image == "image on their draft":
        draft = factories.post("Their draft", author=other_author, status=Post.Status.DRAFT)
        shown = factories.post_image(post=draft, uploaded_by=other_author, **words)
    else:
        shown = factories.post_image(uploaded_by=other_author, **words)
    if image == "image on a published post":
        factories.post("Theirs", author=other_author, body=f"![](image:{shown.pk})")

    response = as_role(role).post(
        reverse("markdownx_markdownify"), {"content": f"![](image:{shown.pk})"}
    )

    if expected in (SHOWN, HIDDEN):
        assert response.status_code == 200
        html = response.content.decode()
        leaked = [w for w in [*words.values(), shown.image.url] if w in html]
        assert leaked == ([*words.values(), shown.image.url] if expected == SHOWN else [])
    else:
        assert_outcome(response, expected, f"{reverse('admin:login')}?next=")


@pytest.mark.parametrize("role", ROLES)
def test_approving_a_comment_in_the_admin(as_role, author, role):
    post = factories.post("On listening", author=author)
    waiting = Comment.objects.create(
        post=post, name="Grace", email="grace@example.org", body="A reply.", status="pending"
    )

    as_role(role).post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve", "_selected_action": [waiting.pk], "index": 0},
    )

    waiting.refresh_from_db()
    assert (waiting.status == Comment.Status.APPROVED) == APPROVES[role]
