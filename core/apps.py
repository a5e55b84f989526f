from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from . import db

        # Sent once per app that has models: this app's alone is once per migrate.
        post_migrate.connect(db.analyze_after_migrate, sender=self)
