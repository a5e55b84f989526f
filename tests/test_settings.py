"""Settings come from the environment; production settings pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    ours = (
        "DEBUG",
        "HTTPS",
        "SECRET_KEY",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "TRUSTED_PROXIES",
        "COMMENTS_TRUSTED_PROXIES",
    )
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="false", HTTPS="true", ALLOWED_HOSTS="blog.example.org",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_plain_http_run_does_not_force_https():
    result = run_manage(
        "shell", "-c",
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.DEBUG)",
        DEBUG="false",
    )  # fmt: skip

    assert result.stdout.split()[-4:] == ["False", "False", "0", "False"], result.stderr


def test_https_switch_turns_on_every_https_only_setting():
    result = run_manage(
        "shell", "-c",
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS > 0)",
        HTTPS="true",
    )  # fmt: skip

    assert result.stdout.split()[-4:] == ["True", "True", "True", "True"], result.stderr


def test_secret_key_is_generated_once_into_an_ignored_file():
    first = run_manage(
        "shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"
    )
    again = run_manage(
        "shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"
    )

    key = (ROOT / ".secret_key").read_text().strip()
    assert first.stdout.split()[-1] == again.stdout.split()[-1] == key
    assert len(key) >= 50
    assert "/.secret_key" in (ROOT / ".gitignore").read_text().split()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    # The test database lives in memory, where SQLite reports "memory".
    assert mode in ("wal", "memory")
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_sqlite_file_database_uses_wal(tmp_path):
    result = run_manage(
        "shell", "-c",
        "from django.db import connection as c; cur = c.cursor(); "
        "cur.execute('PRAGMA journal_mode'); print(cur.fetchone()[0])",
        DATABASE_URL=f"sqlite:///{tmp_path / 'wal.sqlite3'}",
    )  # fmt: skip

    assert result.stdout.strip().splitlines()[-1] == "wal", result.stderr


def test_database_and_cache_follow_the_environment():
    result = run_manage(
        "shell", "-c",
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'])",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/colloquy",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )  # fmt: skip

    assert result.stdout.split()[-2:] == [
        "django.db.backends.postgresql",
        "core.cache.RedisCache",
    ], result.stderr


@pytest.mark.parametrize(
    ("environment", "trusted"),
    [
        ({"TRUSTED_PROXIES": "127.0.0.1,10.0.0.2"}, "['127.0.0.1', '10.0.0.2']"),
        # The setting's former name, which running sites still set.
        ({"COMMENTS_TRUSTED_PROXIES": "127.0.0.1"}, "['127.0.0.1']"),
        ({"TRUSTED_PROXIES": "10.0.0.2", "COMMENTS_TRUSTED_PROXIES": "127.0.0.1"}, "['10.0.0.2']"),
    ],
)
def test_trusted_proxies_come_from_the_environment_under_either_name(environment, trusted):
    result = run_manage(
        "shell", "-c", "from django.conf import settings as s; print(s.TRUSTED_PROXIES)",
        **environment,
    )  # fmt: skip

    assert result.stdout.strip().splitlines()[-1] == trusted, result.stderr


def test_the_redis_cache_shares_one_client_and_keeps_what_it_is_given(settings):
    from django.core.cache import caches
    from redis.exceptions import ConnectionError as NoRedis

    settings.CACHES = {
        **settings.CACHES,
        "shared": {"BACKEND": "core.cache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/15"},
    }
    try:
        shared = caches.create_connection("shared").backend  # itself, failures and all
        shared.set("colloquy-test", {"kept": 1}, 5)
        assert shared.get("colloquy-test") == {"kept": 1}
    except NoRedis as error:
        pytest.skip(f"no Redis on 127.0.0.1:6379: {error}")
    assert shared.client() is shared.client(write=True)
    shared.delete("colloquy-test")
