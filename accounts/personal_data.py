"""What other apps keep about a person, reached without importing them.

`accounts` knows neither `blog` nor `comments`, yet a person's page lists their
comments, their data export includes them and deleting the account must deal with
them. So each app names its provider in its AppConfig:

    personal_data = "comments.personal_data.CommentsData"

A provider has:

    key, label           a slug for forms and export keys; a heading for pages
    export(user)         -> dict of plain JSON values: everything the app keeps about them
    erase(user, remove_content)
                         forget the person before the account row goes, inside the
                         deletion's transaction: anonymise what they wrote (the default)
                         or, with `remove_content`, take it off the site too
    activity(request)    -> (template name, context) for the person's own page, or None
    act(request)         -> a message: handle a POST from that template's forms
                         (which carry `action` and whatever the provider needs);
                         raise ValueError for a request it does not understand

"""

from django.apps import apps
from django.db import models
from django.utils.module_loading import import_string


def providers():
    return [
        import_string(config.personal_data)()
        for config in apps.get_app_configs()
        if getattr(config, "personal_data", None)
    ]


def get(key):
    return next((provider for provider in providers() if provider.key == key), None)


def profile_export(user):
    """The account's own fields, as the export shows them."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "bio": user.bio,
        "website": user.website,
        "avatar": user.avatar.url if user.avatar else "",
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "roles": [group.name for group in user.groups.all()],
    }


def export(user):
    data = {"profile": profile_export(user)}
    for provider in providers():
        data[provider.key] = provider.export(user)
    return data


def deletion_blockers(user):
    """What stops the account from being deleted: rows that protect it, such as the
    posts it wrote. A list of (count, model verbose name) pairs, empty when none."""
    blockers = []
    for relation in user._meta.related_objects:
        if relation.on_delete not in (models.PROTECT, models.RESTRICT):
            continue
        model = relation.related_model
        count = model._base_manager.filter(**{relation.field.name: user}).count()
        if count:
            name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
            blockers.append((count, str(name)))
    return blockers
