"""Full-text search (blog/search.py): what each database needs, filled for existing posts.

PostgreSQL: the `search_document` column, GIN-indexed. SQLite: the column exists but
stays empty; the FTS5 table `blog_post_fts` (rowid = post id) holds the words instead.
The fill statements are copies of blog.search's, frozen here as migrations should be.
"""

import django.contrib.postgres.search
from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE INDEX blog_post_search_document ON blog_post USING gin (search_document)",
    """
    UPDATE blog_post p SET search_document =
        setweight(to_tsvector('english', p.title), 'A')
        || setweight(to_tsvector('english', concat_ws(' ', p.excerpt,
            (SELECT string_agg(t.name, ' ') FROM blog_taggedpost tp
             JOIN taggit_tag t ON t.id = tp.tag_id WHERE tp.content_object_id = p.id),
            (SELECT string_agg(c.name, ' ') FROM blog_post_categories pc
             JOIN blog_category c ON c.id = pc.category_id WHERE pc.post_id = p.id))), 'B')
        || setweight(to_tsvector('english', p.body), 'C')
    """,
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS blog_post_search_document"]

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE blog_post_fts USING fts5(
        title, excerpt, tags, categories, body, tokenize='porter unicode61'
    )
    """,
    """
    INSERT INTO blog_post_fts (rowid, title, excerpt, tags, categories, body)
    SELECT p.id, p.title, p.excerpt,
        (SELECT group_concat(t.name, ' ') FROM blog_taggedpost tp
         JOIN taggit_tag t ON t.id = tp.tag_id WHERE tp.content_object_id = p.id),
        (SELECT group_concat(c.name, ' ') FROM blog_post_categories pc
         JOIN blog_category c ON c.id = pc.category_id WHERE pc.post_id = p.id),
        p.body
    FROM blog_post p
    """,
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS blog_post_fts"]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
