"""Full-text search of published posts: one interface over two databases.

- `cleaned(text)`: what a reader typed, on one line and capped; `has_words(query)`
  says whether it holds any word to search for.
- `find(query)`: the published posts matching, best first, as a sequence the paginator
  slices; each post on a page carries `snippet`, escaped HTML with `<mark>`ed words.
  Only the newest `SEARCH_MAX_RESULTS` matches (the latest written: the highest ids) are
  ranked, so that a common word costs no more on a large archive than on a small one.
- `reindex(post_ids)`: refresh the index for these posts (saved, re-filed or deleted);
  `reindex_all()` for every post.

PostgreSQL keeps a weighted tsvector in `Post.search_document` (GIN-indexed: title A;
excerpt, tags and categories B; body C). SQLite keeps an FTS5 table, `blog_post_fts`,
whose rowid is the post's id. Both are filled by blog/migrations/0002_search.py and
kept current by the receivers at the end of blog/models.py.
"""

import hashlib
import html
import re

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core import generation

from .models import Post

MAX_QUERY_LENGTH = 200
MAX_WORDS = 20
SNIPPET_WORDS = 32
KEPT_SECONDS = 10 * 60
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
    return Hits(_backend(), query, settings.SEARCH_MAX_RESULTS)


def reindex(post_ids):
    post_ids = sorted(pk for pk in post_ids if pk is not None)
    for start in range(0, len(post_ids), REINDEX_BATCH):
        _backend().reindex(post_ids[start : start + REINDEX_BATCH])


# Ids per statement: well under SQLite's limit on parameters.
REINDEX_BATCH = 10_000
# What a post's index entry holds: its own words, and the names it is filed under.
INDEXED_FIELDS = {"title", "excerpt", "body"}


def follow(sender, changes, **kwargs):
    """core.changes' `committed`: index again the posts whose words, or whose tags' and
    categories' names, changed (once per transaction, after it commits)."""
    from taggit.models import Tag

    from .models import Category, TaggedPost

    filings = (TaggedPost, Post.categories.through)
    post_ids, relabelled = set(), {Category: set(), Tag: set()}
    for change in changes:
        if change.model is Post and change.pk is None and not change.ids(Post):
            if change.fields is None or change.fields & INDEXED_FIELDS:
                reindex_all()  # rows written in bulk, which no id names
                return
        elif change.model is Post or change.model in filings:
            post_ids |= change.ids(Post)
        elif change.model in relabelled and not change.deleted:
            relabelled[change.model] |= change.ids(change.model)
    if relabelled[Category]:
        post_ids |= set(
            Post.categories.through.objects.filter(category__in=relabelled[Category]).values_list(
                "post_id", flat=True
            )
        )
    if relabelled[Tag]:
        post_ids |= set(
            TaggedPost.objects.filter(tag__in=relabelled[Tag]).values_list(
                "content_object_id", flat=True
            )
        )
    reindex(post_ids)


def reindex_all():
    """Make the whole index again, in one statement: after loading many posts at once."""
    _backend().reindex_all()


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
    """The matches for one query, best first, fetched a page at a time.

    Only the newest `limit` matches are ranked: a word in every post makes a search that
    costs the same at a thousand posts as at a million. `capped` says there were more.
    """

    def __init__(self, backend, query, limit):
        self.backend = backend
        self.query = query
        self.limit = limit
        self._ids = None

    @property
    def ids(self):
        """The ranked ids, kept for each query until the list of posts changes: a word
        many readers look for is ranked once."""
        if self._ids is None:
            self._ids = generation.kept(
                ("search", self.key),
                lambda: self.backend.ranked(self.query, self.limit + 1),
                KEPT_SECONDS,
                lists=True,
            )
        return self._ids

    @property
    def capped(self):
        return len(self.ids) > self.limit

    def count(self):
        return min(len(self.ids), self.limit)

    def __len__(self):
        return self.count()

    @property
    def key(self):
        """What tells this query's results apart in a cache key."""
        digest = hashlib.md5(self.query.encode(), usedforsecurity=False).hexdigest()
        return f"{self.limit}-{digest}"

    def __getitem__(self, window):
        if not isinstance(window, slice):
            raise TypeError("Search hits are fetched a page (a slice) at a time.")
        # Fetched when first read: not at all when the page's results are a kept fragment.
        return SimpleLazyObject(lambda: self._fetch(self.ids[: self.limit][window]))

    def _fetch(self, ids):
        if not ids:
            return []
        found = self.backend.page(self.query, ids)
        posts = [found[pk] for pk in ids if pk in found]
        for post in posts:
            post.snippet = highlight(post.snippet)
        return posts


