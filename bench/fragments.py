#!/usr/bin/env python3
"""Which kept fragments pay for themselves on a page made afresh.

    .venv/bin/python bench/fragments.py [--size 1000] [--requests 40]

On the SQLite database `make bench` uses (made with bench_data.py if missing), in one
process with DEBUG off and the page cache off (PAGE_CACHE_SECONDS=0, as for a signed-in
reader), each page is asked `--requests` times by a guest: first with every fragment
kept, then once for each fragment the page uses, with that one made on every request.
It prints, for each fragment, the pages it is on and their median time with and without
it. A fragment that saves nothing measurable is a layer to remove.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000, help="posts; comments are 10 times")
    parser.add_argument("--requests", type=int, default=40, help="per page and fragment")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return measure(args.requests)
    from bench import run

    run.CACHE.mkdir(exist_ok=True)
    env = run.prepare("sqlite", args.size)
    run.manage("collectstatic", "--no-input", "--verbosity", "0", env=env)
    env.update(PAGE_CACHE_SECONDS="0", DJANGO_SETTINGS_MODULE="config.settings")
    command = [sys.executable, __file__, "--child", "--requests", str(args.requests)]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def measure(requests):
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db.models import Count
    from django.test import Client
    from taggit.models import Tag

    from blog.models import Category, Post
    from core import generation

    published = Post.objects.published().order_by("-published_at", "-pk")
    hot = published.first()
    category = Category.objects.annotate(n=Count("posts")).order_by("-n").first()
    tag = Tag.objects.annotate(n=Count("blog_taggedpost_items")).order_by("-n").first()
    deep = min(99, -(-published.count() // settings.BLOG_POSTS_PER_PAGE))
    pages = {
        "home": "/",
        "post, 200 comments": hot.get_absolute_url(),
        "category archive": category.get_absolute_url(),
        "tag archive": f"/tag/{tag.slug}/",
        f"home page {deep}": f"/page/{deep}/",
        "search": "/search/?q=ceasefire+treaty",
        "RSS feed": "/feed/",
        "comments feed": "/comments/feed/",
    }

    kept, kept_many = generation.kept, generation.kept_many
    state = {"off": None, "seen": set()}

    def kept_unless_off(parts, build, *args, **kwargs):
        state["seen"].add(parts[0])
        return build() if parts[0] == state["off"] else kept(parts, build, *args, **kwargs)

    def kept_many_unless_off(parts_by_id, build_missing, *args, **kwargs):
        name = next(iter(parts_by_id.values()), ("",))[0]
        state["seen"].add(name)
        if name == state["off"]:
            return build_missing(list(parts_by_id))
        return kept_many(parts_by_id, build_missing, *args, **kwargs)

    generation.kept, generation.kept_many = kept_unless_off, kept_many_unless_off
    client = Client(HTTP_HOST="127.0.0.1")

    def median_ms(url):
        for _ in range(3):  # what is kept, kept
            assert client.get(url).status_code == 200, url
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    cache.clear()
    baseline, used = {}, {}
    for name, url in pages.items():
        state["seen"] = set()
        baseline[name] = median_ms(url)
        used[name] = sorted(state["seen"])
    fragments = sorted({fragment for names in used.values() for fragment in names})
    print(f"Pages made afresh, median of {requests} requests (ms), with the fragment kept")
    print("and made each time:\n")
    print("| fragment | page | kept | made each time | saves |")
    print("|---|---|---|---|---|")
    for fragment in fragments:
        state["off"] = fragment
        for name, url in pages.items():
            if fragment in used[name]:
                without = median_ms(url)
                saved = without - baseline[name]
                print(
                    f"| {fragment} | {name} | {baseline[name]:.2f} | {without:.2f} | "
                    f"{saved:.2f} ms ({saved / without:.0%}) |"
                )
        state["off"] = None
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
