"""`manage.py backup` and `manage.py restore`: a running site backed up, changed and put
back exactly, with no page from after the backup served; archives that cannot be
restored are refused before anything changes."""

import hashlib
import io
import json
import tarfile
import threading
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client

from blog.models import Post, SiteSettings
from comments.models import Comment
from core.backups import archive, restored
from core.models import SentMail

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


def rows():
    """Every row of every table, in an order that does not depend on the database's."""
    with connection.cursor() as cursor:
        tables = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            tables[table] = sorted(cursor.fetchall(), key=repr)
        return tables


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


def restore(path, **options):
    out = io.StringIO()
    call_command("restore", str(path), stdout=out, **{"interactive": False, **options})
    return out.getvalue()


def rewrite(path, *, manifest=lambda m: m, member=lambda name, data: (name, data)):
    """A copy of the archive at `path`, its manifest and members changed on the way."""
    with tarfile.open(path, "r:gz") as tar:
        members = [(item.name, tar.extractfile(item).read()) for item in tar]
    copy = path.with_name("changed.tar.gz")
    with tarfile.open(copy, "w:gz") as tar:
        for name, data in members:
            if name == "manifest.json":
                data = json.dumps(manifest(json.loads(data))).encode()
            else:
                name, data = member(name, data)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return copy


def kept(client, url):
    """Whether `url` came from the page cache (no template was rendered for it)."""
    response = client.get(url)
    assert response.status_code == 200
    return not response.templates and "ETag" in response


def change_everything(site, author):
    """What a site goes through after its backup: new, edited and deleted posts, comments
    and media files."""
    added = factories.post("Written after the backup", author=author)
    factories.post_image(added)
    essay = site["essay"]
    essay.title = "On not listening"
    essay.body = "Rewritten."
    essay.save()
    essay.comments.filter(name="Ada").delete()
    Comment.objects.create(post=essay, name="Cy", body="Late.", status=Comment.Status.APPROVED)
    note = site["note"]
    image_name = note.images.get().image.name
    note.delete()  # with its comment and its image's record
    default_storage.delete(image_name)
    default_storage.save("notes/after.txt", ContentFile(b"after the backup"))
    changed = essay.images.get().image.name
    default_storage.delete(changed)
    default_storage.save(changed, ContentFile(b"other bytes"))
    return added


def test_a_restore_puts_back_every_row_and_media_file_and_serves_no_page_from_after(
    site, author, folder
):
    guest = Client()
    essay_url = site["essay"].get_absolute_url()
    assert guest.get(essay_url).status_code == 200
    before_rows, before_media = rows(), media()
    path, _ = backup(folder)

    added = change_everything(site, author)
    added_url = added.get_absolute_url()
    assert "On not listening" in guest.get(essay_url).text
    assert guest.get(added_url).status_code == 200
    assert kept(guest, essay_url) and kept(guest, added_url)
    assert rows() != before_rows and media() != before_media

    out = restore(path)

    assert rows() == before_rows
    assert media() == before_media
    page = guest.get(essay_url).text
    assert "On listening" in page and "On not listening" not in page
    assert "Ada agrees." in page and "Late." not in page
    assert guest.get(added_url).status_code == 404
    assert "Media: 2 file(s) written, 2 deleted" in out
    factories.post("Written after the restore", author=author)  # ids go on from the backup's
    assert Post.objects.count() == 3


