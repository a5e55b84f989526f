"""Writing in the admin with a real browser: the editor, its preview, images, the public page."""

import base64
import re
import shutil

import pytest
from playwright.sync_api import expect

from accounts import roles
from blog.models import Post, PostImage
from tests import factories

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT_COPY = "/tmp/colloquy-post.png"  # noqa: S108 - a fixed place for a human to look

TITLE = "Track two at the table"
BODY = """\
## Citizens as diplomats

Talks between private citizens can go *where governments cannot*.[^coined]

> Track two diplomacy is unofficial, informal interaction between members of adversary groups.

[^coined]: The phrase was coined by Joseph Montville in 1981.
"""
ALT = "Joseph Montville speaking at a lectern"


@pytest.fixture
def writer(db):
    return factories.user("author", roles=[roles.AUTHORS], password=PASSWORD)


def _file_transfer(page, content, name, mime="image/png"):
    """A DataTransfer in the page holding one file, as a drag from the desktop carries."""
    return page.evaluate_handle(
        """([data, name, mime]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: mime }));
            return transfer;
        }""",
        [base64.b64encode(content).decode(), name, mime],
    )


def _drop_file(page, selector, content, name="handshake.png"):
    """Drag a file over the element and drop it there."""
    transfer = _file_transfer(page, content, name)
    target = page.locator(selector)
    for event in ("dragenter", "dragover", "drop"):
        target.dispatch_event(event, {"dataTransfer": transfer})


def _paste_file(page, selector, content, name="image.png"):
    """Paste a file (a copied screenshot, say) into the element."""
    transfer = _file_transfer(page, content, name)
    page.locator(selector).evaluate(
        """(element, transfer) => element.dispatchEvent(new ClipboardEvent(
            "paste", { clipboardData: transfer, bubbles: true, cancelable: true }))""",
        transfer,
    )


def test_author_writes_and_publishes_a_post_with_a_figure(
    page, live_server, log_in, writer, tmp_path
):
    log_in("author")
    expect(page.locator("#site-name")).to_contain_text("Colloquy administration")

    page.get_by_role("link", name="Posts").first.click()
    page.get_by_role("link", name="Add post").click()
    expect(page).to_have_url(re.compile(r"/admin/blog/post/add/$"))
    # The live server serves static files: Colloquy's admin stylesheet puts the
    # preview beside the editor (markdownx's own sheet would stack them).
    expect(page.locator(".field-body .markdownx")).to_have_css("display", "grid")

    page.locator("#id_title").press_sequentially(TITLE)
    editor = page.locator("textarea#id_body")
    editor.fill(BODY)
    # The live preview is rendered by the server, so the emphasis proves the endpoint works.
    preview = page.locator(".markdownx-preview")
    expect(preview.locator("em")).to_have_text("where governments cannot")
    expect(preview.locator("blockquote")).to_contain_text("Track two diplomacy")

    photo = tmp_path / "montville.png"
    photo.write_bytes(factories.image_bytes(size=(640, 400), color=(120, 90, 60)))
    page.get_by_role("button", name="Add another Post image").click()
    page.locator("#id_images-0-image").set_input_files(photo)
    page.fill("#id_images-0-alt_text", ALT)
    page.fill("#id_images-0-caption", "Joseph Montville")
    page.fill("#id_images-0-credit", "© C-SPAN")
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")

    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    post = Post.objects.get(title=TITLE)
    image = PostImage.objects.get(post=post)
    assert (image.alt_text, image.uploaded_by) == (ALT, writer)

    # Reopen the post: the inline tells the author how to put the image in the body.
    page.locator("#result_list").get_by_role("link", name=TITLE).click()
    reference = page.locator("#images-group .field-reference code").inner_text()
    assert reference == f"![{ALT}](image:{image.pk})"
    editor.press("Control+End")
    editor.press("Enter")
    editor.press("Enter")
    page.keyboard.insert_text(reference)
    expect(preview.locator("figure img")).to_have_attribute("alt", ALT)
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")

    post.refresh_from_db()
    assert reference in post.body
    page.click("a.viewsitelink")
    expect(page).to_have_url(f"{live_server.url}{post.get_absolute_url()}")

    article = page.locator("article.post")
    expect(article.locator("h1.post-title")).to_have_text(TITLE)
    body = article.locator(".post-body")
    expect(body.locator("h2")).to_have_text("Citizens as diplomats")
    expect(body.locator("em")).to_have_text("where governments cannot")
    expect(body.locator("blockquote")).to_contain_text("unofficial, informal interaction")
    expect(body.locator("sup a")).to_have_attribute("href", re.compile(r"^#fn:coined$"))
    expect(body.locator(".footnote li")).to_contain_text("coined by Joseph Montville in 1981")
    figure = body.locator("figure.figure")
    expect(figure.locator("img")).to_have_attribute("alt", ALT)
    expect(figure.locator("figcaption .caption")).to_have_text("Joseph Montville")
    expect(figure.locator("figcaption .credit")).to_have_text("© C-SPAN")
    # The image file itself is served and decodes.
    assert figure.locator("img").evaluate("img => img.complete && img.naturalWidth") > 0

    shot = tmp_path / "post.png"
    page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 0
    shutil.copyfile(shot, SCREENSHOT_COPY)
    assert page.failed_responses == []
    assert page.errors == []


