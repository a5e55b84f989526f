from django.core import checks
from django.db import connections

from .slugs import reserved_slugs


def reserved_page_slugs(app_configs=None, databases=None, **kwargs):
    """Top-level pages with a reserved slug all the same (saved before it was reserved, or
    without Page.clean): another part of the site answers at their address."""
    from .models import Page

    if app_configs is not None and Page._meta.app_config not in app_configs:
        return []
    warnings = []
    for alias in databases or ():
        # `migrate` runs the checks before it makes the tables.
        if Page._meta.db_table not in connections[alias].introspection.table_names():
            continue
        pages = Page.objects.using(alias).filter(parent=None, slug__in=sorted(reserved_slugs()))
        for page in pages.only("title", "slug").order_by("pk"):
            warnings.append(
                checks.Warning(
                    f"Page {page.pk} has the slug “{page.slug}”, and /{page.slug}/ belongs to "
                    "another part of the site: readers cannot reach the page.",
                    hint=f"Give page {page.pk} another slug in the admin (such as "
                    f"“{page.slug}-page”), or move it under a parent page.",
                    obj=page,
                    id="blog.W001",
                )
            )
    return warnings
