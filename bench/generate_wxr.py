#!/usr/bin/env python3
"""Write a realistic WordPress WXR 1.2 export, to benchmark `manage.py import_wordpress`.

    python bench/generate_wxr.py OUT.xml --posts 10000 --comments 100000 [--seed 1]
        [--media-dir DIR] [--stats FILE]

Standard library only (Pillow is imported only for --media-dir) and no Django. The file is
written item by item as it is generated: only a small plan per post (date, ID, slug, status,
comment count) is kept in memory. The same arguments give the same file, byte for byte.

The shape follows what WordPress 6.x's Tools > Export writes: CDATA where export.php uses
wxr_cdata(), categories with parents before children, items in ID order, attachments
next to their post (some uploaded just before it, so their parent comes later in the file),
drafts with a zero GMT date, term names stored HTML-escaped ("Arts &amp; Culture").
"""

import argparse
import json
import re
import sys
import time
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path
from random import Random
from urllib.parse import quote

SITE = "https://bench.example.org"
UPLOADS = SITE + "/wp-content/uploads"
EXPORTED_AT = datetime(2025, 6, 1, 9, 30, 0)  # naive UTC, like every datetime here
FIRST_POST_AT = EXPORTED_AT - timedelta(days=int(365.25 * 15))
ZERO_DATE = "0000-00-00 00:00:00"  # WordPress's post_date_gmt of a never-published draft
ZERO_PUBDATE = "Mon, 30 Nov -0001 00:00:00 +0000"  # what export.php prints for it
MAX_DEPTH = 6
IMAGE_SIZE = (640, 427)

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _split(text):
    """A word list, written as prose to keep it readable."""
    return text.split()


WORDS = _split("""
the a of and to in is that it for on with as was at by this be from or an are not have
which but they one all were we when there can more if will about some would so what their
out up into time only other than its over also new after could most first these people may
because any two where back years much should well between state world still own see high
year every even under never long same another while last might great since against right
city council budget school teacher library river bridge garden harvest market harbour
festival museum archive letter reader editor column review chapter novel poem author
climate weather storm summer winter autumn spring morning evening night coffee bread cheese
recipe kitchen dinner lunch train station bicycle road traffic tram ferry airport journey
software server database network privacy security update release version feature design
science research study data model result method theory experiment planet orbit telescope
music concert album song choir orchestra jazz festival stage theatre film director actor
football match season league goal coach stadium runner race cyclist mountain valley lake
forest village neighbourhood community volunteer election vote policy debate minister law
court report survey interview history memory tradition language question answer problem
idea story moment detail reason example evidence argument change future decision effort
quiet careful simple honest curious early late small large green bright dark warm cold
local public private open slow quick strange familiar useful difficult important possible
café naïve façade résumé über jalapeño smörgåsbord Zürich Kraków Göteborg Porto Malmö Łódź
""")

FIRST_NAMES = _split("""
Anna Ben Clara David Emma Felix Grace Hugo Iris Jack Kate Liam Maya Noah Olivia Paul Rosa
Sam Tara Umar Vera Will Yara Zoe José Zoë Søren Łukasz Chloé Björn Ayşe Mei Ravi Ngozi Kenji
Astrid Dmitri Inés Tomás Fatima Priya Oluwaseun Siobhan Mateo Élodie Henrik Nadia Carlos
""")
LAST_NAMES = _split("""
Smith Jones Taylor Brown Wilson Evans Thomas Roberts Walker Wright Green Hall Wood Hughes
Müller Schmidt García Fernández Rossi Bianchi Dubois Lefèvre Nowak Kowalski Novák Jensen
O'Brien McCarthy Nakamura Chen Wang Kim Patel Okafor Silva Santos Andersson Virtanen
""")
CREDITS = ("Jane Doe", "Bench Photo Desk", "M. Okafor", "Studio Nord", "Chloé Martin")

AUTHORS = (  # id, login, display name, first, last, share of the posts
    (1, "admin", "Site Admin", "", "", 0.08),
    (2, "mhartley", "Margaret Hartley", "Margaret", "Hartley", 0.37),
    (3, "jose.ortega", "José Ortega", "José", "Ortega", 0.25),
    (5, "sbjork", "Søren Björk", "Søren", "Björk", 0.18),
    (8, "guest-writer", "Guest Writer", "Guest", "Writer", 0.12),
)

CATEGORY_TREE = (  # WordPress stores term names HTML-escaped, hence the &amp;
    ("News", (("Local", ("City Council", "Schools")), ("World", ("Europe", "Asia")), "Politics")),
    ("Arts &amp; Culture", ("Books", "Film", ("Music", ("Jazz", "Classical")), "Theatre")),
    ("Science", ("Climate", "Space", "Health")),
    ("Technology", (("Software", ("Open Source", "Python")), "Hardware", "Privacy")),
    ("Opinion", ("Editorials", "Letters")),
    ("Sport", ("Football", "Cycling")),
    ("Food &amp; Drink", ("Recipes", "Cafés")),
    ("Education", ("Universities",)),
    ("Business", ("Startups",)),
    ("Travel", ()),
)
SPECIAL_TAGS = ("Q&amp;A", "C++", "C#", "São Paulo", "naïve bayes", "東京", "rock 'n' roll")

