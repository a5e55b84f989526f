from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import roles, signals, social

        social.connect_receivers()

        post_migrate.connect(lambda **kwargs: roles.ensure_groups(), sender=self, weak=False)
        m2m_changed.connect(signals.sync_staff_flag, sender=self.get_model("User").groups.through)
