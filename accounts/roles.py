"""Roles are Django groups. Each app grants its own permissions to them after migrating."""

from django.contrib.auth.models import Group, Permission

AUTHORS = "Authors"
EDITORS = "Editors"
MODERATORS = "Moderators"
READERS = "Readers"

ALL = (AUTHORS, EDITORS, MODERATORS, READERS)
# Members of these groups work in the admin, so they are staff.
STAFF_ROLES = (AUTHORS, EDITORS, MODERATORS)


def ensure_groups():
    return {name: Group.objects.get_or_create(name=name)[0] for name in ALL}


def grant(role_permissions):
    """Give each role exactly the listed permissions of the calling app.

    `role_permissions` maps a role name to "app_label.codename" strings; it is
    additive across apps, so each app only ever adds its own.
    """
    groups = ensure_groups()
    for role, names in role_permissions.items():
        wanted = []
        for name in names:
            app_label, codename = name.split(".", 1)
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        groups[role].permissions.add(*wanted)
