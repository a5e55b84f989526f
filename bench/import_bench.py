#!/usr/bin/env python3
"""End-to-end benchmark of `manage.py import_wordpress`: a fresh database, two imports.

    python bench/import_bench.py [--posts 10000] [--comments 100000] [--seed 1]
        [--database-url URL] [--keep] [--no-cache]

1. Generates a WXR export and its images with bench/generate_wxr.py, or reuses the copy
   cached in bench/.cache/ for the same sizes, seed and generator source.
2. Creates a fresh database: a new SQLite file in a temporary folder, or the PostgreSQL
   database given with --database-url, which must be empty (this refuses one with
   migrations applied) and which is left as the run leaves it.
3. Runs `manage.py migrate`, then `manage.py import_wordpress EXPORT --media-dir DIR`
   twice, each as a child process of this interpreter in the project folder, with
   DATABASE_URL, MEDIA_ROOT, IMPORTS_ROOT, DEBUG=false and a fixed SECRET_KEY set; the
   local-memory cache and a dummy mail backend, whatever the environment says.
4. Reports each import's wall time and peak memory; checks that the second import
   changed nothing (row count and a hash of every table's contents before and after);
   prints a Markdown table and writes bench/import_results.json.

Exits non-zero, showing the child's stderr, if a child process fails.
"""

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
GENERATOR = BENCH / "generate_wxr.py"
CACHE = BENCH / ".cache"
RESULTS = BENCH / "import_results.json"
# A fixed, public key: the benchmark's throwaway database signs nothing that matters.
SECRET_KEY = "import-bench-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105

# Run in a child: every table's row count and a hash of its rows in primary-key order.
SNAPSHOT = """
import hashlib, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.apps import apps
tables = {}
for model in apps.get_models(include_auto_created=True):
    meta = model._meta
    if meta.proxy or not meta.managed:
        continue
    fields = [f.attname for f in meta.concrete_fields]
    rows = model._base_manager.order_by("pk").values_list(*fields)
    digest, count = hashlib.sha256(), 0
    for row in rows.iterator(chunk_size=2000):
        digest.update(repr(row).encode())
        count += 1
    tables[meta.label_lower] = {"rows": count, "sha256": digest.hexdigest()}
print(json.dumps(tables))
"""


class ChildFailed(Exception):
    """A step run in a child process failed; its stderr has been shown."""


class Child:
    """A finished child process: its exit status, wall time, peak RSS and output."""

    def __init__(self, name, args, logs, env):
        self.name = name
        self.out_path = logs / f"{name}.out"
        self.err_path = logs / f"{name}.err"
        with self.out_path.open("wb") as out, self.err_path.open("wb") as err:
            started = time.perf_counter()
            proc = subprocess.Popen(  # noqa: S603 (this interpreter, our own arguments)
                [sys.executable, *map(str, args)], cwd=ROOT, env=env, stdout=out, stderr=err
            )
            # Peak memory: wait4() returns the resource usage of this one child (and of any
            # children it waited for), so ru_maxrss is this import's own peak RSS, not the
            # largest of every child so far as RUSAGE_CHILDREN would give (migrate, the
            # generator, ...). Output goes to files, so no pipe can fill up while we wait.
            # The kernel counts the pre-exec copy of this script too, a floor of ~20 MB
            # (this script never loads the export); Django alone needs more than that.
            _, status, usage = os.wait4(proc.pid, 0)
            self.seconds = time.perf_counter() - started
        proc.returncode = self.returncode = os.waitstatus_to_exitcode(status)
        # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
        scale = 1024 * 1024 if sys.platform == "darwin" else 1024
        self.peak_rss_mb = usage.ru_maxrss / scale
        if self.returncode != 0:
            raise ChildFailed(self.failure_report(args))

    @property
    def stdout(self):
        return self.out_path.read_text(errors="replace")

    def tail(self, path, lines=60):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def failure_report(self, args):
        command = " ".join(["python", *map(str, args)])
        return (
            f"{self.name} failed (exit status {self.returncode}): {command}\n"
            f"--- stderr (last lines of {self.err_path}) ---\n{self.tail(self.err_path)}\n"
            f"--- stdout (last lines of {self.out_path}) ---\n{self.tail(self.out_path, 20)}"
        )


def export_for(args, scratch, logs):
    """The export, its media folder and the generator's counts: cached, or made now."""
    source_hash = hashlib.sha256(GENERATOR.read_bytes()).hexdigest()[:12]
    key = f"p{args.posts}-c{args.comments}-s{args.seed}-g{source_hash}"
    final = scratch / "export" if args.no_cache else CACHE / key
    if not (final / "stats.json").exists():
        # Built beside the cache entry and renamed once complete, so an interrupted run
        # never leaves a half-written export behind to be reused.
        building = final.with_name(f"{final.name}.building-{os.getpid()}")
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        print(f"Generating the export ({args.posts:,} posts, {args.comments:,} comments)…")
        try:
            child = generate(args, building, logs)
        except BaseException:  # a failure or ^C: nothing half-made stays in the cache
            shutil.rmtree(building, ignore_errors=True)
            raise
        print(f"  generated in {child.seconds:.1f} s")
        try:
            building.rename(final)
        except OSError:  # another run cached the same export meanwhile
            shutil.rmtree(building)
    else:
        print(f"Reusing the cached export in {os.path.relpath(final)}")
    stats = json.loads((final / "stats.json").read_text())
    return final / "export.xml", final / "media", stats


def generate(args, folder, logs):
    return Child(
        "generate",
        [
            GENERATOR,
            folder / "export.xml",
            "--posts",
            args.posts,
            "--comments",
            args.comments,
            "--seed",
            args.seed,
            "--media-dir",
            folder / "media",
            "--stats",
            folder / "stats.json",
        ],
        logs,
        os.environ.copy(),
    )


