#!/usr/bin/env python3
"""How long the account flows take when an address has an account, and when it has none.

    .venv/bin/python bench/account_timing.py [--requests 20]

Each pair of flows must take the same time, or the time tells a stranger whether an
address has an account:

- sign-up with an address that has an account, and with a new one;
- sign-in with an unknown address, and with a known one and the wrong password;
- a password reset asked for an unknown address, and for a known one.

The script migrates a fresh SQLite database in a temporary folder and runs the site in
this process with Django's test client: the whole middleware stack, the configured
password hasher (Django's default, not the tests' fast one), the database task backend,
and e-mail kept in memory. Rate limits are off, so every request does the whole work.
The two flows of a pair take turns, --requests times each, after a warm-up. It prints
the median time of each and the median of the differences within a pair, both as wall
time and as this process's CPU time, which other work on a shared machine disturbs less.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A fixed, public key: the throwaway database signs nothing that matters.
SECRET_KEY = "account-timing-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
PASSWORD = "a long enough passphrase for timing"  # noqa: S105
WARM_UP = 3


def setup(folder):
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "CACHE_DIR": str(folder / "cache"),
            "EMAIL_URL": "memorymail://",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "testserver",
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("REDIS_URL", None)
    # WhiteNoise looks for collected static files, which nothing here asks for.
    warnings.filterwarnings("ignore", message="No directory at")
    os.environ.pop("TASKS_BACKEND", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    override_settings(
        ACCOUNT_RATE_LIMITS=False,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ).enable()
    call_command("migrate", verbosity=0)


def member(email):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password=PASSWORD
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)


def timed(post):
    """(wall, CPU) milliseconds of one request."""
    from django.test import Client

    client = Client()
    wall, cpu = time.perf_counter(), time.process_time()
    response = post(client)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if response.status_code not in (200, 302):
        raise SystemExit(f"unexpected answer {response.status_code}")
    return wall * 1000, cpu * 1000


def sign_up(email):
    data = {"display_name": "Timing", "email": email, "password1": PASSWORD, "password2": PASSWORD}
    return lambda client: client.post("/accounts/signup/", data)


def sign_in(email, password):
    return lambda client: client.post("/accounts/login/", {"login": email, "password": password})


def reset(email):
    return lambda client: client.post("/accounts/password/reset/", {"email": email})


def pairs():
    """(flow, with an account, without), each a function of the request number."""
    return [
        (
            "sign-up",
            ("address that has an account", lambda n: sign_up("member@example.org")),
            ("new address", lambda n: sign_up(f"new-{n}@example.org")),
        ),
        (
            "sign-in",
            ("known address, wrong password", lambda n: sign_in("member@example.org", "wrong")),
            ("unknown address", lambda n: sign_in(f"nobody-{n}@example.org", "wrong")),
        ),
        (
            "password reset",
            ("known address", lambda n: reset("member@example.org")),
            ("unknown address", lambda n: reset(f"nobody-{n}@example.org")),
        ),
    ]


def medians(times):
    """The medians of (wall, CPU) pairs, as "wall (CPU)"."""
    wall, cpu = zip(*times, strict=True)
    return f"{statistics.median(wall):.1f} ({statistics.median(cpu):.1f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20, help="of each flow (20)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="account-timing-") as folder:
        setup(Path(folder))
        from django.contrib.auth.hashers import get_hasher

        member("member@example.org")
        hasher = get_hasher()
        print(f"Password hasher: {hasher.algorithm}, {getattr(hasher, 'iterations', '-')} rounds")
        print(f"Median of {args.requests} requests each, in ms: wall time (CPU time)\n")
        print("| flow | with an account | without | difference within a pair |")
        print("|---|---|---|---|")
        for flow, (known_label, known), (unknown_label, unknown) in pairs():
            runs = [(timed(known(n)), timed(unknown(n))) for n in range(WARM_UP + args.requests)]
            runs = runs[WARM_UP:]
            difference = medians((a[0] - b[0], a[1] - b[1]) for a, b in runs)
            print(
                f"| {flow} | {known_label}: {medians(a for a, _ in runs)} "
                f"| {unknown_label}: {medians(b for _, b in runs)} | {difference} |"
            )


if __name__ == "__main__":
    main()
