"""The page of a running WordPress import follows it in place, without reloading."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories
from wordpress.models import ImportRun
from wordpress.tasks import _ProgressFile

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_running_imports_page_shows_its_end_without_a_reload(page, log_in):
    factories.user("root", is_superuser=True, is_staff=True, password=PASSWORD)
    run = ImportRun.objects.create(export="exports/x.xml", state=ImportRun.State.RUNNING)
    _ProgressFile(run.pk)(0.42)
    log_in("root")

    page.goto(reverse("admin:wordpress_importrun_change", args=[run.pk]))
    expect(page.locator(".field-progress .readonly")).to_have_text("42%")
    page.evaluate("window.stillTheSamePage = true")
    ImportRun.objects.filter(pk=run.pk).update(
        state=ImportRun.State.DONE, report="Import finished.\nPosts: 1 new."
    )

    expect(page.locator(".field-state .readonly")).to_have_text("Done")
    expect(page.locator(".field-result")).to_contain_text("Posts: 1 new.")
    expect(page.locator(".field-progress .readonly")).to_have_text("100%")
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.failed_responses == [] and page.errors == []
