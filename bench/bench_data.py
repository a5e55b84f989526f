#!/usr/bin/env python3
"""A large, realistic blog for benchmarks, in the database the environment names.

    .venv/bin/python bench/bench_data.py --posts N --comments M [--hot-comments 200] [--seed 1]

Writers, nested categories, tags, N posts over fifteen years (a few drafts and
scheduled ones) and M threaded comments with a long tail: most posts have a few, some
hundreds, and the newest published post has exactly `--hot-comments` (the benchmark's
"post with 200 comments"). Posts go in with `bulk_create`, comments (the bulk of the
data) with COPY on PostgreSQL and one prepared INSERT on SQLite, in batches, each in its
own transaction; both tables' secondary indexes, and the search index, are built once at
the end. The Markdown of a small set of bodies is rendered once and shared, and comments
get their ids and HTML here, and their path and depth from `Comment.place`, as
`Comment.save()` would make them.

Bench data is for a database of its own: the script refuses to add to one that already
has any, and changes nothing then. It sets Django up itself (config.settings, unless
DJANGO_SETTINGS_MODULE says otherwise), with DATABASE_URL as the site reads it.
"""

import argparse
import os
import random
import sys
import time
from collections import namedtuple
from contextlib import contextmanager
from datetime import timedelta
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402
from django.apps import apps  # noqa: E402

if not apps.ready:  # the tests import this module with Django set up already
    django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402
from taggit.models import Tag  # noqa: E402

from blog.models import Category, Post, TaggedPost  # noqa: E402
from blog.rendering import render_markdown, summary_html  # noqa: E402
from comments import services  # noqa: E402
from comments.models import Comment  # noqa: E402
from comments.text import render_comment  # noqa: E402
from core import db  # noqa: E402

WRITER_PREFIX = "bench-writer-"
AGENT = "Colloquy bench_data"
BATCH = 2_000
MAX_DEPTH = 4
YEARS = 15

WORDS = ["peace", "dialogue", "border", "treaty", "mediation", "ceasefire", "envoy", "trust",
         "memory", "region", "conflict", "listening", "council", "delegation", "archive",
         "witness", "river", "harbour", "election", "language", "reconciliation", "neighbour",
         "summit", "minority", "charter", "village", "refugee", "water", "school", "bridge",
         "history", "justice", "patience", "courage", "table", "community"]  # fmt: skip
NAMES = ["Ada", "Amara", "Bruno", "Chen", "Dalia", "Elif", "Farid", "Grace", "Hana", "Ivan",
         "Joseph", "Kofi", "Lena", "Mira", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Samir",
         "Tove", "Umar", "Vera", "Wen", "Yara", "Zoltan"]  # fmt: skip


def address(rng):
    return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def sentence(rng, words=12):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng, sentences=4):
    return " ".join(sentence(rng, rng.randint(8, 18)) for _ in range(sentences))


def body(rng):
    """An essay's Markdown: paragraphs, a heading, a list, a quote, a link, emphasis."""
    parts = [paragraph(rng) for _ in range(3)]
    parts.append(f"## {sentence(rng, 4)[:-1]}")
    parts += [paragraph(rng) for _ in range(2)]
    parts.append("\n".join(f"- {sentence(rng, 6)}" for _ in range(3)))
    parts.append(f"> {paragraph(rng, 2)}")
    parts.append(f"See [the council's report](https://example.org/report) and *{sentence(rng, 5)}*")
    parts += [paragraph(rng) for _ in range(3)]
    return "\n\n".join(parts)


# A comment planted already, as a reply to it needs it: Comment.place reads depth and path.
Planted = namedtuple("Planted", "id depth path")


