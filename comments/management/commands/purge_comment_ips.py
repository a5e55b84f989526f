from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from comments.models import Comment


class Command(BaseCommand):
    help = (
        "Forget the IP address and browser of comments older than COMMENTS_KEEP_IP_DAYS "
        "days (90 unless set). Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            help="Keep them for this many days instead of COMMENTS_KEEP_IP_DAYS.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say how many comments would be purged."
        )

    def handle(self, *args, days=None, dry_run=False, **options):
        source = "--days"
        if days is None:
            days, source = getattr(settings, "COMMENTS_KEEP_IP_DAYS", 90), "COMMENTS_KEEP_IP_DAYS"
        if days < 1:
            raise CommandError(f"{source} must be a whole number of days, 1 or more (got {days}).")

        cutoff = timezone.now() - timedelta(days=days)
        # Only rows that still hold something, so the count says what was forgotten.
        old = Comment.objects.filter(
            Q(ip_address__isnull=False) | ~Q(user_agent=""), submitted_at__lt=cutoff
        )
        if dry_run:
            count = old.count()
            self.stdout.write(
                f"Would forget the IP address and browser of {count} comment(s) older than "
                f"{days} days. Dry run: nothing changed."
            )
            return
        count = old.update(ip_address=None, user_agent="")
        self.stdout.write(
            self.style.SUCCESS(
                f"Forgot the IP address and browser of {count} comment(s) older than {days} days."
            )
        )
