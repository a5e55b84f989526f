"""The cache only saves time: when it fails (a full disk, an unusable folder, Redis down or
silent), pages are made afresh, comments are kept, sign-in works, a change still shows,
and the failure is logged once a minute, not on every request."""

import itertools
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
from contextlib import contextmanager
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client

from blog.models import SiteSettings
from comments import antispam
from comments.models import Comment
from core import cache as backends
from core import generation

from . import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.COMMENTS_MIN_SECONDS = 0
    SiteSettings.load()  # made on the first request otherwise, which bumps the generation


_epochs = itertools.count(10**9, 10**9)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The cache backends' clock, starting long after whatever an earlier test failed."""

    class Clock:
        now = float(next(_epochs))

        def monotonic(self):
            return self.now

    clock = Clock()
    monkeypatch.setattr(backends, "time", clock)
    monkeypatch.setattr(backends, "_next_cull", 0.0)
    return clock


def file_cache(settings, location):
    settings.CACHES = {"default": {"BACKEND": "core.cache.FileCache", "LOCATION": str(location)}}


@pytest.fixture
def folder(settings, tmp_path):
    """The file cache's folder: the file cache is used here whatever REDIS_URL says."""
    file_cache(settings, tmp_path / "cache")
    return tmp_path / "cache"


def fill(folder, monkeypatch):
    """From now on every file the cache writes in `folder` is written to /dev/full, whose
    writes fail with ENOSPC as a full disk's do; reading and deleting still work."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    make = tempfile.mkstemp

    def mkstemp(*args, dir=None, **kwargs):
        fd, path = make(*args, dir=dir, **kwargs)
        if dir is not None and os.path.abspath(dir) == str(folder):
            os.close(fd)
            fd = os.open("/dev/full", os.O_WRONLY)
        return fd, path

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


@pytest.fixture(params=["unusable folder", "full disk", "no Redis"])
def broken(request, settings, tmp_path, monkeypatch):
    """A cache that fails, set up after the site ran with a working one."""
    if request.param == "unusable folder":
        in_the_way = tmp_path / "a-file"
        in_the_way.write_text("")
        file_cache(settings, in_the_way / "cache")  # every call: NotADirectoryError
    elif request.param == "full disk":
        file_cache(settings, tmp_path / "full")
        fill(tmp_path / "full", monkeypatch)
    else:
        pytest.importorskip("redis")
        settings.CACHES = {
            "default": {"BACKEND": "core.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
        }
    return request.param


@pytest.fixture
def silent_redis(settings):
    """A Redis address that takes connections and never answers (hanging up after a while,
    so that a client that waits for ever fails in the end)."""
    pytest.importorskip("redis")
    server = socket.create_server(("127.0.0.1", 0))
    hang_up = threading.Timer(5, server.close)
    hang_up.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{server.getsockname()[1]}/0",
        }
    }
    yield
    hang_up.cancel()
    server.close()


def public_urls(post):
    year = f"/{post.publish_date:%Y}/"
    return ["/", post.get_absolute_url(), "/category/region/", year, "/feed/"]


def text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def comment(client, post, **fields):
    data = {"body": "Still here.", "token": antispam.form_token(post), **fields}
    return client.post(f"/comments/post/{post.pk}/", data)


def failures_logged(caplog):
    return [r for r in caplog.records if r.name == "core.cache" and r.levelno >= logging.ERROR]


# Readers and commenters notice nothing but speed -------------------------------------------


def test_public_pages_are_made_afresh_when_the_cache_fails(filed_post, broken):
    # Nobody waits for a value that another reader cannot keep either.
    with mock.patch.object(generation.time, "sleep", side_effect=AssertionError("waited")):
        for url in public_urls(filed_post):
            assert "On listening" in text(Client(), url)
            assert "On listening" in text(Client(), url)


def test_a_guests_comment_is_kept_when_the_cache_fails(filed_post, broken):
    response = comment(Client(), filed_post, name="Grace Guest", email="grace@example.org")

    assert response.status_code == 302
    assert Comment.objects.get().body == "Still here."


def test_a_signed_in_readers_comment_is_kept_when_the_cache_fails(
    client_for, reader, filed_post, broken
):
    client = client_for(reader)
    assert "Commenting as reader." in text(client, filed_post.get_absolute_url())

    response = comment(client, filed_post)

    assert response.status_code == 302
    assert Comment.objects.get().user == reader


def test_signing_in_works_when_the_cache_fails(broken):
    member = factories.user("member", email="member@example.org")
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    client = Client()

    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_staff_sign_in_to_the_admin_when_the_cache_fails(broken):
    factories.user("boss", is_staff=True, is_superuser=True)

    response = Client().post("/admin/login/", {"username": "boss", "password": PASSWORD})

    assert response.status_code == 302


def test_the_comment_rate_limit_holds_when_the_cache_fails(filed_post, broken, settings):
    settings.COMMENTS_RATE_LIMIT = "2/60"
    guest = {"name": "Grace Guest", "email": "grace@example.org"}
    for body in ("one", "two"):
        assert comment(Client(), filed_post, body=body, **guest).status_code == 302

    response = comment(Client(), filed_post, body="three", **guest)

    assert response.status_code == 429
    assert Comment.objects.count() == 2


def test_a_redis_that_never_answers_costs_time_not_pages(filed_post, silent_redis):
    assert "On listening" in text(Client(), "/")
    response = comment(Client(), filed_post, name="Grace Guest", email="grace@example.org")

    assert response.status_code == 302
    assert Comment.objects.count() == 1


# Operators are told, once a minute ---------------------------------------------------------


def test_a_failing_cache_is_logged_once_a_minute_not_per_request(filed_post, broken, clock, caplog):
    for _ in range(6):  # a request every ten seconds, each trying the cache again
        clock.now += 10
        text(Client(), "/")
    assert len(failures_logged(caplog)) == 1

    clock.now += 10
    text(Client(), "/")
    assert len(failures_logged(caplog)) == 2


# No change is lost ----------------------------------------------------------------------------


def test_a_change_made_on_a_full_disk_reaches_every_process(
    filed_post, folder, monkeypatch, django_capture_on_commit_callbacks
):
    text(Client(), "/")
    before = generation.current()
    fill(folder, monkeypatch)

    filed_post.title = "On listening, again"
    with django_capture_on_commit_callbacks(execute=True):
        filed_post.save()

    # Another process (which can write, here) reads a new generation, not the one the
    # pages kept before the change were made under.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "CACHE_DIR": str(folder)}
    env.pop("REDIS_URL", None)
    elsewhere = subprocess.run(
        [sys.executable, "-c",
         "import django; django.setup(); from core import generation; print(generation.current())"],
        env=env, cwd=django_settings.BASE_DIR, capture_output=True, text=True, check=True,
        timeout=60,
    )  # fmt: skip
    assert int(elsewhere.stdout.split()[-1]) != before
    assert "On listening, again" in text(Client(), "/")


@contextmanager
def cache_away(folder, tmp_path):
    """The file cache's folder unusable for a while, then back with all it held."""
    away = folder.rename(tmp_path / "away")
    folder.write_text("")
    yield
    folder.unlink()
    away.rename(folder)


def test_a_change_made_while_the_cache_failed_shows_once_it_answers_again(
    filed_post, folder, tmp_path
):
    text(Client(), "/")  # kept
    with cache_away(folder, tmp_path):
        filed_post.title = "On listening, again"
        filed_post.save()
        assert "On listening, again" in text(Client(), "/")

    assert "On listening, again" in text(Client(), "/")


def test_a_change_a_command_made_while_the_cache_failed_holds_once_it_answers_again(
    folder, tmp_path
):
    before = generation.current()
    with cache_away(folder, tmp_path):
        generation.bump()

    assert generation.current() != before


def test_readers_stop_waiting_when_the_maker_cannot_keep_the_value(folder, monkeypatch):
    generation.next_change()
    mark = "making:" + generation.cache_key("footer")
    cache.add(mark, "another process", generation.MAKING_SECONDS)
    fill(folder, monkeypatch)

    def maker_gives_up(seconds):  # its value could not be kept; it takes its mark away
        assert cache.get(mark) is not None, "went on waiting for a maker that gave up"
        cache.delete(mark)

    with mock.patch.object(generation.time, "sleep", side_effect=maker_gives_up):
        assert generation.kept(("footer",), lambda: "made here", 60) == "made here"
