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

import gzip
import hashlib
import json
import os
import re
import tarfile
import tempfile
import time
import zlib
from datetime import datetime
from importlib import metadata
from pathlib import Path

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.utils import validate_file_name
from django.db.migrations.loader import MigrationLoader
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from . import BackupError, database

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
# Names of the archives `manage.py backup` makes: the moment, in UTC, sorts them.
ARCHIVE_NAME = re.compile(r"colloquy-\d{8}-\d{6}-\d{6}\.tar\.gz")
CHUNK_BYTES = 1024 * 1024
SPOOL_BYTES = 16 * 1024 * 1024
MANIFEST_MAX_BYTES = 256 * 1024 * 1024
# What a damaged gzip or tar stream raises while it is read.
DAMAGE = (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile)


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


def unpack(archive, into):
    """The manifest of `archive`, whose every file has been copied into the folder `into`
    and found as the manifest describes it: {"manifest": …, "files": {name in the
    archive: path}}. BackupError when it is not a whole archive of this format."""
    if not os.path.isfile(archive):
        raise BackupError(_("There is no file %(archive)s.") % {"archive": archive})
    found, manifest = {}, None
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for number, member in enumerate(tar):
                if (
                    not member.isfile()
                    or member.name in found
                    or (member.name == MANIFEST and manifest is not None)
                ):
                    raise _damaged(archive, _("it holds %(name)s twice, or not as a file")
                                   % {"name": member.name})  # fmt: skip
                source = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest = source.read(MANIFEST_MAX_BYTES)
                    continue
                path = os.path.join(into, str(number))
                with open(path, "wb") as copy:
                    found[member.name] = {"path": path, **_copy(source, copy)}
    except DAMAGE as error:
        raise _damaged(archive, error) from None
    if manifest is None:
        raise _damaged(archive, _("it has no manifest"))
    manifest = _read_manifest(archive, manifest)
    expected = {manifest["database"]["name"]: manifest["database"]}
    expected.update((MEDIA + entry["name"], entry) for entry in manifest["media"])
    missing, extra = expected.keys() - found.keys(), found.keys() - expected.keys()
    if missing:
        raise _damaged(archive, _("%(name)s is missing") % {"name": min(missing)})
    if extra:
        raise _damaged(archive, _("it holds %(name)s, which its manifest does not list")
                       % {"name": min(extra)})  # fmt: skip
    for name, entry in expected.items():
        if (found[name]["size"], found[name]["sha256"]) != (entry["size"], entry["sha256"]):
            raise _damaged(archive, _("%(name)s is not the file that was backed up")
                           % {"name": name})  # fmt: skip
    return {"manifest": manifest, "files": {name: found[name]["path"] for name in found}}


def check(manifest, connection):
    """BackupError when this site cannot take the archive: another database, or a schema
    newer than this code knows."""
    vendor = manifest["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            _(
                "This archive holds a %(theirs)s database and this site runs on %(ours)s: "
                "restore it on %(theirs)s. To move a site from one database to another, "
                "use manage.py dumpdata and loaddata."
            )
            % {
                "theirs": database.DISPLAY_NAMES.get(vendor, vendor),
                "ours": connection.display_name,
            }  # fmt: skip
        )
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [f"{app}.{name}" for app, name in manifest["schema"].items()
               if (app, name) not in known]  # fmt: skip
    if unknown:
        raise BackupError(
            _(
                "This archive is from a newer schema than this code knows (%(migrations)s "
                "are not among its migrations): upgrade Colloquy to version %(version)s or "
                "newer, then restore it."
            )
            % {"migrations": ", ".join(unknown), "version": manifest["version"]}
        )


def put_media(manifest, files, storage):
    """Make `storage` hold exactly the archive's media; return how many files were
    (written, deleted, left as they were)."""
    wanted = {entry["name"]: entry for entry in manifest["media"]}
    deleted = 0
    for name in list(media_names(storage)):
        if name not in wanted:
            storage.delete(name)
            deleted += 1
    written = 0
    for name, entry in wanted.items():
        if storage.exists(name):
            with storage.open(name, "rb") as current:
                if _copy(current, None)["sha256"] == entry["sha256"]:
                    continue
            storage.delete(name)
        with open(files[MEDIA + name], "rb") as source:
            saved = storage.save(name, source)
        if saved != name:
            raise BackupError(
                _("The media storage saved %(name)s as %(saved)s.") % {"name": name, "saved": saved}
            )
        written += 1
    return written, deleted, len(wanted) - written


def describe(manifest):
    """One line on what an archive holds, for the operator."""
    created = timezone.localtime(datetime.fromisoformat(manifest["created"]))
    return _(
        "the backup made %(created)s by version %(version)s, with a %(vendor)s database "
        "and %(count)d media file(s)"
    ) % {
        "created": created.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "version": manifest["version"],
        "vendor": database.DISPLAY_NAMES.get(manifest["vendor"], manifest["vendor"]),
        "count": len(manifest["media"]),
    }


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


def _read_manifest(archive, data):
    try:
        manifest = json.loads(data)
        if manifest["format"] != FORMAT:
            raise _damaged(archive, _("its format is %(format)s, not %(expected)s")
                           % {"format": manifest["format"], "expected": FORMAT})  # fmt: skip
        datetime.fromisoformat(manifest["created"])
        str(manifest["version"])
        if database.FILE_NAMES.get(manifest["vendor"]) != manifest["database"]["name"]:
            raise _damaged(archive, _("its database is not of its vendor"))
        if not all(isinstance(app, str) and isinstance(name, str)
                   for app, name in manifest["schema"].items()):  # fmt: skip
            raise ValueError("schema")
        for entry in [manifest["database"], *manifest["media"]]:
            if not isinstance(entry["size"], int) or not isinstance(entry["sha256"], str):
                raise ValueError("entry")
        for entry in manifest["media"]:
            validate_file_name(entry["name"], allow_relative_path=True)
    except (ValueError, KeyError, TypeError, AttributeError, SuspiciousFileOperation) as error:
        raise _damaged(
            archive, _("its manifest cannot be read (%(error)s)") % {"error": error}
        ) from None
    return manifest


def _damaged(archive, reason):
    return BackupError(
        _("%(archive)s is damaged or not a backup archive: %(reason)s. Nothing was changed.")
        % {"archive": archive, "reason": reason}
    )


def _size(count):
    return filesizeformat(count).replace("\xa0", " ")


def _version():
    try:
        return metadata.version("colloquy")
    except metadata.PackageNotFoundError:
        return "unknown"
