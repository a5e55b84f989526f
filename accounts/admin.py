from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models

from core.images import ValidatedImageField

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    formfield_overrides = {models.ImageField: {"form_class": ValidatedImageField}}
    list_display = ("username", "display_name", "email", "is_staff", "roles")
    list_filter = ("groups", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "display_name", "first_name", "last_name", "email")
    fieldsets = (
        *BaseUserAdmin.fieldsets[:1],
        (
            "Profile",
            {
                "fields": (
                    "display_name",
                    "first_name",
                    "last_name",
                    "email",
                    "bio",
                    "avatar",
                    "website",
                )
            },
        ),
        (
            "Roles and permissions",
            {
                "fields": ("is_active", "groups", "is_superuser", "user_permissions"),
                "description": "Authors, Editors and Moderators work in the admin: "
                "putting someone in one of those groups gives them staff access.",
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Roles")
    def roles(self, user):
        return ", ".join(group.name for group in user.groups.all()) or "—"
