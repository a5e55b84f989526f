"""Markdown rendered on save to sanitised HTML: what readers see of a post's body."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from blog.models import Post
from blog.rendering import render_markdown

from . import factories

pytestmark = pytest.mark.django_db


class Parsed(HTMLParser):
    """The tags (with their attributes) and the text of an HTML fragment."""

    def __init__(self, fragment):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.text = []
        self.comments = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.comments.append(data)

    def find(self, tag, **attrs):
        return [
            found
            for name, found in self.elements
            if name == tag and all(found.get(key) == value for key, value in attrs.items())
        ]

    def tags(self):
        return [name for name, _ in self.elements]

    def all_text(self):
        return "".join(self.text)


def parse(fragment):
    return Parsed(fragment)


# --- Text -----------------------------------------------------------------------------


def test_footnotes_have_a_reference_a_list_and_a_way_back():
    html = render_markdown("Mediation began in 1994.[^talks]\n\n[^talks]: After the first talks.")
    page = parse(html)

    (ref,) = page.find("a", **{"class": "footnote-ref"})
    assert ref["href"] == "#fn:talks"
    assert re.search(r'<sup id="fnref:talks"><a [^>]*>1</a></sup>', html)
    (note,) = page.find("li", id="fn:talks")
    assert note is not None
    (back,) = page.find("a", **{"class": "footnote-backref"})
    assert back["href"] == "#fnref:talks"
    assert back["title"] == "Back to the text"
    assert re.search(r'<div class="footnote">.*<ol>.*After the first talks\.', html, re.S)


def test_block_quotes():
    html = render_markdown("> We will talk.\n> Then we will see.\n\nAfterwards.")
    assert re.search(
        r"<blockquote>\s*<p>We will talk.\s*Then we will see.</p>\s*</blockquote>", html
    )
    assert "<p>Afterwards.</p>" in html


POEM = """Before the poem.

```poem
Do not go gentle
    into that good night,
1. old age should burn
- and rave at close of day;
# Rage, rage
> against the dying

Though wise men at their end
  know dark is right,
```

