#!/usr/bin/env python3
"""`make bench`: the production stack under load, on generated data.

For each database (SQLite with the file cache; PostgreSQL with Redis) and each size, it
fills a database with `bench/bench_data.py` (kept in bench/.cache/ or as a PostgreSQL
database `colloquy_bench_<posts>` and reused by later runs), starts gunicorn with two
workers and DEBUG off on 127.0.0.1, and measures each page with wrk in three modes:
the whole-page cache on, off (fragment caches still on), and no cache at all. Then 20
concurrent writers post comments for a while (the anti-spam checks that would refuse a
machine are switched off by their settings: minimum time, rate limit, duplicate check,
honeypot) and every accepted comment is looked for in the database.

It prints a table per configuration, the SQL queries each page makes when it is made
afresh, the peak memory of a worker, and, on PostgreSQL at the largest size, each page's
query plans with sequential scans on posts or comments flagged. Everything also goes to
bench/results.json.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
BENCH_DATA = ROOT / "bench" / "bench_data.py"
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
MODES = {
    "page cache": {},
    "no page cache": {"PAGE_CACHE_SECONDS": "0"},
    "no cache at all": {"PAGE_CACHE_SECONDS": "0", "CACHE_OFF": "true"},
}
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/9")

# Run inside Django: the pages to measure, their query counts and (optionally) plans.
PAGES_SNIPPET = r"""
import json, os
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.conf import settings
from django.db.models import Count
from taggit.models import Tag
from blog.models import Category, Post
from comments import antispam
from bench.bench_data import WORDS
import random
RANDOM_PAGES = %s

published = Post.objects.published()
hot = published.order_by("-published_at", "-pk").first()
writers_post = published.order_by("-published_at", "-pk")[1]
category = Category.objects.annotate(n=Count("posts")).order_by("-n").first()
tag = Tag.objects.annotate(n=Count("blog_taggedpost_items")).order_by("-n").first()
last_page = max(1, -(-published.count() // settings.BLOG_POSTS_PER_PAGE))
deep = min(200, last_page)
pages = {
    "home": "/",
    "post, 200 comments": hot.get_absolute_url(),
    "category archive": category.get_absolute_url(),
    "tag archive": f"/tag/{tag.slug}/",
    f"home page {deep}": f"/page/{deep}/" if deep > 1 else "/",
    "search": "/search/?q=ceasefire+treaty",
    "search, other words": "/search/?q=" + "+".join(random.sample(WORDS, 2)),
    "RSS feed": "/feed/",
}
explain = os.environ.get("BENCH_EXPLAIN") == "1"
client = Client(HTTP_HOST="127.0.0.1")
client.get("/")
result = {"pages": pages, "queries": {}, "plans": {},
          "comment_post": f"/comments/post/{writers_post.pk}/",
          "token": antispam.form_token(writers_post), "writers_post_id": writers_post.pk,
          "words": WORDS}
for name, url in pages.items():
    if name not in RANDOM_PAGES:  # words asked for the first time: nothing of them kept
        client.get(url)
    with CaptureQueriesContext(connection) as captured:
        status = client.get(url).status_code
    assert status == 200, (url, status)
    result["queries"][name] = len(captured)
    if explain:
        plans = []
        for query in captured.captured_queries:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append({"sql": query["sql"], "plan": [row[0] for row in cursor.fetchall()]})
        result["plans"][name] = plans
print("RESULT " + json.dumps(result))
"""

# Pages that wrk asks with other words each time (SEARCH_LUA): every one made afresh.
RANDOM_PAGES = ("search, other words",)

SEARCH_LUA = r"""
words = {%s}
setup = function(thread)
  counter = (counter or 0) + 1
  thread:set("seed", counter)
end
init = function(args)
  math.randomseed(os.time() * 100 + seed)
end
request = function()
  local first, second = words[math.random(#words)], words[math.random(#words)]
  return wrk.format("GET", "/search/?q=" .. first .. "+" .. second)
end
"""

COUNT_SNIPPET = r"""
from comments.models import Comment
print("RESULT", Comment.objects.filter(post_id=%d).count())
"""

WRITER_LUA = r"""
counter = 0
request = function()
  counter = counter + 1
  local body = "name=Bench+Writer&email=writer%%40example.org&body=Comment+" .. counter ..
    "+from+thread+" .. tostring(math.random(1000000000)) .. "&token=%s"
  return wrk.format("POST", "%s", {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--sizes", default="1000,100000", help="posts; comments are 10 times")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page and mode")
    parser.add_argument("--writers-duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    CACHE.mkdir(parents=True, exist_ok=True)
    manage("collectstatic", "--no-input", "--verbosity", "0", env=base_env())

    results = {"machine": machine(), "runs": []}
    sizes = [int(size) for size in args.sizes.split(",")]
    for database in args.databases.split(","):
        for size in sizes:
            run = measure(
                database, size, args, explain=database == "postgres" and size == max(sizes)
            )
            results["runs"].append(run)
            print_run(run)
            (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2))
    print(f"\nMachine: {results['machine']}. Results in bench/results.json.")


def machine():
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read_text()).group(1))
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    system = f"{platform.system()} {platform.machine()}"
    cpuinfo = Path("/proc/cpuinfo")
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text()) if cpuinfo.exists() else None
    cpu = f" ({model.group(1).strip()})" if model else ""
    return (
        f"{os.cpu_count()} CPUs{cpu}{memory}, {system}, Python {platform.python_version()}; "
        f"one core adds 10 million numbers in a Python loop in {core_seconds():.2f} s"
    )


def core_seconds():
    """How fast one core runs Python, so that tables from two machines can be compared."""
    started = time.perf_counter()
    total = 0
    for number in range(10_000_000):
        total += number
    return time.perf_counter() - started


def base_env(**extra):
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CACHE_DIR")
    }
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "EMAIL_URL": "dummymail://",
            "LOG_LEVEL": "WARNING",
            "COMMENTS_MIN_SECONDS": "0",
            "COMMENTS_RATE_LIMIT": "",
            "COMMENTS_DUPLICATE_CHECK": "false",
            "COMMENTS_HONEYPOT": "false",
        }
    )
    env.update(extra)
    return env


