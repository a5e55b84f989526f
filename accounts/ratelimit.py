"""Failed log-ins on the Django admin's login page, limited as the site's own sign-in is.

allauth limits its sign-in form (ACCOUNT_RATE_LIMITS["login_failed"]) but not the
admin's, which signs staff in by username. This wrapper counts the admin's refused
log-ins in the shared cache, per IP address and username and per IP address, and
answers 429 once either reaches its limit within LOGIN_FAILURE_WINDOW seconds, even
for the right password.
"""

import hashlib
import logging
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from comments.net import client_ip

logger = logging.getLogger(__name__)


def too_many_requests(request, exception=None):
    """The 429 page, for the admin's login and for allauth's limits (config.urls.handler429)."""
    return render(request, "account/too_many_requests.html", status=429)


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
            response = too_many_requests(request)
            response["Retry-After"] = str(settings.LOGIN_FAILURE_WINDOW)
            return response
        response = login_view(request, *args, **kwargs)
        if response.status_code == 200:  # the form again: the log-in was refused
            _count_failure(counters)
        return response

    return view
