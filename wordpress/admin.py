from pathlib import Path

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from .models import ImportedItem, ImportRun
from .tasks import read_progress, run_import


class ImportRunForm(forms.ModelForm):
    class Meta:
        model = ImportRun
        fields = ("export", "media_dir", "dry_run")

    def clean_export(self):
        export = self.cleaned_data["export"]
        head = export.read(512).lstrip()
        export.seek(0)
        if not export.name.lower().endswith(".xml") or not head.startswith(b"<"):
            raise forms.ValidationError(
                "Choose the .xml file that WordPress's Tools → Export (or WordPress.com's "
                "Export) gives you."
            )
        return export

    def clean_media_dir(self):
        media_dir = self.cleaned_data["media_dir"].strip()
        if media_dir and not Path(media_dir).is_dir():
            raise forms.ValidationError(f"There is no folder {media_dir} on the server.")
        return media_dir


class SuperuserOnly:
    """Imports write everything, as anyone: only superusers may see or start them."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


@admin.register(ImportRun)
class ImportRunAdmin(SuperuserOnly, admin.ModelAdmin):
    form = ImportRunForm
    list_display = ("__str__", "state", "dry_run", "started_by", "created_at", "finished_at")
    list_filter = ("state",)
    readonly_fields = ("state", "progress", "started_by", "created_at", "finished_at", "result")
    change_form_template = "admin/wordpress/importrun/change_form.html"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("export", "media_dir", "dry_run")
        return ("state", "progress", "dry_run", "media_dir", "started_by", "created_at",
                "finished_at", "result")  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj else ()

    @admin.display(description="Progress")
    def progress(self, run):
        if run.state == ImportRun.State.RUNNING:
            percent = read_progress(run.pk)
            return f"{percent}%" if percent is not None else "starting"
        return "—" if run.state == ImportRun.State.QUEUED else "100%"

    @admin.display(description="Report")
    def result(self, run):
        return format_html('<pre class="import-report">{}</pre>', run.report or "—")

    def save_model(self, request, obj, form, change):
        obj.started_by = request.user
        obj.original_name = form.cleaned_data["export"].name[:300]
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: run_import.enqueue(obj.pk))

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request, "The import is queued; this page shows its progress and its report."
        )
        return HttpResponseRedirect(reverse("admin:wordpress_importrun_change", args=[obj.pk]))


@admin.register(ImportedItem)
class ImportedItemAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ("kind", "key", "site", "imported_at")
    list_filter = ("kind", "site")
    search_fields = ("key", "guid")
    list_select_related = ("post", "page", "image", "category", "tag", "user")
    readonly_fields = ("site", "kind", "key", "guid", "target", "imported_at")
    fields = readonly_fields