def _published():
    return Post.objects.published()


def _results():
    """A result shows a post's title, byline, categories and snippet: not its texts, tags
    or image (taggit's prefetch alone cost a search of new words a sixth of its time)."""
    return Post.objects.select_related("author").prefetch_related("categories").without_texts()


class PostgresSearch:
    config = "english"

    def _query(self, query):
        return SearchQuery(query, search_type="websearch", config=self.config)

    def ranked(self, query, limit):
        """Ids of the newest `limit` published matches (the latest written, as on SQLite),
        best first: the GIN index finds them, ts_rank scores them as they are read, and
        they are put in order here (ordering them in SQL read each one twice)."""
        search_query = self._query(query)
        newest = (
            _published()
            .filter(search_document=search_query)
            .annotate(rank=SearchRank(F("search_document"), search_query))
            .order_by("-pk")
            .values_list("rank", "published_at", "pk")[:limit]
        )
        return [pk for _, _, pk in sorted(newest, reverse=True)]

    def page(self, query, ids):
        """{id: post} for these ids, each with its snippet, in one query (plus prefetches)."""
        posts = (
            _results()
            .filter(pk__in=ids)
            .annotate(
                snippet=SearchHeadline(
                    _escaped("body"),
                    self._query(query),
                    config=self.config,
                    start_sel=MARK_START,
                    stop_sel=MARK_END,
                    max_words=SNIPPET_WORDS,
                    min_words=SNIPPET_WORDS // 2,
                ),
            )
        )
        found = {post.pk: post for post in posts}
        for post in found.values():
            post.snippet = html.unescape(post.snippet)
        return found

    def reindex(self, post_ids):
        with connection.cursor() as cursor:
            cursor.execute(POSTGRES_REINDEX + " WHERE p.id = ANY(%s)", [list(post_ids)])

    def reindex_all(self):
        with connection.cursor() as cursor:
            cursor.execute(POSTGRES_REINDEX)


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

    def ranked(self, query, limit):
        """Ids of the newest `limit` published matches, best first by bm25. FTS5 reads
        its matches newest id first and stops at `limit`."""
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            # Only our own SQL is formatted in; the reader's words are bound parameters.
            # Published as PostQuerySet.published() says, joined rather than a subquery
            # of every published id, so that FTS5 can stop at `limit`.
            cursor.execute(
                f"SELECT id FROM (SELECT f.rowid AS id, {self.rank} AS score"  # noqa: S608
                " FROM blog_post_fts f JOIN blog_post p ON p.id = f.rowid"
                " WHERE blog_post_fts MATCH %s AND p.status = %s AND p.published_at <= %s"
                " ORDER BY f.rowid DESC LIMIT %s) ORDER BY score, id DESC",
                [self._match(query), Post.Status.PUBLISHED, now, limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def page(self, query, ids):
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, snippet(blog_post_fts, 4, %s, %s, '…', %s) FROM blog_post_fts"  # noqa: S608
                f" WHERE blog_post_fts MATCH %s AND rowid IN ({marks})",
                [MARK_START, MARK_END, SNIPPET_WORDS, self._match(query), *ids],
            )
            snippets = dict(cursor.fetchall())
        found = _results().in_bulk(list(snippets))
        for post in found.values():
            post.snippet = snippets[post.pk]
        return found

    def reindex(self, post_ids):
        marks = ", ".join(["%s"] * len(post_ids))
        with connection.cursor() as cursor:
            sql = f"DELETE FROM blog_post_fts WHERE rowid IN ({marks})"  # noqa: S608 - placeholders
            cursor.execute(sql, post_ids)
            cursor.execute(SQLITE_REINDEX + f" WHERE p.id IN ({marks})", post_ids)

    def reindex_all(self):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM blog_post_fts")
            cursor.execute(SQLITE_REINDEX)


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
