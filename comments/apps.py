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


# "Remember me" fills the comment form in, and a pending comment shows to its author.
AUTHOR_COOKIE = "comment_author"
PENDING_COOKIE = "comments_pending"


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"
    personal_cookies = [AUTHOR_COOKIE, PENDING_COOKIE]  # their readers get pages of their own
    # A person's page, data export and account deletion include their comments.
    personal_data = "comments.personal_data.CommentsData"

    def ready(self):
        from core import changes

        from . import policy
        from .models import Comment, ModerationRule

        post_migrate.connect(grant_comment_permissions, sender=self)
        # An approved comment shows on its post's page (and in the comment feed); it
        # changes no list of posts. One awaiting approval changes nothing public.
        private = {"ip_address", "user_agent"}  # what purge_comment_ips forgets shows nowhere
        changes.public(
            Comment,
            lists=False,
            fields=[
                field.name for field in Comment._meta.concrete_fields if field.name not in private
            ],
            when=Comment.shows_publicly,
        )
        # Each new comment reads the moderation lists from the cache.
        for signal in (post_save, post_delete):
            signal.connect(policy.forget_rules, sender=ModerationRule)