PAGES = (  # title, index of the parent page in this list (None: top level)
    ("About", None),
    ("Contact", None),
    ("Team", 0),
    ("Editorial Guidelines", None),
    ("Comment Policy", 3),
    ("Privacy Policy", None),
    ("Archives", None),
    ("Newsletter", None),
    ("Advertise", None),
    ("Corrections", 3),
    ("History", 0),
    ("Jobs", 0),
    ("Masthead", 2),
    ("FAQ", None),
    ("Accessibility", None),
    ("Press", None),
    ("Contributors", 2),
    ("Events", None),
    ("Donate", None),
    ("Submission Guidelines", 3),
)

POST_STATUSES = (("publish", 0.945), ("draft", 0.025), ("private", 0.01), ("pending", 0.01))
FUTURE_SHARE = 0.01  # scheduled posts, dated after the export
COMMENT_STATES = (("1", 0.90), ("0", 0.05), ("spam", 0.03), ("trash", 0.02))
REPLY_SHARE = 0.36  # slightly above a third: a post's first comment cannot be a reply
ATTACHMENT_SHARE = 0.02


# --- Escaping -----------------------------------------------------------------------------


def cdata(text):
    """What WordPress's wxr_cdata() writes: "]]>" split across two CDATA sections."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(text):
    return esc(text).replace('"', "&quot;")


def php_serialize(value):
    """PHP's serialize(), for the _wp_attachment_metadata WordPress exports as is."""
    if isinstance(value, int):
        return f"i:{value};"
    if isinstance(value, str):
        return f's:{len(value.encode())}:"{value}";'
    items = "".join(php_serialize(k) + php_serialize(v) for k, v in value.items())
    return f"a:{len(value)}:{{{items}}}"


def slugify(name):
    """Roughly WordPress's sanitize_title(): accents dropped, other non-ASCII %-encoded."""
    name = name.replace("&amp;", "").replace("'", "")
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    if not re.search(r"[A-Za-z0-9]", ascii_name):
        return quote(name.strip().replace(" ", "-")).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


# --- Dates --------------------------------------------------------------------------------

_dst_cache = {}


def _last_sunday(year, month):
    last = datetime(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def site_time(utc):
    """The site's wall clock (Europe/Berlin rules, computed here so no tzdata is needed)."""
    year = utc.year
    if year not in _dst_cache:
        _dst_cache[year] = (
            _last_sunday(year, 3).replace(hour=1),
            _last_sunday(year, 10).replace(hour=1),
        )
    start, end = _dst_cache[year]
    return utc + timedelta(hours=2 if start <= utc < end else 1)


def sql_date(dt):
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def rss_date(utc):
    return (
        f"{DAYS[utc.weekday()]}, {utc.day:02d} {MONTHS[utc.month - 1]} {utc.year} "
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d} +0000"
    )


# --- Text ---------------------------------------------------------------------------------


