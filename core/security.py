"""The Content-Security-Policy on every response, and the endpoint that logs what it blocks.

The policy is CONTENT_SECURITY_POLICY in the settings (django-csp). Browsers post what it
blocked to `csp_report`, as an `application/csp-report` document (report-uri) or as a
Reporting API batch (`application/reports+json`, report-to); each violation is logged as a
WARNING of this module's logger, at most CSP_REPORT_LIMIT a minute per IP address.
"""

import hashlib
import json
import logging
import re

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .net import client_ip

logger = logging.getLogger(__name__)

REPORT_TYPES = {"application/csp-report", "application/reports+json", "application/json"}
# A browser's batch of reports is a few kilobytes; anything far larger is not one.
MAX_REPORT_BYTES = 64 * 1024
MAX_VIOLATIONS_PER_REPORT = 10
MAX_FIELD_LENGTH = 300
WINDOW_SECONDS = 60
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")

# What is logged of a violation: (our name, the report-uri field, the Reporting API field).
FIELDS = (
    ("directive", "effective-directive", "effectiveDirective"),
    ("blocked", "blocked-uri", "blockedURL"),
    ("page", "document-uri", "documentURL"),
    ("source", "source-file", "sourceFile"),
    ("line", "line-number", "lineNumber"),
    ("sample", "script-sample", "sample"),
    ("disposition", "disposition", "disposition"),
)


class SecurityHeadersMiddleware(CSPMiddleware):
    """django-csp's header, and the Reporting-Endpoints header its report-to names."""

    def process_response(self, request, response):
        response = super().process_response(request, response)
        group = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].get("report-to")
        if group and "Content-Security-Policy" in response:
            response.headers.setdefault("Reporting-Endpoints", f'{group}="{reverse("csp_report")}"')
        return response


@csrf_exempt
@require_POST
def csp_report(request):
    """204 for a report, logged unless its sender is over the limit; 400, 413 or 415 for
    anything that is not one."""
    if request.content_type not in REPORT_TYPES:
        return HttpResponse(status=415)
    body = request.read(MAX_REPORT_BYTES + 1)
    if len(body) > MAX_REPORT_BYTES:
        return HttpResponse(status=413)
    try:
        violations = _violations(json.loads(body))
    except (ValueError, RecursionError):  # not JSON, not UTF-8, nested too deep, not a report
        return HttpResponse(status=400)
    if violations and _within_limit(request):
        for violation in violations[:MAX_VIOLATIONS_PER_REPORT]:
            logger.warning("%s", _describe(violation))
    return HttpResponse(status=204)


def _violations(payload):
    """The violations in a report-uri document ({"csp-report": {…}}) or a Reporting API
    batch ([{"type": "csp-violation", "body": {…}}, …]), as dicts of FIELDS."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        return [_fields(payload["csp-report"], 1)]
    if isinstance(payload, list) and all(isinstance(report, dict) for report in payload):
        return [
            _fields(report["body"], 2)
            for report in payload
            if report.get("type") == "csp-violation" and isinstance(report.get("body"), dict)
        ]
    raise ValueError("not a violation report")


def _fields(report, column):
    """Each field as one short line of text, whatever the sender put in it."""
    fields = {}
    for field in FIELDS:
        value = report.get(field[column])
        if value is None and field[0] == "directive":
            value = report.get("violated-directive")  # older browsers
        text = "" if value is None else str(value)
        fields[field[0]] = CONTROL_CHARACTERS.sub("?", text[:MAX_FIELD_LENGTH])
    return fields


def _describe(violation):
    """The violation in one line of the log."""
    text = (
        f"Content-Security-Policy blocked {violation['blocked'] or 'something'} "
        f"({violation['directive'] or 'unknown directive'}) on {violation['page'] or 'a page'}"
    )
    if violation["source"]:
        text += f" at {violation['source']}"
    if violation["source"] and violation["line"]:
        text += f":{violation['line']}"
    if violation["sample"]:
        text += f": {violation['sample']!r}"
    return text + (f" [{violation['disposition']}]" if violation["disposition"] else "")


def _within_limit(request):
    """Counts this report against its sender's CSP_REPORT_LIMIT for the minute."""
    address = client_ip(request) or "unknown"
    key = "csp-reports:" + hashlib.sha256(address.encode()).hexdigest()
    # add() opens the window at the first report; incr() keeps its expiry.
    if cache.add(key, 1, WINDOW_SECONDS):
        return True
    try:
        return cache.incr(key) <= settings.CSP_REPORT_LIMIT
    except ValueError:  # the window closed in between
        cache.add(key, 1, WINDOW_SECONDS)
        return True
