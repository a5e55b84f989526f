"""Requests the site could only misread are answered 400 before anything reads them.

A NUL in the address or the query string would reach the database, which PostgreSQL
refuses with a server error; bytes that are not UTF-8 in the query string or a form
would be read, and stored, with U+FFFD in place of what was sent. A NUL in a form field
is the form's to refuse, with the text kept (Django's CharField does), so a form's body
is only checked for UTF-8.
"""

from urllib.parse import unquote_to_bytes

from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

NUL = "\x00"
REPLACEMENT = "\ufffd"


class RefuseUnreadableInput:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = unreadable(request)
        if problem:
            return HttpResponseBadRequest(render_to_string("400.html", {"message": problem}))
        # A cookie with a NUL was never set by this site: ignored, like a malformed one.
        request.COOKIES = {
            name: value
            for name, value in request.COOKIES.items()
            if NUL not in name and NUL not in value
        }
        return self.get_response(request)


def unreadable(request):
    """What is wrong with the request, for a person, or None."""
    # Bytes that are not UTF-8 in the path Django keeps percent-encoded: a path no page has.
    if NUL in request.path_info:
        return _("This address has a NUL character in it: no address on this site has one.")
    if not _is_text_without_nul(unquote_to_bytes(_raw_query_string(request))):
        return _(
            "The part of this address after “?” has a character in it that this site "
            "cannot read (a NUL, or bytes that are not UTF-8 text)."
        )
    if request.method == "POST" and not _form_is_text(request):
        return _(
            "The form was sent with text that is not UTF-8, so it was not read and "
            "nothing was saved. Go back, check what you wrote, and send it again."
        )
    return None


def _form_is_text(request):
    if request.content_type == "application/x-www-form-urlencoded":
        return _is_utf8(unquote_to_bytes(request.body))
    if request.content_type == "multipart/form-data":
        # Django decodes each multipart field with U+FFFD for bytes that are not UTF-8,
        # so no raw bytes are left to check: any U+FFFD in a field is refused.
        return not any(
            REPLACEMENT in text for name, values in request.POST.lists() for text in (name, *values)
        )
    return True


def _raw_query_string(request):
    # WSGI hands it over as bytes in a latin-1 string (PEP 3333); ASGI as text.
    value = request.META.get("QUERY_STRING", "")
    return value.encode("iso-8859-1") if isinstance(request, WSGIRequest) else value.encode()


def _is_text_without_nul(data):
    return b"\x00" not in data and _is_utf8(data)


def _is_utf8(data):
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
