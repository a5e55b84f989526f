"""WordPress post content and comments converted to our Markdown and comment text."""

import json
import os
import re
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

import pytest
from defusedxml import ElementTree

from blog.rendering import plain_text, render_markdown
from wordpress.content import ImageRef, comment_text, split_credit, to_markdown, wpautop

OLD_SITE = "https://old.example"


class Images:
    """A fake image() callback: images on the old site become records 1, 2, 3…"""

    def __init__(self):
        self.refs = []

    def __call__(self, ref):
        if not (ref.url.startswith(OLD_SITE) or (ref.attachment_id and not ref.url)):
            return None
        self.refs.append(ref)
        return len(self.refs)


class Record:
    """Just what blog.rendering needs of a PostImage."""

    def __init__(self, pk, ref):
        self.pk, self.alt_text, self.caption, self.credit = pk, ref.alt, ref.caption, ref.credit
        self.source_url, self.width, self.height = "", 640, 480
        self.image = SimpleNamespace(url=f"/media/images/{pk}.jpg")

    def srcset(self):
        return ""


@pytest.fixture
def images():
    return Images()


def md(html, **options):
    return to_markdown(html, **options).markdown


def rendered(markdown, images=None):
    records = {pk: Record(pk, ref) for pk, ref in enumerate(images.refs if images else [], 1)}
    return render_markdown(markdown, records)


# --- wpautop ---------------------------------------------------------------------------


def test_wpautop_makes_paragraphs_of_blank_lines_and_breaks_of_single_newlines():
    assert wpautop("One\ntwo\n\nThree") == "<p>One<br />\ntwo</p>\n<p>Three</p>\n"


def test_wpautop_leaves_pre_alone_and_keeps_blocks_out_of_paragraphs():
    assert wpautop("<pre>a\n\nb</pre>\n\n<div>c\nd</div>") == (
        "<pre>a\n\nb</pre>\n<div>c<br />\nd</div>\n"
    )


def test_wpautop_turns_double_br_into_a_paragraph_break():
    assert wpautop("line<br><br>next") == "<p>line</p>\n<p>next</p>\n"


def test_classic_content_newlines_become_paragraphs_and_line_breaks():
    assert md("First line\nsecond line\n\nNew paragraph") == (
        "First line  \nsecond line\n\nNew paragraph\n"
    )


def test_block_content_is_not_autopd_but_classic_parts_between_blocks_are():
    html = (
        "<!-- wp:html -->\n<b>one\ntwo</b>\n<!-- /wp:html -->\n\n"
        "classic\ntext\n\n"
        "<!-- wp:paragraph -->\n<p>A paragraph</p>\n<!-- /wp:paragraph -->"
    )
    assert md(html) == "**one two**\n\nclassic  \ntext\n\nA paragraph\n"


# --- Shortcodes ------------------------------------------------------------------------


def test_caption_shortcode_becomes_a_figure_with_caption_and_credit(images):
    html = (
        '[caption id="attachment_12" align="alignnone" width="300"]'
        f'<img class="size-medium wp-image-12" src="{OLD_SITE}/up/joe-300x200.jpg" alt="Joe" />'
        " Joseph Montville (C) C-SPAN[/caption]"
    )
    assert md(html, image=images) == "![Joe](image:1)\n"
    (ref,) = images.refs
    url = f"{OLD_SITE}/up/joe-300x200.jpg"
    assert ref == ImageRef(12, url, alt="Joe", caption="Joseph Montville", credit="© C-SPAN")


def test_caption_shortcode_with_a_caption_attribute_and_no_class_uses_the_attachment_id(images):
    html = (
        f'[caption id="attachment_612" caption="Blackboy husk."]<img src="{OLD_SITE}/husk.jpg" '
        'alt="husk" />[/caption]'
    )
    assert md(html, image=images) == "![husk](image:1)\n"
    assert (images.refs[0].attachment_id, images.refs[0].caption) == (612, "Blackboy husk.")


def test_gallery_shortcode_with_ids_becomes_one_figure_per_image_in_order(images):
    assert md('[gallery ids="5,3,9" columns="2"]', image=images) == (
        "![](image:1)\n\n![](image:2)\n\n![](image:3)\n"
    )
    assert [ref.attachment_id for ref in images.refs] == [5, 3, 9]
    assert all(ref.url == "" for ref in images.refs)


def test_bare_gallery_shortcode_takes_the_posts_attachments(images):
    result = to_markdown("Before\n\n[gallery]\n\nAfter", image=images, gallery=lambda: [21, 22])
    assert result.markdown == "Before\n\n![](image:1)\n\n![](image:2)\n\nAfter\n"
    assert [ref.attachment_id for ref in images.refs] == [21, 22]


def test_gallery_without_any_image_is_noted():
    assert to_markdown("[gallery]").problems == ["[gallery] without images dropped"]


