"""Authors: each WordPress login becomes (or is mapped to) a Colloquy account."""

import csv
import re

from django.contrib.auth import get_user_model
from django.db.models import Q

from ..models import ImportedItem
from .state import ImportError_

Kind = ImportedItem.Kind


def import_authors(state):
    User = get_user_model()
    known = state.known(Kind.AUTHOR)
    for login, author in state.authors.items():
        user, outcome = _author_user(state, User, login, author, known)
        state.users[login] = user
        if author.wp_id:
            state.users_by_wp_id[author.wp_id] = user
        state.report.count("author", outcome)


def _author_user(state, User, login, author, known):
    mapped = state.author_map.get(login)
    if mapped is not None:
        state.remember(Kind.AUTHOR, login, user=mapped)
        return mapped, "unchanged"
    if login in known and known[login].user_id:
        return known[login].user, "unchanged"
    if author.email:
        same_person = User.objects.filter(email__iexact=author.email).first()
        if same_person is not None:
            state.remember(Kind.AUTHOR, login, user=same_person)
            state.report.problem(
                f"author {login}",
                f"given to the existing account {same_person.get_username()} "
                "(same e-mail address).",
            )
            return same_person, "unchanged"
    username = _free_username(User, login)
    if username != login:
        state.report.problem(f"author {login}", f"imported as {username}: {login} was taken.")
    user = User(
        username=username,
        email=author.email,
        first_name=author.first_name[:150],
        last_name=author.last_name[:150],
        display_name=(author.display_name or login)[: _max_length(User, "display_name")],
    )
    user.set_unusable_password()
    user.save()
    state.remember(Kind.AUTHOR, login, user=user)
    return user, "imported"


def author_of(state, entry):
    user = state.users.get(entry.creator)
    if user is None:
        # An item with no author at all goes to the first author of the file.
        user = next(iter(state.users.values()), None) or _fallback_author(state)
    return user


def _fallback_author(state):
    User = get_user_model()
    user = User.objects.filter(is_superuser=True).order_by("pk").first()
    if user is None:
        user = User(username=_free_username(User, "wordpress"), display_name="WordPress")
        user.set_unusable_password()
        user.save()
    state.users[""] = user
    return user


def parse_author_map(path):
    """`wordpress_login,username_or_email` per line: the Colloquy account that gets the posts."""
    users = get_user_model().objects
    mapping = {}
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            for number, row in enumerate(csv.reader(handle), start=1):
                if not row or row[0].strip().startswith("#"):
                    continue
                if len(row) != 2 or not row[0].strip() or not row[1].strip():
                    raise ImportError_(
                        f"{path}, line {number}: write `wordpress_login,username_or_email`."
                    )
                login, who = row[0].strip(), row[1].strip()
                user = users.filter(Q(username=who) | Q(email__iexact=who)).first()
                if user is None:
                    raise ImportError_(f"{path}, line {number}: no account “{who}” exists.")
                mapping[login] = user
    except OSError as error:
        raise ImportError_(f"Cannot read the author map: {error}.") from error
    except UnicodeDecodeError as error:
        raise ImportError_(f"The author map is not UTF-8 text: {error}.") from error
    return mapping


def _free_username(User, login):
    base = re.sub(r"[^\w.@+-]", "", login)[:140] or "author"
    username, n = base, 2
    while User.objects.filter(username=username).exists():
        username, n = f"{base}-{n}", n + 1
    return username


def _max_length(model, field):
    return model._meta.get_field(field).max_length
