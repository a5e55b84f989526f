from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate

# What public pages show of a person (a login, which saves last_login, changes none).
PUBLIC_USER_FIELDS = [
    *("username", "first_name", "last_name", "display_name"),
    *("bio", "avatar", "website"),
]


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from allauth.socialaccount.models import SocialApp

        from core import changes

        from . import roles, signals

        # Names, bios and avatars show on public pages, and the sign-in providers on forms.
        changes.public(self.get_model("User"), lists=False, fields=PUBLIC_USER_FIELDS)
        changes.public(SocialApp, lists=False)

        post_migrate.connect(lambda **kwargs: roles.ensure_groups(), sender=self, weak=False)
        m2m_changed.connect(signals.sync_staff_flag, sender=self.get_model("User").groups.through)