@pytest.mark.parametrize(
    ("shortcode", "url", "problem"),
    [
        ("[embed]https://vimeo.com/1[/embed]", "https://vimeo.com/1", "embed"),
        ('[video src="https://x.org/v.mp4"]', "https://x.org/v.mp4", "video"),
        ('[video mp4="https://x.org/v.mp4"][/video]', "https://x.org/v.mp4", "video"),
        ("[audio https://x.org/a.mp3]", "https://x.org/a.mp3", "audio"),
        ("[youtube=https://youtu.be/abc]", "https://youtu.be/abc", "embed"),
        ("[vimeo 12345]", "https://vimeo.com/12345", "embed"),
        ("[tweet 1234567]", "https://twitter.com/i/status/1234567", "embed"),
        ("[wpvideo tFnqC9XQ w=680]", "https://videopress.com/v/tFnqC9XQ", "embed"),
    ],
)
def test_embed_and_media_shortcodes_become_a_link_paragraph_with_a_note(shortcode, url, problem):
    result = to_markdown(f"Watch:\n\n{shortcode}\n\nThen read.")
    assert result.markdown == f"Watch:\n\n<{url}>\n\nThen read.\n"
    assert result.problems == [f"{problem} {url} kept as a link"]


def test_code_shortcode_becomes_a_fenced_block_with_its_language_and_exact_text():
    html = '[code lang="python"]\ndef f(x):\n\n\n    return x < 1 and x[0]\n[/code]\n\nAfter'
    assert md(html) == "```python\ndef f(x):\n\n\n    return x < 1 and x[0]\n```\n\nAfter\n"


def test_sourcecode_and_language_named_shortcodes_are_code_too():
    assert md('[sourcecode language="js"]a && b[/sourcecode]') == "```js\na && b\n```\n"
    assert md("[php]echo 1;[/php]") == "```php\necho 1;\n```\n"


def test_footnote_and_ref_shortcodes_become_markdown_footnotes():
    html = "One[footnote]First <em>note</em>.[/footnote] two[ref]Second.[/ref]"
    assert md(html) == "One[^1] two[^2]\n\n[^1]: First *note*.\n\n[^2]: Second.\n"


def test_unknown_shortcode_stays_visible_text_with_a_note():
    result = to_markdown('Hello [foo bar="1"]inside[/foo] world.')
    assert result.markdown == 'Hello \\[foo bar="1"\\]inside\\[/foo\\] world.\n'
    assert result.problems == ["unknown shortcode [foo] kept as text"]
    assert "[foo bar=" in plain_text(rendered(result.markdown))


def test_double_brackets_are_an_escaped_shortcode_shown_literally():
    result = to_markdown("Type [[gallery]] to show a gallery.")
    assert result.markdown == "Type \\[gallery\\] to show a gallery.\n"
    assert result.problems == []


def test_shortcodes_inside_code_are_left_as_written():
    assert md("Use <code>[gallery]</code> here.") == "Use `[gallery]` here.\n"


def test_bare_url_on_its_own_line_is_an_embed_kept_as_a_link():
    result = to_markdown("Intro\n\nhttps://www.youtube.com/watch?v=abc\n\nOutro")
    assert result.markdown == "Intro\n\n<https://www.youtube.com/watch?v=abc>\n\nOutro\n"
    assert result.problems == ["embed https://www.youtube.com/watch?v=abc kept as a link"]


def test_url_inside_a_sentence_is_not_an_embed():
    result = to_markdown("See https://example.com today.")
    assert (result.markdown, result.problems) == ("See https://example.com today.\n", [])


# --- Images ----------------------------------------------------------------------------


def test_image_of_the_old_site_becomes_a_record_reference(images):
    html = (
        f'<img class="alignnone size-full wp-image-907" src="{OLD_SITE}/a.jpg" alt="A [big] one">'
    )
    assert md(html, image=images) == "![A \\[big\\] one](image:1)\n"
    assert images.refs[0].attachment_id == 907


def test_inline_image_inside_a_sentence_stays_inline(images):
    html = f'<p>Look <img class="wp-image-3" src="{OLD_SITE}/i.png" alt="icon"> here.</p>'
    assert md(html, image=images) == "Look ![icon](image:1) here.\n"


@pytest.mark.parametrize(
    "anchor",
    [
        f'<a href="{OLD_SITE}/up/photo.jpg">',
        f'<a href="{OLD_SITE}/2010/09/post/photo/">',
        '<a href="/?attachment_id=4">',
        f'<a href="{OLD_SITE}/2010/09/post/dsc-001/" rel="attachment wp-att-4">',
    ],
)
def test_image_linked_to_its_own_file_or_attachment_page_loses_the_link(images, anchor):
    html = f'{anchor}<img class="wp-image-4" src="{OLD_SITE}/up/photo-300x200.jpg"></a>'
    assert md(html, image=images) == "![](image:1)\n"


