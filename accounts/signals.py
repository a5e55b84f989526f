from django.contrib.auth import get_user_model

from .roles import STAFF_ROLES


def sync_staff_flag(sender, instance, action, reverse, pk_set, **kwargs):
    """Joining Authors, Editors or Moderators makes a user staff; leaving undoes it."""
    User = get_user_model()
    if action == "pre_clear" and reverse:
        # Group.user_set.clear(): remember who is leaving before the rows go.
        instance._leaving_user_ids = list(instance.user_set.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        user_ids = [instance.pk]
    elif action == "post_clear":
        user_ids = getattr(instance, "_leaving_user_ids", [])
    else:
        user_ids = list(pk_set or ())
    users = User.objects.filter(pk__in=user_ids, is_superuser=False)
    users.filter(groups__name__in=STAFF_ROLES).update(is_staff=True)
    users.exclude(groups__name__in=STAFF_ROLES).update(is_staff=False)
    if not reverse:
        instance.is_staff = instance.is_superuser or users.filter(is_staff=True).exists()