After the poem.
"""


def test_poem_keeps_its_lines_indents_and_stanzas():
    html = render_markdown(POEM)
    page = parse(html)

    (poem,) = page.find("div", **{"class": "poem"})
    assert poem is not None
    stanzas = re.findall(r"<p>(.*?)</p>", html.split('<div class="poem">')[1], re.S)[:2]
    assert len(stanzas) == 2
    first = [line.strip("\n") for line in stanzas[0].split("<br>")]
    assert first == [
        "Do not go gentle",
        "&nbsp;&nbsp;&nbsp;&nbsp;into that good night,",
        "1. old age should burn",
        "- and rave at close of day;",
        "# Rage, rage",
        "&gt; against the dying",
    ]
    second = [line.strip("\n") for line in stanzas[1].split("<br>")]
    assert second == ["Though wise men at their end", "&nbsp;&nbsp;know dark is right,"]
    # No line turned into a list, heading or quote.
    assert not {"ol", "ul", "li", "h1", "h2", "blockquote"} & set(page.tags())
    assert "<p>Before the poem.</p>" in html
    assert "<p>After the poem.</p>" in html


def test_poem_lines_still_get_inline_formatting_and_footnotes():
    html = render_markdown(
        '~~~poem\n"Wait," she said, *slowly*.[^1]\n---\n~~~\n\n[^1]: The poet\'s note.'
    )
    assert "“Wait,” she said, <em>slowly</em>." in html
    assert 'href="#fn:1"' in html
    assert "—</p>" in html  # A line of three dashes is an em dash, not a rule.
    assert "<hr>" not in html.split('<div class="footnote">')[0]


def test_a_poem_shown_inside_a_longer_code_fence_stays_code():
    html = render_markdown("````\n```poem\nA line\n```\n````")
    assert '<div class="poem">' not in html
    assert "<pre><code>```poem\nA line\n```" in html


def test_tables_keep_their_alignment_as_classes_with_no_style_attribute():
    html = render_markdown(
        "| Party | Seats | Share | Note |\n|:--|:-:|--:|---|\n| Left | 12 | 40% | x |\n"
        "| Right | 18 | 60% | y |"
    )
    page = parse(html)
    assert page.find("table")
    expected = [{"class": "align-left"}, {"class": "align-center"}, {"class": "align-right"}, {}]
    assert page.find("th") == expected
    assert page.find("td")[:4] == expected
    assert "style" not in html and "align=" not in html
    assert "Right" in page.all_text()


def test_a_style_attribute_typed_in_html_is_dropped_everywhere():
    html = render_markdown(
        '<table><tr><td style="text-align:right; position:fixed">1</td></tr></table>\n\n'
        '<p style="color:red" align="center">Red?</p>'
    )
    assert "style" not in html and "align" not in html
    assert "<td>1</td>" in html


def test_alignment_classes_are_kept_on_table_cells_alone():
    html = render_markdown(
        '<table><tr><th class="align-center">H</th></tr></table>\n\n<p class="align-right">Text</p>'
    )
    assert '<th class="align-center">H</th>' in html
    assert "<p>Text</p>" in html


def test_smart_quotes():
    html = render_markdown("\"Peace,\" she said, 'is a process.' It's late.")
    assert "“Peace,” she said, ‘is a process.’ It’s late." in html


def test_headings_stay_headings_and_h1_becomes_h2():
    html = render_markdown("# The first part\n\n## A section\n\n### A subsection\n\nText.")
    page = parse(html)
    # The post title is the page's only <h1>; a "#" heading must not vanish either.
    assert "h1" not in page.tags()
    assert re.search(r"<h2>The first part</h2>\s*<h2>A section</h2>\s*<h3>A subsection</h3>", html)


def test_links_keep_href_and_title_and_get_no_rel_added():
    html = render_markdown(
        'See [the report](https://example.org/report "The 2024 report") '
        "and [the archive](/archive/) or <mailto:desk@example.org>."
    )
    page = parse(html)
    report, archive, mail = page.find("a")
    assert report == {"href": "https://example.org/report", "title": "The 2024 report"}
    assert archive == {"href": "/archive/"}
    assert mail == {"href": "mailto:desk@example.org"}
    assert "the report" in page.all_text()


# --- Images ---------------------------------------------------------------------------


def _figure_post(image, **fields):
    return factories.post(body=f"Intro.\n\n![Markdown alt](image:{image.pk})\n\nOutro.", **fields)


def test_lone_image_becomes_a_figure_with_the_records_words():
    image = factories.post_image(
        alt_text="Delegates at the round table",
        caption="The second round of talks.",
        credit="Jane Doe / Agency",
        source_url="https://agency.example/photo/1",
    )
    entry = _figure_post(image)
    page = parse(entry.body_html)

    (figure,) = page.find("figure", **{"class": "figure"})
    assert figure is not None
    (img,) = page.find("img")
    assert img["src"] == image.image.url
    assert img["alt"] == "Delegates at the round table"  # From the record, not the Markdown.
    assert img["width"] == "64" and img["height"] == "48"
    assert "srcset" not in img  # 64px is narrower than the smallest rendition.
    assert re.search(
        r'<figcaption><span class="caption">The second round of talks.</span>'
        r'<span class="credit"><a href="https://agency.example/photo/1">Jane Doe / Agency</a>'
        r"</span></figcaption>",
        entry.body_html,
    )
    assert "Markdown alt" not in entry.body_html
    assert entry.body_html.index("Intro.") < entry.body_html.index("<figure")
    assert entry.body_html.index("</figure>") < entry.body_html.index("Outro.")


def test_credit_without_source_is_plain_text_and_no_words_means_no_figcaption():
    credited = factories.post_image(credit="Staff photographer")
    bare = factories.post_image()
    entry = factories.post(body=f"![](image:{credited.pk})\n\n![](image:{bare.pk})")
    first, second = entry.body_html.split("</figure>")[:2]

    assert '<figcaption><span class="credit">Staff photographer</span></figcaption>' in first
    assert "<a" not in first
    assert "<figure" in second and "<figcaption" not in second


def test_wide_image_gets_a_srcset_of_its_renditions():
    image = factories.post_image(image=factories.upload("wide.png", size=(1000, 600)))
    entry = _figure_post(image)
    (img,) = parse(entry.body_html).find("img")

    narrower = [width for width in settings.IMAGE_RENDITION_WIDTHS if width < 1000]
    candidates = [part.strip().rsplit(" ", 1) for part in img["srcset"].split(",")]
    assert [descriptor for _, descriptor in candidates] == [
        *(f"{width}w" for width in narrower),
        "1000w",
    ]
    for url, _ in candidates[:-1]:
        assert default_storage.exists(url.removeprefix(settings.MEDIA_URL))
    assert candidates[-1][0] == image.image.url
    assert img["sizes"]
    assert img["width"] == "1000" and img["height"] == "600"


def test_image_inside_a_sentence_stays_inline():
    image = factories.post_image(alt_text="a small map")
    html = render_markdown(f"The border ![map](image:{image.pk}) runs here.", {image.pk: image})
    assert "<figure" not in html
    assert re.search(r"<p>The border <img [^>]*alt=\"a small map\"[^>]*> runs here.</p>", html)


def test_unknown_image_renders_nothing_and_keeps_the_order_of_the_rest():
    image = factories.post_image(caption="Known")
    html = render_markdown(
        f"![gone](image:999999)\n\n![](image:{image.pk})\n\nAfter. ![gone](image:888888) End.",
        {image.pk: image},
    )
    page = parse(html)

    assert len(page.find("img")) == 1
    assert page.find("img")[0]["src"] == image.image.url
    assert "gone" not in html and "999999" not in html
    assert html.index("</figure>") < html.index("After.")
    assert "<p>After.  End.</p>" in html


def test_post_with_unknown_image_does_not_validate():
    entry = factories.post(body="Look:\n\n![](image:424242)")
    assert "<img" not in entry.body_html

    with pytest.raises(ValidationError) as raised:
        entry.full_clean()
    assert raised.value.message_dict["body"] == ["No image with id 424242 exists."]


def test_post_with_known_images_validates():
    image = factories.post_image()
    entry = _figure_post(image)
    entry.full_clean()


def test_editing_an_image_record_rerenders_the_posts_showing_it():
    image = factories.post_image(caption="Old caption", alt_text="Old alt")
    shown = _figure_post(image)
    attached = factories.post(body="No figure here.")
    image.post = attached
    image.save()
    unrelated = factories.post(body="Nothing to do with it.")
    unrelated_html = unrelated.body_html

    image.caption = "New caption"
    image.alt_text = "New alt"
    image.save()

    shown.refresh_from_db()
    assert "New caption" in shown.body_html and "Old caption" not in shown.body_html
    assert parse(shown.body_html).find("img")[0]["alt"] == "New alt"
    unrelated.refresh_from_db()
    assert unrelated.body_html == unrelated_html


def test_saving_a_post_attaches_images_its_author_dropped_in_before_it_existed():
    author = factories.user()
    image = factories.post_image(uploaded_by=author)
    entry = _figure_post(image, author=author)
    image.refresh_from_db()
    assert image.post == entry


# --- XSS ------------------------------------------------------------------------------

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" alt="a" onerror="alert(1)"/>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<p onclick="alert(1)">click</p>',
    "<input autofocus onfocus=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript&#58;alert(1))",
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    "<javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;&#97;vascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<iframe src="https://evil.example/"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    "<style>body { display: none }</style>",
    '<form action="https://evil.example/">'
    "<button formaction=javascript:alert(1)>Go</button></form>",
    '[a](http://x.example "onmouseover=alert(1)")',
    '[a](http://x.example "\\" onmouseover=\\"alert(1)")',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<img src="/ok.png" srcset="javascript:alert(1) 1x, data:text/html,x 2x">',
    '<blockquote cite="javascript:alert(1)">q</blockquote>',
    "<details open ontoggle=alert(1)>x</details>",
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    "<!--><img src=x onerror=alert(1)>-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel=import href="https://evil.example/x.html">',
    "<table><tr><td style=\"text-align:left;background:url('javascript:alert(1)')\">x</td></tr>"
    "</table>",
    "```poem\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n"
    "[x](javascript:alert(1))\n  <a href=vbscript:x>v</a>\n```",
    "Note.[^1]\n\n[^1]: <script>alert(1)</script> [x](javascript:alert(1)) "
    "<img src=x onerror=alert(1)>",
]

FORBIDDEN_TAGS = {
    "script", "iframe", "object", "embed", "style", "form", "button", "input", "base",
    "meta", "link", "svg", "math", "details", "noscript", "textarea", "frame", "frameset",
}  # fmt: skip
READER_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div",
    "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "srcset", "cite", "action", "formaction", "xlink:href", "data"}
BAD_SCHEME = re.compile(r"(javascript|vbscript|data):", re.IGNORECASE)


def assert_safe(html):
    assert "<script" not in html.lower()
    assert "<!--" not in html
    page = parse(html)
    assert not page.comments
    tags = set(page.tags())
    assert not tags & FORBIDDEN_TAGS, tags & FORBIDDEN_TAGS
    assert tags <= READER_TAGS, tags - READER_TAGS
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            assert not re.fullmatch(r"on\w+", name), (tag, name)
            if name in URL_ATTRIBUTES and value:
                # Browsers drop tabs, newlines and surrounding spaces from URLs.
                compact = re.sub(r"[\x00-\x20]", "", value)
                assert not BAD_SCHEME.search(compact), (tag, name, value)
            assert name != "style", (tag, value)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_is_neutralised(payload):
    assert_safe(render_markdown(payload))
    assert_safe(render_markdown(f"Some text before.\n\n{payload}\n\nAnd after."))


@pytest.mark.parametrize("payload", XSS_PAYLOADS[:12])
def test_payload_is_neutralised_in_a_saved_post_and_its_excerpt(payload):
    entry = factories.post(body=payload, excerpt=payload)
    entry.refresh_from_db()
    assert_safe(entry.body_html)
    assert_safe(entry.excerpt_html)


@pytest.mark.parametrize("field", ["alt_text", "caption", "credit"])
@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        '<a href="javascript:alert(1)">x</a>',
        "' onmouseover='alert(1)",
    ],
)
def test_image_record_words_are_text_not_html(field, payload):
    image = factories.post_image(**{"caption": "Caption", "credit": "Credit", field: payload})
    html = render_markdown(f"![](image:{image.pk})", {image.pk: image})

    assert_safe(html)
    page = parse(html)
    if field == "alt_text":
        assert page.find("img")[0]["alt"] == payload  # Shown as written, as an attribute.
    else:
        assert payload in page.all_text()  # Shown as written, as text.


def test_image_source_url_with_a_script_scheme_is_not_linked():
    image = factories.post_image(credit="Someone", source_url="javascript:alert(1)")
    html = render_markdown(f"![](image:{image.pk})", {image.pk: image})
    assert_safe(html)
    assert "Someone" in parse(html).all_text()


def test_the_checker_catches_what_it_should():
    # A guard on the guard: each of these must fail assert_safe.
    for unsafe in [
        "<script>x</script>",
        '<a href="javascript:x">a</a>',
        '<a href="java\tscript:x">a</a>',
        '<img src="x" onerror="y">',
        '<div style="color:red">x</div>',
        "<iframe></iframe>",
        "<!-- c -->",
    ]:
        with pytest.raises(AssertionError):
            assert_safe(unsafe)


def test_plain_markdown_survives_the_sanitiser():
    entry = factories.post(body="**Bold**, *em*, `code`, ~~no~~ and a [link](https://x.example).")
    assert "<strong>Bold</strong>" in entry.body_html
    assert "<em>em</em>" in entry.body_html
    assert "<code>code</code>" in entry.body_html
    assert '<a href="https://x.example">link</a>' in entry.body_html
    assert Post.objects.get(pk=entry.pk).body_html == entry.body_html


def test_poem_typed_in_a_browser_with_crlf_line_ends():
    html = render_markdown("Intro\r\n\r\n```poem\r\nOne\r\n  - two\r\n\r\nThree\r\n```\r\n\r\nEnd")
    assert '<div class="poem">\n<p>One<br>\n&nbsp;&nbsp;- two</p>\n<p>Three</p>\n</div>' in html
    assert "<p>End</p>" in html


def test_body_cannot_set_the_pages_own_ids_or_classes():
    html = render_markdown(
        '<div id="content" class="skip-link poem">Hijack</div>\n\nText[^a].\n\n[^a]: Note.'
    )

    assert 'id="content"' not in html
    assert "skip-link" not in html
    assert '<div class="poem">Hijack</div>' in html
    assert 'id="fn:a"' in html and 'id="fnref:a"' in html
    assert 'class="footnote-ref"' in html