def test_image_linked_elsewhere_keeps_the_link_as_a_paragraph_after_the_figure(images):
    html = f'<a href="https://elsewhere.org/"><img class="wp-image-5" src="{OLD_SITE}/a.jpg"></a>'
    links = []
    result = md(html, image=images, link=lambda url: links.append(url) or url + "#new")
    assert result == "![](image:1)\n\n[Link](https://elsewhere.org/#new)\n"
    assert images.refs[0].link == "https://elsewhere.org/#new"
    assert links == ["https://elsewhere.org/"]


def test_linked_image_inside_a_sentence_keeps_its_link_inline(images):
    html = f'Go <a href="https://elsewhere.org/"><img src="{OLD_SITE}/a.jpg" alt="x"></a> now'
    assert md(html, image=images) == "Go [![x](image:1)](https://elsewhere.org/) now\n"


def test_block_image_with_figcaption_becomes_a_figure_with_caption_on_the_record(images):
    html = (
        '<!-- wp:image {"id":44} --><figure class="wp-block-image size-large">'
        f'<img src="{OLD_SITE}/b.jpg" alt="Bridge"/>'
        '<figcaption class="wp-element-caption">The <a href="https://x.org">bridge</a> at dawn. '
        "Photo: Jane Doe</figcaption></figure><!-- /wp:image -->"
    )
    result = to_markdown(html, image=images)
    assert result.markdown == "![Bridge](image:1)\n"
    ref = images.refs[0]
    assert (ref.attachment_id, ref.caption, ref.credit) == (
        44,
        "The bridge at dawn.",
        "Photo: Jane Doe",
    )
    assert result.problems == ["link in the caption of image 1 dropped: https://x.org"]


def test_image_not_of_the_old_site_stays_external_with_its_caption_in_italics():
    html = (
        '<figure class="wp-block-image"><img src="https://cdn.other.com/p.jpg" alt="P"/>'
        '<figcaption>A <a href="http://x.com">pic</a> © Ann</figcaption></figure>'
    )
    assert md(html) == "![P](https://cdn.other.com/p.jpg)\n\n*A [pic](http://x.com) © Ann*\n"


def test_block_gallery_gives_each_image_its_own_figure_and_keeps_the_gallery_caption(images):
    html = (
        '<!-- wp:gallery {"linkTo":"none"} --><figure class="wp-block-gallery has-nested-images">'
        '<!-- wp:image {"id":769} --><figure class="wp-block-image">'
        f'<img src="{OLD_SITE}/one.jpg" alt="" class="wp-image-769"/>'
        "<figcaption>First</figcaption></figure><!-- /wp:image -->"
        '<!-- wp:image {"id":767} --><figure class="wp-block-image">'
        f'<img src="{OLD_SITE}/two.jpg" alt="" class="wp-image-767"/></figure><!-- /wp:image -->'
        '<figcaption class="blocks-gallery-caption">Both</figcaption></figure><!-- /wp:gallery -->'
    )
    assert md(html, image=images) == "![](image:1)\n\n![](image:2)\n\n*Both*\n"
    assert [(ref.attachment_id, ref.caption) for ref in images.refs] == [(769, "First"), (767, "")]


def test_emoji_images_are_their_text():
    html = '<p>Fun <img class="wp-smiley" src="https://s.w.org/1f600.png" alt="😀"></p>'
    assert md(html, image=pytest.fail) == "Fun 😀\n"


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("Joseph Montville (C) C-SPAN", ("Joseph Montville", "© C-SPAN")),
        ("Joseph Montville © C-SPAN", ("Joseph Montville", "© C-SPAN")),
        ("Harbour at night. Photo: Ann Lee", ("Harbour at night.", "Photo: Ann Lee")),
        ("Harbour (Photograph: Ann Lee)", ("Harbour", "Photograph: Ann Lee")),
        ("Talks in Oslo — photo by Ann Lee", ("Talks in Oslo", "photo by Ann Lee")),
        ("Old map. Courtesy of the City Archive", ("Old map.", "Courtesy of the City Archive")),
        ("Delegates | Image credit: UN", ("Delegates", "Image credit: UN")),
        ("© Reuters", ("", "© Reuters")),
        ("Photos of the 1994 talks", ("Photos of the 1994 talks", "")),
        ("A quiet harbour", ("A quiet harbour", "")),
    ],
)
def test_credit_is_split_from_a_caption_only_after_a_credit_marker(caption, expected):
    assert split_credit(caption) == expected


def test_cite_or_small_in_a_figcaption_is_the_credit(images):
    html = (
        f'<figure><img class="wp-image-1" src="{OLD_SITE}/a.jpg">'
        "<figcaption>Night falls <cite>Ann Lee</cite></figcaption></figure>"
    )
    md(html, image=images)
    assert (images.refs[0].caption, images.refs[0].credit) == ("Night falls", "Ann Lee")


