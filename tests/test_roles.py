"""Roles are groups; joining a working role makes someone staff, leaving undoes it."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts import roles

from . import factories

pytestmark = pytest.mark.django_db


def test_the_four_roles_exist_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL)


@pytest.mark.parametrize("role", roles.STAFF_ROLES)
def test_joining_a_working_role_makes_staff_and_leaving_undoes_it(role):
    person = factories.user()
    group = Group.objects.get(name=role)

    person.groups.add(group)
    person.refresh_from_db()
    assert person.is_staff

    person.groups.remove(group)
    person.refresh_from_db()
    assert not person.is_staff


def test_readers_are_not_staff():
    person = factories.user(roles=[roles.READERS])

    assert not person.is_staff


def test_group_side_changes_update_staff_too():
    first, second = factories.user(), factories.user()
    editors = Group.objects.get(name=roles.EDITORS)

    editors.user_set.add(first, second)
    assert set(editors.user_set.values_list("is_staff", flat=True)) == {True}

    editors.user_set.clear()
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.is_staff and not second.is_staff


def test_staff_while_in_any_working_role():
    person = factories.user(roles=[roles.AUTHORS, roles.MODERATORS])

    person.groups.remove(Group.objects.get(name=roles.AUTHORS))
    person.refresh_from_db()

    assert person.is_staff


def test_superusers_stay_staff_without_roles():
    root = factories.user(is_superuser=True, is_staff=True, roles=[roles.EDITORS])

    root.groups.clear()
    root.refresh_from_db()

    assert root.is_staff


def test_permissions_are_granted_again_by_migrate_without_duplicates():
    authors = Group.objects.get(name=roles.AUTHORS)
    before = set(authors.permissions.values_list("codename", flat=True))

    call_command("migrate", verbosity=0)

    assert set(authors.permissions.values_list("codename", flat=True)) == before
    assert {"add_post", "change_post", "publish_post", "add_postimage"} <= before
    assert "edit_others_posts" not in before
    assert (
        not Group.objects.get(name=roles.MODERATORS)
        .permissions.filter(content_type__app_label="blog")
        .exists()
    )


def test_user_display_name_falls_back_to_full_name_then_username():
    assert factories.user("amira", display_name="Dr Amira H.").get_display_name() == "Dr Amira H."
    assert factories.user("jm", first_name="Joseph", last_name="Montville").get_display_name() == (
        "Joseph Montville"
    )
    assert factories.user("plain").get_display_name() == "plain"
