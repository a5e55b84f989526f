"""Every lockout's answer: 429, one page, and Retry-After when the window is known.

allauth limits its own forms (ACCOUNT_RATE_LIMITS) and answers through handler429
(config.urls), or, for failed sign-ins, through the site's adapter (accounts.adapter).
It does not limit the Django admin's login page, which signs staff in by username:
`limit_failed_logins` counts the admin's refused log-ins in the shared cache, per IP
address and username and per IP address, and answers 429 once either reaches its limit
within LOGIN_FAILURE_WINDOW seconds, even for the right password.
"""

import hashlib
import logging
from functools import wraps

from allauth.account import app_settings as allauth_settings
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from core.net import client_ip

logger = logging.getLogger(__name__)


# The allauth action whose limit each of its pages counts (allauth's "Rate Limits" docs).
PAGE_ACTIONS = {
    "account_signup": "signup",
    "account_login": "login",
    "account_reset_password": "reset_password",
    "account_reset_password_from_key": "reset_password_from_key",
    "account_change_password": "change_password",
    "account_set_password": "change_password",
    "account_email": "manage_email",
    "account_reauthenticate": "reauthenticate",
}
SECONDS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}


def window(action):
    """The longest window, in seconds, of allauth's limits on `action` (None if unlimited):
    60 for "20/m/ip,5/m/key", 300 for "5/300s/key"."""
    rates = (allauth_settings.RATE_LIMITS.get(action) or "").split(",")
    durations = [rate.split("/")[1].strip() for rate in rates if rate.strip()]
    return max(
        (round(float(duration[:-1] or 1) * SECONDS[duration[-1]]) for duration in durations),
        default=None,
    )


def too_many_requests(request, exception=None, retry_after=None):
    """The 429 page of every lockout (config.urls.handler429 for allauth's limits).

    `retry_after`: seconds; by default the window of the limit the page's action counts."""
    response = render(request, "account/too_many_requests.html", status=429)
    if retry_after is None:
        match = request.resolver_match
        action = PAGE_ACTIONS.get(match.url_name) if match else None
        retry_after = window(action) if action else None
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _digest(*parts):
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _counters(request, username):
    """(cache key, limit) for each count a failure adds to."""
    address = client_ip(request) or "unknown"
    per_username = _digest(address, username.strip().lower())
    return [
        (f"admin-login-failures:{per_username}", settings.LOGIN_FAILURE_LIMIT),
        (f"admin-login-failures:{_digest(address)}", settings.LOGIN_FAILURE_IP_LIMIT),
    ]


def _blocked(counters):
    counts = cache.get_many([key for key, _ in counters])
    return any(counts.get(key, 0) >= limit for key, limit in counters)


def _count_failure(counters):
    for key, _ in counters:
        # add() opens the window at the first failure; incr() keeps its expiry.
        if not cache.add(key, 1, settings.LOGIN_FAILURE_WINDOW):
            try:
                cache.incr(key)
            except ValueError:  # the window closed in between
                cache.add(key, 1, settings.LOGIN_FAILURE_WINDOW)


def limit_failed_logins(login_view):
    """Wrap a login view whose POST redirects on success and shows the form again on failure."""

    @wraps(login_view)
    def view(request, *args, **kwargs):
        if request.method != "POST":
            return login_view(request, *args, **kwargs)
        counters = _counters(request, request.POST.get("username", ""))
        if _blocked(counters):
            logger.warning("Admin login refused: too many failures from %s", client_ip(request))
            return too_many_requests(request, retry_after=settings.LOGIN_FAILURE_WINDOW)
        response = login_view(request, *args, **kwargs)
        if response.status_code == 200:  # the form again: the log-in was refused
            _count_failure(counters)
        return response

    return view
