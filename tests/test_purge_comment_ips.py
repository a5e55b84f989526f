"""purge_comment_ips forgets where old comments came from, and nothing else."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from comments.models import Comment

from . import factories

pytestmark = pytest.mark.django_db


# Where a comment came from: what the command forgets of old comments.
SENT_FROM = {"ip_address": "203.0.113.7", "user_agent": "Mozilla/5.0 Test"}


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def purge(*args):
    out = StringIO()
    call_command("purge_comment_ips", *args, stdout=out)
    return out.getvalue()


def kept(comment):
    comment.refresh_from_db()
    return {"ip_address": comment.ip_address, "user_agent": comment.user_agent} == SENT_FROM


def test_it_forgets_ips_of_old_guest_and_account_comments_only(
    post, reader, settings, django_assert_num_queries
):
    settings.COMMENTS_KEEP_IP_DAYS = 90
    old_guest = factories.comment(post, submitted_at=days_ago(91), **SENT_FROM)
    old_member = factories.comment(post, user=reader, submitted_at=days_ago(200), **SENT_FROM)
    recent = factories.comment(post, submitted_at=days_ago(89), **SENT_FROM)

    with django_assert_num_queries(1):  # one UPDATE
        output = purge()

    assert "2 comment(s) older than 90 days" in output
    for old in (old_guest, old_member):
        old.refresh_from_db()
        assert (old.ip_address, old.user_agent) == (None, "")
        assert old.body == "A thoughtful reply." and old.status == Comment.Status.APPROVED
    assert kept(recent)
    assert "0 comment(s)" in purge()  # already forgotten: nothing left to count


def test_days_overrides_the_setting(post, settings):
    settings.COMMENTS_KEEP_IP_DAYS = 90
    week_old = factories.comment(post, submitted_at=days_ago(8), **SENT_FROM)
    today = factories.comment(post, submitted_at=days_ago(0), **SENT_FROM)

    purge("--days", "7")

    week_old.refresh_from_db()
    assert week_old.ip_address is None
    assert kept(today)


def test_dry_run_changes_nothing(post):
    old = factories.comment(post, submitted_at=days_ago(365), **SENT_FROM)

    output = purge("--dry-run")

    assert "Would forget" in output and "1 comment(s)" in output
    assert kept(old)


@pytest.mark.parametrize("days", ["0", "-5", "soon"])
def test_bad_days_is_refused_and_changes_nothing(post, days):
    old = factories.comment(post, submitted_at=days_ago(365), **SENT_FROM)

    with pytest.raises(CommandError, match="days"):
        purge(f"--days={days}")

    assert kept(old)


def test_a_bad_setting_is_refused_too(post, settings):
    settings.COMMENTS_KEEP_IP_DAYS = 0
    old = factories.comment(post, submitted_at=days_ago(365), **SENT_FROM)

    with pytest.raises(CommandError, match="COMMENTS_KEEP_IP_DAYS"):
        purge()

    assert kept(old)