def database_label(url, temporary=False):
    if temporary:
        return "SQLite (new file)"
    parts = urlsplit(url)  # never the user name or password
    names = {"postgres": "PostgreSQL", "postgresql": "PostgreSQL", "pgsql": "PostgreSQL"}
    scheme = parts.scheme.split("+")[0]
    if scheme.startswith("sqlite"):
        return f"SQLite {parts.path}"
    port = f":{parts.port}" if parts.port else ""
    return f"{names.get(scheme, scheme)} {parts.hostname or 'localhost'}{port}{parts.path}"


def snapshot(env, logs, name):
    return json.loads(Child(name, ["-c", SNAPSHOT], logs, env).stdout)


def changes(before, after):
    """Tables whose row count or contents differ between two snapshots."""
    changed = {}
    for table in sorted(before.keys() | after.keys()):
        old, new = before.get(table, {}), after.get(table, {})
        if old != new:
            changed[table] = {
                "rows_before": old.get("rows"),
                "rows_after": new.get("rows"),
                "contents_changed": old.get("sha256") != new.get("sha256"),
            }
    return changed


def head(text, lines=20):
    """The start of the importer's report: its summary comes first, problems after."""
    return "\n".join(text.rstrip().splitlines()[:lines])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url",
        help="an EMPTY database that migrate can set up (e.g. postgres://u:p@host/bench); "
        "default: a new SQLite file in the temporary folder",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--no-cache", action="store_true", help="generate into the temporary folder"
    )
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="colloquy-import-bench-"))
    logs = scratch / "logs"
    logs.mkdir()
    try:
        results = bench(args, scratch, logs)
    except ChildFailed as failure:
        print(f"\n{failure}", file=sys.stderr)
        print(f"\nLogs and database kept in {scratch}", file=sys.stderr)
        return 1
    except BaseException:
        print(f"\nLogs and database kept in {scratch}", file=sys.stderr)
        raise
    if args.keep:
        print(f"\nKept {scratch} (database, media, logs)")
    else:
        shutil.rmtree(scratch)
    return 0 if results else 1


def bench(args, scratch, logs):
    export, media, stats = export_for(args, scratch, logs)

    database_url = args.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}"
    database = database_label(database_url, temporary=not args.database_url)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(scratch / "media"),
        "IMPORTS_ROOT": str(scratch / "imports"),
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "REDIS_URL": "",  # the local-memory cache: never a shared Redis
        "EMAIL_URL": "dummymail://",  # nobody gets mail about imported comments
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)

    if args.database_url:
        plan = Child("showmigrations", ["manage.py", "showmigrations", "--plan"], logs, env)
        if "[X]" in plan.stdout:
            print(
                "--database-url must name an empty database: this one has migrations "
                "applied already.",
                file=sys.stderr,
            )
            return None
    print(f"Migrating ({database})…")
    migrate = Child("migrate", ["manage.py", "migrate", "--no-input"], logs, env)

    command = ["manage.py", "import_wordpress", export, "--media-dir", media]
    print("First import…")
    first = Child("import-1", command, logs, env)
    print(f"  {first.seconds:.1f} s, peak RSS {first.peak_rss_mb:.0f} MB")
    after_first = snapshot(env, logs, "snapshot-1")
    print("Second import (should change nothing)…")
    second = Child("import-2", command, logs, env)
    print(f"  {second.seconds:.1f} s, peak RSS {second.peak_rss_mb:.0f} MB")
    changed = changes(after_first, snapshot(env, logs, "snapshot-2"))

    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "django": metadata.version("django"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "database": database,
        "export": {"path": str(export), "seed": args.seed, **stats},
        "migrate_seconds": round(migrate.seconds, 2),
        "first_import": {
            "seconds": round(first.seconds, 2),
            "peak_rss_mb": round(first.peak_rss_mb, 1),
            "output_head": head(first.stdout),
        },
        "second_import": {
            "seconds": round(second.seconds, 2),
            "peak_rss_mb": round(second.peak_rss_mb, 1),
            "output_head": head(second.stdout),
            "changed_tables": changed,
        },
        "rows_after_first_import": {
            table: snap["rows"] for table, snap in sorted(after_first.items()) if snap["rows"]
        },
    }
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")

    print("\nFirst import's report (start):\n" + head(first.stdout, 12))
    print("\nSecond import's report (start):\n" + head(second.stdout, 12))
    print()
    print(
        "| Export | Posts | Comments | First import | Second import | Peak RSS | Database |\n"
        "|---|---|---|---|---|---|---|\n"
        f"| {stats['bytes'] / 1e6:.1f} MB | {stats['posts']:,} | {stats['comments']:,} "
        f"| {first.seconds:.1f} s | {second.seconds:.1f} s "
        f"| {max(first.peak_rss_mb, second.peak_rss_mb):.0f} MB "
        f"| {database} |"
    )
    print(
        f"\n(The export also has {stats['pages']} pages, {stats['attachments']} image attachments, "
        f"{stats['categories']} categories, {stats['tags']} tags. Times include starting "
        "Python and Django. Peak RSS: the larger of the two imports.)"
    )
    if changed:
        print("\nThe second import changed the database:", file=sys.stderr)
        for table, change in changed.items():
            print(
                f"  {table}: {change['rows_before']} -> {change['rows_after']} rows"
                + (", contents changed" if change["contents_changed"] else ""),
                file=sys.stderr,
            )
    else:
        print("\nThe second import changed nothing (every table's rows hash the same).")
    print(f"Results written to {os.path.relpath(RESULTS)}")
    return results


if __name__ == "__main__":
    sys.exit(main())
