"""Under the Content-Security-Policy, in a real browser: the admin (the editor's live
preview, an image dropped on it, the widgets, the lists), replying to a comment, liking, a
page kept by the page cache and "Log in with …" all work, and nothing is blocked."""

import logging
import re
from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialApp
from django.db import connection
from playwright.sync_api import expect

from accounts import roles
from blog.models import Post, PostImage, SiteSettings
from comments.models import Comment
from tests import factories

from .conftest import PASSWORD
from .test_admin_writing import _drop_file
from .test_likes import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every document records what the policy blocks, before any of its own scripts run.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const violation = `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` on ${event.documentURI} (${event.sourceFile}:${event.lineNumber}) ${event.sample}`;
  window.cspViolations.push(violation);
  window.cspViolation(violation);
});
"""
TABLE = "| Party | Seats |\n|:--|--:|\n| Left | 12 |"


@pytest.fixture
def watch(page):
    """The page, recording each violation of the policy and each console message about it
    in every document of its context (popups too) into `violations`, and each document's
    policy into `policies`."""
    violations = page.violations = []
    page.context.expose_function("cspViolation", lambda violation: violations.append(violation))
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.context.on(
        "console",
        lambda message: (
            re.search(r"Content.Security.Policy", message.text, re.IGNORECASE)
            and violations.append(f"console: {message.text}")
        ),
    )
    page.policies = []
    page.context.on(
        "response",
        lambda response: (
            response.request.resource_type == "document"
            and page.policies.append(response.headers.get("content-security-policy"))
        ),
    )
    return page


def assert_nothing_blocked(page):
    assert page.policies and all(page.policies), "every document has a policy"
    assert page.violations == []
    assert page.errors == []


def test_a_blocked_inline_script_is_seen_and_reported(watch, caplog):
    """The watch sees what the policy blocks, and the browser reports it to the site."""
    caplog.set_level(logging.WARNING, logger="core.security")
    SiteSettings.load()
    watch.goto("/")

    watch.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.ran = true";
          document.body.append(script);
        }"""
    )

    watch.wait_for_function("() => window.cspViolations.length > 0")
    assert watch.evaluate("window.ran") is None
    (violation,) = watch.evaluate("window.cspViolations")
    assert violation.startswith("script-src-elem blocked inline")
    for _ in range(100):  # the browser sends its report in its own time
        reports = [r.getMessage() for r in caplog.records if r.name == "core.security"]
        if reports:
            break
        watch.wait_for_timeout(100)
    (report,) = reports
    assert "script-src-elem" in report and watch.url in report
    # What the other tests rely on: the event and the console message both reach the test.
    assert violation in watch.violations
    assert any(v.startswith("console: ") for v in watch.violations)


def test_an_editor_writes_with_the_live_preview_and_a_dropped_image(watch, log_in):
    factories.user("editor", roles=[roles.EDITORS], password=PASSWORD)
    factories.category("Region")
    log_in("editor")
    watch.goto("/admin/blog/post/add/")

    editor = watch.locator("textarea#id_body")
    editor.fill(f"Before the *handshake*.\n\n{TABLE}")
    preview = watch.locator(".markdownx-preview")
    expect(preview.locator("em")).to_have_text("handshake")
    expect(preview.locator("td.align-right")).to_have_css("text-align", "right")

    watch.once("dialog", lambda dialog: dialog.accept("A handshake"))
    _drop_file(watch, "textarea#id_body", factories.image_bytes(size=(80, 60)))
    expect(editor).to_have_value(re.compile(r"!\[A handshake\]\(image:\d+\)"))
    expect(preview.locator("figure img")).to_have_attribute("alt", "A handshake")

    # The admin's widgets: the title fills in the slug, the calendar, the category chooser.
    watch.locator("#id_title").press_sequentially("A handshake")
    expect(watch.locator("#id_slug")).to_have_value("a-handshake")
    watch.locator(".field-published_at .datetimeshortcuts a").first.click()  # "Today"
    watch.locator("#id_categories_from").select_option(label="Region")
    watch.locator("#id_categories_add").click()
    expect(watch.locator("#id_categories_to option")).to_have_count(1)
    # A category added in the admin's popup window comes back into the form.
    with watch.expect_popup() as opened:
        watch.locator("#add_id_categories").click()
    popup = opened.value
    popup.locator("#id_name").fill("Europe")
    with popup.expect_event("close"):
        popup.locator("input[name=_save]").click()
    expect(watch.locator("#id_categories_to option")).to_have_text(["Region", "Europe"])
    watch.locator("#id_status").select_option("published")
    watch.click("input[name=_continue]")
    expect(watch.locator(".messagelist .success")).to_contain_text("was added successfully")
    post = Post.objects.get(title="A handshake")
    assert post.categories.count() == 2

    # The featured image is searched with the admin's autocomplete (Select2).
    watch.locator(".field-featured_image .select2-selection").click()
    watch.locator(".select2-dropdown .select2-search__field").fill("handshake")
    watch.locator(".select2-results__option", has_text="handshake").first.click()
    watch.click("input[name=_continue]")
    expect(watch.locator(".messagelist .success")).to_contain_text("was changed successfully")
    assert Post.objects.get(pk=post.pk).featured_image == PostImage.objects.get()

    for changelist in ("/admin/blog/post/", "/admin/blog/postimage/", "/admin/"):
        watch.goto(changelist)
    expect(watch.locator("img.image-thumbnail")).to_have_count(0)  # on the index, none
    watch.goto("/admin/blog/postimage/")
    thumbnail = watch.locator("img.image-thumbnail")
    expect(thumbnail).to_have_count(1)
    assert thumbnail.evaluate("img => img.getBoundingClientRect().height") <= 48  # 3rem
    assert_nothing_blocked(watch)


def test_a_moderator_works_through_the_comment_lists(watch, log_in):
    factories.user("moderator", roles=[roles.MODERATORS], password=PASSWORD)
    post = factories.post("On ceasefires")
    Comment.objects.create(post=post, name="Ada", body="Maps matter.", status="pending")
    log_in("moderator")

    watch.goto("/admin/comments/comment/")
    watch.locator("#result_list input.action-select").first.check()
    watch.locator("select[name=action]").select_option("approve")
    watch.locator("button[name=index]").click()

    expect(watch.locator(".messagelist")).to_be_visible()
    assert Comment.objects.get().status == "approved"
    watch.goto("/admin/comments/report/")
    assert_nothing_blocked(watch)


def test_a_reader_replies_and_likes_on_a_page_made_for_them(watch, live_server, reader):
    SiteSettings.load()
    post = factories.post("On ceasefires")
    first = Comment.objects.create(post=post, name="Ada", body="Maps matter.", status="approved")
    sign_in(watch.context, live_server, reader)
    watch.goto(post.get_absolute_url())

    watch.locator(f"#{first.anchor} > article .comment-reply-link").click()
    expect(watch.locator(f"#{first.anchor} > article + #respond")).to_be_visible()
    like = watch.locator("#likes .like-button")
    like.click()
    expect(like).to_have_text("Unlike")
    assert post.likes.count() == 1
    assert_nothing_blocked(watch)


def test_a_kept_page_works_under_the_policy(watch, browser, base_url, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    SiteSettings.load()
    post = factories.post("On ceasefires", body=f"Seats.\n\n{TABLE}")
    first = Comment.objects.create(post=post, name="Ada", body="Maps matter.", status="approved")
    first_reader = browser.new_context(base_url=base_url)
    first_reader.new_page().goto(post.get_absolute_url())
    first_reader.close()
    with connection.cursor() as cursor:  # SQL of its own: nothing hears of it
        cursor.execute(
            "UPDATE blog_post SET title = %s WHERE id = %s", ["On ceasefires, revised", post.pk]
        )

    watch.goto(post.get_absolute_url())
    expect(watch.locator("h1")).to_have_text("On ceasefires")  # the kept page
    expect(watch.locator(".post-body td.align-right")).to_have_css("text-align", "right")
    watch.locator(f"#{first.anchor} > article .comment-reply-link").click()
    expect(watch.locator("#respond input[name=parent]")).to_have_value(str(first.pk))
    assert_nothing_blocked(watch)


def test_log_in_with_a_provider_leaves_for_its_page(watch):
    """The form posts to the site, which redirects to the provider: form-action allows it."""
    SocialApp.objects.create(provider="github", name="GitHub", client_id="github-id", secret="s")
    left_for = []

    def provider(route):
        left_for.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>GitHub</title>")

    watch.context.route("https://github.com/**", provider)
    watch.goto("/accounts/login/")
    watch.get_by_role("link", name=re.compile("GitHub")).click()
    watch.get_by_role("button", name="Continue").click()

    expect(watch).to_have_title("GitHub")
    (url,) = left_for
    assert urlsplit(url)[:3] == ("https", "github.com", "/login/oauth/authorize")
    assert watch.violations == []
