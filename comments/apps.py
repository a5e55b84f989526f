from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


def grant_comment_permissions(**kwargs):
    from accounts import roles

    everything = [
        f"comments.{action}_{model}"
        for model in ("comment", "moderationrule", "report", "moderationevent")
        for action in ("view", "add", "change", "delete")
    ]
    roles.grant(
        {
            roles.MODERATORS: [*everything, "comments.moderate_comment"],
            roles.EDITORS: [*everything, "comments.moderate_comment"],
            # Authors see the discussion of their own posts (the admin limits it).
            roles.AUTHORS: ["comments.view_comment"],
        }
    )


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        from accounts import personal_data
        from core import pagecache

        from . import policy
        from .models import ModerationRule
        from .personal_data import CommentsData
        from .views import AUTHOR_COOKIE, PENDING_COOKIE

        post_migrate.connect(grant_comment_permissions, sender=self)
        # Each new comment reads the moderation lists from the cache.
        for signal in (post_save, post_delete):
            signal.connect(policy.forget_rules, sender=ModerationRule)
        # A person's page, data export and account deletion include their comments.
        personal_data.register(CommentsData())
        # "Remember me" fills the form in, and a pending comment shows to its author.
        for cookie in (AUTHOR_COOKIE, PENDING_COOKIE):
            pagecache.register_personal_cookie(cookie)
