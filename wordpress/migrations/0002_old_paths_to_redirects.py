from django.db import migrations

# Which field of a redirect each kind of imported item's old address leads through. An
# uploaded file's address is found by its key instead (wordpress.redirects).
TARGETS = {
    "post": "post",
    "page": "page",
    "attachment": "image",
    "category": "category",
    "tag": "tag",
}
PATH_LENGTH = 500  # blog.Redirect.old_path's, as it was when this migration was written


def copy_old_paths(apps, schema_editor):
    """Each imported item's old address becomes a redirect to what it became. An address
    a renamed post already answers for keeps leading there; of two items with the same
    address (from two sites), the one imported last wins."""
    ImportedItem = apps.get_model("wordpress", "ImportedItem")
    Redirect = apps.get_model("blog", "Redirect")
    taken = set(Redirect.objects.values_list("old_path", flat=True))
    found = {}
    items = ImportedItem.objects.filter(kind__in=TARGETS).exclude(old_path="")
    for item in items.order_by("imported_at", "pk").iterator(chunk_size=1000):
        field = TARGETS[item.kind]
        target_id = getattr(item, f"{field}_id")
        path = item.old_path
        if target_id is not None and path not in taken and len(path) <= PATH_LENGTH:
            found[path] = Redirect(
                old_path=path,
                source="imported",
                created_at=item.imported_at,
                **{f"{field}_id": target_id},
            )
    Redirect.objects.bulk_create(found.values(), batch_size=1000)


def copy_back(apps, schema_editor):
    """Each item takes back an old address that leads to what it became."""
    ImportedItem = apps.get_model("wordpress", "ImportedItem")
    Redirect = apps.get_model("blog", "Redirect")
    for kind, field in TARGETS.items():
        paths = Redirect.objects.filter(
            source="imported", **{f"{field}__isnull": False}
        ).values_list(f"{field}_id", "old_path")
        for target_id, path in paths.iterator(chunk_size=1000):
            ImportedItem.objects.filter(
                kind=kind, old_path="", **{f"{field}_id": target_id}
            ).update(old_path=path)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0009_redirects"),
        ("wordpress", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_old_paths, copy_back),
        migrations.RemoveField(
            model_name="importeditem",
            name="old_path",
        ),
    ]
