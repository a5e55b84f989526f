from django import forms
from django.conf import settings

from core.widgets import WebAddressInput

from . import antispam
from .models import Comment


def clean_comment_text(body, empty_message):
    body = body.strip()
    if not body:
        raise forms.ValidationError(empty_message)
    if len(body) > settings.COMMENTS_MAX_LENGTH:
        raise forms.ValidationError(
            f"Comments may be at most {settings.COMMENTS_MAX_LENGTH} characters; "
            f"this one has {len(body)}."
        )
    return body


class CommentForm(forms.Form):
    """ "Leave a reply": guests give a name and e-mail; signed-in readers only write."""

    name = forms.CharField(max_length=100, required=True)
    email = forms.EmailField(max_length=254, required=True, help_text="Never shown publicly.")
    url = forms.URLField(
        label="Website",
        max_length=300,
        required=False,
        assume_scheme="https",
        widget=WebAddressInput,
    )
    # Not stripped by the field, so an all-blank comment gets our own message.
    body = forms.CharField(label="Comment", strip=False, widget=forms.Textarea(attrs={"rows": 6}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    notify = forms.BooleanField(label="Notify me of follow-up comments by e-mail", required=False)
    remember = forms.BooleanField(
        label="Save my name, e-mail and website in this browser for the next time I comment",
        required=False,
    )
    # Hidden from people with CSS and from screen readers; bots fill it in.
    homepage = forms.CharField(label="Leave this empty", required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, post, user=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.post = post
        self.user = user if user is not None and user.is_authenticated else None
        if self.user is not None:
            for name in ("name", "email", "url", "remember"):
                del self.fields[name]
        else:
            self.fields["name"].widget.attrs["autocomplete"] = "name"
            self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["homepage"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.initial.setdefault("token", antispam.form_token(post))

    def clean_body(self):
        return clean_comment_text(
            self.cleaned_data["body"], "Please write something before sending."
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Please give your name.")
        return name

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if not parent_id:
            return None
        parent = Comment.objects.filter(pk=parent_id, post=self.post).select_related("user").first()
        if parent is None or parent.status != Comment.Status.APPROVED:
            raise forms.ValidationError(
                "The comment you are replying to is not available; your comment is still here."
            )
        return parent

    def clean(self):
        cleaned = super().clean()
        try:
            antispam.check_honeypot(cleaned.get("homepage"))
            antispam.check_form_token(cleaned.get("token"), self.post)
        except antispam.Rejected as error:
            raise forms.ValidationError(str(error)) from error
        return cleaned

    def build_comment(self, request_ip=None, user_agent=""):
        """An unsaved Comment from the cleaned data."""
        data = self.cleaned_data
        comment = Comment(
            post=self.post,
            parent=data.get("parent"),
            user=self.user,
            body=data["body"],
            ip_address=request_ip,
            # A NUL, which no browser sends, is more than PostgreSQL stores.
            user_agent=user_agent.replace("\x00", "")[:300],
        )
        if self.user is None:
            comment.name, comment.email, comment.url = data["name"], data["email"], data["url"]
        else:
            comment.email = self.user.email
        return comment


class ReportForm(forms.Form):
    """Why a reader reports a comment (optional); a CharField, so a NUL is refused."""

    reason = forms.CharField(max_length=300, required=False)


class CommentEditForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["body"]
        labels = {"body": "Comment"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].max_length = settings.COMMENTS_MAX_LENGTH

    def clean_body(self):
        return clean_comment_text(
            self.cleaned_data["body"], "Please write something, or delete the comment."
        )