# --- Blocks ----------------------------------------------------------------------------


def test_dynamic_blocks_are_dropped_only_with_a_note():
    html = (
        "<!-- wp:paragraph --><p>Kept</p><!-- /wp:paragraph -->"
        '<!-- wp:latest-posts {"postsToShow":2} /--><!-- wp:archives /--><!-- wp:archives /-->'
    )
    result = to_markdown(html)
    assert result.markdown == "Kept\n"
    assert result.problems == [
        "dynamic block wp:latest-posts dropped",
        "dynamic block wp:archives dropped (2 times)",
    ]


def test_dynamic_container_is_noted_once_for_everything_inside_it():
    html = (
        '<!-- wp:query {"queryId":1} --><div class="wp-block-query"><!-- wp:post-template -->'
        "<!-- wp:post-title /--><!-- /wp:post-template --></div><!-- /wp:query -->"
    )
    assert to_markdown(html).problems == ["dynamic block wp:query dropped"]


def test_self_closing_block_with_a_url_is_kept_as_a_link():
    html = '<!-- wp:navigation-link {"label":"About us","url":"https://x.org/about"} /-->'
    result = to_markdown(html)
    assert result.markdown == "[About us](https://x.org/about)\n"
    assert result.problems == ["dynamic block wp:navigation-link kept as a link"]


def test_embed_block_becomes_a_link_with_its_caption():
    html = (
        '<!-- wp:embed {"url":"https://twitter.com/a/status/1","type":"rich"} -->'
        '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\n'
        "https://twitter.com/a/status/1\n</div><figcaption>A tweet</figcaption></figure>"
        "<!-- /wp:embed -->"
    )
    result = to_markdown(html)
    assert result.markdown == "<https://twitter.com/a/status/1>\n\n*A tweet*\n"
    assert result.problems == ["embed https://twitter.com/a/status/1 kept as a link"]


def test_cover_and_media_text_keep_their_image_and_their_text(images):
    cover = (
        f'<!-- wp:cover {{"url":"{OLD_SITE}/c.jpg","id":761}} --><div class="wp-block-cover">'
        '<span class="wp-block-cover__background"></span>'
        '<img class="wp-block-cover__image-background wp-image-761" alt="" '
        f'src="{OLD_SITE}/c.jpg"/>'
        '<div class="wp-block-cover__inner-container"><!-- wp:paragraph --><p>Over it</p>'
        "<!-- /wp:paragraph --></div></div><!-- /wp:cover -->"
    )
    old_cover = (
        f'<!-- wp:cover {{"url":"{OLD_SITE}/d.jpg","id":8}} --><div class="wp-block-cover" '
        f'style="background-image:url({OLD_SITE}/d.jpg)"><p>Old</p></div><!-- /wp:cover -->'
    )
    media_text = (
        '<!-- wp:media-text {"mediaId":769} --><div class="wp-block-media-text">'
        f'<figure class="wp-block-media-text__media"><img src="{OLD_SITE}/m.jpg" alt="" '
        'class="wp-image-769 size-full"/></figure><div class="wp-block-media-text__content">'
        "<!-- wp:paragraph --><p>Beside it</p><!-- /wp:paragraph --></div></div>"
        "<!-- /wp:media-text -->"
    )
    assert md(cover + old_cover + media_text, image=images) == (
        "![](image:1)\n\nOver it\n\n![](image:2)\n\nOld\n\n![](image:3)\n\nBeside it\n"
    )
    assert [ref.attachment_id for ref in images.refs] == [761, 8, 769]


def test_layout_blocks_keep_their_content_and_buttons_become_links():
    html = (
        '<!-- wp:columns --><div class="wp-block-columns"><!-- wp:column -->'
        '<div class="wp-block-column"><!-- wp:paragraph --><p>Left</p><!-- /wp:paragraph --></div>'
        '<!-- /wp:column --><!-- wp:column --><div class="wp-block-column"><!-- wp:buttons -->'
        '<div class="wp-block-buttons"><!-- wp:button --><div class="wp-block-button">'
        '<a class="wp-block-button__link" href="https://x.org/join">Join</a></div>'
        "<!-- /wp:button -->"
        "</div><!-- /wp:buttons --></div><!-- /wp:column --></div><!-- /wp:columns -->"
    )
    assert md(html) == "Left\n\n[Join](https://x.org/join)\n"


def test_separator_spacer_more_and_nextpage_blocks():
    html = (
        "<!-- wp:paragraph --><p>A</p><!-- /wp:paragraph -->"
        '<!-- wp:separator --><hr class="wp-block-separator"/><!-- /wp:separator -->'
        '<!-- wp:spacer --><div style="height:100px" aria-hidden="true" class="wp-block-spacer">'
        "</div><!-- /wp:spacer -->"
        "<!-- wp:more --><!--more--><!-- /wp:more -->"
        "<!-- wp:paragraph --><p>B</p><!-- /wp:paragraph -->"
        "<!-- wp:nextpage --><!--nextpage--><!-- /wp:nextpage -->"
        "<!-- wp:paragraph --><p>C</p><!-- /wp:paragraph -->"
    )
    assert to_markdown(html) == to_markdown(html)
    assert md(html) == "A\n\n---\n\nB\n\n---\n\nC\n"


