from django import forms
from markdownx.widgets import AdminMarkdownxWidget

from core.images import PublicImageField

from .models import Post, PostImage


class ImageUploadForm(forms.ModelForm):
    """An image dropped into the editor: the file and its alt text, at least."""

    # Refuses an SVG, a text file or a bomb with validate_image's own message.
    image = PublicImageField()

    class Meta:
        model = PostImage
        fields = ["image", "alt_text", "caption", "credit", "source_url", "post"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["post"].required = False
        self.fields["post"].queryset = self._editable_posts(user)

    @staticmethod
    def _editable_posts(user):
        """Only a post the uploader may change; seeing a post is not enough to add to it."""
        if user is None or not user.has_perm("blog.change_post"):
            return Post.objects.none()
        if user.has_perm("blog.edit_others_posts"):
            return Post.objects.all()
        return Post.objects.filter(author=user)

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
