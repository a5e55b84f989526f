import io
import zoneinfo
from datetime import datetime

import pytest
from django.core.management import call_command

from blog.models import Post

from . import factories

pytestmark = pytest.mark.django_db


def test_render_content_renders_bodies_again(author):
    post = factories.post("Essay", author=author, body="*New* words")
    Post.objects.filter(pk=post.pk).update(body_html="<p>stale</p>")

    call_command("render_content", verbosity=0)

    post.refresh_from_db()
    assert post.body_html == "<p><em>New</em> words</p>"


def test_render_content_moves_permalinks_to_a_new_time_zone(settings, client, author):
    post = factories.post(
        "Late night", author=author,
        published_at=datetime(2025, 3, 21, 2, 30, tzinfo=zoneinfo.ZoneInfo("UTC")),
    )  # fmt: skip
    assert post.get_absolute_url() == "/2025/03/21/late-night/"

    settings.TIME_ZONE = "America/New_York"
    call_command("render_content", verbosity=0)

    assert client.get("/2025/03/20/late-night/").status_code == 200


def test_render_content_lists_the_posts_past_the_limits_it_shows_as_plain_text(settings, author):
    long_one = factories.post("The long report", author=author, body="*Word* " * 100)
    factories.post("A short note", author=author, body="*Word*")
    settings.MARKDOWN_MAX_LENGTH = 500
    out = io.StringIO()

    call_command("render_content", stdout=out)

    long_one.refresh_from_db()
    assert long_one.body_html.startswith("<p>*Word* *Word*")
    assert f"post {long_one.pk} “The long report”" in out.getvalue()
    assert "A short note" not in out.getvalue()