def test_classic_more_tag_is_dropped_silently_and_nextpage_is_a_rule():
    result = to_markdown("Teaser.\n\n<!--more-->\n\nRest.\n\n<!--nextpage-->\n\nPage two.")
    assert (result.markdown, result.problems) == ("Teaser.\n\nRest.\n\n---\n\nPage two.\n", [])


def test_shortcode_block_is_expanded_and_autopd(images):
    html = '<!-- wp:shortcode -->\n[gallery ids="769,767"]\n<!-- /wp:shortcode -->'
    assert md(html, image=images) == "![](image:1)\n\n![](image:2)\n"


# --- Footnotes -------------------------------------------------------------------------


def test_gutenberg_footnotes_become_markdown_footnotes_at_the_end():
    html = (
        '<!-- wp:paragraph --><p>A paragraph<sup data-fn="aa" class="fn"><a href="#aa" '
        'id="aa-link">1</a></sup> and more<sup data-fn="bb" class="fn"><a href="#bb" '
        'id="bb-link">2</a></sup>.</p><!-- /wp:paragraph --><!-- wp:footnotes /-->'
    )
    notes = [{"id": "bb", "content": "Another <em>note</em>"}, {"id": "aa", "content": "A note"}]
    result = to_markdown(html, footnotes=notes)
    assert result.markdown == (
        "A paragraph[^1] and more[^2].\n\n[^1]: A note\n\n[^2]: Another *note*\n"
    )
    assert result.problems == []


def test_footnote_without_text_keeps_its_number_and_a_note_and_unused_text_is_kept():
    html = '<p>Text<sup data-fn="zz" class="fn"><a href="#zz">1</a></sup></p>'
    result = to_markdown(html, footnotes=[{"id": "yy", "content": "Orphan"}])
    assert result.markdown == "Text<sup>1</sup>\n\n[^1]: Orphan\n"
    assert result.problems == [
        "footnote 1 has no text in the footnotes meta",
        "footnote 1 is not referenced in the text",
    ]


# --- Verse, quotes, code ---------------------------------------------------------------


def test_verse_block_becomes_a_poem_fence_keeping_line_breaks_and_indents():
    html = (
        '<!-- wp:verse --><pre class="wp-block-verse">The sea\n   is <em>calm\ntonight</em>.'
        "\n\nThe tide is *full*</pre><!-- /wp:verse -->"
    )
    assert md(html) == (
        "```poem\nThe sea\n   is *calm*\n*tonight*.\n\nThe tide is \\*full\\*\n```\n"
    )


def test_classic_poem_div_with_stanzas_becomes_a_poem():
    html = '<div class="poem"><p>Line one<br />\nline two</p>\n<p>Second stanza</p></div>'
    assert md(html) == "```poem\nLine one\nline two\n\nSecond stanza\n```\n"


def test_verse_inside_a_quote_keeps_its_lines_as_hard_breaks():
    html = '<blockquote><pre class="wp-block-verse">- one\n  two</pre></blockquote>'
    assert md(html) == "> \\- one  \n> \u00a0\u00a0two\n"
    assert "<ul>" not in rendered(md(html))


def test_blockquote_with_cite_ends_with_a_dash_line_and_quotes_nest():
    html = (
        '<blockquote class="wp-block-quote"><blockquote>Inner</blockquote>'
        "<p>Outer words</p><cite>Mark Twain</cite></blockquote>"
    )
    assert md(html) == "> > Inner\n>\n> Outer words\n>\n> — Mark Twain\n"


def test_classic_blockquote_with_trailing_cite_and_pullquote():
    classic = "<blockquote>Stay hungry. <cite>Steve Jobs</cite></blockquote>"
    pullquote = (
        '<figure class="wp-block-pullquote"><blockquote><p>Pulled</p><cite>Who</cite>'
        "</blockquote></figure>"
    )
    assert md(classic) == "> Stay hungry.\n>\n> — Steve Jobs\n"
    assert md(pullquote) == "> Pulled\n>\n> — Who\n"


def test_cite_inside_a_sentence_is_italic():
    assert md('"Code is poetry." --<cite>Automattic</cite>') == '"Code is poetry." --*Automattic*\n'


