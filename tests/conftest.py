import os
import re
import shutil

import pytest
from django.core.cache import cache

from accounts import roles
from blog.models import Post

from . import factories


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file, so that a task worker a test starts opens it."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = tmp_path_factory.mktemp("db") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)


def isolation(folder):
    """The settings that keep a test's files, cache and tasks to itself, under `folder`.
    Passwords are hashed the fast way: the real hasher is slow on purpose, and tests make
    hundreds of accounts."""
    from django.conf import settings

    isolated = {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "MEDIA_ROOT": folder / "media",
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            "imports": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": folder / "imports"},
            },
        },
        "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    }
    own_cache = _own_cache(settings.CACHES["default"], folder)
    if own_cache:
        isolated["CACHES"] = {"default": own_cache}
    return isolated


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Each test gets an empty cache, its own media folder and plain static files."""
    for name, value in isolation(tmp_path).items():
        setattr(settings, name, value)
    cache.clear()
    yield
    cache.clear()
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


@pytest.fixture(autouse=True)
def _committed_changes():
    """A test's writes never commit (each test's transaction is rolled back), so the changes
    they note (core.changes) go out as if committed when a request starts or ends, as a
    real site's would before its next request."""
    from django.core.signals import request_finished, request_started

    from core import changes

    changes.discard()
    for signal in (request_started, request_finished):
        signal.connect(_flush_changes, dispatch_uid="tests-flush-changes")
    yield
    for signal in (request_started, request_finished):
        signal.disconnect(dispatch_uid="tests-flush-changes")
    changes.discard()


def _flush_changes(**kwargs):
    from core import changes

    changes.flush()


@pytest.fixture
def django_assert_num_queries(django_assert_num_queries):
    """Changes noted before the block go out first: the block counts its own queries."""
    return _after_changes(django_assert_num_queries)


@pytest.fixture
def django_assert_max_num_queries(django_assert_max_num_queries):
    return _after_changes(django_assert_max_num_queries)


def _after_changes(assertion):
    from core import changes

    def counted(*args, **kwargs):
        changes.flush()
        return assertion(*args, **kwargs)

    return counted


def _own_cache(cache_settings, folder):
    """Each test clears the cache: parallel test workers (pytest-xdist) must not share one.
    A file cache gets the test's own folder, Redis a database per worker; None: the cache as
    it is will do."""
    if cache_settings["BACKEND"].endswith("FileCache"):
        return {**cache_settings, "LOCATION": str(folder / "cache")}
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not cache_settings["BACKEND"].endswith("RedisCache"):
        return None
    number = int(worker[2:]) % 15 + 1  # Redis has databases 0-15; 0 is the site's own
    location = re.sub(r"/\d*$", "", cache_settings["LOCATION"]) + f"/{number}"
    return {**cache_settings, "LOCATION": location}


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker, tmp_path_factory):
    """For data that a module's tests only read, made once by a module-scoped fixture with
    `django_db_blocker.unblock()`: it is made in a transaction of the module's own, in which
    each test's transaction is a savepoint, and rolled back after the module's last test, so
    that the next module starts from an empty database again. Yields the module's folder,
    whose media/ holds the files made with the data. Not for `transaction=True` tests, whose
    flush would take the data away."""
    from django.db import transaction
    from django.test import override_settings

    folder = tmp_path_factory.mktemp("module")
    with override_settings(**isolation(folder)):
        with django_db_blocker.unblock():
            kept = transaction.atomic()
            kept.__enter__()
        try:
            yield folder
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                kept.__exit__(None, None, None)
    shutil.rmtree(folder / "media", ignore_errors=True)


@pytest.fixture
def guest(client):
    return client


@pytest.fixture
def reader(db):
    return factories.user("reader", roles=[roles.READERS])


@pytest.fixture
def author(db):
    return factories.user("author", roles=[roles.AUTHORS], display_name="Ann Author",
                          bio="Ann writes about mediation.")  # fmt: skip


@pytest.fixture
def other_author(db):
    return factories.user("other", roles=[roles.AUTHORS], display_name="Otto Other")


@pytest.fixture
def editor(db):
    return factories.user("editor", roles=[roles.EDITORS], display_name="Eddie Editor")


@pytest.fixture
def moderator(db):
    return factories.user("moderator", roles=[roles.MODERATORS])


@pytest.fixture
def superuser(db):
    return factories.user("root", is_superuser=True, is_staff=True)


@pytest.fixture
def post(author):
    """A published post by `author`."""
    return factories.post("On listening", author=author)


@pytest.fixture
def filed_post(author):
    """A published post by `author` in the category Region and tagged mediation: it is in
    every kind of list (home, category, tag, author, dates)."""
    return factories.post(
        "On listening", author=author, tags=["mediation"], categories=[factories.category("Region")]
    )


@pytest.fixture
def draft(author):
    """A draft by `author`: its author and editors may preview it, nobody else sees it."""
    return factories.post("Draft", author=author, status=Post.Status.DRAFT)


@pytest.fixture
def client_for(client):
    """client_for(user) logs `user` in and returns the client."""

    def login(user):
        client.force_login(user)
        return client

    return login
