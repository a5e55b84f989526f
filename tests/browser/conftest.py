"""Browser tests: Chromium driven by Playwright against pytest-django's live server.

The browser is Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium); nothing is
downloaded. Without it the tests are skipped, except on CI (CI=true), where a missing
browser fails the run instead of passing it silently.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in this thread; the ORM calls the
# tests make between browser steps would otherwise raise SynchronousOnlyOperation.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "a long and unguessable passphrase"


def chromium_path():
    return os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM


def chromium_problem():
    """Why Chromium cannot be launched, or None when it can."""
    path = Path(chromium_path())
    if not path.is_file() or not os.access(path, os.X_OK):
        return f"Chromium not found at {path}"
    return None


def in_ci():
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before any fixture starts: skip browser tests with no browser, or fail them on CI."""
    if item.get_closest_marker("browser") is None:
        return
    problem = chromium_problem()
    if problem is None:
        return
    hint = "apt-get install chromium, or set CHROMIUM_PATH"
    if in_ci():
        message = f"{problem} and CI=true: a missing browser fails the run ({hint})."
        pytest.fail(message, pytrace=False)
    pytest.skip(f"{problem}: browser tests skipped ({hint})")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options, with the system Chromium and its flags."""
    headless = browser_type_launch_args.get("headless", True)
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "args": (["--headless"] if headless else []) + CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """Pages open relative to the live server: page.goto("/admin/")."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "en-US"}


@pytest.fixture
def page(page):
    """A page that fails fast and remembers what went wrong while it loaded."""
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(15_000)
    page.failed_responses = []
    page.errors = []
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and "/favicon.ico" not in response.url
            and page.failed_responses.append(f"{response.status} {response.url}")
        ),
    )
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


@pytest.fixture
def log_in(page):
    """log_in(username) signs in through the admin's login form; returns the page."""

    def sign_in(username, password=PASSWORD):
        page.goto("/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():  # Succeeding or not, the form posts to a new page.
            page.click("input[type=submit]")
        return page

    return sign_in