def test_adjacent_quotes_and_lists_stay_separate():
    markdown = md(
        "<blockquote>One</blockquote><blockquote>Two</blockquote><ul><li>a</li></ul><ul><li>b</li></ul>"
    )
    assert markdown == "> One\n\n<!-- -->\n\n> Two\n\n- a\n\n<!-- -->\n\n- b\n"
    html = rendered(markdown)
    assert html.count("<blockquote>") == 2
    assert html.count("<ul>") == 2


def test_pre_becomes_a_fenced_code_block_with_its_language():
    html = (
        '<pre class="wp-block-code"><code class="language-php">&lt;?php echo "```"; ?&gt;'
        "</code></pre>"
    )
    assert md(html) == '````php\n<?php echo "```"; ?>\n````\n'
    assert md('<pre class="brush: ruby; notranslate">puts 1</pre>') == "```ruby\nputs 1\n```\n"
    preformatted = (
        '<!-- wp:preformatted --><pre class="wp-block-preformatted">  a\n<strong>b</strong></pre>'
    )
    assert md(preformatted + "<!-- /wp:preformatted -->") == "```\n  a\nb\n```\n"


def test_code_inside_a_list_item_is_indented_rather_than_fenced():
    assert md("<ul><li>Run:<pre>make test</pre></li></ul>") == "- Run:\n\n        make test\n"


# --- Tables ----------------------------------------------------------------------------


def test_simple_table_becomes_a_pipe_table_using_the_first_row_as_header():
    html = (
        "<table><tbody><tr><td>Name</td><td>Note</td></tr>"
        '<tr><td><a href="https://x.org">Ann</a></td><td>a | b<br>c</td></tr></tbody></table>'
    )
    assert md(html) == "| Name | Note |\n| --- | --- |\n| [Ann](https://x.org) | a \\| b<br>c |\n"


def test_table_with_thead_tfoot_alignment_and_caption():
    html = (
        '<figure class="wp-block-table"><table><thead><tr><th class="has-text-align-center">H</th>'
        "<th>I</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody><tfoot><tr><td>F</td>"
        "<td>G</td></tr></tfoot></table><figcaption>Totals</figcaption></figure>"
    )
    assert md(html) == "| H | I |\n| :---: | --- |\n| 1 | 2 |\n| F | G |\n\n*Totals*\n"


def test_table_with_spans_is_kept_as_sanitised_html():
    html = (
        '<table class="wp-table" style="color:red"><tr><td colspan="2" onclick="x()">'
        '<a href="https://old.example/p">Wide</a></td></tr><tr><td>a</td><td>b</td></tr></table>'
    )
    markdown = md(html, link=lambda url: url.replace(OLD_SITE, "/new"))
    assert markdown.startswith("<table>")
    assert '<td colspan="2"><a href="/new/p">Wide</a></td>' in markdown
    assert "onclick" not in markdown and "wp-table" not in markdown
    assert '<td colspan="2">' in rendered(markdown)


def test_a_table_kept_as_html_keeps_its_alignment_as_classes():
    html = (
        '<table><tr><td colspan="2" style="text-align: center">Wide</td></tr>'
        '<tr><td class="has-text-align-right">1</td><td align="left">2</td></tr></table>'
    )
    output = rendered(md(html))
    assert '<td class="align-center" colspan="2">Wide</td>' in output
    assert '<td class="align-right">1</td>' in output
    assert '<td class="align-left">2</td>' in output
    assert "style" not in output


# --- Text, links, lists ----------------------------------------------------------------


def test_links_go_through_link_and_keep_a_title_that_says_more():
    html = '<a href="https://old.example/about/" title="About the site">About</a> <a href="https://x.org">https://x.org</a>'
    new = md(html, link=lambda url: url.replace(OLD_SITE, "https://new.example"))
    assert new == '[About](https://new.example/about/ "About the site") <https://x.org>\n'


def test_nested_lists_are_indented_four_spaces():
    html = (
        '<ol start="3"><li>three<ul><li>bullet<ol><li>deep</li></ol></li></ul></li>'
        "<li>four</li></ol>"
    )
    assert md(html) == "3. three\n    - bullet\n        1. deep\n4. four\n"
    assert rendered(md(html)).count("<ol") == 2


@pytest.mark.parametrize(
    "html",
    ['<ol start="²"><li>one</li></ol>', f'<p><img src="{OLD_SITE}/a.jpg" data-wp-id="²"></p>',
     f'<!-- wp:image {{"id":"²"}} --><figure class="wp-block-image"><img src="{OLD_SITE}/a.jpg">'
     "</figure><!-- /wp:image -->"],
)  # fmt: skip
def test_a_number_in_superscript_digits_is_no_number(html, images):
    markdown = md(html, image=images)

    assert markdown.startswith(("1. one", "![](image:1)"))
    assert all(ref.attachment_id is None for ref in images.refs)


