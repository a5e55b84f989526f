"""Every page type the site templates passes axe-core at a desktop's width and a phone's,
in Chromium as readers and staff see it (scripts run): every rule axe has, experimental
and best practices included, at every impact; only WCAG's AAA level is left out.

The pages are those of tests/page_tour.py, which the HTML checker reads too. They are the
same on every database, so the test runs on SQLite only.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from tests import page_tour

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason=page_tour.SQLITE_ONLY),
]

WIDTHS = (1280, 390)
# Every rule axe has, experimental and best practices included, not only those it runs by
# default; but WCAG's AAA level (7:1 contrast), which the site does not aim at.
RULES = """axe.getRules()
    .filter((rule) => !rule.tags.includes("wcag2aaa"))
    .map((rule) => rule.ruleId)"""

SUBMIT = """([action, fields]) => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = action;
    for (const [name, value] of Object.entries(fields)) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        form.append(input);
    }
    document.body.append(form);
    form.submit();
}"""


def signed_in(new_context, live_server, user):
    """A browser context with `user` signed in (through Django's session), or a guest's."""
    context = new_context()
    context.errors = []
    context.on("weberror", lambda error: context.errors.append(str(error.error)))
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context.new_page()


def visit(page, step, site):
    """Open the step's page, or send its form from the page the form is on."""
    if step.post is None:
        return page.goto(step.url(site))
    page.goto(step.origin_url(site))
    fields = dict(step.data(site))
    csrf = [c for c in page.context.cookies() if c["name"] == django_settings.CSRF_COOKIE_NAME]
    if csrf:
        fields["csrfmiddlewaretoken"] = csrf[0]["value"]
    with page.expect_navigation() as navigation:
        page.evaluate(SUBMIT, [step.url(site), fields])
    return navigation.value


def violations(axe, page, rules):
    results = axe.run(page, options={"runOnly": {"type": "rule", "values": rules},
                                     "resultTypes": ["violations"]})  # fmt: skip
    return results.response["violations"]


def describe(step, width, violation):
    nodes = "; ".join(
        " ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
        for node in violation["nodes"]
    )
    return (
        f"{step.name} at {width}px: {violation['id']} ({violation['impact']}): "
        f"{violation['help']} [{nodes}]"
    )


def test_every_page_type_passes_axe_at_desktop_and_phone_width(new_context, live_server, settings):
    site = page_tour.build_site(settings)
    axe = Axe()
    pages, rules, problems = {}, None, []

    for step in page_tour.STEPS:
        if step.who not in pages:
            user = getattr(site, step.who) if step.who else None
            pages[step.who] = signed_in(new_context, live_server, user)
        page = pages[step.who]
        response = visit(page, step, site)
        assert response.status == step.status, step.name
        if rules is None:
            page.evaluate(axe.axe_script)
            rules = page.evaluate(RULES)
        problems += [f"{step.name}: script error: {e}" for e in page.context.errors]
        page.context.errors.clear()
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            problems += [describe(step, width, v) for v in violations(axe, page, rules)]

    assert not problems, "axe found:\n" + "\n".join(problems)
