from django import forms
from django.utils.translation import ngettext
from markdownx.widgets import AdminMarkdownxWidget

from core.images import PublicImageField

from .models import Post, PostImage
from .rendering import image_ids


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
        return Post.objects.none() if user is None else Post.objects.editable_by(user)

    def save(self, commit=True):
        self.instance.uploaded_by = self.user
        return super().save(commit)


class PostAdminForm(forms.ModelForm):
    # Who is saving: PostAdmin.get_form sets it, so that the text may show only the
    # images they may use (PostImage.objects.usable_by).
    user = None

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

    def clean(self):
        cleaned_data = super().clean()
        if self.user is not None:
            for field in ("body", "excerpt"):
                refused = self._refused_images(cleaned_data.get(field))
                if refused:
                    self.add_error(field, _refusal(refused))
        return cleaned_data

    def _refused_images(self, text):
        """The ids of existing images in `text` that the user may not use. (Post.clean
        names those that do not exist.)"""
        ids = set(image_ids(text))
        if not ids:
            return []
        usable = PostImage.objects.usable_by(self.user).values("pk")
        refused = PostImage.objects.filter(pk__in=ids).exclude(pk__in=usable)
        return sorted(refused.values_list("pk", flat=True))


def _refusal(ids):
    return ngettext(
        "You may not use image %(ids)s: use your own images, your posts' images or images "
        "already shown on a published post.",
        "You may not use images %(ids)s: use your own images, your posts' images or images "
        "already shown on a published post.",
        len(ids),
    ) % {"ids": ", ".join(map(str, ids))}
