"""Backup archives: a gzipped tar that `tar xzf` opens, holding

    database.sqlite3 or database.pgdump   the database (pg_dump's custom format)
    media/NAME                            every file of the media storage, under its name
    manifest.json                         what the archive holds, written last:

    {"format": 1, "created": "2026-12-05T03:15:00.123456+00:00", "version": "0.1.0",
     "vendor": "sqlite", "schema": {"blog": "0008_any_wordpress_slug", …},
     "database": {"name": "database.sqlite3", "size": 1234, "sha256": "…"},
     "media": [{"name": "images/photo.png", "size": 5678, "sha256": "…"}, …]}

`schema` is the latest applied migration of each app. Media are read and written through
the storage API only (they may be on object storage).
"""

import hashlib
import json
import os
import re
import tarfile
import tempfile
import time
from importlib import metadata
from pathlib import Path

from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from . import database

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
# Names of the archives `manage.py backup` makes: the moment, in UTC, sorts them.
ARCHIVE_NAME = re.compile(r"colloquy-\d{8}-\d{6}-\d{6}\.tar\.gz")
CHUNK_BYTES = 1024 * 1024
SPOOL_BYTES = 16 * 1024 * 1024


def create(folder, connection, storage, progress):
    """Write a new archive of the database and the media into `folder` and return its path.

    It is written under a hidden temporary name and renamed once complete, so that the
    folder never holds part of an archive under an archive's name."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    path = folder / f"colloquy-{now:%Y%m%d-%H%M%S-%f}.tar.gz"
    partial = tempfile.NamedTemporaryFile(  # noqa: SIM115 - renamed or deleted below
        dir=folder, prefix=".colloquy-", suffix=".partial", delete=False
    )
    try:
        with partial, tempfile.TemporaryDirectory(dir=folder, prefix=".colloquy-") as scratch:
            with tarfile.open(fileobj=partial, mode="w:gz", compresslevel=6) as tar:
                _write(tar, now, connection, storage, scratch, progress)
            partial.flush()
            os.fsync(partial.fileno())
        os.replace(partial.name, path)
    except BaseException:
        Path(partial.name).unlink(missing_ok=True)
        raise
    return path


def _write(tar, now, connection, storage, scratch, progress):
    manifest = {
        "format": FORMAT,
        "created": now.isoformat(),
        "version": _version(),
        "vendor": connection.vendor,
        "schema": database.schema(connection),
    }
    name = database.file_name(connection)
    progress(_("Copying the database (%(vendor)s)…") % {"vendor": connection.display_name})
    copy = os.path.join(scratch, name)
    database.dump(connection, copy)
    with open(copy, "rb") as source:
        manifest["database"] = {"name": name, **_add(tar, name, source)}
    os.unlink(copy)
    progress(_("Database: %(size)s.") % {"size": _size(manifest["database"]["size"])})
    # After the database: a file added meanwhile is only one more, while one the copy
    # of the database names is there.
    progress(_("Copying the media…"))
    manifest["media"] = []
    for name in media_names(storage):
        with storage.open(name, "rb") as source:
            manifest["media"].append({"name": name, **_add(tar, MEDIA + name, source)})
    total = sum(entry["size"] for entry in manifest["media"])
    progress(
        _("Media: %(count)d file(s), %(size)s.")
        % {"count": len(manifest["media"]), "size": _size(total)}
    )
    data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
    _add(tar, MANIFEST, _Reader(data))


def prune(folder, keep):
    """Delete all but the newest `keep` archives that `create` made in `folder`, yielding
    each path once it is deleted."""
    archives = sorted(p for p in Path(folder).iterdir() if ARCHIVE_NAME.fullmatch(p.name))
    for path in archives[:-keep]:
        path.unlink()
        yield path


def media_names(storage, folder=""):
    """The name of every file in `storage`, folder by folder."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        if folder:
            raise
        return  # no media folder yet: no media
    prefix = f"{folder}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for name in sorted(folders):
        yield from media_names(storage, prefix + name)


def _add(tar, name, source):
    """Add the file object `source` to `tar` as `name`; return its size and SHA-256.

    It is copied aside first: a tar member's size comes before its bytes, and a file on
    a storage may not say its size, or may change while it is read."""
    with tempfile.SpooledTemporaryFile(SPOOL_BYTES) as copy:
        facts = _copy(source, copy)
        copy.seek(0)
        member = tarfile.TarInfo(name)
        member.size, member.mtime, member.mode = facts["size"], time.time(), 0o600
        tar.addfile(member, copy)
    return facts


def _copy(source, target):
    """Copy `source` to `target` (or nowhere); return its size and SHA-256."""
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return {"size": size, "sha256": digest.hexdigest()}


class _Reader:
    """Bytes that `_add` reads like a file."""

    def __init__(self, data):
        self.data, self.offset = data, 0

    def read(self, size):
        chunk = self.data[self.offset : self.offset + size]
        self.offset += len(chunk)
        return chunk


def _size(count):
    return filesizeformat(count).replace("\xa0", " ")


def _version():
    try:
        return metadata.version("colloquy")
    except metadata.PackageNotFoundError:
        return "unknown"
