"""purge_comment_ips forgets where old comments came from, and nothing else."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from comments.models import Comment

from . import factories

pytestmark = pytest.mark.django_db


def comment(post, days_ago, **fields):
    fields.setdefault("name", "Grace Guest")
    fields.setdefault("email", "grace@example.org")
    return Comment.objects.create(
        post=post,
        body="A reply.",
        status=Comment.Status.APPROVED,
        ip_address="203.0.113.7",
        user_agent="Mozilla/5.0 Test",
        submitted_at=timezone.now() - timedelta(days=days_ago),
        **fields,
    )


def purge(*args):
    out = StringIO()
    call_command("purge_comment_ips", *args, stdout=out)
    return out.getvalue()


def kept(comment):
    comment.refresh_from_db()
    return (comment.ip_address, comment.user_agent) == ("203.0.113.7", "Mozilla/5.0 Test")


@pytest.fixture
def post(author):
    return factories.post(author=author)


def test_it_forgets_ips_of_old_guest_and_account_comments_only(
    post, reader, settings, django_assert_num_queries
):
    settings.COMMENTS_KEEP_IP_DAYS = 90
    old_guest = comment(post, 91)
    old_member = comment(post, 200, user=reader, name="", email="")
    recent = comment(post, 89)

    with django_assert_num_queries(1):  # one UPDATE
        output = purge()

    assert "2 comment(s) older than 90 days" in output
    for old in (old_guest, old_member):
        old.refresh_from_db()
        assert (old.ip_address, old.user_agent) == (None, "")
        assert old.body == "A reply." and old.status == Comment.Status.APPROVED
    assert kept(recent)
    assert "0 comment(s)" in purge()  # already forgotten: nothing left to count


def test_days_overrides_the_setting(post, settings):
    settings.COMMENTS_KEEP_IP_DAYS = 90
    week_old = comment(post, 8)
    today = comment(post, 0)

    purge("--days", "7")

    week_old.refresh_from_db()
    assert week_old.ip_address is None
    assert kept(today)


def test_dry_run_changes_nothing(post):
    old = comment(post, 365)

    output = purge("--dry-run")

    assert "Would forget" in output and "1 comment(s)" in output
    assert kept(old)


@pytest.mark.parametrize("days", ["0", "-5", "soon"])
def test_bad_days_is_refused_and_changes_nothing(post, days):
    old = comment(post, 365)

    with pytest.raises(CommandError, match="days"):
        purge(f"--days={days}")

    assert kept(old)


def test_a_bad_setting_is_refused_too(post, settings):
    settings.COMMENTS_KEEP_IP_DAYS = 0
    old = comment(post, 365)

    with pytest.raises(CommandError, match="COMMENTS_KEEP_IP_DAYS"):
        purge()

    assert kept(old)
