"""Something public changed: one mechanism for every app.

Each app declares once, in its `AppConfig.ready()`, which of its models the public sees:

    changes.public(Post)                                   # pages and lists
    changes.public(PostLike, lists=False)                  # pages only
    changes.public(Comment, lists=False, when=Comment.shows_publicly)

The declaration alone connects the receivers (saves, deletes, many-to-many changes),
and, when the model's queryset is a `PublicQuerySet`, its bulk writes (`update()`,
`bulk_create()`) too; other apps' models (taggit's, allauth's, the user) are noted row by
row. Every change noted in a transaction waits for the commit; then, once per
transaction, the content generation moves on (and the list generation, if any change
touched lists) and the `committed` signal hands the changes to whoever follows them (the
search index). Outside a transaction a change is committed already, and goes out at
once. A transaction rolled back says nothing.
"""

import threading
from dataclasses import dataclass, field
from functools import partial

from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import Signal

from . import generation

# Sent after each commit that changed something public, with `changes`: the Change list.
committed = Signal()
# Sent by PublicQuerySet after a bulk write, with `fields` (None: whole rows).
written_in_bulk = Signal()

_pending = threading.local()  # this thread's changes, until their transaction commits


@dataclass(frozen=True)
class Public:
    """How a model's changes show: `lists` if they change which posts a list holds;
    `fields` the public sees (None: all), `unlisted` those no list shows (a count);
    `when(instance)` whether this row's change shows (e.g. an approved comment)."""

    lists: bool = True
    fields: frozenset | None = None
    unlisted: frozenset = frozenset()
    when: object = None


@dataclass
class Change:
    """One row saved or deleted, or rows written in bulk (`pk` None), or rows linked in a
    many-to-many table. `touched` maps each model to the ids of its rows the change
    concerns: the row itself, the rows its foreign keys point to, both sides of a link."""

    model: type
    pk: object = None
    deleted: bool = False
    lists: bool = True
    touched: dict = field(default_factory=dict)
    fields: frozenset | None = None  # those written, when known (None: any)

    def ids(self, model):
        return self.touched.get(model, set())


def public(model, *, lists=True, fields=None, unlisted=(), when=None):
    """Declare `model` public: its saves and deletes (and, for a many-to-many table, its
    links) change public pages, and lists unless `lists=False`."""
    rules = Public(
        lists=lists,
        fields=None if fields is None else frozenset(fields),
        unlisted=frozenset(unlisted),
        when=when,
    )
    for signal, receiver in (
        (post_save, _saved),
        # With a receiver, Django deletes the model's rows one by one through the signal,
        # even those that go with a row of another model (CASCADE); but see below.
        (post_delete, _deleted),
        (m2m_changed, _linked),
        (written_in_bulk, _written),
    ):
        signal.connect(partial(receiver, rules), sender=model, weak=False, dispatch_uid=uid(model))
    if model._meta.auto_created:
        # Django deletes a many-to-many table's rows with either side's row, and without a
        # signal: they are noted as that row goes.
        for fk in _foreign_keys(model):
            pre_delete.connect(
                partial(_unlinked, rules, model, fk),
                sender=fk.related_model,
                weak=False,
                dispatch_uid=f"{uid(model)}:{fk.name}",
            )


def uid(model):
    """The dispatch_uid of the receivers `public(model)` connects."""
    return f"core.changes:{model._meta.label}"


class PublicQuerySet(models.QuerySet):
    """A queryset whose bulk writes reach the declaration of its model, if it has one."""

    def update(self, **kwargs):
        count = super().update(**kwargs)
        if count:
            written_in_bulk.send(sender=self.model, fields=set(kwargs))
        return count

    def bulk_create(self, objs, *args, **kwargs):
        made = super().bulk_create(objs, *args, **kwargs)
        if made:
            touched = {}
            for obj in made:
                for model, ids in _touched(obj).items():
                    touched.setdefault(model, set()).update(ids)
            touched.get(self.model, set()).discard(None)  # a database that returns no ids
            written_in_bulk.send(sender=self.model, fields=None, touched=touched)
        return made

    def bulk_update(self, objs, fields, *args, **kwargs):
        count = super().bulk_update(objs, fields, *args, **kwargs)
        if count:
            written_in_bulk.send(sender=self.model, fields=set(fields))
        return count


