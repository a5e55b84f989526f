from urllib.parse import unquote

from django.db import migrations

import blog.slugs


def decode_old_paths(apps, schema_editor):
    """Old addresses are looked up as Django reads a request's path: decoded."""
    OldPostPath = apps.get_model("blog", "OldPostPath")
    for row in OldPostPath.objects.filter(path__contains="%"):
        path = unquote(row.path)
        if not OldPostPath.objects.filter(path=path).exists():
            OldPostPath.objects.filter(pk=row.pk).update(path=path)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0007_post_image_uses"),
    ]

    operations = [
        migrations.AlterField(
            model_name="category",
            name="slug",
            field=blog.slugs.SlugField(db_index=True, max_length=200),
        ),
        migrations.AlterField(
            model_name="page",
            name="slug",
            field=blog.slugs.SlugField(db_index=True, max_length=200),
        ),
        migrations.AlterField(
            model_name="post",
            name="slug",
            field=blog.slugs.SlugField(
                blank=True,
                db_index=True,
                help_text="Part of the post's address; unique among posts of the same day.",
                max_length=200,
            ),
        ),
        migrations.RunPython(decode_old_paths, migrations.RunPython.noop),
    ]