class Text:
    """Sentences, paragraphs and the classic editor's HTML, from one seeded generator."""

    SPECIALS = ("R&amp;D", "“so-called”", "—", "&nbsp;—", "10&nbsp;km", "1/2", "‘quoted’", "…")

    def __init__(self, rng):
        self.rng = rng

    def words(self, lo, hi):
        return self.rng.choices(WORDS, k=self.rng.randint(lo, hi))

    def _end(self):
        r = self.rng.random()
        return "." if r < 0.86 else "?" if r < 0.95 else "!"

    def sentence(self, lo=6, hi=16):
        words = self.words(lo, hi)
        words[0] = words[0].capitalize()
        if len(words) > 8 and self.rng.random() < 0.3:
            words[4] += ","
        return " ".join(words) + self._end()

    def sentences(self, lo, hi):
        return " ".join(self.sentence() for _ in range(self.rng.randint(lo, hi)))

    def title(self):
        rng = self.rng
        words = self.words(3, 8)
        words = [w.capitalize() if len(w) > 3 or i == 0 else w for i, w in enumerate(words)]
        r = rng.random()
        if r < 0.06:
            words.insert(rng.randint(1, len(words) - 1), "&amp;")
        elif r < 0.08:
            words.insert(rng.randint(1, len(words) - 1), "&")  # typed by an admin, raw
        elif r < 0.14:
            words[len(words) // 2] += ":"
        elif r < 0.17:
            words[-1] = f"“{words[-1]}”"
        title = " ".join(words)
        return title + "?" if rng.random() < 0.07 else title

    def rich_sentence(self, links):
        """A sentence with, now and then, bold, italics, a link or an entity."""
        rng = self.rng
        words = self.words(6, 18)
        words[0] = words[0].capitalize()
        r = rng.random()
        i = rng.randrange(1, len(words) - 1)
        j = min(len(words) - 1, i + rng.randint(0, 3))
        if r < 0.07:
            words[i] = "<strong>" + words[i]
            words[j] += "</strong>"
        elif r < 0.13:
            words[i] = "<em>" + words[i]
            words[j] += "</em>"
        elif r < 0.21 and links.permalinks:
            if rng.random() < 0.15:
                href = f"{SITE}/?p={rng.choice(links.ids)}"
            else:
                href = rng.choice(links.permalinks)
            words[i] = f'<a href="{href}">' + words[i]
            words[j] += "</a>"
        elif r < 0.23:
            href = f"https://www.example.com/{words[i].lower()}?ref=bench&amp;id={i}"
            words[i] = f'<a href="{href}">' + words[i]
            words[j] += "</a>"
        elif r < 0.27:
            words.insert(i, rng.choice(self.SPECIALS))
        return " ".join(words) + self._end()

    def paragraph(self, links):
        rng = self.rng
        text = " ".join(self.rich_sentence(links) for _ in range(rng.randint(2, 6)))
        if rng.random() < 0.04:  # a line break inside a paragraph: wpautop makes it a <br />
            text += "\n" + self.sentence()
        return text

    def html_list(self):
        tag = "ol" if self.rng.random() < 0.3 else "ul"
        items = "".join(
            f"\n\t<li>{self.sentence(3, 9)}</li>" for _ in range(self.rng.randint(2, 6))
        )
        return f"<{tag}>{items}\n</{tag}>"

    def comment(self):
        rng = self.rng
        text = self.sentences(1, 4)
        r = rng.random()
        if r < 0.2:
            text += "\n\n" + self.sentences(1, 4)
        elif r < 0.25:
            text += ' See <a href="https://www.example.net/notes" rel="nofollow">my notes</a>.'
        elif r < 0.28:
            text = "<em>" + self.sentence() + "</em> " + text
        elif r < 0.30:
            text += " Fish &amp; chips &lt;3"
        elif r < 0.302:  # code that would close a CDATA section
            text += " Try <code>if (a[b[i]]>0)</code> instead."
        return text


class Links:
    """Addresses of the published posts written so far, for links between posts."""

    def __init__(self):
        self.permalinks = []
        self.ids = []


# --- The plan: what each item is, before any of it is written ------------------------------


class Post:
    __slots__ = (
        "attachment",
        "author",
        "comments",
        "date",
        "id",
        "password",
        "slug",
        "status",
        "title",
    )

    def __init__(self, date, status):
        self.date = date
        self.status = status
        self.id = 0
        self.comments = 0
        self.attachment = None  # "before" or "after": uploaded before or after the post
        self.password = ""


def weighted(rng, pairs):
    r = rng.random() * sum(w for _, w in pairs)
    for value, w in pairs:
        r -= w
        if r < 0:
            return value
    return pairs[-1][0]


def plan_posts(rng, text, n_posts, n_comments):
    span = (EXPORTED_AT - FIRST_POST_AT).total_seconds()
    dates = sorted(
        FIRST_POST_AT + timedelta(seconds=int(rng.random() * span)) for _ in range(n_posts)
    )
    n_future = round(n_posts * FUTURE_SHARE)
    posts = []
    for i, date in enumerate(dates):
        if i >= n_posts - n_future:  # scheduled: the newest IDs, dated after the export
            date = EXPORTED_AT + timedelta(days=rng.uniform(0.5, 60))
            posts.append(Post(date.replace(microsecond=0), "future"))
        else:
            posts.append(Post(date, weighted(rng, POST_STATUSES)))
    posts.sort(key=lambda p: p.date)

    used = set()
    authors = [(a[1], a[5]) for a in AUTHORS]
    for post in posts:
        post.title = text.title()
        slug = slugify(post.title) or "post"
        base, n = slug[:180], 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        post.slug = slug
        post.author = weighted(rng, authors)
        if post.status == "publish" and rng.random() < 0.003:
            post.password = rng.choice(("members", "préview", "s3cret&more"))

    published = [p for p in posts if p.status == "publish"]
    if published:
        k = max(1, round(n_posts * ATTACHMENT_SHARE))
        for post in rng.sample(published, min(k, len(published))):
            post.attachment = "before" if rng.random() < 0.3 else "after"

    if n_comments:
        open_posts = published or posts
        if not open_posts:
            sys.exit("--comments needs at least one post")
        distribute_comments(rng, open_posts, n_comments)
    return posts


def distribute_comments(rng, posts, total):
    """Exactly `total` comments: most posts few or none, a long tail up to hundreds."""
    weights = [0.0 if rng.random() < 0.4 else rng.lognormvariate(0, 1.5) for _ in posts]
    if not any(weights):
        weights[0] = 1.0
    scale = total / sum(weights)
    shares = [w * scale for w in weights]
    counts = [int(s) for s in shares]
    leftover = total - sum(counts)
    by_remainder = sorted(range(len(posts)), key=lambda i: (counts[i] - shares[i], i))
    for i in by_remainder[:leftover]:
        counts[i] += 1
    for post, count in zip(posts, counts, strict=True):
        post.comments = count


def plan_items(rng, posts):
    """Everything in ID order, as WordPress exports it: ("post"|"page"|"attachment", obj)."""
    n = len(posts)
    page_at = sorted(rng.randrange(n) if n and i >= 3 else 0 for i in range(len(PAGES)))
    pages = []
    items = []
    next_id = 1
    p = 0
    for i in range(n + 1):
        while p < len(PAGES) and page_at[p] == i:
            title, parent = PAGES[p]
            date = posts[i].date if i < n else EXPORTED_AT - timedelta(days=3)
            date = date - timedelta(hours=rng.randint(1, 48))
            next_id += rng.randint(1, 3)
            page = {"id": next_id, "title": title, "date": date, "slug": slugify(title)}
            page["parent"] = pages[parent] if parent is not None else None
            pages.append(page)
            items.append(("page", page))
            p += 1
        if i == n:
            break
        post = posts[i]
        next_id += rng.randint(1, 4)  # revisions and auto-drafts take IDs too
        if post.attachment == "before":
            items.append(("attachment", post))
            next_id += 1
        post.id = next_id
        items.append(("post", post))
        if post.attachment == "after":
            next_id += 1
            items.append(("attachment", post))
    return items


# --- Writing ------------------------------------------------------------------------------


class Writer:
    def __init__(self, out, seed, media_dir):
        self.out = out
        self.rng = Random(seed)
        self.text = Text(self.rng)
        self.seed = seed
        self.media_dir = media_dir
        self.links = Links()
        self.comment_id = 0
        self.attachments = {}  # post id -> attachment details, until both items are out
        self.stats = {
            "bytes": 0,
            "posts": 0,
            "posts_by_status": {},
            "pages": 0,
            "attachments": 0,
            "media_files": 0,
            "authors": len(AUTHORS),
            "categories": 0,
            "tags": 0,
            "comments": 0,
            "comments_by_status": {},
            "comment_replies": 0,
            "pingbacks": 0,
            "max_comment_depth": 0,
            "max_comments_on_a_post": 0,
            "posts_without_comments": 0,
        }

    def write(self, s):
        self.out.write(s)

    # Channel

    def header(self):
        self.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n'
            "<!-- This is a WordPress eXtended RSS file generated by WordPress as an export "
            "of your site. -->\n"
            "<!-- Generated for Colloquy's import benchmark by bench/generate_wxr.py "
            f"(seed {self.seed}). -->\n"
            f'<!-- generator="WordPress/6.5.3" created="{sql_date(EXPORTED_AT)[:16]}" -->\n'
            '<rss version="2.0"\n'
            '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
            '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
            '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
            '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            '\txmlns:wp="http://wordpress.org/export/1.2/"\n'
            ">\n\n<channel>\n"
            "\t<title>Bench Gazette</title>\n"
            f"\t<link>{SITE}</link>\n"
            "\t<description>News, culture &amp; long arguments in the comments</description>\n"
            f"\t<pubDate>{rss_date(EXPORTED_AT)}</pubDate>\n"
            "\t<language>en-GB</language>\n"
            "\t<wp:wxr_version>1.2</wp:wxr_version>\n"
            f"\t<wp:base_site_url>{SITE}</wp:base_site_url>\n"
            f"\t<wp:base_blog_url>{SITE}</wp:base_blog_url>\n\n"
        )
        for author_id, login, display, first, last, _ in AUTHORS:
            self.write(
                f"\t<wp:author><wp:author_id>{author_id}</wp:author_id>"
                f"<wp:author_login>{cdata(login)}</wp:author_login>"
                f"<wp:author_email>{cdata(login + '@bench.example.org')}</wp:author_email>"
                f"<wp:author_display_name>{cdata(display)}</wp:author_display_name>"
                f"<wp:author_first_name>{cdata(first)}</wp:author_first_name>"
                f"<wp:author_last_name>{cdata(last)}</wp:author_last_name></wp:author>\n"
            )
        self.write("\n")
        self.categories()
        self.tags()
        self.write("\n\t<generator>https://wordpress.org/?v=6.5.3</generator>\n")

    def categories(self):
        rng = self.rng
        self.category_slugs = []  # (slug, name), for posts
        term_id = 1
        self._category(1, "Uncategorized", "", "")
        self.category_slugs.append(("uncategorized", "Uncategorized"))

        def walk(nodes, parent_slug):
            nonlocal term_id
            for node in nodes:
                name, children = node if isinstance(node, tuple) else (node, ())
                term_id += rng.randint(1, 3)
                slug = slugify(name)
                description = self.text.sentence() if rng.random() < 0.6 else ""
                self._category(term_id, name, parent_slug, description)
                self.category_slugs.append((slug, name))
                walk(children, slug)  # parents before children, as WordPress orders them

        walk(CATEGORY_TREE, "")
        self.next_term_id = term_id + 1

    def _category(self, term_id, name, parent_slug, description):
        self.stats["categories"] += 1
        extra = ""
        if description:  # export.php leaves the element out when it is empty
            extra = f"<wp:category_description>{cdata(description)}</wp:category_description>"
        self.write(
            f"\t<wp:category><wp:term_id>{term_id}</wp:term_id>"
            f"<wp:category_nicename>{cdata(slugify(name))}</wp:category_nicename>"
            f"<wp:category_parent>{cdata(parent_slug)}</wp:category_parent>"
            f"<wp:cat_name>{cdata(name)}</wp:cat_name>{extra}</wp:category>\n"
        )

    def tags(self, count=300):
        rng = self.rng
        names = list(SPECIAL_TAGS)
        seen = {name.lower() for name in names}
        while len(names) < count:
            name = " ".join(rng.choices(WORDS[150:], k=rng.choice((1, 1, 2))))
            if name.lower() in seen:  # WordPress refuses a second tag of the same name
                continue
            seen.add(name.lower())
            names.append(name.title() if rng.random() < 0.2 else name)
        rng.shuffle(names)
        self.tag_slugs = []
        used = set()
        term_id = self.next_term_id
        for name in names:
            slug, base, n = slugify(name) or "tag", slugify(name) or "tag", 2
            while slug in used:  # "python" twice, or "C++" and "C#": slug, slug-2
                slug, n = f"{base}-{n}", n + 1
            used.add(slug)
            term_id += rng.randint(1, 2)
            self.tag_slugs.append((slug, name))
            self.write(
                f"\t<wp:tag><wp:term_id>{term_id}</wp:term_id>"
                f"<wp:tag_slug>{cdata(slug)}</wp:tag_slug>"
                f"<wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>\n"
            )
        self.stats["tags"] = len(self.tag_slugs)
        # A few tags are on many posts, most on a handful (Zipf-like).
        total, self.tag_cum = 0.0, []
        for rank in range(len(self.tag_slugs)):
            total += 1 / (rank + 1) ** 0.9
            self.tag_cum.append(total)
        total, self.category_cum = 0.0, []
        for i in range(len(self.category_slugs)):
            total += 0.3 if i == 0 else 1 / (1 + i % 7)
            self.category_cum.append(total)

    def footer(self):
        self.write("</channel>\n</rss>\n")

    # Items

    def item(self, kind, obj):
        if kind == "post":
            self.post(obj)
        elif kind == "page":
            self.page(obj)
        else:
            self.attachment_item(obj)

    def _item_head(self, title, link, pub_date, creator, guid, content, excerpt, item_id):
        return (
            "\t<item>\n"
            f"\t\t<title>{cdata(title)}</title>\n"
            f"\t\t<link>{esc(link)}</link>\n"
            f"\t\t<pubDate>{pub_date}</pubDate>\n"
            f"\t\t<dc:creator>{cdata(creator)}</dc:creator>\n"
            f'\t\t<guid isPermaLink="false">{esc(guid)}</guid>\n'
            "\t\t<description></description>\n"
            f"\t\t<content:encoded>{cdata(content)}</content:encoded>\n"
            f"\t\t<excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>\n"
            f"\t\t<wp:post_id>{item_id}</wp:post_id>\n"
        )

    def _item_fields(self, fields):
        out = []
        for name, value in fields:
            if isinstance(value, int):
                out.append(f"\t\t<wp:{name}>{value}</wp:{name}>\n")
            else:
                out.append(f"\t\t<wp:{name}>{cdata(value)}</wp:{name}>\n")
        return "".join(out)

    @staticmethod
    def _meta(key, value):
        return (
            "\t\t<wp:postmeta>\n"
            f"\t\t\t<wp:meta_key>{cdata(key)}</wp:meta_key>\n"
            f"\t\t\t<wp:meta_value>{cdata(str(value))}</wp:meta_value>\n"
            "\t\t</wp:postmeta>\n"
        )

    def _attachment(self, post):
        """The attachment of `post`, made the first time either item needs it."""
        if post.id in self.attachments:
            return self.attachments[post.id]
        rng = self.rng
        if post.attachment == "before":
            aid, date = post.id - 1, post.date - timedelta(minutes=rng.randint(2, 90))
        else:
            aid, date = post.id + 1, post.date + timedelta(minutes=rng.randint(1, 30))
        ym = f"{date.year:04d}/{date.month:02d}"
        att = {
            "id": aid,
            "date": date,
            "ym": ym,
            "file": f"{ym}/photo-{aid}.jpg",
            "alt": " ".join(self.text.words(3, 7)).capitalize(),
            "caption": f"{self.text.sentence(4, 10)} (C) {rng.choice(CREDITS)}",
            "featured": rng.random() < 0.5,
        }
        self.attachments[post.id] = att
        return att

    def caption(self, att):
        rng = self.rng
        align = rng.choice(("alignnone", "alignnone", "aligncenter", "alignleft", "alignright"))
        aid = att["id"]
        img = (
            f'<img class="size-medium wp-image-{aid}" '
            f'src="{UPLOADS}/{att["ym"]}/photo-{aid}-300x200.jpg" alt="{attr(att["alt"])}" '
            'width="300" height="200" />'
        )
        if rng.random() < 0.4:  # "Link to: media file"
            img = f'<a href="{UPLOADS}/{att["file"]}">{img}</a>'
        return (
            f'[caption id="attachment_{aid}" align="{align}" width="300"]{img} '
            f"{att['caption']}[/caption]"
        )

    def body(self, post=None, att=None):
        rng, text = self.rng, self.text
        links = self.links if post else Links()
        blocks = [text.paragraph(links) for _ in range(rng.randint(3, 8))]
        level = rng.choice((2, 2, 3))
        extras = [f"<h{level}>{text.title()}</h{level}>"]
        if rng.random() < 0.4:
            extras.append(text.html_list())
        if rng.random() < 0.3:
            extras.append(f"<blockquote>{text.sentences(1, 3)}</blockquote>")
        for extra in extras:
            blocks.insert(rng.randint(1, len(blocks)), extra)
        if att:
            blocks.insert(1, self.caption(att))
        if post and rng.random() < 0.3:
            blocks[0] += "\n\n<!--more-->"
        return "\n\n".join(blocks)

    def categories_of(self, post):
        rng = self.rng
        cats = []
        for slug, name in rng.choices(
            self.category_slugs, cum_weights=self.category_cum, k=rng.randint(1, 3)
        ):
            if (slug, name) not in cats:
                cats.append((slug, name))
        # WordPress drops "Uncategorized" once a post has a real category.
        cats = [c for c in cats if c[0] != "uncategorized"] or cats
        tags = []
        for slug, name in rng.choices(
            self.tag_slugs, cum_weights=self.tag_cum, k=rng.choice((0, 1, 2, 2, 3, 3, 4, 5))
        ):
            if (slug, name) not in tags:
                tags.append((slug, name))
        out = [
            f'\t\t<category domain="category" nicename="{attr(s)}">{cdata(n)}</category>\n'
            for s, n in cats
        ]
        out += [
            f'\t\t<category domain="post_tag" nicename="{attr(s)}">{cdata(n)}</category>\n'
            for s, n in tags
        ]
        return "".join(out)

    def post(self, post):
        rng = self.rng
        st = self.stats
        st["posts"] += 1
        st["posts_by_status"][post.status] = st["posts_by_status"].get(post.status, 0) + 1
        att = self._attachment(post) if post.attachment else None
        local = site_time(post.date)
        unpublished = post.status in ("draft", "pending")
        if unpublished:
            link, pub_date, date_gmt = f"{SITE}/?p={post.id}", ZERO_PUBDATE, ZERO_DATE
        else:
            link = f"{SITE}/{local:%Y/%m/%d}/{post.slug}/"
            pub_date, date_gmt = rss_date(post.date), sql_date(post.date)
        excerpt = self.text.sentences(1, 2) if rng.random() < 0.25 else ""
        author_id = next(a[0] for a in AUTHORS if a[1] == post.author)
        parts = [
            self._item_head(
                post.title,
                link,
                pub_date,
                post.author,
                f"{SITE}/?p={post.id}",
                self.body(post, att),
                excerpt,
                post.id,
            ),
            self._item_fields(
                (
                    ("post_date", sql_date(local)),
                    ("post_date_gmt", date_gmt),
                    ("comment_status", "open"),
                    ("ping_status", "open" if rng.random() < 0.8 else "closed"),
                    ("post_name", post.slug),
                    ("status", post.status),
                    ("post_parent", 0),
                    ("menu_order", 0),
                    ("post_type", "post"),
                    ("post_password", post.password),
                    ("is_sticky", 0),
                )
            ),
            self.categories_of(post),
            self._meta("_edit_last", author_id),
        ]
        if att and att["featured"]:
            parts.append(self._meta("_thumbnail_id", att["id"]))
        if rng.random() < 0.1:
            parts.append(self._meta("_wp_old_slug", post.slug + "-draft"))
        parts.append(self.comments(post))
        parts.append("\t</item>\n")
        self.write("".join(parts))
        if post.status == "publish" and not post.password:
            self.links.permalinks.append(link)
            self.links.ids.append(post.id)
        self._done_with_attachment(post, "post")

    def _done_with_attachment(self, post, which):
        if post.attachment and (post.attachment == "before") == (which == "post"):
            self.attachments.pop(post.id, None)

    def page(self, page):
        rng = self.rng
        self.stats["pages"] += 1
        path, parent = page["slug"], page["parent"]
        while parent:
            path, parent = f"{parent['slug']}/{path}", parent["parent"]
        parts = [
            self._item_head(
                page["title"],
                f"{SITE}/{path}/",
                rss_date(page["date"]),
                "admin",
                f"{SITE}/?page_id={page['id']}",
                self.body(),
                "",
                page["id"],
            ),
            self._item_fields(
                (
                    ("post_date", sql_date(site_time(page["date"]))),
                    ("post_date_gmt", sql_date(page["date"])),
                    ("comment_status", "closed"),
                    ("ping_status", "closed"),
                    ("post_name", page["slug"]),
                    ("status", "publish"),
                    ("post_parent", page["parent"]["id"] if page["parent"] else 0),
                    ("menu_order", rng.randint(0, 10)),
                    ("post_type", "page"),
                    ("post_password", ""),
                    ("is_sticky", 0),
                )
            ),
            self._meta("_wp_page_template", "default"),
            self._meta("_edit_last", 1),
            "\t</item>\n",
        ]
        self.write("".join(parts))

    def attachment_item(self, post):
        self.stats["attachments"] += 1
        att = self._attachment(post)
        aid, date = att["id"], att["date"]
        url = f"{UPLOADS}/{att['file']}"
        base = f"photo-{aid}"
        metadata = {
            "width": IMAGE_SIZE[0],
            "height": IMAGE_SIZE[1],
            "file": att["file"],
            "sizes": {
                "medium": {
                    "file": f"{base}-300x200.jpg",
                    "width": 300,
                    "height": 200,
                    "mime-type": "image/jpeg",
                },
                "thumbnail": {
                    "file": f"{base}-150x150.jpg",
                    "width": 150,
                    "height": 150,
                    "mime-type": "image/jpeg",
                },
            },
            "image_meta": {"credit": "", "caption": "", "copyright": "", "keywords": {}},
        }
        parent_link = f"{SITE}/{site_time(post.date):%Y/%m/%d}/{post.slug}/"
        parts = [
            self._item_head(
                base,
                f"{parent_link}{base}/",
                rss_date(date),
                post.author,
                url,
                "",
                att["caption"],  # WordPress keeps an attachment's caption as its excerpt
                aid,
            ),
            self._item_fields(
                (
                    ("post_date", sql_date(site_time(date))),
                    ("post_date_gmt", sql_date(date)),
                    ("comment_status", "open"),
                    ("ping_status", "closed"),
                    ("post_name", base),
                    ("status", "inherit"),
                    ("post_parent", post.id),
                    ("menu_order", 0),
                    ("post_type", "attachment"),
                    ("post_password", ""),
                    ("is_sticky", 0),
                    ("attachment_url", url),
                )
            ),
            self._meta("_wp_attached_file", att["file"]),
            self._meta("_wp_attachment_metadata", php_serialize(metadata)),
            self._meta("_wp_attachment_image_alt", att["alt"]),
            "\t</item>\n",
        ]
        self.write("".join(parts))
        if self.media_dir:
            write_image(self.media_dir / att["file"], f"{self.seed}-{aid}")
            self.stats["media_files"] += 1
        self._done_with_attachment(post, "attachment")

    def comments(self, post):
        st = self.stats
        n = post.comments
        st["max_comments_on_a_post"] = max(st["max_comments_on_a_post"], n)
        if not n:
            st["posts_without_comments"] += 1
            return ""
        rng, text = self.rng, self.text
        # Comments come after the post and before the export (the 60 s below: not at once).
        since = (EXPORTED_AT - post.date).total_seconds() - 120
        horizon = max(60.0, min(since, 3 * 365 * 86400))
        offsets = []
        for _ in range(n):
            if rng.random() < 0.85:  # most within days of posting, then a long tail
                offsets.append(60 + min(rng.expovariate(1 / 172800), horizon))
            else:
                offsets.append(60 + rng.random() * horizon)
        offsets.sort()
        parents = []  # (comment id, depth) of approved comments that can take a reply
        out = []
        last = post.date
        for offset in offsets:
            self.comment_id += 2 if rng.random() < 0.05 else 1  # deleted spam leaves gaps
            cid = self.comment_id
            date = max(post.date + timedelta(seconds=int(offset)), last + timedelta(seconds=1))
            last = date
            status = weighted(rng, COMMENT_STATES)
            r = rng.random()
            kind = "pingback" if r < 0.02 else "trackback" if r < 0.022 else ""
            parent, depth = 0, 1
            if not kind and parents and rng.random() < REPLY_SHARE:
                parent, depth = parents[-1] if rng.random() < 0.5 else rng.choice(parents)
                depth += 1
            if kind:
                st["pingbacks"] += 1
                author = f"{text.title()} | Another Blog"
                email, ip = "", f"192.0.2.{rng.randint(1, 254)}"
                url = f"https://blog{rng.randint(1, 400)}.example.net/{date:%Y/%m}/notes/"
                content = f"[&#8230;] {text.sentence()} [&#8230;]"
            else:
                first, last_name = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                author = f"{first} {last_name}" if rng.random() < 0.8 else first.lower()
                user = slugify(f"{first}.{last_name}").replace("-", ".") or "reader"
                email = f"{user}{rng.randint(1, 99)}@example.{rng.choice(('com', 'org', 'net'))}"
                url = f"https://www.example.com/~{user}?from=comments&src=wp" if r > 0.7 else ""
                if rng.random() < 0.1:
                    ip = f"2001:db8:{rng.randint(0, 0xFFFF):x}::{rng.randint(1, 0xFFFF):x}"
                else:
                    ip = ".".join(str(rng.randint(1, 223)) for _ in range(4))
                content = text.comment()
            if status == "1" and not kind and depth < MAX_DEPTH:
                parents.append((cid, depth))
            st["comments"] += 1
            st["comments_by_status"][status] = st["comments_by_status"].get(status, 0) + 1
            st["comment_replies"] += parent != 0
            st["max_comment_depth"] = max(st["max_comment_depth"], depth)
            out.append(
                "\t\t<wp:comment>\n"
                f"\t\t\t<wp:comment_id>{cid}</wp:comment_id>\n"
                f"\t\t\t<wp:comment_author>{cdata(author)}</wp:comment_author>\n"
                f"\t\t\t<wp:comment_author_email>{cdata(email)}</wp:comment_author_email>\n"
                f"\t\t\t<wp:comment_author_url>{esc(url)}</wp:comment_author_url>\n"
                f"\t\t\t<wp:comment_author_IP>{cdata(ip)}</wp:comment_author_IP>\n"
                f"\t\t\t<wp:comment_date>{cdata(sql_date(site_time(date)))}</wp:comment_date>\n"
                f"\t\t\t<wp:comment_date_gmt>{cdata(sql_date(date))}</wp:comment_date_gmt>\n"
                f"\t\t\t<wp:comment_content>{cdata(content)}</wp:comment_content>\n"
                f"\t\t\t<wp:comment_approved>{cdata(status)}</wp:comment_approved>\n"
                f"\t\t\t<wp:comment_type>{cdata(kind)}</wp:comment_type>\n"
                f"\t\t\t<wp:comment_parent>{parent}</wp:comment_parent>\n"
                "\t\t\t<wp:comment_user_id>0</wp:comment_user_id>\n"
                "\t\t</wp:comment>\n"
            )
        return "".join(out)