def test_headings_emphasis_code_and_inline_html():
    html = (
        "<h1>Title</h1><h3>Item #</h3><p><strong>b</strong> <em>i</em> <code>x_y</code> "
        'H<sub>2</sub>O <del>old</del> <abbr title="Seriously">srsly</abbr></p><hr />'
    )
    assert md(html) == (
        "# Title\n\n### Item \\#\n\n**b** *i* `x_y` H<sub>2</sub>O <del>old</del> "
        '<abbr title="Seriously">srsly</abbr>\n\n---\n'
    )


def test_markdown_syntax_in_the_text_is_escaped_so_readers_see_it_as_written():
    html = (
        "<p># not a heading</p><p>1. not a list</p><p>&gt; not a quote</p>"
        "<p>*stars* _under_ snake_case [link](x) &lt;b&gt; &amp;amp; C:\\dir</p>"
    )
    markdown = md(html)
    text = plain_text(rendered(markdown))
    visible = ["# not a heading", "1. not a list", "> not a quote", "*stars* _under_ snake_case"]
    assert all(shown in text for shown in visible)
    assert "[link](x) <b> &amp; C:\\dir" in text
    assert "<h1" not in rendered(markdown) and "<ol>" not in rendered(markdown)


def test_script_style_and_iframe_are_noted_and_the_iframe_kept_as_a_link():
    html = (
        '<script src="https://x.org/w.js"></script><style>p{}</style>'
        '<iframe src="https://player.vimeo.com/video/1"></iframe>'
    )
    result = to_markdown(html)
    assert result.markdown == "<https://player.vimeo.com/video/1>\n"
    assert result.problems == [
        "script https://x.org/w.js dropped",
        "style dropped",
        "embed https://player.vimeo.com/video/1 kept as a link",
    ]


def test_object_and_embed_elements_are_kept_as_links():
    result = to_markdown(
        '<object data="https://x.org/m.swf"><embed src="https://x.org/m.swf"></object>'
    )
    assert result.markdown == "<https://x.org/m.swf>\n"
    assert result.problems == ["embed https://x.org/m.swf kept as a link"]


def test_html5_video_and_audio_are_kept_as_links():
    result = to_markdown(
        '<figure class="wp-block-video"><video controls src="https://x.org/v.mov"></video>'
        "<figcaption>A clip</figcaption></figure>"
    )
    assert result.markdown == "<https://x.org/v.mov>\n\n*A clip*\n"
    assert result.problems == ["video https://x.org/v.mov kept as a link"]


def test_nbsp_only_paragraphs_vanish_and_non_ascii_text_is_kept_exactly():
    html = "<p>&nbsp;</p>\n<p>Café “quoted” — 日本語 🎉 10&nbsp;km&nbsp;&nbsp;away</p>"
    assert md(html) == "Café “quoted” — 日本語 🎉 10\u00a0km away\n"


def test_definition_list_is_kept_as_html():
    html = "<dl><dt>Term</dt><dd>Meaning with <a href='https://x.org'>a link</a></dd></dl>"
    assert md(html) == (
        '<dl>\n<dt>Term</dt>\n<dd>Meaning with <a href="https://x.org">a link</a></dd>\n</dl>\n'
    )


def test_details_summary_becomes_a_bold_line_and_its_content():
    html = "<details><summary>More</summary><p>Hidden text</p></details>"
    assert md(html) == "**More**\n\nHidden text\n"


def test_output_is_stable_tidy_and_ends_with_one_newline():
    html = "<p>One </p>\n\n\n<p></p><div><br></div><p>Two<br></p>\n\n"
    first = to_markdown(html)
    assert first == to_markdown(html)
    assert first.markdown == "One\n\nTwo\n"
    assert md("") == "" and md("   \n") == ""


# --- Rendered through blog.rendering ---------------------------------------------------


def test_rendered_poem_is_a_poem_div_with_line_breaks():
    markdown = md('<pre class="wp-block-verse">One\n  two</pre>')
    html = rendered(markdown)
    assert '<div class="poem">' in html
    assert re.search(r"One<br>\s*&nbsp;&nbsp;two", html)


def test_rendered_table_footnote_and_figure(images):
    html = (
        f'[caption id="attachment_3"]<img src="{OLD_SITE}/p.jpg" alt="Port" /> Port at dusk. '
        "Photo: Ann Lee[/caption]\n\n"
        "Text[footnote]The note.[/footnote]\n\n"
        "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>"
    )
    output = rendered(md(html, image=images), images)
    assert re.search(r'<figure class="figure" id="image-1"><img [^>]*alt="Port"', output)
    assert '<span class="caption">Port at dusk.</span>' in output
    assert '<span class="credit">Photo: Ann Lee</span>' in output
    assert output.count("Port at dusk") == 1
    assert re.search(r"<table>\s*<thead>\s*<tr>\s*<th>A</th>", output)
    assert 'class="footnote-ref"' in output and "The note." in output


# --- Comments --------------------------------------------------------------------------


