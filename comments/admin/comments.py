"""The comment list and page: the moderation queue, its filters and actions, the history."""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import Truncator

from core.admin import DateHierarchyInRange

from .. import services
from ..models import Comment, ModerationEvent, Report, refresh_comment_counts
from .common import can_moderate, changelist_url
from .guest_data import GuestDataViews

# The words the event log uses for each moderator decision.
DECISIONS = {
    Comment.Status.APPROVED: "approved",
    Comment.Status.PENDING: "unapproved",
    Comment.Status.SPAM: "marked as spam",
    Comment.Status.REMOVED: "removed",
}


def _open_reports():
    return Report.objects.filter(comment=OuterRef("pk"), resolved=False)


def decide(request, comment, status, note=""):
    """A moderator's decision from the admin; returns whether the status changed."""
    return services.moderate(
        comment, status, actor=request.user, action=DECISIONS[status], note=note
    )


def commenter(comment):
    """(lookups, changelist parameters) selecting every comment by the same commenter:
    the account when there is one, else the e-mail address among guests; or None."""
    if comment.user_id:
        return {"user": comment.user_id}, {"user__exact": comment.user_id}
    if comment.email:
        return (
            {"user__isnull": True, "email__iexact": comment.email},
            {"user__isnull": "True", "email__iexact": comment.email},
        )
    return None


class ReportedFilter(admin.SimpleListFilter):
    title = "reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", "Reported (unresolved)"), ("no", "No open reports")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(Exists(_open_reports()))
        if self.value() == "no":
            return queryset.exclude(Exists(_open_reports()))
        return queryset


class PostFilter(admin.RelatedOnlyFieldListFilter):
    """The posts that have comments in the queue, by title, without loading their bodies."""

    # No "-" choice for comments without a post: the "On" filter picks page comments.
    include_empty_choice = False

    def field_choices(self, field, request, model_admin):
        commented = model_admin.get_queryset(request).order_by().values("post")
        return list(
            field.related_model._default_manager.filter(pk__in=commented).values_list("pk", "title")
        )


class TargetFilter(admin.SimpleListFilter):
    """Comments on posts, or on pages (imported from WordPress; pages take no new ones)."""

    title = "what they are on"
    parameter_name = "on"

    def lookups(self, request, model_admin):
        return [("post", "Posts"), ("page", "Pages")]

    def queryset(self, request, queryset):
        if self.value() in ("post", "page"):
            return queryset.filter(**{f"{self.value()}__isnull": False})
        return queryset


class ReadOnlyInline(admin.TabularInline):
    # A plain table of the rows, each cell under its heading.
    template = "admin/edit_inline/read_only_tabular.html"
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ModerationEventInline(ReadOnlyInline):
    model = ModerationEvent
    verbose_name = "moderation event"
    verbose_name_plural = "Moderation log"
    fields = ("at", "actor", "action", "change", "note")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description="From → to")
    def change(self, event):
        if not (event.from_status or event.to_status):
            return "—"
        return f"{event.from_status or '—'} → {event.to_status or '—'}"


