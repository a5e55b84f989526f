from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext

from blog.models import Page, Post, SiteSettings
from blog.rendering import markdown_problem


class Command(BaseCommand):
    help = (
        "Render every post and page again: after an upgrade that changes the Markdown "
        "renderer, or after changing TIME_ZONE (permalink dates follow it)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            posts = pages = 0
            # Past the limits on a post's size, a text is rendered as plain paragraphs.
            plain = []
            for post in Post.objects.order_by("pk").iterator(chunk_size=200):
                post.save()
                posts += 1
                if markdown_problem(post.body) or markdown_problem(post.excerpt):
                    plain.append(f"post {post.pk} “{post.title}”")
            for page in Page.objects.order_by("path").iterator(chunk_size=200):
                page.save()
                pages += 1
                if markdown_problem(page.body):
                    plain.append(f"page {page.pk} “{page.title}”")
            if SiteSettings.objects.exists():
                SiteSettings.load().save()
        self.stdout.write(self.style.SUCCESS(f"Rendered {posts} post(s) and {pages} page(s)."))
        if plain:
            self.stdout.write(
                self.style.WARNING(
                    gettext(
                        "Past the limits on a post's size, shown as plain text until "
                        "shortened in the admin:"
                    )
                )
            )
            self.stdout.write("\n".join(f"- {item}" for item in plain))
