from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction

from core.images import ValidatedImageField
from core.widgets import WebAddressInput


class ProfileForm(forms.ModelForm):
    avatar = ValidatedImageField(
        required=False,
        help_text="A JPEG, PNG, WebP or GIF picture; it is cut to a square from its centre.",
    )
    bio = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A few sentences about you, shown on your public page.",
    )

    class Meta:
        model = get_user_model()
        fields = ("display_name", "bio", "avatar", "website")
        help_texts = {"display_name": "How your name appears on posts and comments."}
        widgets = {"website": WebAddressInput}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._stored_avatar = self.instance.avatar.name

    def save(self, commit=True):
        user = super().save(commit=commit)
        stored = self._stored_avatar
        if commit and stored and stored != user.avatar.name:
            # Replaced or cleared: the old file goes once the new state is saved.
            storage = user.avatar.storage
            transaction.on_commit(lambda: storage.delete(stored))
        return user


class DeleteAccountForm(forms.Form):
    KEEP, REMOVE = "keep", "remove"

    comments = forms.ChoiceField(
        label="Your comments",
        choices=[
            (KEEP, "Keep my comments, signed “Deleted user”, so the discussions stay readable"),
            (REMOVE, "Remove my comments (replies by others stay, under a placeholder)"),
        ],
        initial=KEEP,
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.", code="wrong_password")
        return password

    @property
    def remove_content(self):
        return self.cleaned_data["comments"] == self.REMOVE
