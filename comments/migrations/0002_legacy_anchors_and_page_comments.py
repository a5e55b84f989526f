"""Comments keep their id from the site they were imported from, and may be on a page."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0001_initial"),
        ("comments", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="legacy_id",
            field=models.PositiveBigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="comment",
            name="page",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="comments",
                to="blog.page",
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="post",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="comments",
                to="blog.post",
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["page", "path"], name="comment_page_thread"),
        ),
        migrations.AddConstraint(
            model_name="comment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("page__isnull", True), ("post__isnull", False)),
                    models.Q(("page__isnull", False), ("post__isnull", True)),
                    _connector="OR",
                ),
                name="comment_on_post_or_page",
            ),
        ),
        migrations.AddConstraint(
            model_name="comment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("legacy_id__isnull", False)),
                fields=("post", "legacy_id"),
                name="comment_post_legacy_id",
            ),
        ),
        migrations.AddConstraint(
            model_name="comment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("legacy_id__isnull", False)),
                fields=("page", "legacy_id"),
                name="comment_page_legacy_id",
            ),
        ),
    ]