def database_env(database, size):
    if database == "sqlite":
        return {
            "DATABASE_URL": f"sqlite:///{CACHE / f'bench-{size}.sqlite3'}",
            "CACHE_DIR": str(CACHE / f"cache-{size}"),
        }
    # Each database its own keys: a page or count kept for another one must never be served.
    return {
        "DATABASE_URL": f"{POSTGRES}/colloquy_bench_{size}",
        "REDIS_URL": REDIS,
        "CACHE_KEY_PREFIX": f"colloquy-bench-{size}",
    }


def manage(*arguments, env, capture=False):
    completed = subprocess.run(
        [str(PYTHON), "manage.py", *arguments], cwd=ROOT, env=env, capture_output=capture, text=True
    )
    if completed.returncode:
        sys.exit(f"manage.py {arguments[0]} failed:\n{completed.stderr or ''}")
    return completed.stdout if capture else None


def django(snippet, env):
    output = manage("shell", "-c", snippet, env=env, capture=True)
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def prepare(database, size):
    """A database filled by bench_data.py; one an interrupted run left half-filled is remade."""
    env = base_env(**database_env(database, size))
    done = CACHE / f"{database}-{size}.done"
    name = f"colloquy_bench_{size}"
    if not done.exists():
        if database == "sqlite":
            for path in CACHE.glob(f"bench-{size}.sqlite3*"):
                path.unlink()
        else:
            psql(f"DROP DATABASE IF EXISTS {name}")
            psql(f"CREATE DATABASE {name}")
    manage("migrate", "--no-input", "--verbosity", "0", env=env)
    if done.exists():
        print("  reusing the data made by an earlier run")
        return env
    started = time.monotonic()
    arguments = ["--posts", str(size), "--comments", str(size * 10)]
    completed = subprocess.run([str(PYTHON), str(BENCH_DATA), *arguments], cwd=ROOT, env=env)
    if completed.returncode:
        sys.exit("bench_data.py failed.")
    print(f"  bench_data made {size:,} posts in {time.monotonic() - started:.0f} s")
    done.write_text(f"{time.monotonic() - started:.0f} s\n")
    return env


def psql(command):
    subprocess.run(["psql", POSTGRES + "/postgres", "-qc", command], check=True)


