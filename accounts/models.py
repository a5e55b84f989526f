from django.contrib.auth.models import AbstractUser
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse

from core.images import validate_image

from . import avatars


def _validate_avatar(upload):
    validate_image(upload)


class User(AbstractUser):
    display_name = models.CharField(
        max_length=150, blank=True, help_text="How the name appears on posts and comments."
    )
    bio = models.TextField(blank=True, help_text="Shown under each of this person's posts.")
    avatar = models.ImageField(
        upload_to="avatars/%Y/%m/",
        blank=True,
        validators=[
            FileExtensionValidator(["jpg", "jpeg", "png", "webp", "gif"]),
            _validate_avatar,
        ],
    )
    website = models.URLField(blank=True, max_length=300)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.get_display_name()

    def get_display_name(self):
        return self.display_name or self.get_full_name() or self.username

    def get_absolute_url(self):
        return reverse("blog:author", kwargs={"username": self.username})

    def save(self, *args, **kwargs):
        if self.avatar and not self.avatar._committed:
            # A new upload (from the profile page or the admin): keep only a small square.
            self.avatar = avatars.square(self.avatar)
        super().save(*args, **kwargs)

    @property
    def avatar_url(self):
        """The uploaded avatar, or initials on a colour of their own; no query either way."""
        if self.avatar:
            return self.avatar.url
        return reverse(
            "profile:initials_avatar",
            kwargs={
                "colour": avatars.colour_index(self.username),
                "initials": avatars.initials(self.get_display_name(), self.username),
            },
        )