def test_an_archive_holds_a_manifest_of_the_database_and_every_media_file(site, folder):
    path, out = backup(folder)

    with tarfile.open(path, "r:gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = set(tar.getnames())
    assert manifest["vendor"] == connection.vendor
    assert manifest["schema"]["blog"] == "0009_redirects"
    assert manifest["version"]
    assert {entry["name"]: entry["sha256"] for entry in manifest["media"]} == media()
    assert names == {"manifest.json", manifest["database"]["name"],
                     *(f"media/{name}" for name in media())}  # fmt: skip
    assert f"Media: {len(media())} file(s)" in out


def test_an_archive_from_a_newer_schema_is_refused_and_nothing_changes(site, author, folder):
    path, _ = backup(folder)
    newer = rewrite(path, manifest=lambda m: {**m, "schema": {**m["schema"], "blog": "0099_later"}})
    change_everything(site, author)
    now_rows, now_media = rows(), media()

    with pytest.raises(CommandError, match=r"newer schema .*blog\.0099_later"):
        restore(newer)

    assert rows() == now_rows and media() == now_media


def test_an_archive_of_another_database_is_refused_and_nothing_changes(site, folder):
    path, _ = backup(folder)
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[connection.vendor]
    names = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}

    def retype(manifest):
        return {**manifest, "vendor": other,
                "database": {**manifest["database"], "name": names[other]}}  # fmt: skip

    def rename(name, data):
        return (names[other] if name == names[connection.vendor] else name), data

    foreign = rewrite(path, manifest=retype, member=rename)
    now_rows = rows()

    with pytest.raises(CommandError, match="dumpdata and loaddata"):
        restore(foreign)

    assert rows() == now_rows


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(
            lambda data: data[:5000] + bytes([data[5000] ^ 0xFF]) + data[5001:], id="a-byte-changed"
        ),
        pytest.param(lambda data: b"not an archive\n", id="not-an-archive"),
    ],
)
def test_a_damaged_archive_is_refused_and_nothing_changes(site, author, folder, damage):
    path, _ = backup(folder)
    path.write_bytes(damage(path.read_bytes()))
    change_everything(site, author)
    now_rows, now_media = rows(), media()

    with pytest.raises(CommandError, match="damaged or not a backup archive"):
        restore(path)

    assert rows() == now_rows and media() == now_media


def test_an_archive_whose_media_file_is_not_the_one_backed_up_is_refused(site, author, folder):
    path, _ = backup(folder)
    altered = rewrite(
        path, member=lambda name, data: (name, b"x" + data if name.startswith("media/") else data)
    )
    change_everything(site, author)
    now_rows, now_media = rows(), media()

    with pytest.raises(CommandError, match="is not the file that was backed up"):
        restore(altered)

    assert rows() == now_rows and media() == now_media


def test_a_restore_not_confirmed_changes_nothing(site, author, folder, monkeypatch):
    path, _ = backup(folder)
    change_everything(site, author)
    now_rows, now_media = rows(), media()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    out = restore(path, interactive=True)

    assert "Restore cancelled" in out
    assert rows() == now_rows and media() == now_media


def test_an_archive_from_an_older_schema_is_restored_then_migrated(site, folder):
    try:
        call_command("migrate", "core", "zero", verbosity=0)
        path, _ = backup(folder)
        call_command("migrate", "core", verbosity=0)
        SentMail.objects.create(key="sent after the backup")

        out = restore(path)
    finally:
        call_command("migrate", verbosity=0)

    assert "older schema: applying 1 migration(s)" in out
    assert not SentMail.objects.exists()
    assert Post.objects.count() == 2


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


def test_a_backup_taken_while_another_thread_writes_restores_whole_transactions(
    site, author, folder
):
    stop, written = threading.Event(), []

    def write():
        try:
            while not stop.is_set():
                with transaction.atomic():
                    post = factories.post(f"Busy {len(written)}", author=author)
                    Comment.objects.create(post=post, name="Writer", body="First!",
                                           status=Comment.Status.APPROVED)  # fmt: skip
                written.append(post.pk)
        finally:
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(written) < 3:
            stop.wait(0.01)
        started = len(written)
        path, _ = backup(folder)
        ended = len(written)
        while len(written) < ended + 3:
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join()

    restore(path)

    busy = Post.objects.filter(title__startswith="Busy ")
    assert started <= busy.count() <= ended + 1
    assert all(post.comments.count() == 1 for post in busy)
    assert Client().get("/").status_code == 200


def test_a_restore_tells_the_receivers_of_its_signal(site, folder):
    path, _ = backup(folder)
    told = []

    def purge_proxy(sender, archive, manifest, **kwargs):
        told.append((archive, manifest["vendor"]))

    restored.connect(purge_proxy)
    try:
        restore(path)
    finally:
        restored.disconnect(purge_proxy)

    assert told == [(str(path), connection.vendor)]


def test_a_restore_the_cache_cannot_follow_says_to_empty_it(site, author, folder, settings):
    path, _ = backup(folder)
    before_rows = rows()
    change_everything(site, author)
    blocked = folder / "not-a-folder"
    blocked.write_text("")
    settings.CACHES = {"default": {"BACKEND": "core.cache.FileCache", "LOCATION": str(blocked)}}

    with pytest.raises(CommandError, match="the cache did not answer .* empty it"):
        restore(path)

    assert rows() == before_rows