def measure(database, size, args, explain):
    stack = "SQLite + file cache" if database == "sqlite" else "PostgreSQL + Redis"
    label = f"{stack}, {size:,} posts, {size * 10:,} comments"
    print(f"\n== {label}")
    env = prepare(database, size)
    # Queries of a page made afresh: the whole-page cache off, fragment caches warm.
    found = django(
        PAGES_SNIPPET % repr(RANDOM_PAGES),
        env | {"BENCH_EXPLAIN": "1" if explain else "0", "PAGE_CACHE_SECONDS": "0"},
    )
    scripts = {}
    for name in RANDOM_PAGES:
        scripts[name] = CACHE / "search.lua"
        scripts[name].write_text(SEARCH_LUA % ", ".join(f'"{w}"' for w in found["words"]))
    run = {
        "label": label,
        "database": database,
        "posts": size,
        "comments": size * 10,
        "pages": found["pages"],
        "queries": found["queries"],
        "modes": {},
    }
    if explain:
        run["plans"] = found["plans"]
    for mode, extra in MODES.items():
        server = start(env | extra)
        try:
            rows = {}
            for name, url in found["pages"].items():
                script = scripts.get(name)
                rows[name] = wrk(url, args.duration, args.connections, script and str(script))
                drain()
                print(f"  {mode:16} {name:22} {rows[name]['rps']:>9.1f} req/s")
            run["modes"][mode] = {"pages": rows, "peak_worker_mb": peak_worker_mb(server)}
        finally:
            stop(server)
    run["writers"] = writers(env, found, args.writers_duration)
    return run


def start(env):
    cache_dir = env.get("CACHE_DIR")
    if cache_dir:
        shutil.rmtree(cache_dir, ignore_errors=True)
    server = subprocess.Popen(
        [str(GUNICORN), "config.wsgi", "--bind", f"127.0.0.1:{PORT}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(BASE + "/robots.txt", timeout=2)  # noqa: S310 - our own server
            return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    sys.exit("gunicorn did not start")


def drain():
    """Wait for requests wrk left queued (a slow page's) before the next page is measured."""
    urllib.request.urlopen(BASE + "/robots.txt", timeout=600)  # noqa: S310 - our own server


def stop(server):
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


def peak_worker_mb(server):
    peaks = []
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    for pid in children.read_text().split() if children.exists() else []:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
    return round(max(peaks, default=0), 1)


def wrk(url, duration, connections, script=None):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    command += ["-H", "Accept-Encoding: gzip"]  # as every browser sends it
    if script:
        command += ["-s", script]
    output = subprocess.run(
        command + [BASE + url], capture_output=True, text=True, check=True
    ).stdout
    return parse_wrk(output)


def parse_wrk(output):
    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)", output, re.MULTILINE)
        if not match:
            return None
        value, unit = float(match.group(1)), match.group(2)
        return round(value * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)

    requests = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = (int(bad.group(1)) if bad else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": latency(50),
        "p99_ms": latency(99),
        "requests": requests,
        "errors": errors,
    }


def writers(env, found, duration):
    post_id = found["writers_post_id"]
    before = django(COUNT_SNIPPET % post_id, env)
    script = CACHE / "writers.lua"
    script.write_text(WRITER_LUA % (found["token"], found["comment_post"]))
    server = start(env)
    try:
        result = wrk(found["comment_post"], duration, 20, script=str(script))
    finally:
        stop(server)
    after = django(COUNT_SNIPPET % post_id, env)
    accepted = result["requests"] - result["errors"]
    stored = after - before
    # wrk does not count requests still in flight when it stops; the server may finish them.
    result.update(
        accepted=accepted,
        stored=stored,
        lost=max(0, accepted - stored),
        comments_per_second=round(stored / duration, 1),
    )
    print(
        f"  20 writers: {result['comments_per_second']} comments/s, {result['errors']} errors, "
        f"{result['lost']} lost"
    )
    return result


def print_run(run):
    print(f"\n### {run['label']}\n")
    print(
        "| page | SQL queries | "
        + " | ".join(f"{mode}: req/s, p50, p99 (ms)" for mode in MODES)
        + " |"
    )
    print("|---|---|" + "---|" * len(MODES))
    for name in run["pages"]:
        cells = []
        for mode in MODES:
            row = run["modes"][mode]["pages"][name]
            error = f", {row['errors']} errors" if row["errors"] else ""
            cells.append(f"{row['rps']:,.0f}, {row['p50_ms']}, {row['p99_ms']}{error}")
        print(f"| {name} | {run['queries'][name]} | " + " | ".join(cells) + " |")
    peaks = ", ".join(f"{mode} {run['modes'][mode]['peak_worker_mb']} MB" for mode in MODES)
    print(f"\nPeak memory of a worker: {peaks}.")
    w = run["writers"]
    print(
        f"Comment posting, 20 writers: {w['comments_per_second']} comments/s, "
        f"p99 {w['p99_ms']} ms, {w['errors']} errors, {w['lost']} lost."
    )
    for name, plans in run.get("plans", {}).items():
        scans = [
            line.strip()
            for plan in plans
            for line in plan["plan"]
            if re.search(r"Seq Scan on (blog_post|comments_comment)\b", line)
        ]
        flag = "; ".join(scans) if scans else "no sequential scan on posts or comments"
        print(f"- plans for {name}: {flag}")


if __name__ == "__main__":
    main()
