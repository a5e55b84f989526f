"""Backups of a running site: one archive with a consistent copy of the database and
every media file, and a restore that puts both back and empties the caches
(`manage.py backup`, `manage.py restore ARCHIVE`; see the README's Backups)."""


class BackupError(Exception):
    """What went wrong, in words for the operator."""
