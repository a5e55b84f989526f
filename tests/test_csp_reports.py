"""Browsers report what the Content-Security-Policy blocked: each report is logged, within a
limit per address, and nothing a sender posts there gets a 500."""

import json
import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

URL = "/csp-report/"
LOGGER = "core.security"

REPORT_URI = {
    "csp-report": {
        "document-uri": "https://blog.example.org/2024/05/01/on-listening/",
        "referrer": "",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'; script-src 'self'",
        "disposition": "enforce",
        "blocked-uri": "https://evil.example/x.js",
        "line-number": 12,
        "source-file": "https://blog.example.org/2024/05/01/on-listening/",
        "status-code": 200,
        "script-sample": "",
    }
}
REPORTING_API = [
    {
        "type": "csp-violation",
        "age": 3,
        "url": "https://blog.example.org/about/",
        "user_agent": "Mozilla/5.0",
        "body": {
            "documentURL": "https://blog.example.org/about/",
            "blockedURL": "inline",
            "effectiveDirective": "style-src-attr",
            "originalPolicy": "default-src 'self'",
            "disposition": "enforce",
            "sample": "color: red",
            "lineNumber": 40,
            "sourceFile": "https://blog.example.org/about/",
            "statusCode": 200,
        },
    },
    {"type": "deprecation", "age": 1, "url": "https://blog.example.org/", "body": {"id": "x"}},
]


def post(client, body, content_type):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    # The test client leaves out the type of an empty body, which a browser sends.
    return client.post(URL, data, content_type=content_type, CONTENT_TYPE=content_type)


def logged(caplog):
    return [record.getMessage() for record in caplog.records if record.name == LOGGER]


def test_a_report_uri_report_is_logged_and_answered_204(client, caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)

    response = post(client, REPORT_URI, "application/csp-report")

    assert response.status_code == 204
    (message,) = logged(caplog)
    assert "https://evil.example/x.js" in message
    assert "script-src-elem" in message
    assert "https://blog.example.org/2024/05/01/on-listening/" in message


def test_a_reporting_api_batch_logs_its_csp_violations_only(client, caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)

    response = post(client, REPORTING_API, "application/reports+json")

    assert response.status_code == 204
    (message,) = logged(caplog)
    assert "style-src-attr" in message
    assert "https://blog.example.org/about/" in message
    assert "color: red" in message


def test_reports_past_the_limit_are_answered_but_not_logged(client, caplog, settings):
    settings.CSP_REPORT_LIMIT = 3
    caplog.set_level(logging.WARNING, logger=LOGGER)

    answers = [post(client, REPORT_URI, "application/csp-report").status_code for _ in range(5)]

    assert answers == [204] * 5
    assert len(logged(caplog)) == 3
    # Another address has a limit of its own.
    elsewhere = Client(REMOTE_ADDR="192.0.2.7")
    assert post(elsewhere, REPORT_URI, "application/csp-report").status_code == 204
    assert len(logged(caplog)) == 4


def test_a_logged_field_is_one_short_line_whatever_was_sent(client, caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    forged = {"csp-report": {"blocked-uri": "x\nWARNING forged line" + "y" * 10_000}}

    assert post(client, forged, "application/csp-report").status_code == 204

    (message,) = logged(caplog)
    assert "\n" not in message
    assert len(message) < 1000


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"",
        b"null",
        b"42",
        b'"a string"',
        b'{"csp-report": "not an object"}',
        b'["not", "reports"]',
        b"[" * 30_000 + b"]" * 30_000,  # nested past the parser's depth
    ],
    ids=["broken", "not-utf8", "empty", "null", "number", "string", "flat", "strings", "deep"],
)
def test_junk_is_refused_with_a_400(client, body, caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)

    response = post(client, body, "application/csp-report")

    assert response.status_code == 400
    assert logged(caplog) == []


def test_another_content_type_is_refused_with_a_415(client):
    response = post(client, REPORT_URI, "text/plain")

    assert response.status_code == 415


def test_a_huge_body_is_refused_with_a_413_unread(client, caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    huge = {"csp-report": {**REPORT_URI["csp-report"], "script-sample": "x" * 200_000}}

    response = post(client, huge, "application/csp-report")

    assert response.status_code == 413
    assert logged(caplog) == []


def test_the_endpoint_takes_only_posts(client):
    assert client.get(URL).status_code == 405


def test_reports_need_no_csrf_token(author, caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    browser = Client(enforce_csrf_checks=True)

    response = post(browser, REPORT_URI, "application/csp-report")

    assert response.status_code == 204
    assert len(logged(caplog)) == 1
