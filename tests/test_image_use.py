"""Which images each post shows, kept in a table as posts are saved."""

import importlib

import pytest
from django.apps import apps

from blog.models import PostImageUse

from . import factories

pytestmark = pytest.mark.django_db


# --- The table of uses ------------------------------------------------------------------


def test_a_post_records_the_images_it_shows_in_body_excerpt_and_as_featured(author):
    in_body, in_excerpt, featured, unused = (factories.post_image() for _ in range(4))

    entry = factories.post(
        author=author, body=f"![](image:{in_body.pk}) ![](image:999999)",
        excerpt=f"![](image:{in_excerpt.pk})", featured_image=featured,
    )  # fmt: skip

    assert set(entry.shown_images.all()) == {in_body, in_excerpt, featured}
    assert list(unused.shown_on.all()) == []


def test_the_migration_records_the_images_existing_posts_show(author):
    image, featured = factories.post_image(), factories.post_image()
    entry = factories.post(author=author, body=f"![](image:{image.pk})", featured_image=featured)
    PostImageUse.objects.all().delete()
    migration = importlib.import_module("blog.migrations.0007_post_image_uses")

    migration.record_image_uses(apps, None)

    assert set(entry.shown_images.all()) == {image, featured}
