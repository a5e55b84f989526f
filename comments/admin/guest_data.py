"""A guest commenter's personal data, by e-mail address: what is kept, its export, erasing it.

People with an account get theirs through accounts.personal_data; a guest has none,
so a moderator looks them up here, by address or from the link on their comment.
"""

import logging

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode

from .. import personal_data
from ..models import Comment
from .common import can_moderate, changelist_url

logger = logging.getLogger(__name__)


class GuestDataViews:
    """CommentAdmin's guest-data pages and the link to them from a guest's comment."""

    @admin.display(description="Guest's personal data")
    def guest_data(self, comment):
        if comment.user_id or not comment.email:
            return "—"
        return format_html(
            '<a href="{}">Export or erase everything by {}</a>',
            guest_data_url(comment.email),
            comment.email,
        )

    def get_urls(self):
        guest_views = [
            path(
                "guest-data/",
                self.admin_site.admin_view(self.guest_data_view),
                name="comments_comment_guest_data",
            ),
            path(
                "guest-data/export/",
                self.admin_site.admin_view(self.guest_data_export),
                name="comments_comment_guest_data_export",
            ),
        ]
        return guest_views + super().get_urls()  # before the catch-all "<object_id>/"

    def guest_data_view(self, request):
        """What is kept about a guest commenter, found by e-mail address, with the export
        link and the erase form; a POST from that form erases."""
        if not can_moderate(request):
            raise PermissionDenied
        if request.method == "POST":
            form = GuestEraseForm(request.POST)
            if form.is_valid():
                return self._erase_guest(request, form.cleaned_data)
            lookup = GuestLookupForm(request.POST)
        else:
            form = None
            lookup = GuestLookupForm(request.GET or None)
        email = lookup.cleaned_data["email"] if lookup.is_valid() else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "A guest commenter's personal data",
            "lookup_form": lookup,
            "email": email,
        }
        if email:
            counts = dict(
                personal_data.guest_comments(email)
                .order_by()
                .values_list("status")
                .annotate(n=Count("pk"))
            )
            context.update(
                comment_counts=[
                    (label, counts[value])
                    for value, label in Comment.Status.choices
                    if value in counts
                ],
                comment_total=sum(counts.values()),
                subscription_total=personal_data.guest_subscriptions(email).count(),
                comments_url=changelist_url(user__isnull="True", email__iexact=email),
                export_url=guest_data_url(email, export=True),
                erase_form=form or GuestEraseForm(initial={"email": email}),
            )
        status = 400 if form is not None else 200
        return TemplateResponse(request, "admin/comments/guest_data.html", context, status=status)

    def _erase_guest(self, request, data):
        email, remove = data["email"], data["comments"] == GuestEraseForm.REMOVE
        comments, subscriptions = personal_data.erase_guest(email, remove, request.user)
        outcome = "removed, their text deleted" if remove else "kept, signed “Guest”"
        logger.info(
            "%s erased the guest data of %s: %s comment(s) %s; %s subscription(s) deleted",
            request.user.get_username(), email, comments, outcome, subscriptions,
        )  # fmt: skip
        self.message_user(
            request,
            f"{email}: {comments} guest comment(s) {outcome}; their e-mail address, website, "
            f"IP address and browser forgotten; {subscriptions} subscription(s) deleted.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(guest_data_url(email))

    def guest_data_export(self, request):
        if not can_moderate(request):
            raise PermissionDenied
        lookup = GuestLookupForm(request.GET)
        if not lookup.is_valid():
            return HttpResponseRedirect(guest_data_url(request.GET.get("email", "")))
        email = lookup.cleaned_data["email"]
        logger.info("%s exported the guest data of %s", request.user.get_username(), email)
        data = {"exported_at": timezone.now(), **personal_data.export_guest(email)}
        response = JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2})
        response["Content-Disposition"] = 'attachment; filename="guest-commenter-data.json"'
        response["Cache-Control"] = "no-store"
        return response


def guest_data_url(email, export=False):
    name = "comments_comment_guest_data" + ("_export" if export else "")
    return f"{reverse(f'admin:{name}')}?{urlencode({'email': email})}"


class GuestLookupForm(forms.Form):
    email = forms.EmailField(label="E-mail address")


class GuestEraseForm(forms.Form):
    KEEP, REMOVE = "keep", "remove"

    email = forms.EmailField(widget=forms.HiddenInput)
    comments = forms.ChoiceField(
        label="Their comments",
        choices=[
            (KEEP, "Keep them in their discussions, signed “Guest”"),
            (REMOVE, "Remove them from the site and delete their text"),
        ],
        initial=KEEP,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "erase_%s")  # the look-up form on the page has id_email
        super().__init__(*args, **kwargs)