def batched(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


class Refused(Exception):
    """The numbers or the database do not allow a run; nothing was changed."""


def main(argv=None, stdout=None):
    parser = argparse.ArgumentParser(
        description="Fill an empty database with a large, realistic blog for benchmarks."
    )
    parser.add_argument("--posts", type=int, default=1_000)
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument(
        "--hot-comments",
        type=int,
        default=200,
        help="comments on the newest published post (default 200)",
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        BenchData(stdout or sys.stdout).make(
            args.posts, args.comments, args.hot_comments, args.seed
        )
    except Refused as error:
        sys.exit(str(error))


class BenchData:
    def __init__(self, stdout):
        self.stdout = stdout

    def write(self, line):
        self.stdout.write(line + "\n")
        self.stdout.flush()

    def make(self, posts, comments, hot_comments=200, seed=1):
        if posts < 1 or comments < 0 or hot_comments < 0:
            raise Refused("--posts must be at least 1; --comments and --hot-comments 0 or more.")
        if hot_comments > comments:
            raise Refused("--hot-comments cannot be more than --comments.")
        if get_user_model().objects.filter(username__startswith=WRITER_PREFIX).exists():
            raise Refused(
                "This database already has bench data; use a new database (or flush this one)."
            )
        self.rng = random.Random(seed)
        self.now = timezone.now()
        started = time.monotonic()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:  # a million rows' indexes fit in memory
                cursor.execute("PRAGMA cache_size = -1000000")

        with transaction.atomic():
            writers = self.make_writers()
            categories = self.make_categories()
            tags = self.make_tags()
        post_ids = self.make_posts(posts, writers, categories, tags)
        self.make_comments(comments, hot_comments, post_ids)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                # The visibility map, as autovacuum leaves it on a site that grew: index-only
                # scans need it.
                cursor.execute("VACUUM")
        db.analyze()
        self.write(
            f"Made {posts:,} posts and {comments:,} comments in {time.monotonic() - started:.0f} s."
        )

    # Writers, categories, tags ---------------------------------------------------------

    def make_writers(self):
        users = get_user_model()
        return [
            users.objects.create_user(
                f"{WRITER_PREFIX}{n}",
                f"{WRITER_PREFIX}{n}@example.org",
                password=None,
                display_name=f"{self.rng.choice(NAMES)} {self.rng.choice(NAMES)}son",
                bio=paragraph(self.rng, 2),
            )
            for n in range(1, 6)
        ]

    def make_categories(self):
        made = []
        for n in range(12):
            parent = Category.objects.create(name=f"Region {n + 1}", description=sentence(self.rng))
            made.append(parent)
            for m in range(2):
                made.append(Category.objects.create(name=f"Topic {n + 1}.{m + 1}", parent=parent))
        return made

    def make_tags(self):
        names = sorted({f"{a} {b}" for a in WORDS for b in WORDS if a != b})
        chosen = self.rng.sample(names, 300)
        return Tag.objects.bulk_create(Tag(name=name, slug=slugify(name)) for name in chosen)

    # Posts ------------------------------------------------------------------------------

    def make_posts(self, count, writers, categories, tags):
        rng = self.rng
        bodies = []
        for _ in range(20):
            text = body(rng)
            html = render_markdown(text, {})
            bodies.append((text, html, summary_html(html)))
        post_ids, made_count = [], 0
        # The posts table's secondary indexes, the search index's among them, are built
        # once at the end; each batch's posts are indexed as it commits (core.changes).
        with deferred_indexes(Post._meta.db_table):
            for numbers in batched(range(count), BATCH):
                batch = [self.new_post(n, count, writers, bodies) for n in numbers]
                with transaction.atomic():
                    made = Post.objects.bulk_create(batch)
                    ids = [post.pk for post in made]
                    Post.categories.through.objects.bulk_create(
                        Post.categories.through(post_id=pk, category_id=category.pk)
                        for pk in ids
                        for category in rng.sample(categories, rng.randint(1, 2))
                    )
                    TaggedPost.objects.bulk_create(
                        TaggedPost(content_object_id=pk, tag_id=tag.pk)
                        for pk in ids
                        for tag in rng.sample(tags, rng.randint(2, 5))
                    )
                post_ids += [post.pk for post in made if post.is_public]
                made_count += len(made)
                self.progress("posts", made_count, count)
        return post_ids

    def new_post(self, n, count, writers, bodies):
        """Post number `n` of `count`: the first are the newest, a few scheduled."""
        rng = self.rng
        if n < 3:
            published_at = self.now + timedelta(days=n + 1)
        else:
            span = timedelta(days=365 * YEARS).total_seconds()
            published_at = self.now - timedelta(seconds=span * (n / count) + 3600)
        title = sentence(rng, rng.randint(3, 8))[:-1]
        text, html, excerpt_html = rng.choice(bodies)
        return Post(
            title=title,
            slug=f"{slugify(title)[:180]}-{n}",
            author=rng.choice(writers),
            body=text,
            body_html=html,
            excerpt_html=excerpt_html,
            status=Post.Status.DRAFT if n % 97 == 50 else Post.Status.PUBLISHED,
            published_at=published_at,
            publish_date=timezone.localdate(published_at),
            sticky=n == 10,
        )

    # Comments ---------------------------------------------------------------------------

    def make_comments(self, count, hot, post_ids):
        if not count or not post_ids:
            return
        per_post = self.spread(count - hot, post_ids[1:])
        per_post[post_ids[0]] = per_post.get(post_ids[0], 0) + hot
        published = dict(Post.objects.filter(pk__in=post_ids).values_list("pk", "published_at"))
        bodies = [
            (text, render_comment(text)) for text in (paragraph(self.rng, 2) for _ in range(200))
        ]
        # Ids given here, so a reply knows its parent's without reading it back; the
        # table's secondary indexes are built once at the end, faster than row by row.
        self.next_id = (Comment.objects.aggregate(highest=Max("pk"))["highest"] or 0) + 1
        done = 0
        with deferred_indexes(Comment._meta.db_table):
            for chunk in batched((pk for pk in post_ids if per_post.get(pk)), BATCH // 4):
                with transaction.atomic():
                    done += insert_rows(
                        Comment, COMMENT_COLUMNS, self.plant(chunk, per_post, published, bodies)
                    )
                self.progress("comments", done, count)
        services.reserve_anchor_ids(self.next_id - 1)
        with connection.cursor() as cursor:
            # What refresh_comment_counts stores, for every post in one pass.
            cursor.execute(
                "UPDATE blog_post SET comment_count = approved.n FROM (SELECT post_id,"
                " COUNT(*) AS n FROM comments_comment WHERE status = %s GROUP BY post_id) approved"
                " WHERE blog_post.id = approved.post_id",
                [Comment.Status.APPROVED.value],
            )

    def spread(self, count, post_ids):
        """A long tail: a few posts get many comments, about half get none."""
        if not post_ids or count <= 0:
            return {}
        weights = [self.rng.paretovariate(1.1) if self.rng.random() < 0.55 else 0 for _ in post_ids]
        total = sum(weights) or 1
        shares = {pk: int(count * w / total) for pk, w in zip(post_ids, weights, strict=True)}
        left = count - sum(shares.values())
        for pk in self.rng.choices(post_ids, weights=[w or 1e-9 for w in weights], k=left):
            shares[pk] += 1
        return shares

    def plant(self, post_ids, per_post, published, bodies):
        """The discussions of these posts as rows of COMMENT_COLUMNS, with the path and
        depth `Comment.save()` would give them (`Comment.place`)."""
        rng = self.rng
        statuses = [Comment.Status.APPROVED.value] * 93 + [Comment.Status.PENDING.value] * 4
        statuses += [Comment.Status.SPAM.value] * 2 + [Comment.Status.REMOVED.value]
        kind = Comment.Kind.COMMENT.value
        for pk in post_ids:
            start = published[pk]
            seconds = max((self.now - start).total_seconds(), 60)
            moments = sorted(rng.uniform(0, seconds) for _ in range(per_post[pk]))
            thread = []  # (id, depth, path) of the comments so far
            for n, offset in enumerate(moments):
                moment = start + timedelta(seconds=offset, microseconds=n)
                text, html = rng.choice(bodies)
                parent = Planted(*rng.choice(thread)) if thread and rng.random() < 0.35 else None
                if parent is not None and parent.depth >= MAX_DEPTH:
                    parent = None
                depth, path = Comment.place(parent, moment)
                name = rng.choice(NAMES)
                email = f"{name.lower()}{rng.randint(1, 999)}@example.org"
                comment_id, self.next_id = self.next_id, self.next_id + 1
                thread.append((comment_id, depth, path))
                yield (
                    comment_id, pk, parent.id if parent else None, depth, path, kind, name,
                    email, "", text, html, rng.choice(statuses), "", address(rng), AGENT,
                    moment,
                )  # fmt: skip

    def progress(self, what, done, total):
        self.write(f"  {what}: {done:,} of {total:,}")


COMMENT_COLUMNS = [
    "id", "post_id", "parent_id", "depth", "path", "kind", "name", "email", "url", "body",
    "body_html", "status", "status_reason", "ip_address", "user_agent", "submitted_at",
]  # fmt: skip


def insert_rows(model, columns, rows):
    """Insert `rows` (tuples of `columns`) into `model`'s table: COPY on PostgreSQL, one
    prepared INSERT run for every row on SQLite. Returns how many there were."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            adapt = connection.ops.adapt_datetimefield_value
            prepared = [(*row[:-1], adapt(row[-1])) for row in rows]  # the last is a datetime
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", prepared)  # noqa: S608
            count = len(prepared)
    return count


@contextmanager
def deferred_indexes(table):
    """Drop `table`'s secondary indexes (not those of its keys and unique constraints)
    and build them again on the way out: one sort each instead of a million inserts."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s"
                " AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
                " WHERE c.conindid = (quote_ident(i.schemaname) || '.' ||"
                " quote_ident(i.indexname))::regclass)",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s"
                " AND sql IS NOT NULL",
                [table],
            )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        if connection.in_atomic_block:  # PostgreSQL builds no index under pending FK checks
            connection.check_constraints(table_names=[table])
        with connection.cursor() as cursor:
            for _, definition in indexes:
                cursor.execute(definition)


if __name__ == "__main__":
    main()
