"""Backups of a running site: one archive with a consistent copy of the database and
every media file, and a restore that puts both back and empties the caches
(`manage.py backup`, `manage.py restore ARCHIVE`; see the README's Backups)."""

from django.dispatch import Signal

# Sent at the end of `manage.py restore`, once the database, the media and the cache are
# the archive's, with `archive` (its path) and `manifest` (a dict, see archive.py).
# Connect a receiver to empty a cache in front of the site (a CDN, nginx's proxy_cache):
# it may still keep pages from after the backup.
restored = Signal()


class BackupError(Exception):
    """What went wrong, in words for the operator."""
