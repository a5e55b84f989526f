"""How django-allauth signs people up and in on Colloquy (ACCOUNT_ADAPTER and friends)."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.contrib.auth.hashers import make_password
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.text import slugify

from core.net import client_ip
from core.tasks import send_email

from . import ratelimit

logger = logging.getLogger(__name__)

# The username of someone who gave no name we can make one of.
FALLBACK_USERNAME = "reader"


def user_display(user):
    return user.get_display_name()


class SignupForm(AllauthSignupForm):
    """allauth's sign-up (e-mail and password twice), plus the name shown on comments."""

    display_name = forms.CharField(
        label="Display name",
        max_length=150,
        help_text="How your name appears on your comments.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["display_name", "email", "password1", "password2"]

    def try_save(self, request):
        if self.account_already_exists:
            # Hashed and thrown away: a taken address costs what a new account's password does.
            make_password(self.cleaned_data["password1"])
        return super().try_save(request)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Rendered now, sent by the task worker: no request waits for the mail server, so
        how long a page takes never tells whom it mailed."""
        context = {
            "request": self.request,
            "email": email,
            "current_site": get_current_site(self.request),
            **context,
        }
        message = self.render_mail(template_prefix, email, context)
        html = next((text for text, kind in message.alternatives if kind == "text/html"), None)
        send_email.enqueue(message.subject, message.body, message.to, html=html)

    def authenticate(self, request, **credentials):
        # allauth shows its failed-sign-in lockout as a form error; ours is the 429 page.
        try:
            return super().authenticate(request, **credentials)
        except ValidationError as error:
            if error.code != "too_many_login_attempts":
                raise
            logger.warning("Sign-in refused: too many failures from %s", client_ip(request))
            response = ratelimit.too_many_requests(
                request, retry_after=ratelimit.window("login_failed")
            )
            raise ImmediateHttpResponse(response) from error

    def get_client_ip(self, request):
        # The same address the comment rate limits see: X-Forwarded-For is believed
        # only from the proxies listed in TRUSTED_PROXIES.
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine the client's IP address.")
        return address

    def is_reauthentication_required(self, *, app, **kwargs):
        """Someone who only ever signed in through another site has no password to type
        again: asking would forbid them from setting their first one. Their session is the
        proof we have, as it was when they signed in."""
        user = getattr(self.request, "user", None)
        signed_in_elsewhere = (
            user is not None and user.is_authenticated and not user.has_usable_password()
        )
        if signed_in_elsewhere and not self.get_reauthentication_methods(user):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def save_user(self, request, user, form, commit=True):
        user.display_name = form.cleaned_data.get("display_name", "").strip()
        return super().save_user(request, user, form, commit=commit)

    def populate_username(self, request, user):
        """A username from the person's name, never from the e-mail address: it is public
        in /author/<username>/ links, and an address's first half should not be."""
        if user.username:
            return
        names = [slugify(name) for name in (user.display_name, user.get_full_name())]
        user.username = self.generate_unique_username([*names, FALLBACK_USERNAME])


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        name = data.get("name") or " ".join(
            part for part in (data.get("first_name"), data.get("last_name")) if part
        )
        user.display_name = (name or "").strip()[:150]
        return user
