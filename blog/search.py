"""Full-text search of published posts: one interface over two databases.

- `cleaned(text)`: what a reader typed, on one line and capped; `has_words(query)`
  says whether it holds any word to search for.
- `find(query)`: the published posts matching, best first, as a sequence the paginator
  slices; each post on a page carries `snippet`, escaped HTML with `<mark>`ed words.
- `reindex(post_ids)`: refresh the index for these posts (saved, re-filed or deleted).

PostgreSQL keeps a weighted tsvector in `Post.search_document` (GIN-indexed: title A;
excerpt, tags and categories B; body C). SQLite keeps an FTS5 table, `blog_post_fts`,
whose rowid is the post's id. Both are filled by blog/migrations/0002_search.py and
kept current by the receivers at the end of blog/models.py.
"""

import html
import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Replace
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Post

MAX_QUERY_LENGTH = 200
MAX_WORDS = 20
SNIPPET_WORDS = 32
# Private-use characters around matched words, swapped for <mark> once the text is escaped.
MARK_START, MARK_END = "\ue000", "\ue001"
WORD = re.compile(r"[^\W_]+")  # letters and digits: what both databases index


def cleaned(text):
    """The query as it will be shown and searched: one line, at most 200 characters."""
    return " ".join((text or "").split())[:MAX_QUERY_LENGTH]


def has_words(query):
    """Whether there is anything to search for: punctuation alone finds nothing."""
    return bool(WORD.search(query))


def find(query):
    return Hits(_backend(), query)


def reindex(post_ids):
    post_ids = [pk for pk in post_ids if pk is not None]
    if post_ids:
        _backend().reindex(post_ids)


def highlight(text):
    """Escape `text`, then turn the backend's match markers into <mark> elements."""
    # Balanced by construction: a stray marker in the post itself opens nothing unclosed.
    opened = 0
    parts = []
    for piece in re.split(f"([{MARK_START}{MARK_END}])", escape(text)):
        if piece == MARK_START and not opened:
            parts.append("<mark>")
            opened = 1
        elif piece == MARK_END and opened:
            parts.append("</mark>")
            opened = 0
        elif piece not in (MARK_START, MARK_END):
            parts.append(piece)
    if opened:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # noqa: S308 - escaped above; only <mark> added


class Hits:
    """The matches for one query, counted and fetched a page at a time."""

    def __init__(self, backend, query):
        self.backend = backend
        self.query = query
        self._count = None

    def count(self):
        if self._count is None:
            self._count = self.backend.count(self.query)
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        if not isinstance(window, slice):
            raise TypeError("Search hits are fetched a page (a slice) at a time.")
        start = window.start or 0
        stop = self.count() if window.stop is None else window.stop
        if stop <= start:
            return []
        posts = self.backend.page(self.query, start, stop)
        for post in posts:
            post.snippet = highlight(post.snippet)
        return posts


def _published():
    return Post.objects.published()


class PostgresSearch:
    config = "english"

    def _matches(self, query):
        search_query = SearchQuery(query, search_type="websearch", config=self.config)
        return _published().filter(search_document=search_query), search_query

    def count(self, query):
        return self._matches(query)[0].count()

    def page(self, query, start, stop):
        matches, search_query = self._matches(query)
        posts = list(
            matches.for_listing()
            .annotate(
                rank=SearchRank(F("search_document"), search_query),
                snippet=SearchHeadline(
                    _escaped("body"),
                    search_query,
                    config=self.config,
                    start_sel=MARK_START,
                    stop_sel=MARK_END,
                    max_words=SNIPPET_WORDS,
                    min_words=SNIPPET_WORDS // 2,
                ),
            )
            .order_by("-rank", "-published_at", "-pk")[start:stop]
        )
        for post in posts:
            post.snippet = html.unescape(post.snippet)
        return posts

    def reindex(self, post_ids):
        with connection.cursor() as cursor:
            cursor.execute(POSTGRES_REINDEX + " WHERE p.id = ANY(%s)", [list(post_ids)])


