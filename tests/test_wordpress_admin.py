"""Importing from the admin: superusers upload an export; the task worker runs it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blog.models import Post
from wordpress.models import ImportRun
from wordpress.tasks import _ProgressFile, read_progress

from .wxr_files import WPComment, WPItem, export

pytestmark = pytest.mark.django_db
ADD = reverse("admin:wordpress_importrun_add")


def upload(text, name="blog.wordpress.2024-02-08.xml"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/xml")


def test_a_superuser_uploads_an_export_and_reads_the_report(
    client_for, superuser, django_capture_on_commit_callbacks
):
    client = client_for(superuser)
    xml = export([WPItem(1, title="From the old site", comments=[WPComment(3)])])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD, {"export": upload(xml), "media_dir": ""})

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:wordpress_importrun_change", args=[run.pk])
    assert run.state == ImportRun.State.DONE
    assert run.started_by == superuser
    assert Post.objects.get().title == "From the old site"
    page = client.get(response["Location"]).content.decode()
    assert "Import finished." in page
    assert "blog.wordpress.2024-02-08.xml" in page
    # Commenters' addresses are in the export: it is not kept once imported.
    assert not run.export


def test_a_dry_run_from_the_admin_changes_nothing(
    client_for, superuser, django_capture_on_commit_callbacks
):
    client = client_for(superuser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD, {"export": upload(export([WPItem(1)])), "dry_run": "on"})

    assert ImportRun.objects.get().report.startswith("Dry run: nothing was changed.")
    assert not Post.objects.exists()


def test_a_broken_export_fails_with_its_reason_and_changes_nothing(
    client_for, superuser, django_capture_on_commit_callbacks
):
    client = client_for(superuser)
    text = export([WPItem(1), WPItem(2)])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD, {"export": upload(text[: len(text) // 2])})

    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.FAILED
    assert "ends too early" in run.report
    assert "Nothing was changed." in run.report
    assert not Post.objects.exists()


def test_an_export_in_an_unknown_encoding_fails_with_its_reason_and_changes_nothing(
    client_for, superuser, django_capture_on_commit_callbacks
):
    text = export([WPItem(1)]).replace('encoding="UTF-8"', 'encoding="x-nonsense"')

    with django_capture_on_commit_callbacks(execute=True):
        client_for(superuser).post(ADD, {"export": upload(text)})

    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.FAILED
    assert "“x-nonsense”, which is not an encoding this site knows" in run.report
    assert "Nothing was changed." in run.report
    assert not Post.objects.exists()


def test_a_file_that_is_not_an_export_is_refused_in_the_form(client_for, superuser):
    client = client_for(superuser)

    response = client.post(ADD, {"export": upload("%PDF-1.4", name="notes.pdf")})

    assert response.status_code == 200
    assert "Choose the .xml file" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_missing_media_folder_is_refused_in_the_form(client_for, superuser, tmp_path):
    client = client_for(superuser)

    response = client.post(
        ADD, {"export": upload(export([WPItem(1)])), "media_dir": str(tmp_path / "nope")}
    )

    assert "There is no folder" in response.content.decode()
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("role", ["editor", "moderator", "author"])
def test_only_superusers_may_import(request, client_for, role):
    client = client_for(request.getfixturevalue(role))

    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {"export": upload(export([WPItem(1)]))}).status_code == 403
    assert "wordpress" not in client.get(reverse("admin:index")).content.decode()
    assert not ImportRun.objects.exists()


def test_the_page_of_a_running_import_shows_its_progress_and_follows_it(client_for, superuser):
    run = ImportRun.objects.create(export="exports/x.xml", state=ImportRun.State.RUNNING)
    progress = _ProgressFile(run.pk)
    progress(0.42)

    page = (
        client_for(superuser)
        .get(reverse("admin:wordpress_importrun_change", args=[run.pk]))
        .content.decode()
    )

    assert read_progress(run.pk) == 42
    assert "42%" in page
    # In place, by a script: a timed reload would move the page under its reader.
    assert "data-follows-import" in page
    assert 'http-equiv="refresh"' not in page


def test_the_page_of_a_finished_import_stays_still(client_for, superuser):
    run = ImportRun.objects.create(export="exports/x.xml", state=ImportRun.State.DONE)

    page = (
        client_for(superuser)
        .get(reverse("admin:wordpress_importrun_change", args=[run.pk]))
        .content.decode()
    )

    assert "data-follows-import" not in page