def write_image(path, seed):
    """A small JPEG in its own colours (its own generator: the XML is the same without it)."""
    from PIL import Image, ImageDraw, ImageOps

    rng = Random(seed)
    colour = tuple(rng.randint(0, 255) for _ in range(3))
    other = tuple(rng.randint(0, 255) for _ in range(3))
    image = ImageOps.colorize(Image.linear_gradient("L").resize(IMAGE_SIZE), colour, other)
    draw = ImageDraw.Draw(image)
    for _ in range(3):
        x, y = rng.randint(0, IMAGE_SIZE[0] - 100), rng.randint(0, IMAGE_SIZE[1] - 100)
        size = rng.randint(40, 200)
        fill = tuple(rng.randint(0, 255) for _ in range(3))
        draw.ellipse((x, y, x + size, y + size), fill=fill)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=80)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the export file to write")
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--media-dir", type=Path, help="also write the images here (a wp-content/uploads tree)"
    )
    parser.add_argument("--stats", type=Path, help="also write the counts here, as JSON")
    args = parser.parse_args(argv)
    if args.posts < 0 or args.comments < 0:
        parser.error("--posts and --comments cannot be negative")

    started = time.perf_counter()
    rng = Random(args.seed)
    posts = plan_posts(rng, Text(rng), args.posts, args.comments)
    items = plan_items(rng, posts)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
        writer = Writer(out, args.seed, args.media_dir)
        writer.header()
        for kind, obj in items:
            writer.item(kind, obj)
        writer.footer()

    stats = writer.stats
    stats["bytes"] = args.out.stat().st_size
    stats["seconds"] = round(time.perf_counter() - started, 2)
    print(
        f"{args.out}: {stats['bytes']:,} bytes ({stats['bytes'] / 1e6:.1f} MB) "
        f"in {stats['seconds']} s"
    )
    for key, value in stats.items():
        if key not in ("bytes", "seconds"):
            print(f"  {key}: {value}")
    if args.stats:
        args.stats.write_text(json.dumps(stats, indent=2) + "\n")


if __name__ == "__main__":
    main()
