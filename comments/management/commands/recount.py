from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F, Q

from blog import likes
from blog.models import Post
from comments.models import refresh_comment_counts, true_comment_count


class Command(BaseCommand):
    help = (
        "Count every post's approved comments and likes again from the comments and likes "
        "themselves, store the counts that had drifted, and list them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only list the posts whose counts drifted."
        )

    def handle(self, *args, dry_run=False, **options):
        with transaction.atomic():
            drifted = list(
                Post.objects.annotate(
                    true_comments=true_comment_count(), true_likes=likes.true_like_count()
                )
                .filter(~Q(comment_count=F("true_comments")) | ~Q(like_count=F("true_likes")))
                .order_by("pk")
                .values_list(
                    "pk", "title", "comment_count", "true_comments", "like_count", "true_likes"
                )
            )
            for pk, title, comments, true_comments, liked, true_likes in drifted:
                changes = [
                    f"{noun} {stored} → {true}"
                    for noun, stored, true in (
                        ("comments", comments, true_comments),
                        ("likes", liked, true_likes),
                    )
                    if stored != true
                ]
                self.stdout.write(f"Post {pk} “{title}”: {', '.join(changes)}")
            total = Post.objects.count()
            if dry_run:
                self.stdout.write(
                    f"{len(drifted)} of {total} post(s) had drifted. Dry run: nothing changed."
                )
                return
            ids = [row[0] for row in drifted]
            if ids:
                # Counted again under the posts' lock: a comment approved meanwhile is counted.
                refresh_comment_counts(ids)
                likes.refresh_counts(ids)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(drifted)} of {total} post(s) had drifted; they are right now."
            )
            if drifted
            else self.style.SUCCESS(f"Every count of the {total} post(s) was right.")
        )
