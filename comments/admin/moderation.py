"""The moderators' other lists: the rules that hold or refuse comments, and readers' reports."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from ..models import ModerationRule


class ModerationRuleForm(forms.ModelForm):
    class Meta:
        model = ModerationRule
        fields = ("list", "kind", "value", "note")

    def clean(self):
        cleaned = super().clean()
        # As the model will store it, so that the uniqueness check sees the same value.
        value = cleaned.get("value", "").strip()
        if cleaned.get("kind") != ModerationRule.Kind.WORD:
            value = value.lower()
        cleaned["value"] = value
        return cleaned


class ModerationRuleAdmin(admin.ModelAdmin):
    form = ModerationRuleForm
    list_display = ("value", "list", "kind", "note", "created_at")
    list_filter = ("list", "kind")
    search_fields = ("value", "note")
    fieldsets = (
        (
            None,
            {
                "fields": ("list", "kind", "value", "note"),
                "description": (
                    "A new comment matching the disallowed list is marked as spam; one "
                    "matching the moderation list waits for a moderator. Words match whole "
                    "words anywhere in the comment, name, e-mail or website; an IP address "
                    "ending in “.” or “*” matches a range; an e-mail address written as "
                    "“@example.com” matches a whole domain."
                ),
            },
        ),
    )


class ReportAdmin(admin.ModelAdmin):
    list_display = ("comment_link", "reason", "reporter", "created_at", "resolved")
    # Each row links to its report by its date: the comment's column is a link already.
    list_display_links = ("created_at",)
    list_filter = ("resolved", "created_at")
    list_select_related = ("comment", "user")
    search_fields = ("reason", "comment__body")
    fields = ("comment_link", "reporter", "reason", "created_at", "resolved")
    readonly_fields = ("comment_link", "reporter", "reason", "created_at")
    actions = ["mark_resolved"]

    def has_add_permission(self, request):
        return False  # readers report comments on the site

    @admin.display(description="Comment", ordering="comment__submitted_at")
    def comment_link(self, report):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:comments_comment_change", args=[report.comment_id]),
            Truncator(report.comment.body).chars(80),
        )

    @admin.display(description="Reported by")
    def reporter(self, report):
        return report.user or report.ip_address or "—"

    @admin.action(description="Mark selected reports as resolved", permissions=["change"])
    def mark_resolved(self, request, queryset):
        count = queryset.filter(resolved=False).update(resolved=True)
        self.message_user(request, f"Resolved {count} report(s).", messages.SUCCESS)
