from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from markdownx.widgets import AdminMarkdownxWidget

from core.admin import DateHierarchyInRange
from core.images import PublicImageField

from .forms import PostAdminForm
from .models import Category, NavigationItem, Page, Post, PostImage, Redirect, SiteSettings
from .redirects import address


def _edits_all_posts(request):
    return request.user.has_perm("blog.edit_others_posts")


# Says why an upload is refused (an SVG, a text file, a bomb), not just "invalid image",
# and stores it upright without its EXIF (a GPS position, above all).
IMAGE_UPLOADS = {models.ImageField: {"form_class": PublicImageField}}


class PostImageInline(admin.StackedInline):
    model = PostImage
    formfield_overrides = IMAGE_UPLOADS
    fk_name = "post"
    extra = 0
    fields = ("preview", "image", "alt_text", "caption", "credit", "source_url", "reference")
    readonly_fields = ("preview", "reference")
    classes = ("post-images",)

    @admin.display(description="")
    def preview(self, image):
        if not image.pk or not image.image:
            return "—"
        return format_html('<img src="{}" alt="" class="image-preview">', image.image.url)

    @admin.display(description="In the body, write")
    def reference(self, image):
        return format_html("<code>{}</code>", image.markdown) if image.pk else "Save to get it."


class PublicationFilter(admin.SimpleListFilter):
    """Status as readers experience it: a published post with a future date is scheduled."""

    title = "status"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("pending", "Pending review"),
            ("private", "Private"),
            ("scheduled", "Scheduled"),
            ("live", "Published"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "scheduled":
            return queryset.scheduled()
        if value == "live":
            return queryset.published()
        if value in ("draft", "pending", "private"):
            return queryset.filter(status=value)
        return queryset


@admin.register(Post)
class PostAdmin(DateHierarchyInRange, admin.ModelAdmin):
    form = PostAdminForm
    list_display = ("title", "status_label", "author", "category_list", "published_at", "sticky")
    list_filter = (PublicationFilter, "categories", "sticky", "comments_open", "author")
    list_select_related = ("author",)
    search_fields = ("title", "excerpt", "body")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("categories",)
    # Searched, not listed: an editor may use every image on the site.
    autocomplete_fields = ("related", "featured_image")
    inlines = [PostImageInline]
    actions = ["publish_selected", "submit_for_review"]
    fieldsets = (
        (None, {"fields": ("title", "slug", "body", "excerpt")}),
        ("Publishing", {"fields": ("status", "published_at", "author", "sticky", "comments_open")}),
        ("Filing", {"fields": ("categories", "tags", "featured_image", "related")}),
    )

    class Media:
        js = ("js/admin-editor.js",)  # css/admin.css is on every admin page

    def get_queryset(self, request):
        queryset = (
            super().get_queryset(request).select_related("author").prefetch_related("categories")
        )
        return queryset if _edits_all_posts(request) else queryset.filter(author=request.user)

    def _may_touch(self, request, post):
        return post is None or post.author_id == request.user.pk or _edits_all_posts(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_touch(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_touch(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return () if _edits_all_posts(request) else ("author",)

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not request.user.has_perm("blog.publish_post"):
            kwargs["choices"] = [
                (value, label)
                for value, label in Post.Status.choices
                if value in (Post.Status.DRAFT, Post.Status.PENDING)
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        if "featured_image" in form.base_fields:
            field = form.base_fields["featured_image"]
            field.queryset = PostImage.objects.usable_by(request.user)
            field.help_text = _(
                "Your own images, your posts' images, or an image already shown on a "
                "published post; search by alt text or caption."
            )
        return form

    def save_model(self, request, obj, form, change):
        if not change and not _edits_all_posts(request):
            obj.author = request.user
        if obj.status in (Post.Status.PUBLISHED, Post.Status.PRIVATE) and not request.user.has_perm(
            "blog.publish_post"
        ):
            obj.status = Post.Status.PENDING
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, PostImage) and instance.uploaded_by_id is None:
                instance.uploaded_by = request.user
        formset.save()

    @admin.display(description="Status", ordering="status")
    def status_label(self, post):
        if post.is_scheduled:
            return format_html("Scheduled <small>({})</small>", post.published_at.date())
        return post.get_status_display()

    @admin.display(description="Categories")
    def category_list(self, post):
        return ", ".join(category.name for category in post.categories.all())

    @admin.action(description="Publish selected posts", permissions=["publish"])
    @transaction.atomic  # one change for the pages, however many posts
    def publish_selected(self, request, queryset):
        updated = 0
        for post in queryset:
            if self._may_touch(request, post) and post.status != Post.Status.PUBLISHED:
                post.status = Post.Status.PUBLISHED
                post.save()
                updated += 1
        self.message_user(request, f"Published {updated} post(s).", messages.SUCCESS)

    @admin.action(description="Submit selected drafts for review", permissions=["change"])
    @transaction.atomic
    def submit_for_review(self, request, queryset):
        updated = 0
        for post in queryset.filter(status=Post.Status.DRAFT):
            if self._may_touch(request, post):
                post.status = Post.Status.PENDING
                post.save()
                updated += 1
        self.message_user(request, f"Submitted {updated} post(s) for review.", messages.SUCCESS)

    def has_publish_permission(self, request):
        return request.user.has_perm("blog.publish_post")


@admin.register(PostImage)
class PostImageAdmin(admin.ModelAdmin):
    formfield_overrides = IMAGE_UPLOADS
    list_display = ("thumbnail", "alt_text", "caption", "credit", "post", "created_at")
    # The alt text names the link; the thumbnail beside it says nothing more.
    list_display_links = ("alt_text",)
    list_select_related = ("post",)
    search_fields = ("alt_text", "caption", "credit")
    fields = ("image", "alt_text", "caption", "credit", "source_url", "description", "post")
    raw_id_fields = ("post",)

    class Media:
        css = {"all": ("css/admin.css",)}

    def get_queryset(self, request):
        # The images the user may use, which include those they may edit; the others
        # do not exist for them, here and in the featured image's search.
        return super().get_queryset(request).usable_by(request.user)

    def _may_edit(self, request, image):
        return image is None or PostImage.objects.editable_by(request.user).contains(image)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "post":
            kwargs["queryset"] = Post.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="Image")
    def thumbnail(self, image):
        if not image.image:
            return "(file missing)"
        return format_html('<img src="{}" alt="" class="image-thumbnail">', image.image.url)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("__str__", "slug", "post_count")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "parent", "description")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("parent__parent__parent")
            .annotate(post_count=Count("posts"))
        )

    @admin.display(description="Posts", ordering="post_count")
    def post_count(self, category):
        return category.post_count


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ("title", "path", "status", "order", "updated_at")
    list_filter = ("status",)
    search_fields = ("title", "body")
    prepopulated_fields = {"slug": ("title",)}
    fields = ("title", "slug", "parent", "order", "status", "body")

    class Media:
        js = ("js/admin-editor.js",)  # css/admin.css is on every admin page

    formfield_overrides = {models.TextField: {"widget": AdminMarkdownxWidget}}


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    """Old addresses are made by what moved (a slug or date changed, an import); here they
    are looked up and, when one should answer 404 after all, deleted."""

    list_display = ("old_path", "leads_to", "new_address", "source", "created_at")
    list_filter = ("source",)
    search_fields = ("old_path", "post__title", "page__title", "category__name", "tag__name")
    list_select_related = ("post", "page", "category", "image__post", "tag")
    fields = readonly_fields = ("old_path", "leads_to", "new_address", "source", "created_at")
    ordering = ("-created_at", "-pk")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Leads to")
    def leads_to(self, redirect):
        return redirect.target

    @admin.display(description="New address")
    def new_address(self, redirect):
        url = address(redirect.target)
        return format_html('<a href="{}">{}</a>', url, url) if url else "—"


# Stacked: a table's inputs have no labels of their own.
class NavigationItemInline(admin.StackedInline):
    model = NavigationItem
    extra = 1
    fields = ("order", "label", "page", "category", "url")


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    formfield_overrides = IMAGE_UPLOADS
    fields = ("title", "tagline", "logo", "footer_text")
    inlines = [NavigationItemInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        settings = SiteSettings.load()
        return HttpResponseRedirect(reverse("admin:blog_sitesettings_change", args=[settings.pk]))
