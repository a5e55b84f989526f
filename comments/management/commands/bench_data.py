"""`manage.py bench_data --posts N --comments M`: a large, realistic blog for benchmarks.

Writers, nested categories, tags, N posts over fifteen years (a few drafts and
scheduled ones) and M threaded comments with a long tail: most posts have a few, some
hundreds, and the newest published post has exactly `--hot-comments` (the benchmark's
"post with 200 comments"). Everything goes in with `bulk_create`, in batches, each in
its own transaction: the Markdown of a small set of bodies is rendered once and shared,
and comments get their path, depth and HTML here, as `Comment.save()` would make them.

Bench data is for a database of its own: the command refuses to add to one that already
has any, and changes nothing then.
"""

import random
import time
from datetime import timedelta
from itertools import islice

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from blog import search
from blog.models import Category, Post, TaggedPost
from blog.rendering import render_markdown, summary_html
from comments import services
from comments.models import Comment, _path_segment
from comments.text import render_comment
from core import generation

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


def batched(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


class Command(BaseCommand):
    help = "Fill an empty database with a large, realistic blog for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=1_000)
        parser.add_argument("--comments", type=int, default=10_000)
        parser.add_argument(
            "--hot-comments",
            type=int,
            default=200,
            help="comments on the newest published post (default 200)",
        )
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, posts, comments, hot_comments, seed, **options):
        if posts < 1 or comments < 0 or hot_comments < 0:
            raise CommandError(
                "--posts must be at least 1; --comments and --hot-comments 0 or more."
            )
        if hot_comments > comments:
            raise CommandError("--hot-comments cannot be more than --comments.")
        if get_user_model().objects.filter(username__startswith=WRITER_PREFIX).exists():
            raise CommandError(
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
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the planner's statistics, as after a real site's growth
        generation.bump()
        self.stdout.write(
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
        span = timedelta(days=365 * YEARS).total_seconds()
        post_ids, made_count = [], 0
        for numbers in batched(range(count), BATCH):
            batch = []
            for n in numbers:
                # The first posts are the newest: a few scheduled, then published ones.
                if n < 3:
                    published_at = self.now + timedelta(days=n + 1)
                else:
                    published_at = self.now - timedelta(seconds=span * (n / count) + 3600)
                status = Post.Status.DRAFT if n % 97 == 50 else Post.Status.PUBLISHED
                title = sentence(rng, rng.randint(3, 8))[:-1]
                text, html, excerpt_html = rng.choice(bodies)
                batch.append(
                    Post(
                        title=title,
                        slug=f"{slugify(title)[:180]}-{n}",
                        author=rng.choice(writers),
                        body=text,
                        body_html=html,
                        excerpt_html=excerpt_html,
                        status=status,
                        published_at=published_at,
                        publish_date=timezone.localdate(published_at),
                        sticky=n == 10,
                    )
                )
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
                search.reindex(ids)
            post_ids += [post.pk for post in made if post.is_public]
            made_count += len(made)
            self.progress("posts", made_count, count)
        return post_ids

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
        done = 0
        pending_posts, pending_size = [], 0
        for pk in post_ids:
            if not per_post.get(pk):
                continue
            pending_posts.append(pk)
            pending_size += per_post[pk]
            if pending_size >= BATCH * 5:
                done += self.plant(pending_posts, per_post, published, bodies)
                self.progress("comments", done, count)
                pending_posts, pending_size = [], 0
        if pending_posts:
            done += self.plant(pending_posts, per_post, published, bodies)
            self.progress("comments", done, count)

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
        """The discussions of these posts, saved level by level so replies know their parent."""
        rng = self.rng
        levels = [[] for _ in range(MAX_DEPTH + 1)]
        statuses = [Comment.Status.APPROVED] * 93 + [Comment.Status.PENDING] * 4
        statuses += [Comment.Status.SPAM] * 2 + [Comment.Status.REMOVED]
        for pk in post_ids:
            start = published[pk]
            seconds = max((self.now - start).total_seconds(), 60)
            moments = sorted(rng.uniform(0, seconds) for _ in range(per_post[pk]))
            thread = []
            for n, offset in enumerate(moments):
                moment = start + timedelta(seconds=offset, microseconds=n)
                text, html = rng.choice(bodies)
                parent = rng.choice(thread) if thread and rng.random() < 0.35 else None
                if parent is not None and parent.depth >= MAX_DEPTH:
                    parent = None
                segment = _path_segment(moment)
                name = rng.choice(NAMES)
                comment = Comment(
                    post_id=pk,
                    parent=parent,
                    depth=parent.depth + 1 if parent else 0,
                    path=f"{parent.path}/{segment}" if parent else segment,
                    name=name,
                    email=f"{name.lower()}{rng.randint(1, 999)}@example.org",
                    body=text,
                    body_html=html,
                    status=rng.choice(statuses),
                    ip_address=address(rng),
                    user_agent=AGENT,
                    submitted_at=moment,
                )
                thread.append(comment)
                levels[comment.depth].append(comment)
        with transaction.atomic():
            for level in levels:
                Comment.objects.bulk_create(level, batch_size=BATCH)
            services.refresh_counts(post_ids)
        return sum(len(level) for level in levels)

    def progress(self, what, done, total):
        self.stdout.write(f"  {what}: {done:,} of {total:,}")