def test_comment_text_keeps_paragraphs_line_breaks_links_and_quotes():
    html = (
        "Great post!\nSecond line.\n\n"
        'See <a href="http://example.com/x">this page</a> and '
        '<a href="http://example.com/">http://example.com</a>.\n\n'
        "<blockquote>Quoted <b>text</b>\nmore</blockquote>\n\n"
        "Use <code>a &lt; b</code> &amp; <i>done</i>."
    )
    assert comment_text(html) == (
        "Great post!\nSecond line.\n\n"
        "See this page (http://example.com/x) and http://example.com/.\n\n"
        "> Quoted text\n> more\n\n"
        "Use a < b & done."
    )


def test_comment_text_of_html_paragraphs_and_lists():
    html = "<p>One</p><p>Two<br>lines</p><ul><li>a</li><li>b</li></ul>"
    assert comment_text(html) == "One\n\nTwo\nlines\n\n- a\n- b"
    assert comment_text("") == ""


# --- Real exports ----------------------------------------------------------------------

WXR_DIR = Path(
    os.environ.get("WXR_SAMPLES") or Path(__file__).resolve().parents[2] / "shared" / "data" / "wxr"
)
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
# Shortcodes whose tags are markup, not text (an [embed]'s URL is between its tags).
HANDLED_SHORTCODE = re.compile(
    r"\[/?(?:caption|gallery|embed|audio|video|wpvideo|youtube|vimeo|tweet|code|sourcecode"
    r"|footnote|ref)\b[^\]]*\]"
)


def _wxr_items():
    if not WXR_DIR.is_dir():
        return []
    return [item for path in sorted(WXR_DIR.glob("*.xml")) for item in _export_items(path)]


def _export_items(path):
    """(content, attachment ids, footnotes) of every item of one export that has content."""
    channel = ElementTree.parse(path).getroot().find("channel")
    wp = _wp_namespace(channel)
    attachments = defaultdict(list)
    for item in channel.iter("item"):
        if item.findtext(f"{wp}post_type") == "attachment":
            attachments[item.findtext(f"{wp}post_parent")].append(
                int(item.findtext(f"{wp}post_id"))
            )
    for item in channel.iter("item"):
        content, post_id = item.findtext(CONTENT) or "", item.findtext(f"{wp}post_id")
        if content.strip():
            footnotes = _footnotes(item, wp)
            yield pytest.param(
                content, attachments[post_id], footnotes, id=f"{path.stem}-{post_id}"
            )


def _wp_namespace(channel):
    for element in channel.iter():
        if element.tag.startswith("{") and element.tag.endswith("}post_id"):
            return element.tag[: element.tag.index("}") + 1]
    return ""


def _footnotes(item, namespace):
    for meta in item.iter(f"{namespace}postmeta"):
        if meta.findtext(f"{namespace}meta_key") == "footnotes":
            return json.loads(meta.findtext(f"{namespace}meta_value"))
    return None


BOUNDARY_TAG = re.compile(
    r"</?(?:a|address|blockquote|br|caption|cite|d[dlt]|details|div|figcaption|figure|h[1-6]"
    r"|hr|li|ol|p|pre|section|summary|table|t[dhr]|tbody|tfoot|thead|ul)\b[^>]*>"
)


def _words(html):
    """The words of an HTML fragment; a block or link boundary parts words, as on screen."""
    return set(re.findall(r"[^\W_]+", plain_text(BOUNDARY_TAG.sub(" ", html)).lower()))


def _visible_words(content, footnotes):
    """The words a reader of the WordPress post saw (shortcode markup aside)."""
    text = re.sub(r"<(script|style)\b.*?</\1>|<!--.*?-->", " ", content, flags=re.S | re.I)
    text = re.sub(r'\[caption[^\]]*?caption="([^"]*)"[^\]]*\]', r" \1 ", text)
    text = HANDLED_SHORTCODE.sub(" ", text)
    notes = " ".join(note["content"] for note in footnotes or ())
    return _words(text + " " + notes)


@pytest.mark.skipif(not WXR_DIR.is_dir(), reason=f"no WordPress exports in {WXR_DIR}")
@pytest.mark.parametrize(("content", "attachments", "footnotes"), _wxr_items())
def test_real_export_content_converts_without_losing_visible_words(content, attachments, footnotes):
    def convert(images):
        return to_markdown(
            content,
            image=lambda ref: images.refs.append(ref) or len(images.refs),
            gallery=lambda: attachments,
            footnotes=footnotes,
        )

    images = Images()
    result = convert(images)
    assert result == convert(Images())
    assert "\n\n\n" not in result.markdown
    assert result.markdown == "" or re.search(r"[^\n]\n\Z", result.markdown)
    reader_sees = _words(rendered(result.markdown, images))
    missing = _visible_words(content, footnotes) - reader_sees
    assert not missing, f"words lost: {sorted(missing)[:20]}\n{result.markdown[:2000]}"