def _escaped(field):
    """The field as HTML text: ts_headline drops whatever looks like a tag, entities stay."""
    text = F(field)
    for character, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = Replace(text, Value(character), Value(entity))
    return text


# Also in blog/migrations/0002_search.py, which fills the column for existing posts.
POSTGRES_REINDEX = """
    UPDATE blog_post p SET search_document =
        setweight(to_tsvector('english', p.title), 'A')
        || setweight(to_tsvector('english', concat_ws(' ', p.excerpt,
            (SELECT string_agg(t.name, ' ') FROM blog_taggedpost tp
             JOIN taggit_tag t ON t.id = tp.tag_id WHERE tp.content_object_id = p.id),
            (SELECT string_agg(c.name, ' ') FROM blog_post_categories pc
             JOIN blog_category c ON c.id = pc.category_id WHERE pc.post_id = p.id))), 'B')
        || setweight(to_tsvector('english', p.body), 'C')
"""


class SQLiteSearch:
    # Title, excerpt, tags, categories, body: a title match counts most.
    rank = "bm25(blog_post_fts, 10.0, 4.0, 4.0, 4.0, 1.0)"

    def _match(self, query):
        """An FTS5 query with no syntax of the reader's: each word quoted, all required."""
        return " ".join(f'"{word}"' for word in WORD.findall(query)[:MAX_WORDS])

    def _where(self, query):
        published, params = _published().values("pk").query.sql_with_params()
        return (
            f"blog_post_fts MATCH %s AND blog_post_fts.rowid IN ({published})",
            [self._match(query), *params],
        )

    def count(self, query):
        where, params = self._where(query)
        with connection.cursor() as cursor:
            sql = f"SELECT count(*) FROM blog_post_fts WHERE {where}"  # noqa: S608 - ours, bound
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def page(self, query, start, stop):
        where, params = self._where(query)
        with connection.cursor() as cursor:
            # Only our own SQL is formatted in; the reader's words are bound parameters.
            cursor.execute(
                f"SELECT rowid, snippet(blog_post_fts, 4, %s, %s, '…', %s) FROM blog_post_fts"  # noqa: S608
                f" WHERE {where} ORDER BY {self.rank}, rowid DESC LIMIT %s OFFSET %s",
                [MARK_START, MARK_END, SNIPPET_WORDS, *params, stop - start, start],
            )
            snippets = dict(cursor.fetchall())
        posts = Post.objects.for_listing().in_bulk(snippets)
        ordered = [posts[pk] for pk in snippets if pk in posts]
        for post in ordered:
            post.snippet = snippets[post.pk]
        return ordered

    def reindex(self, post_ids):
        marks = ", ".join(["%s"] * len(post_ids))
        with connection.cursor() as cursor:
            sql = f"DELETE FROM blog_post_fts WHERE rowid IN ({marks})"  # noqa: S608 - placeholders
            cursor.execute(sql, post_ids)
            cursor.execute(SQLITE_REINDEX + f" WHERE p.id IN ({marks})", post_ids)


# Also in blog/migrations/0002_search.py, which fills the table for existing posts.
SQLITE_REINDEX = """
    INSERT INTO blog_post_fts (rowid, title, excerpt, tags, categories, body)
    SELECT p.id, p.title, p.excerpt,
        (SELECT group_concat(t.name, ' ') FROM blog_taggedpost tp
         JOIN taggit_tag t ON t.id = tp.tag_id WHERE tp.content_object_id = p.id),
        (SELECT group_concat(c.name, ' ') FROM blog_post_categories pc
         JOIN blog_category c ON c.id = pc.category_id WHERE pc.post_id = p.id),
        p.body
    FROM blog_post p
"""


def _backend():
    return PostgresSearch() if connection.vendor == "postgresql" else SQLiteSearch()
