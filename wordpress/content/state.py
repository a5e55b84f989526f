"""What one conversion carries: the image it asks about, and the state its passes share."""

from dataclasses import dataclass


@dataclass
class ImageRef:
    attachment_id: int | None  # wp-image-N, [caption id="attachment_N"], wp:image id, gallery ids
    url: str  # the <img src> as written; "" when only an id is known
    alt: str = ""
    caption: str = ""  # plain text, credit split off
    credit: str = ""
    link: str = ""  # href of an <a> wrapping the image, through link()


@dataclass
class Placeholder:
    """What a shortcode or an oEmbed URL stood for; rendered when the writer meets it."""

    kind: str  # literal, gallery, media, code, footnote
    text: str = ""  # literal text, code, or footnote HTML
    url: str = ""
    media: str = "embed"  # embed, video or audio
    language: str = ""
    ids: tuple = ()


class Context:
    def __init__(self, image, link, gallery, footnotes):
        self.image = image or (lambda ref: None)
        self.link = link or (lambda url: url)
        self.gallery = gallery or list
        self.footnote_meta = {
            note.get("id"): note.get("content") or ""
            for note in footnotes or ()
            if isinstance(note, dict)
        }
        self.placeholders = []
        self.footnotes = []  # HTML of footnote n + 1
        self.footnote_numbers = {}  # Gutenberg footnote uuid -> number
        self._problems = {}

    def problem(self, text):
        self._problems[text] = self._problems.get(text, 0) + 1

    def problem_list(self):
        return [text if n == 1 else f"{text} ({n} times)" for text, n in self._problems.items()]

    def placeholder(self, item, block):
        self.placeholders.append(item)
        tag = "div" if block else "span"
        return f'<{tag} data-wp-placeholder="{len(self.placeholders) - 1}"></{tag}>'

    def add_footnote(self, html):
        self.footnotes.append(html)
        return len(self.footnotes)

    def gutenberg_footnote(self, uuid):
        if uuid not in self.footnote_numbers and uuid in self.footnote_meta:
            self.footnote_numbers[uuid] = self.add_footnote(self.footnote_meta[uuid])
        return self.footnote_numbers.get(uuid)

    def add_unreferenced_footnotes(self):
        for uuid, html in self.footnote_meta.items():
            if uuid not in self.footnote_numbers:
                self.footnote_numbers[uuid] = self.add_footnote(html)
                self.problem(
                    f"footnote {self.footnote_numbers[uuid]} is not referenced in the text"
                )
