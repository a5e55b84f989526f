from django.db import models
from django.utils import timezone


class SentMail(models.Model):
    """A message a task sent, under a key that the same task run again uses too."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.key
