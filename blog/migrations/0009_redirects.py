import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def copy_old_post_paths(apps, schema_editor):
    """Each post's old addresses become redirects to it."""
    OldPostPath = apps.get_model("blog", "OldPostPath")
    Redirect = apps.get_model("blog", "Redirect")
    rows = OldPostPath.objects.values_list("path", "post_id", "created_at")
    Redirect.objects.bulk_create(
        Redirect(old_path=path, post_id=post_id, source="renamed", created_at=created_at)
        for path, post_id, created_at in rows.iterator(chunk_size=1000)
    )


def copy_back(apps, schema_editor):
    """The redirects of renamed posts become old post paths again; the imported ones go
    back to the WordPress items (wordpress 0002)."""
    OldPostPath = apps.get_model("blog", "OldPostPath")
    Redirect = apps.get_model("blog", "Redirect")
    rows = Redirect.objects.filter(source="renamed", post__isnull=False).values_list(
        "old_path", "post_id", "created_at"
    )
    OldPostPath.objects.bulk_create(
        OldPostPath(path=path, post_id=post_id, created_at=created_at)
        for path, post_id, created_at in rows.iterator(chunk_size=1000)
        if len(path) <= 300
    )


class Migration(migrations.Migration):

    dependencies = [
        ('blog', '0008_any_wordpress_slug'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
    ]

    operations = [
        migrations.CreateModel(
            name='Redirect',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('old_path', models.CharField(help_text="Decoded, as Django reads a request's path: /2024/05/01/café/.", max_length=500, unique=True, verbose_name='old address')),
                ('source', models.CharField(choices=[('renamed', 'Slug or date changed'), ('imported', 'WordPress import')], max_length=10)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='redirects', to='blog.category')),
                ('image', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='redirects', to='blog.postimage')),
                ('page', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='redirects', to='blog.page')),
                ('post', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='redirects', to='blog.post')),
                ('tag', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='redirects', to='taggit.tag')),
            ],
        ),
        migrations.AddConstraint(
            model_name='redirect',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('category__isnull', True), ('image__isnull', True), ('page__isnull', True), ('post__isnull', False), ('tag__isnull', True)), models.Q(('category__isnull', True), ('image__isnull', True), ('page__isnull', False), ('post__isnull', True), ('tag__isnull', True)), models.Q(('category__isnull', False), ('image__isnull', True), ('page__isnull', True), ('post__isnull', True), ('tag__isnull', True)), models.Q(('category__isnull', True), ('image__isnull', False), ('page__isnull', True), ('post__isnull', True), ('tag__isnull', True)), models.Q(('category__isnull', True), ('image__isnull', True), ('page__isnull', True), ('post__isnull', True), ('tag__isnull', False)), _connector='OR'), name='redirect_has_one_target'),
        ),
        migrations.RunPython(copy_old_post_paths, copy_back),
        migrations.DeleteModel(
            name='OldPostPath',
        ),
    ]