class ReportInline(ReadOnlyInline):
    model = Report
    fields = ("created_at", "user", "ip_address", "reason", "resolved")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class CommentAdmin(GuestDataViews, DateHierarchyInRange, admin.ModelAdmin):
    list_display = (
        "excerpt",
        "author",
        "status_label",
        "target_link",
        "submitted_at",
        "report_count",
        "history_link",
        "on_site",
    )
    list_display_links = ("excerpt",)
    list_filter = (
        "status",
        ReportedFilter,
        TargetFilter,
        ("post", PostFilter),
        "kind",
    )
    list_select_related = ("post", "page", "user")
    date_hierarchy = "submitted_at"
    search_fields = (
        "body",
        "name",
        "email",
        "ip_address",
        "post__title",
        "page__title",
        "user__username",
    )
    actions = ["approve", "unapprove", "mark_spam", "remove"]
    inlines = [ReportInline, ModerationEventInline]
    readonly_fields = (
        "target_link",
        "parent",
        "kind",
        "user",
        "status_reason",
        "commenter_history",
        "submitted_at",
        "edited_at",
        "ip_address",
        "user_agent",
        "path",
        "depth",
        "guest_data",
    )

    def get_queryset(self, request):
        # Built here rather than by super(), whose ordering names the annotation below.
        open_reports = (
            _open_reports().order_by().values("comment").annotate(n=Count("pk")).values("n")
        )
        queryset = (
            self.model._default_manager.get_queryset()
            .select_related("post", "page", "user")
            .annotate(
                queue_rank=Case(
                    When(status=Comment.Status.PENDING, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
                open_reports=Coalesce(Subquery(open_reports), 0),
            )
            .order_by(*self.get_ordering(request))
        )
        if not can_moderate(request):
            queryset = queryset.filter(post__author=request.user)
        return queryset

    def get_ordering(self, request):
        return ["queue_rank", "-submitted_at", "-pk"]

    def get_search_fields(self, request):
        if can_moderate(request):
            return self.search_fields
        return tuple(field for field in self.search_fields if field != "ip_address")

    def get_fieldsets(self, request, obj=None):
        moderates = can_moderate(request)
        fieldsets = [
            (None, {"fields": ("target_link", "parent", "kind", "body")}),
            (
                "Commenter",
                {
                    "fields": (
                        "user",
                        "name",
                        "email",
                        "url",
                        *(["commenter_history", "guest_data"] if moderates else []),
                    )
                },
            ),
            (
                "Moderation",
                {"fields": ("status", "status_reason", "submitted_at", "edited_at")},
            ),
        ]
        if moderates:
            fieldsets.append(
                (
                    "Technical",
                    {"fields": ("ip_address", "user_agent", "path", "depth")},
                )
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if can_moderate(request):
            return self.readonly_fields
        return (*self.readonly_fields, "status")

    def has_add_permission(self, request):
        # Comments arrive through the site, where the policy and the anti-spam checks run.
        return False

    def has_moderate_permission(self, request):
        return can_moderate(request)

    def view_on_site(self, comment):
        # The permalink only leads somewhere for a public comment on a public post or page.
        return comment.get_absolute_url() if self._is_on_site(comment) else None

    @staticmethod
    def _is_on_site(comment):
        return comment.is_public and comment.target_is_public

    # Saving and deleting -------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        status = obj.status
        status_changed = change and "status" in form.changed_data
        if status_changed:
            # The rest is saved as typed; the status only moves through services, logged.
            obj.status = form.initial["status"]
        super().save_model(request, obj, form, change)
        if status_changed:
            decide(request, obj, status, note="changed on the comment page")

    def delete_model(self, request, obj):
        super().delete_model(request, obj)  # the comment's delete() updates what shows it

    @transaction.atomic  # the comments and their posts' counts, together
    def delete_queryset(self, request, queryset):
        post_ids = set(queryset.values_list("post_id", flat=True))
        super().delete_queryset(request, queryset)
        refresh_comment_counts(post_ids)

    # Bulk actions --------------------------------------------------------------------

    @transaction.atomic  # one change for the pages, however many comments
    def _decide_all(self, request, queryset, status):
        # In the posts' order, as their rows are locked: two moderators never deadlock.
        chosen = queryset.order_by("post_id", "pk")
        changed = sum(decide(request, comment, status) for comment in chosen)
        unchanged = len(queryset) - changed
        message = f"{DECISIONS[status].capitalize()} {changed} comment(s)."
        if unchanged:
            message += f" {unchanged} already had that status."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Approve selected comments", permissions=["moderate"])
    def approve(self, request, queryset):
        self._decide_all(request, queryset, Comment.Status.APPROVED)

    @admin.action(
        description="Unapprove selected comments (back to pending)", permissions=["moderate"]
    )
    def unapprove(self, request, queryset):
        self._decide_all(request, queryset, Comment.Status.PENDING)

    @admin.action(description="Mark selected comments as spam", permissions=["moderate"])
    def mark_spam(self, request, queryset):
        self._decide_all(request, queryset, Comment.Status.SPAM)

    @admin.action(description="Remove selected comments", permissions=["moderate"])
    def remove(self, request, queryset):
        self._decide_all(request, queryset, Comment.Status.REMOVED)

    # Columns and read-only fields ----------------------------------------------------

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(70)

    @admin.display(description="Author", ordering="name")
    def author(self, comment):
        if comment.user_id:
            return format_html(
                "{}<br><small>account {} · {}</small>",
                comment.author_name,
                comment.user.username,
                comment.user.email or "no e-mail",
            )
        return format_html("{}<br><small>{}</small>", comment.author_name, comment.email or "—")

    @admin.display(description="On", ordering=Coalesce("post__title", "page__title"))
    def target_link(self, comment):
        link = (
            '<a href="{}">{}</a>'
            if comment.post_id
            else '<a href="{}">{}</a> <small>(page)</small>'
        )
        return format_html(
            link, comment.target.get_absolute_url(), Truncator(comment.target.title).chars(60)
        )

    @admin.display(description="Status", ordering="queue_rank")
    def status_label(self, comment):
        if not comment.status_reason:
            return comment.get_status_display()
        return format_html(
            "{}<br><small>{}</small>", comment.get_status_display(), comment.status_reason
        )

    @admin.display(description="Reports", ordering="open_reports")
    def report_count(self, comment):
        if not comment.open_reports:
            return 0
        return format_html(
            '<a href="{}?{}">{}</a>',
            reverse("admin:comments_report_changelist"),
            urlencode({"comment": comment.pk, "resolved__exact": 0}),
            comment.open_reports,
        )

    @admin.display(description="History")
    def history_link(self, comment):
        found = commenter(comment)
        if found is None:
            return "—"
        return format_html('<a href="{}">all by them</a>', changelist_url(**found[1]))

    @admin.display(description="Commenter's comments")
    def commenter_history(self, comment):
        found = commenter(comment)
        if found is None:
            return "No account or e-mail address to go by."
        lookups, params = found
        counts = dict(
            Comment.objects.filter(**lookups)
            .order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
        )
        summary = format_html_join(
            ", ",
            "{} {}",
            (
                (counts[value], label.lower())
                for value, label in Comment.Status.choices
                if value in counts
            ),
        )
        return format_html('<a href="{}">{}</a>', changelist_url(**params), summary)

    @admin.display(description="On the site")
    def on_site(self, comment):
        if not self._is_on_site(comment):
            return "—"
        return format_html('<a href="{}">view</a>', comment.get_absolute_url())
