"""The moderation policy, path by path, in its order, and the optional spam checker."""

import pytest

from comments import antispam, policy, services
from comments.models import Comment, ModerationRule

pytestmark = pytest.mark.django_db


def new(post, body="Plain words.", user=None, name="Grace", email="grace@example.org",
        ip="198.51.100.4"):  # fmt: skip
    return Comment(post=post, body=body, user=user, name=name if user is None else "",
                   email=email, ip_address=ip)  # fmt: skip


def rule(list_, kind, value):
    return ModerationRule.objects.create(list=list_, kind=kind, value=value)


D, M = ModerationRule.List.DISALLOWED, ModerationRule.List.MODERATION
W, IP, EMAIL = ModerationRule.Kind.WORD, ModerationRule.Kind.IP, ModerationRule.Kind.EMAIL


@pytest.mark.parametrize(
    ("kind", "value", "comment_kwargs", "reason"),
    [
        (W, "casino", {"body": "Best CASINO bonus"}, "disallowed list: word “casino”"),
        (W, "cheap pills", {"body": "buy cheap pills now"}, "disallowed list: word “cheap pills”"),
        (W, "viagra", {"name": "viagra seller"}, "disallowed list: word “viagra”"),
        (IP, "203.0.113.9", {"ip": "203.0.113.9"}, "disallowed list: IP 203.0.113.9"),
        (IP, "203.0.113.*", {"ip": "203.0.113.77"}, "disallowed list: IP 203.0.113.*"),
        (EMAIL, "spam@example.com", {"email": "SPAM@example.com"},
         "disallowed list: e-mail spam@example.com"),
        (EMAIL, "@spam.test", {"email": "anyone@spam.test"}, "disallowed list: e-mail @spam.test"),
    ],
)  # fmt: skip
def test_disallowed_list_makes_spam(post, kind, value, comment_kwargs, reason):
    rule(D, kind, value)

    decision = policy.decide(new(post, **comment_kwargs))

    assert decision == policy.Decision(Comment.Status.SPAM, reason)


def test_words_match_whole_words_only(post):
    rule(D, W, "ass")

    assert policy.decide(new(post, body="An assessment of the talks.")).status != "spam"


def test_disallowed_wins_over_trust(post, editor):
    rule(D, W, "casino")

    assert policy.decide(new(post, body="casino", user=editor)).status == Comment.Status.SPAM


def test_too_many_links_wait_even_for_staff(settings, post, editor):
    settings.COMMENTS_MAX_LINKS = 2
    body = "https://a.example https://b.example https://c.example"

    decision = policy.decide(new(post, body=body, user=editor))

    assert decision == policy.Decision(Comment.Status.PENDING, "3 links (more than 2)")
    assert policy.decide(new(post, body="https://a.example https://b.example",
                             user=editor)).status == "approved"  # fmt: skip


def test_moderation_list_holds(post, editor):
    rule(M, W, "ceasefire")

    decision = policy.decide(new(post, body="On the ceasefire", user=editor))

    assert decision == policy.Decision(Comment.Status.PENDING, "moderation list: word “ceasefire”")


def test_a_changed_list_applies_to_the_next_comment(post, django_capture_on_commit_callbacks):
    def status(body):
        return policy.decide(new(post, body=body)).status

    assert status("Best casino bonus") == "pending"  # the lists are kept from here on
    with django_capture_on_commit_callbacks(execute=True):
        added = rule(D, W, "casino")
    assert status("Best casino bonus") == "spam"

    with django_capture_on_commit_callbacks(execute=True):
        added.value = "poker"
        added.save()
    assert status("Best casino bonus") == "pending"
    assert status("Poker night") == "spam"

    with django_capture_on_commit_callbacks(execute=True):
        added.delete()
    assert status("Poker night") == "pending"


def test_staff_are_approved(post, editor):
    assert policy.decide(new(post, user=editor)) == policy.Decision("approved", "staff")


def test_the_posts_author_is_approved(post, author):
    author.is_staff = False  # an author who left the Authors group keeps their own thread
    assert policy.decide(new(post, user=author)) == policy.Decision("approved", "the post's author")


def test_returning_account_is_approved(post, reader):
    Comment.objects.create(post=post, user=reader, body="Earlier", status="approved")

    assert policy.decide(new(post, user=reader)).reason == "previously approved commenter"


def test_returning_guest_needs_same_name_and_email(post):
    Comment.objects.create(post=post, name="Grace", email="grace@example.org", body="Earlier",
                           status="approved")  # fmt: skip

    assert policy.decide(new(post, name="grace", email="GRACE@example.org")).status == "approved"
    assert policy.decide(new(post, name="Someone Else")).status == "pending"
    assert policy.decide(new(post, email="other@example.org")).status == "pending"


def test_only_approved_history_counts(post):
    Comment.objects.create(post=post, name="Grace", email="grace@example.org", body="Spam",
                           status="spam")  # fmt: skip

    assert policy.decide(new(post)) == policy.Decision("pending", "first comment")


def test_submit_records_status_and_reason_and_logs_it(post):
    rule(M, W, "hold")

    comment = services.submit(new(post, body="please hold"))

    assert comment.status == "pending"
    assert comment.status_reason == "moderation list: word “hold”"
    event = comment.events.get()
    assert (event.action, event.to_status, event.note) == (
        "submitted",
        "pending",
        "moderation list: word “hold”",
    )


def fake_checker(comment, request):
    return "fake checker says spam" if "buy now" in comment.body else ""


def test_optional_spam_checker_plugs_in_through_a_setting(settings, post, editor):
    settings.COMMENTS_SPAM_CHECKER = "tests.test_comment_policy.fake_checker"

    caught = services.submit(new(post, body="buy now", user=editor))
    passed = services.submit(new(post, body="thoughtful", user=editor))

    assert (caught.status, caught.status_reason) == ("spam", "spam checker: fake checker says spam")
    assert passed.status == "approved"


def test_rules_are_stored_normalised(post):
    saved = rule(D, EMAIL, "  Spammer@Example.COM ")

    assert saved.value == "spammer@example.com"


def test_honeypot_check():
    with pytest.raises(antispam.Rejected):
        antispam.check_honeypot("filled by a bot")
    antispam.check_honeypot("")
