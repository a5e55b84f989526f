"""Account flows cost the same whether or not an address has an account: the same
password hashing, and one e-mail queued for the task worker, none sent in the request.
(bench/account_timing.py measures the times themselves.)"""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from . import factories
from .test_auth_flows import link_in, sign_up, verified

pytestmark = pytest.mark.django_db


class CountingHasher(MD5PasswordHasher):
    """The tests' fast hasher, counting every password it hashes (or checks)."""

    hashed = 0

    def encode(self, password, salt):
        CountingHasher.hashed += 1
        return super().encode(password, salt)


@pytest.fixture
def hashes(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.hashed = 0
    return CountingHasher


@pytest.fixture
def queue(settings):
    """The site's own task backend: a queued message waits in the database for the worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queued_mail():
    """The addressees of each message waiting for the worker."""
    return [
        result.args_kwargs["args"][2]
        for result in DBTaskResult.objects.filter(task_path="core.tasks.send_email")
    ]


def what_it_costs(hashes, request):
    """(passwords hashed, addressees queued) by one request; nothing may be sent in it."""
    hashes.hashed = 0
    DBTaskResult.objects.all().delete()
    request()
    assert mail.outbox == []
    return hashes.hashed, queued_mail()


@pytest.fixture
def member(db):
    return verified(factories.user("member", email="member@example.org"))


def test_sign_up_with_a_taken_address_hashes_and_mails_as_a_new_one_does(hashes, queue, member):
    taken = what_it_costs(hashes, lambda: sign_up(Client(), email="member@example.org"))
    fresh = what_it_costs(hashes, lambda: sign_up(Client(), email="new@example.org"))

    assert taken == (1, [["member@example.org"]])
    assert fresh == (1, [["new@example.org"]])


def test_a_reset_for_an_unknown_address_mails_as_one_for_a_known_address_does(
    hashes, queue, member
):
    def reset(email):
        return lambda: Client().post("/accounts/password/reset/", {"email": email})

    known = what_it_costs(hashes, reset("member@example.org"))
    unknown = what_it_costs(hashes, reset("nobody@example.org"))

    assert known == (0, [["member@example.org"]])
    assert unknown == (0, [["nobody@example.org"]])


@pytest.mark.django_db(transaction=True)
def test_the_verification_link_waits_for_the_worker_and_then_works(queue):
    client = Client()

    response = sign_up(client)

    assert response["Location"] == "/accounts/confirm-email/"
    assert mail.outbox == [] and queued_mail() == [["grace@example.org"]]
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    (message,) = mail.outbox
    assert message.to == ["grace@example.org"]
    response = client.post(link_in(message, "/accounts/confirm-email/"))
    assert response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.django_db(transaction=True)
def test_an_html_account_message_keeps_its_html_part_through_the_queue(
    queue, member, settings, tmp_path
):
    html_template = tmp_path / "account" / "email" / "password_reset_key_message.html"
    html_template.parent.mkdir(parents=True)
    html_template.write_text('<p>Reset it <a href="{{ password_reset_url }}">here</a>.</p>')
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]

    Client().post("/accounts/password/reset/", {"email": "member@example.org"})

    assert mail.outbox == []
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    (message,) = mail.outbox
    assert "/accounts/password/reset/key/" in message.body
    [(html, kind)] = message.alternatives
    assert kind == "text/html" and '<a href="http://testserver/accounts/password/reset/key/' in html