def _touches_lists(rules, fields):
    """None if writing `fields` (None: every field) changes nothing public, else whether
    it changes lists."""
    fields = None if fields is None else set(fields)
    if fields is not None and rules.fields is not None and not fields & rules.fields:
        return None
    return rules.lists and (fields is None or not fields <= rules.unlisted)


def _saved(rules, sender, instance, update_fields=None, raw=False, **kwargs):
    lists = _touches_lists(rules, update_fields)
    if lists is None or raw or (rules.when is not None and not rules.when(instance)):
        return
    fields = None if update_fields is None else frozenset(update_fields)
    note(Change(sender, instance.pk, lists=lists, touched=_touched(instance), fields=fields))


def _deleted(rules, sender, instance, **kwargs):
    if rules.when is None or rules.when(instance):
        note(
            Change(sender, instance.pk, deleted=True, lists=rules.lists, touched=_touched(instance))
        )


def _written(rules, sender, fields, touched=None, **kwargs):
    lists = _touches_lists(rules, fields)
    if lists is not None:
        fields = None if fields is None else frozenset(fields)
        note(Change(sender, lists=lists, touched=touched or {}, fields=fields))


def _unlinked(rules, through, fk, sender, instance, **kwargs):
    keys = _foreign_keys(through)
    rows = through.objects.filter(**{fk.attname: instance.pk}).values_list(
        *(key.attname for key in keys)
    )
    touched = {}
    for row in rows:
        for key, value in zip(keys, row, strict=True):
            touched.setdefault(key.related_model, set()).add(value)
    if touched:
        note(Change(through, deleted=True, lists=rules.lists, touched=touched))


def _foreign_keys(model):
    return [field for field in model._meta.concrete_fields if field.many_to_one]


def _touched(instance):
    touched = {type(instance): {instance.pk}}
    for fk in _foreign_keys(instance):
        if (value := getattr(instance, fk.attname)) is not None:
            touched.setdefault(fk.related_model, set()).add(value)
    return touched


def _linked(rules, sender, instance, action, reverse, model, pk_set, **kwargs):
    if action == "pre_clear":
        # What a clear takes away is only known before it.
        manager = getattr(instance, _manager_name(sender, type(instance), reverse))
        instance._cleared_ids = set(manager.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    ids = instance.__dict__.pop("_cleared_ids", set()) if action == "post_clear" else pk_set
    if ids:
        touched = {type(instance): {instance.pk}, model: set(ids)}
        note(Change(sender, lists=rules.lists, touched=touched))


def _manager_name(through, source, reverse):
    """The name of the many-to-many manager on `source` that goes through `through`."""
    for relation in source._meta.get_fields():
        if not relation.many_to_many:
            continue
        if reverse and relation.auto_created and getattr(relation, "through", None) is through:
            return relation.get_accessor_name()
        if not reverse and not relation.auto_created and relation.remote_field.through is through:
            return relation.name
    raise LookupError(f"{source} has no many-to-many field through {through}")


def note(change):
    """Remember `change` until its transaction commits (now, outside one)."""
    pending = getattr(_pending, "changes", None)
    if pending is None:
        pending = _pending.changes = []
    pending.append(change)
    if transaction.get_connection().in_atomic_block:
        # One callback each: a savepoint rolled back takes its own away, not the others'.
        transaction.on_commit(flush, robust=True)
    else:
        flush()


def flush():
    """Send out the changes noted so far: one bump, then `committed`."""
    changes = getattr(_pending, "changes", None)
    if not changes:
        return
    _pending.changes = []
    generation.bump(lists=any(change.lists for change in changes))
    committed.send(sender=Change, changes=changes)


def discard():
    """Forget the changes noted so far: their transaction was rolled back."""
    _pending.changes = []
