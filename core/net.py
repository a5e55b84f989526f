import ipaddress

from django.conf import settings


def client_ip(request):
    """The visitor's address: REMOTE_ADDR, or X-Forwarded-For when a trusted proxy sent it.

    Walks X-Forwarded-For from the right, skipping trusted proxies, so a client cannot
    choose its own address by sending the header itself. Whatever is not an IP address
    (a header mangled on the way) is no address: None.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(settings.TRUSTED_PROXIES)
    if remote not in trusted:
        return _address(remote)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([part for part in forwarded if part]):
        if address not in trusted:
            return _address(address)
    return _address(remote)


def _address(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return None
    return text
