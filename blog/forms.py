from django import forms
from markdownx.widgets import AdminMarkdownxWidget

from .models import Post, PostImage


class ImageUploadForm(forms.ModelForm):
    """An image dropped into the editor: the file and its alt text, at least."""

    class Meta:
        model = PostImage
        fields = ["image", "alt_text", "caption", "credit", "source_url", "post"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["post"].required = False
        self.fields["post"].queryset = (
            Post.objects.visible_to(user) if user else Post.objects.none()
        )

    def save(self, commit=True):
        self.instance.uploaded_by = self.user
        return super().save(commit)


class PostAdminForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = [
            "title", "slug", "body", "excerpt", "status", "published_at", "author", "sticky",
            "comments_open", "categories", "tags", "featured_image", "related",
        ]  # fmt: skip
        widgets = {
            "body": AdminMarkdownxWidget(attrs={"rows": 24}),
            "excerpt": forms.Textarea(attrs={"rows": 3}),
        }