def test_dropping_an_image_on_the_editor_uploads_it_with_alt_text(page, log_in, writer):
    log_in("author")
    page.goto("/admin/blog/post/add/")
    editor = page.locator("textarea#id_body")
    editor.fill("Before the handshake.")

    page.once("dialog", lambda dialog: dialog.accept("A handshake"))
    _drop_file(page, "textarea#id_body", factories.image_bytes(size=(80, 60)))

    expect(editor).to_have_value(re.compile(r"!\[A handshake\]\(image:\d+\)"))
    image = PostImage.objects.get(alt_text="A handshake")
    assert editor.input_value() == f"Before the handshake.\n\n![A handshake](image:{image.pk})\n\n"
    assert image.uploaded_by == writer
    assert image.post is None
    expect(page.locator(".markdownx-preview figure img")).to_have_attribute("alt", "A handshake")

    # A pasted image is asked about the same way (markdownx alone would upload it bare).
    page.once("dialog", lambda dialog: dialog.accept("The signing"))
    _paste_file(page, "textarea#id_body", factories.image_bytes(size=(60, 80)))
    expect(editor).to_have_value(re.compile(r"!\[The signing\]\(image:\d+\)"))
    signing = PostImage.objects.get(alt_text="The signing")
    assert editor.input_value().endswith(f"![The signing](image:{signing.pk})\n\n")
    assert "Invalid response" not in editor.input_value()

    # Saving the post makes the dropped image one of its own.
    page.fill("#id_title", "A handshake")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    post = Post.objects.get(title="A handshake")
    assert list(post.images.values_list("alt_text", flat=True)) == ["A handshake", "The signing"]
    assert page.failed_responses == []
    assert page.errors == []


def test_dropping_an_image_without_alt_text_uploads_nothing(page, log_in, writer):
    log_in("author")
    page.goto("/admin/blog/post/add/")
    editor = page.locator("textarea#id_body")
    editor.fill("Some text.")
    uploads = []
    page.on("request", lambda request: "/markdownx/upload/" in request.url and uploads.append(1))

    page.once("dialog", lambda dialog: dialog.dismiss())
    _drop_file(page, "textarea#id_body", factories.image_bytes())

    alerts = []

    def answer_blank_then_note_alert(dialog):
        if dialog.type == "prompt":
            dialog.accept("   ")
        else:
            alerts.append(dialog.message)
            dialog.accept()

    page.on("dialog", answer_blank_then_note_alert)
    _drop_file(page, "textarea#id_body", factories.image_bytes())

    assert alerts == ["The image was not added: alt text is required."]
    expect(editor).to_have_value("Some text.")
    assert uploads == []
    assert not PostImage.objects.exists()


def test_reader_cannot_enter_the_admin(page, log_in):
    factories.user("reader", roles=[roles.READERS], password=PASSWORD)
    log_in("reader")

    expect(page).to_have_url(re.compile(r"/admin/login/"))
    expect(page.locator(".errornote")).to_contain_text(
        "Please enter the correct username and password for a staff account"
    )
    expect(page.locator("#site-name")).to_be_visible()
    expect(page.get_by_text("Site administration")).to_have_count(0)

    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))
    expect(page.locator("#id_username")).to_be_visible()
