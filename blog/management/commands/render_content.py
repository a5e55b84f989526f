from django.core.management.base import BaseCommand
from django.db import transaction

from blog.models import Page, Post, SiteSettings


class Command(BaseCommand):
    help = (
        "Render every post and page again: after an upgrade that changes the Markdown "
        "renderer, or after changing TIME_ZONE (permalink dates follow it)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            posts = pages = 0
            for post in Post.objects.order_by("pk").iterator(chunk_size=200):
                post.save()
                posts += 1
            for page in Page.objects.order_by("path").iterator(chunk_size=200):
                page.save()
                pages += 1
            if SiteSettings.objects.exists():
                SiteSettings.load().save()
        self.stdout.write(self.style.SUCCESS(f"Rendered {posts} post(s) and {pages} page(s)."))
