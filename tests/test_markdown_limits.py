"""A post's Markdown has limits (length, markup, nesting) that keep rendering quick.

How long rendering takes at the limits is measured by bench/markdown_bench.py, not here.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from blog.models import Page, Post
from blog.rendering import markdown_problem, render_markdown
from wordpress.importer import Importer

from .test_admin_roles import post_form
from .wxr_files import WPItem, write

pytestmark = pytest.mark.django_db

PREVIEW = "/admin/markdownx/markdownify/"


def nested_list(depth):
    return "".join("    " * level + f"- level {level + 1}\n" for level in range(depth))


def _add_post(client, **fields):
    return client.post(reverse("admin:blog_post_add"), post_form(**fields))


def test_a_body_over_the_size_limit_gets_a_form_error_and_keeps_the_text(
    client_for, editor, settings
):
    settings.MARKDOWN_MAX_LENGTH = 2_000
    body = "Every word of this draft is kept. " * 60

    response = _add_post(client_for(editor), author=editor.pk, body=body)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["body"] == [
        f"This text is {len(body.strip()):,} characters long; the limit is 2,000. "
        "Shorten it, or split it into several posts."
    ]
    assert body.strip() in response.content.decode()
    assert not Post.objects.exists()


def test_an_excerpt_with_too_much_markup_gets_a_form_error(client_for, editor, settings):
    settings.MARKDOWN_MAX_MARKUP = 100

    response = _add_post(client_for(editor), author=editor.pk, excerpt="*so* " * 60)

    assert "too much markup" in response.context["adminform"].form.errors["excerpt"][0]
    assert not Post.objects.exists()


def test_a_body_nested_deeper_than_the_limit_gets_a_form_error_not_a_server_error(
    client_for, editor
):
    # Hundreds of levels made Python-Markdown recurse until Python gave up.
    body = "- " * 500 + "the innermost item"

    response = _add_post(client_for(editor), author=editor.pk, body=body)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"] == [
        "Line 1 is nested 500 levels deep (lists, quotes and indents); the limit is 12."
    ]
    assert "the innermost item" in response.content.decode()


def test_a_page_body_over_the_limits_is_refused(settings):
    settings.MARKDOWN_MAX_DEPTH = 2
    page = Page(title="About", slug="about", body="> > > Deep.")

    with pytest.raises(ValidationError) as refused:
        page.full_clean()

    assert "body" in refused.value.message_dict


def test_the_preview_answers_a_text_over_the_limits_with_a_message(client_for, author, settings):
    settings.MARKDOWN_MAX_LENGTH = 1_000

    response = client_for(author).post(PREVIEW, {"content": "*Long* words. " * 100})

    assert response.status_code == 200
    html = response.content.decode()
    assert "This text is 1,400 characters long; the limit is 1,000." in html
    assert "<em>" not in html


def test_the_preview_answers_a_deeply_nested_text_with_a_message(client_for, author):
    response = client_for(author).post(PREVIEW, {"content": "> " * 500 + "Deep."})

    assert response.status_code == 200
    assert "is nested 500 levels deep" in response.content.decode()


def test_text_over_the_limits_is_shown_as_plain_text_and_never_lost(settings):
    settings.MARKDOWN_MAX_LENGTH = 30
    text = "A *first* paragraph <b>here</b>.\n\nAnd a second one."

    html = render_markdown(text)

    assert html == ("<p>A *first* paragraph &lt;b&gt;here&lt;/b&gt;.</p>\n<p>And a second one.</p>")


def test_what_nests_nothing_counts_no_depth():
    code = "```\n" + " " * 200 + "deeply indented code\n```\n"
    rule = "* " * 40 + "\n"
    poem = "```poem\n" + "\u00a0" * 10 + " " * 100 + "an indented line\n```\n"

    assert markdown_problem(code + rule + poem) is None
    assert "nested" in markdown_problem(code + nested_list(20))


def test_an_unclosed_code_fence_is_text_and_a_closed_one_is_code():
    html = render_markdown("~~~~\nnot *code*\n\n```\nkept <b>as</b> code\n```\n")

    assert "<p>~~~~\nnot <em>code</em></p>" in html
    assert "<pre><code>kept &lt;b&gt;as&lt;/b&gt; code\n</code></pre>" in html


def test_an_imported_post_over_the_limits_is_kept_whole_and_reported(tmp_path, settings):
    settings.MARKDOWN_MAX_LENGTH = 3_000
    words = "".join(f"<p>Paragraph {n} of a long report, kept whole.</p>\n" for n in range(200))
    path = write(tmp_path, [WPItem(1, title="The long report", content=words)])

    report = Importer(path).run()

    post = Post.objects.get(title="The long report")
    assert "Paragraph 199 of a long report" in post.body
    assert "<p>Paragraph 199 of a long report, kept whole.</p>" in post.body_html
    assert any(
        "The long report" in label and "the limit is 3,000" in message
        for label, message in report.problems
    )


def test_an_imported_post_nested_hundreds_deep_keeps_its_words(tmp_path):
    nested = "<ul><li>" * 400 + "the innermost words" + "</li></ul>" * 400
    path = write(tmp_path, [WPItem(1, title="Deep", content=f"<p>Before.</p>{nested}")])

    report = Importer(path).run()

    post = Post.objects.get(title="Deep")
    assert "Before." in post.body and "the innermost words" in post.body
    assert "the innermost words" in post.body_html
    assert any("nested too deep to convert" in message for _, message in report.problems)


@pytest.mark.parametrize("opened", ["[", "![", "[a](x ", "<a "])
def test_links_and_tags_left_open_count_the_reading_they_cost(opened):
    # Each one left open makes the renderer read to the end of the text for its close.
    text = opened * (4_000 // len(opened))

    assert "too much markup" in markdown_problem(text)
    assert markdown_problem("[a link](https://example.org/) <b>bold</b> " * 200) is None
