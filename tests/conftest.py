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


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Each test gets an empty cache, its own media folder and plain static files. Passwords
    are hashed the fast way: the real hasher is slow on purpose, and tests make hundreds
    of accounts."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "imports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "imports"},
        },
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    _own_cache(settings, tmp_path)
    cache.clear()
    yield
    cache.clear()
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


def _own_cache(settings, tmp_path):
    """Each test clears the cache: parallel test workers (pytest-xdist) must not share one.
    A file cache gets the test's own folder, Redis a database per worker."""
    cache_settings = settings.CACHES["default"]
    if cache_settings["BACKEND"].endswith("FileCache"):
        settings.CACHES = {"default": {**cache_settings, "LOCATION": str(tmp_path / "cache")}}
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not cache_settings["BACKEND"].endswith("RedisCache"):
        return
    number = int(worker[2:]) % 15 + 1  # Redis has databases 0-15; 0 is the site's own
    location = re.sub(r"/\d*$", "", cache_settings["LOCATION"]) + f"/{number}"
    settings.CACHES = {"default": {**cache_settings, "LOCATION": location}}


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
