"""Importing a WordPress export: one transaction, keyed by WordPress ids, safe to run again.

The export is streamed three times, so its size never sits in memory:
1. an index of every item's id, type, status, address, date and parent (small), with
   the authors and terms, which are imported first;
2. the attachments, so that posts can refer to their image records;
3. the posts and pages with their content and comments.
New posts and pages are created (without content) before the third pass, so a link
from one post to any other is rewritten to its new address whatever the file order.

`Importer` (run.py) runs the steps in that order; each step is a module of functions
taking the run's shared `State`: `index`, `people`, `terms`, `media`, `posts`,
`comments`, with `links` for addresses old and new.
"""

from .comments import COMMENT_STATUSES
from .people import parse_author_map
from .report import Report
from .run import Importer
from .state import ImportError_

__all__ = ["COMMENT_STATUSES", "ImportError_", "Importer", "Report", "parse_author_map"]
