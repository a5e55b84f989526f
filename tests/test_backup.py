"""`manage.py backup`: one archive of a running site's database and media, with a
manifest; older archives deleted past --keep; a failure leaves no archive behind."""

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from blog.models import SiteSettings
from comments.models import Comment
from core.backups import archive

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(author, reader):
    """Posts with tags, categories, comments and images; users; the site settings."""
    SiteSettings.load()  # made by the first request otherwise
    region = factories.category("Region")
    essay = factories.post("On listening", author=author, tags=["mediation"], categories=[region])
    note = factories.post("A short note", author=author)
    factories.post_image(essay, caption="The table")
    factories.post_image(note)
    for name in ("Ada", "Ben"):
        Comment.objects.create(post=essay, name=name, body=f"{name} agrees.",
                               status=Comment.Status.APPROVED)  # fmt: skip
    Comment.objects.create(post=note, user=reader, body="Thanks.", status=Comment.Status.APPROVED)
    return {"essay": essay, "note": note}


@pytest.fixture
def folder(tmp_path):
    """The backup folder (the test's media and cache are in tmp_path too)."""
    return tmp_path / "backups"


def media():
    """Every media file's name and SHA-256."""
    return {
        name: hashlib.sha256(default_storage.open(name).read()).hexdigest()
        for name in archive.media_names(default_storage)
    }


def backup(folder, **options):
    out = io.StringIO()
    call_command("backup", output_dir=str(folder), stdout=out, **options)
    written = [line for line in out.getvalue().splitlines() if line.startswith("Backup written")]
    return Path(written[0].split(": ", 1)[1]), out.getvalue()


def test_an_archive_holds_a_manifest_of_the_database_and_every_media_file(site, folder):
    path, out = backup(folder)

    with tarfile.open(path, "r:gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = set(tar.getnames())
    assert manifest["vendor"] == connection.vendor
    assert manifest["schema"]["blog"] == "0008_any_wordpress_slug"
    assert manifest["version"]
    assert {entry["name"]: entry["sha256"] for entry in manifest["media"]} == media()
    assert names == {"manifest.json", manifest["database"]["name"],
                     *(f"media/{name}" for name in media())}  # fmt: skip
    assert f"Media: {len(media())} file(s)" in out


def test_keep_deletes_all_but_the_newest_archives_it_made(site, folder):
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    (folder / "colloquy-by-hand.tar.gz").write_bytes(b"mine too")
    made = [backup(folder, keep=2) for _ in range(4)]

    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [made[2][0].name, made[3][0].name, "notes.txt", "colloquy-by-hand.tar.gz"]
    )
    assert f"Deleted an older backup: {made[1][0]}" in made[3][1]
    assert f"Deleted an older backup: {made[0][0]}" in made[2][1]


def test_keep_must_keep_one(folder):
    with pytest.raises(CommandError, match="--keep must be 1 or more"):
        call_command("backup", output_dir=str(folder), keep=0)
    assert not folder.exists()


def test_a_backup_that_fails_says_why_and_leaves_no_archive(site, folder, monkeypatch):
    def unreadable(storage, name, mode="rb"):
        raise OSError("Input/output error")

    monkeypatch.setattr(FileSystemStorage, "open", unreadable)

    with pytest.raises(CommandError, match="no archive was written: Input/output error"):
        call_command("backup", output_dir=str(folder), stdout=io.StringIO())

    assert list(folder.iterdir()) == []
