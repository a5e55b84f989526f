"""Moderating comments in the admin: the queue, bulk actions, the lists, who sees what."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, ModerationEvent, ModerationRule, Report

from . import factories

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:comments_comment_changelist")


def listed(response):
    return [c.pk for c in response.context["cl"].result_list]


def run_action(client, action, comments):
    return client.post(
        QUEUE, {"action": action, "_selected_action": [c.pk for c in comments], "index": 0}
    )


def change_form(target, **overrides):
    """What the comment page posts back, with its two read-only inlines empty."""
    data = {
        "name": target.name,
        "email": target.email,
        "url": target.url,
        "body": target.body,
        "status": target.status,
        **{
            f"{prefix}-{key}": "0"
            for prefix in ("reports", "events")
            for key in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS")
        },  # fmt: skip
    }
    data.update(overrides)
    return data


# The queue ---------------------------------------------------------------------------


def test_queue_lists_pending_first_then_newest(client_for, moderator, post):
    now = timezone.now()
    old_pending = factories.comment(
        post, status=Comment.Status.PENDING, submitted_at=now - timedelta(days=2)
    )
    new_approved = factories.comment(post, status=Comment.Status.APPROVED, submitted_at=now)
    new_pending = factories.comment(
        post, status=Comment.Status.PENDING, submitted_at=now - timedelta(hours=1)
    )
    spam = factories.comment(
        post, status=Comment.Status.SPAM, submitted_at=now - timedelta(hours=2)
    )

    response = client_for(moderator).get(QUEUE)

    assert response.status_code == 200
    assert listed(response) == [new_pending.pk, old_pending.pk, new_approved.pk, spam.pk]


def test_queue_rows_show_text_author_post_reason_reports_and_links(client_for, moderator, post):
    target = factories.comment(
        post,
        status=Comment.Status.APPROVED,
        body="<script>alert(1)</script> Hello",
        status_reason="previously approved commenter",
    )
    Report.objects.create(comment=target, ip_address="192.0.2.1", reason="rude")
    Report.objects.create(comment=target, ip_address="192.0.2.2", resolved=True)
    account = factories.user("member", display_name="Mo Member")
    factories.comment(
        post, status=Comment.Status.PENDING, user=account, name="", email="", body="Signed in."
    )

    html = client_for(moderator).get(QUEUE).content.decode()

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Hello" in html
    assert "Grace Guest<br><small>grace@example.org</small>" in html
    assert "Mo Member<br><small>account member · member@example.org</small>" in html
    assert f'<a href="{post.get_absolute_url()}">On listening</a>' in html
    assert "Approved<br><small>previously approved commenter</small>" in html
    reports = reverse("admin:comments_report_changelist")
    assert f'<a href="{reports}?comment={target.pk}&amp;resolved__exact=0">1</a>' in html
    assert f'<a href="/comments/{target.pk}/">view</a>' in html


def test_queue_filters_and_search(client_for, moderator, post):
    reported = factories.comment(post, status=Comment.Status.APPROVED, ip_address="203.0.113.9")
    Report.objects.create(comment=reported, ip_address="192.0.2.1")
    settled = factories.comment(post, status=Comment.Status.APPROVED, body="Old news.")
    Report.objects.create(comment=settled, ip_address="192.0.2.1", resolved=True)
    pingback = factories.comment(
        post,
        status=Comment.Status.PENDING,
        kind=Comment.Kind.PINGBACK,
        body="Linked from elsewhere.",
    )
    other_post = factories.post("Elsewhere", author=moderator)
    elsewhere = factories.comment(other_post, status=Comment.Status.PENDING, body="Over there.")
    client = client_for(moderator)

    assert listed(client.get(QUEUE, {"reported": "yes"})) == [reported.pk]
    assert listed(client.get(QUEUE, {"kind__exact": "pingback"})) == [pingback.pk]
    assert listed(client.get(QUEUE, {"post__id__exact": other_post.pk})) == [elsewhere.pk]
    assert listed(client.get(QUEUE, {"status__exact": "pending"})) == [elsewhere.pk, pingback.pk]
    assert listed(client.get(QUEUE, {"q": "203.0.113"})) == [reported.pk]
    assert listed(client.get(QUEUE, {"q": "elsewhere"})) == [elsewhere.pk, pingback.pk]
    html = client.get(QUEUE).content.decode()
    for expected in ["By status", "By reports", "By post", "By kind", "?submitted_at__year="]:
        assert expected in html, expected


@pytest.mark.parametrize("size", [5, 50])
def test_queue_costs_a_fixed_number_of_queries(
    client_for, moderator, author, size, django_assert_max_num_queries
):
    posts = [factories.post(f"Post {n}", author=author) for n in range(3)]
    accounts = [factories.user(), factories.user()]
    for n in range(size):
        account = accounts[n % 2] if n % 3 == 0 else None
        target = factories.comment(
            posts[n % 3], status=Comment.Status.APPROVED, user=account, ip_address=f"192.0.2.{n}"
        )
        if n % 2:
            Report.objects.create(comment=target, ip_address="198.51.100.1")
    client = client_for(moderator)
    client.get(QUEUE)  # caches the site settings

    # session, user, its two kinds of permissions, the count and the total count, the rows,
    # the posts for the filter, the date hierarchy's range and its days
    with django_assert_max_num_queries(10):
        response = client.get(QUEUE)

    assert len(listed(response)) == size


# Bulk actions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "start", "status", "logged"),
    [
        ("approve", Comment.Status.PENDING, Comment.Status.APPROVED, "approved"),
        ("unapprove", Comment.Status.APPROVED, Comment.Status.PENDING, "unapproved"),
        ("mark_spam", Comment.Status.PENDING, Comment.Status.SPAM, "marked as spam"),
        ("remove", Comment.Status.APPROVED, Comment.Status.REMOVED, "removed"),
    ],
)
def test_bulk_actions_change_status_through_services(
    client_for, moderator, post, action, start, status, logged
):
    chosen = [factories.comment(post, status=start), factories.comment(post, status=start)]
    untouched = factories.comment(post, status=start)
    report = Report.objects.create(comment=chosen[0], ip_address="192.0.2.1")

    response = run_action(client_for(moderator), action, chosen)

    assert response.status_code == 302
    for target in chosen:
        target.refresh_from_db()
        assert target.status == status
        assert target.status_reason == f"{logged} by moderator"
        event = target.events.get()
        assert (event.actor, event.action) == (moderator, logged)
        assert (event.from_status, event.to_status) == (start, status)
    untouched.refresh_from_db()
    assert untouched.status == start and not untouched.events.exists()
    report.refresh_from_db()
    assert report.resolved == (status != Comment.Status.PENDING)  # a decision settles reports


def test_approve_and_unapprove_update_the_posts_comment_count(client_for, moderator, post):
    waiting = [
        factories.comment(post, status=Comment.Status.PENDING),
        factories.comment(post, status=Comment.Status.PENDING),
    ]
    client = client_for(moderator)

    run_action(client, "approve", waiting)
    post.refresh_from_db()
    assert post.comment_count == 2

    run_action(client, "unapprove", waiting[:1])
    post.refresh_from_db()
    assert post.comment_count == 1


def test_approving_settles_open_reports_and_unapproving_does_not(client_for, moderator, post):
    kept = factories.comment(post, status=Comment.Status.APPROVED)
    held = factories.comment(post, status=Comment.Status.APPROVED)
    for target in (kept, held):
        Report.objects.create(comment=target, ip_address="192.0.2.1")
    client = client_for(moderator)

    response = run_action(client, "approve", [kept])
    run_action(client, "unapprove", [held])

    assert not Report.objects.filter(comment=kept, resolved=False).exists()
    assert Report.objects.filter(comment=held, resolved=False).count() == 1
    event = kept.events.get()  # it was approved already: the log says the reports were seen
    assert (event.actor, event.action, event.to_status) == (moderator, "reports resolved", "")
    assert event.note == "1 report(s) resolved"
    assert "1 already had that status" in client.get(response["Location"]).content.decode()


def test_deleting_a_comment_updates_the_posts_comment_count(client_for, superuser, post):
    target = factories.comment(post, status=Comment.Status.APPROVED)
    factories.comment(post, status=Comment.Status.APPROVED)
    post.refresh_from_db()
    assert post.comment_count == 2  # kept by the comments themselves, however saved

    client_for(superuser).post(reverse("admin:comments_comment_delete", args=[target.pk]),
                               {"post": "yes"})  # fmt: skip

    post.refresh_from_db()
    assert post.comment_count == 1


def test_a_comment_with_replies_cannot_be_deleted_only_removed(client_for, superuser, post):
    parent = factories.comment(post, status=Comment.Status.APPROVED)
    factories.comment(post, status=Comment.Status.APPROVED, parent=parent)

    response = client_for(superuser).post(
        reverse("admin:comments_comment_delete", args=[parent.pk]), {"post": "yes"}
    )

    assert response.status_code == 200  # the page names the replies that stand in the way
    assert Comment.objects.filter(pk=parent.pk).exists()


# The comment page --------------------------------------------------------------------


def test_changing_status_on_the_comment_page_is_logged(client_for, moderator, post):
    target = factories.comment(post, status=Comment.Status.PENDING, body="Teh point.")
    Report.objects.create(comment=target, ip_address="192.0.2.1")

    response = client_for(moderator).post(
        reverse("admin:comments_comment_change", args=[target.pk]),
        change_form(target, body="The point & more.", status=Comment.Status.APPROVED),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    target.refresh_from_db()
    assert target.status == Comment.Status.APPROVED
    assert target.body_html == "<p>The point &amp; more.</p>"
    event = target.events.get()
    assert (event.actor, event.action, event.from_status, event.to_status) == (
        moderator, "approved", "pending", "approved",
    )  # fmt: skip
    assert not Report.objects.filter(resolved=False).exists()
    assert event.note == "changed on the comment page; 1 report(s) resolved"
    post.refresh_from_db()
    assert post.comment_count == 1


def test_fixing_a_typo_logs_no_status_change(client_for, moderator, post):
    target = factories.comment(post, status=Comment.Status.APPROVED, body="Teh point.")

    client_for(moderator).post(
        reverse("admin:comments_comment_change", args=[target.pk]),
        change_form(target, body="The point."),
    )

    target.refresh_from_db()
    assert target.body_html == "<p>The point.</p>"
    assert not target.events.exists()


def test_comment_page_shows_the_log_reports_and_read_only_details(client_for, moderator, post):
    target = factories.comment(
        post, status=Comment.Status.PENDING, ip_address="203.0.113.7", user_agent="Mozilla/5.0 Test"
    )
    ModerationEvent.objects.create(comment=target, action="submitted", to_status="pending",
                                   note="first comment")  # fmt: skip
    Report.objects.create(comment=target, ip_address="192.0.2.1", reason="Off topic")

    client = client_for(moderator)

    response = client.get(reverse("admin:comments_comment_change", args=[target.pk]))

    html = response.content.decode()
    assert "Moderation log" in html and "submitted" in html and "— → pending" in html
    assert "Off topic" in html
    assert "203.0.113.7" in html and "Mozilla/5.0 Test" in html
    form = response.context["adminform"].form
    assert set(form.fields) == {"name", "email", "url", "body", "status"}
    for inline in response.context["inline_admin_formsets"]:
        assert not inline.has_add_permission and not inline.has_change_permission
        assert not inline.has_delete_permission
    assert f"/comments/{target.pk}/" not in html  # no "view on site" for a pending comment
    target.status = Comment.Status.APPROVED
    target.save()
    html = client.get(reverse("admin:comments_comment_change", args=[target.pk])).content.decode()
    assert f'href="/comments/{target.pk}/"' in html


def test_moderation_events_have_no_admin_of_their_own(client_for, superuser):
    response = client_for(superuser).get("/admin/comments/moderationevent/")

    assert response.status_code == 404


def test_history_link_shows_the_same_commenters_comments(client_for, moderator, post):
    first = factories.comment(post, status=Comment.Status.APPROVED, email="Grace@Example.org")
    second = factories.comment(post, status=Comment.Status.SPAM)
    factories.comment(post, status=Comment.Status.PENDING, email="someone@example.org")
    account = factories.user("member")
    signed_in = factories.comment(
        post, status=Comment.Status.PENDING, user=account, email="grace@example.org"
    )
    again = factories.comment(post, status=Comment.Status.PENDING, user=account, email="")
    client = client_for(moderator)

    html = client.get(reverse("admin:comments_comment_change", args=[second.pk])).content.decode()
    guest_history = f"{QUEUE}?user__isnull=True&amp;email__iexact=grace%40example.org"
    assert f'<a href="{guest_history}">1 approved, 1 spam</a>' in html
    assert guest_history in client.get(QUEUE).content.decode()

    guest = client.get(QUEUE, {"user__isnull": "True", "email__iexact": "grace@example.org"})
    assert sorted(listed(guest)) == [first.pk, second.pk]
    member = client.get(QUEUE, {"user__exact": account.pk})
    assert sorted(listed(member)) == [signed_in.pk, again.pk]


# Who sees what -----------------------------------------------------------------------


def test_moderator_sees_only_the_comments_part_of_the_admin(client_for, moderator):
    client = client_for(moderator)

    index = client.get(reverse("admin:index")).content.decode()

    for model in ("comment", "moderationrule", "report"):
        assert f"/admin/comments/{model}/" in index
    assert "/admin/blog/" not in index
    assert "/admin/accounts/" not in index
    assert client.get(reverse("admin:blog_post_changelist")).status_code == 403
    assert client.get(reverse("admin:blog_page_changelist")).status_code == 403


def test_index_counts_waiting_and_reported_comments_for_moderators(
    client_for, moderator, author, post
):
    factories.comment(post, status=Comment.Status.PENDING)
    factories.comment(post, status=Comment.Status.PENDING)
    reported = factories.comment(post, status=Comment.Status.APPROVED)
    Report.objects.create(comment=reported, ip_address="192.0.2.1")
    Report.objects.create(comment=reported, ip_address="192.0.2.2")
    client = client_for(moderator)

    index = client.get(reverse("admin:index")).content.decode()
    app_index = client.get(reverse("admin:app_list", args=["comments"])).content.decode()

    for html in (index, app_index):
        assert (
            f'<a href="{QUEUE}?status__exact=pending">Comments awaiting moderation: 2</a>' in html
        )
        assert f'<a href="{QUEUE}?reported=yes">Reported comments: 1</a>' in html
    author_index = client_for(author).get(reverse("admin:index")).content.decode()
    assert "/admin/comments/comment/" in author_index
    assert "awaiting moderation" not in author_index


def test_author_sees_only_comments_on_their_own_posts(client_for, author, other_author, post):
    mine = factories.comment(post, status=Comment.Status.PENDING)
    theirs = factories.comment(
        factories.post("Theirs", author=other_author),
        status=Comment.Status.PENDING,
        ip_address="203.0.113.7",
    )
    client = client_for(author)

    response = client.get(QUEUE)

    assert listed(response) == [mine.pk]
    assert response.context["action_form"] is None
    assert client.get(QUEUE, {"q": "203.0.113"}).context["cl"].result_count == 0
    page = client.get(reverse("admin:comments_comment_change", args=[mine.pk]))
    assert page.status_code == 200
    assert "ip_address" not in page.content.decode()
    assert client.get(reverse("admin:comments_comment_change", args=[theirs.pk])).status_code == 302


def test_author_cannot_moderate(client_for, author, post):
    target = factories.comment(post, status=Comment.Status.PENDING)
    client = client_for(author)

    refused = run_action(client, "approve", [target])
    response = client.post(
        reverse("admin:comments_comment_change", args=[target.pk]),
        change_form(target, status=Comment.Status.APPROVED, body="Changed."),
    )

    assert refused.status_code == 200 and response.status_code == 403
    target.refresh_from_db()
    assert (target.status, target.body) == (Comment.Status.PENDING, "A thoughtful reply.")
    assert not ModerationEvent.objects.exists()


def test_reader_is_sent_to_the_admin_login(client_for, reader):
    response = client_for(reader).get(QUEUE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_nobody_adds_comments_or_reports_in_the_admin(client_for, superuser):
    client = client_for(superuser)

    assert client.get(reverse("admin:comments_comment_add")).status_code == 403
    assert client.get(reverse("admin:comments_report_add")).status_code == 403


# The lists and the reports -----------------------------------------------------------


def test_moderator_keeps_the_lists(client_for, moderator):
    client = client_for(moderator)
    add = reverse("admin:comments_moderationrule_add")

    client.post(add, {"list": "disallowed", "kind": "email", "value": " Spam@Example.com"})
    again = client.post(add, {"list": "disallowed", "kind": "email", "value": "spam@example.com "})
    client.post(add, {"list": "moderation", "kind": "word", "value": "Casino"})

    assert again.status_code == 200  # refused with a message, not a server error
    assert "already exists" in again.content.decode()
    assert sorted(ModerationRule.objects.values_list("list", "value")) == [
        ("disallowed", "spam@example.com"),
        ("moderation", "Casino"),
    ]
    changelist = reverse("admin:comments_moderationrule_changelist")
    found = client.get(changelist, {"list__exact": "moderation", "q": "casino"})
    assert [rule.value for rule in found.context["cl"].result_list] == ["Casino"]


def test_reports_list_links_to_the_comment_and_resolves(client_for, moderator, post):
    target = factories.comment(post, status=Comment.Status.APPROVED, body="Questionable.")
    report = Report.objects.create(comment=target, ip_address="192.0.2.1", reason="spam?")
    client = client_for(moderator)
    changelist = reverse("admin:comments_report_changelist")

    html = client.get(changelist, {"resolved__exact": "0"}).content.decode()
    client.post(changelist, {"action": "mark_resolved", "_selected_action": [report.pk]})

    assert reverse("admin:comments_comment_change", args=[target.pk]) in html
    report.refresh_from_db()
    assert report.resolved
