"""A post's or page's discussion as shown: one query (two for a long one), in linear time."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.safestring import mark_safe

from .models import Comment

OPEN_CHILDREN = mark_safe('<ol class="children">')
CLOSE_ITEM = mark_safe("</li>")
CLOSE_CHILDREN = mark_safe("</ol></li>")


@dataclass
class Node:
    comment: Comment
    level: int
    display_depth: int
    placeholder: bool = False  # Shown only so its visible replies keep their place.
    awaiting: bool = False  # Pending, shown to its own author only.
    can_reply: bool = True
    before: list = field(default_factory=list)  # Markup that opens or closes nesting.


@dataclass
class Thread:
    nodes: list
    after: list
    count: int
    page: int = 1
    pages: int = 1


def visible_nodes(comments, own_pending_ids=(), max_depth=None):
    """Approved comments, the viewer's own pending ones, and placeholders for the
    hidden comments that have visible replies. `comments` is in path order."""
    max_depth = max_depth or settings.COMMENTS_MAX_DEPTH
    own_pending_ids = set(own_pending_ids)

    def shown(comment):
        return comment.status == Comment.Status.APPROVED or (
            comment.status == Comment.Status.PENDING and comment.pk in own_pending_ids
        )

    # From the deepest up: a hidden comment stays, as a placeholder, if anything below shows.
    keep = set()
    for comment in reversed(comments):
        if shown(comment) or comment.pk in keep:
            keep.add(comment.pk)
            if comment.parent_id:
                keep.add(comment.parent_id)
    nodes, levels = [], {}
    for comment in comments:
        if comment.pk not in keep:
            continue
        # A reply whose parent is not on the page (spam) starts a thread of its own.
        level = levels[comment.parent_id] + 1 if comment.parent_id in levels else 0
        levels[comment.pk] = level
        depth = min(level, max_depth - 1)
        nodes.append(
            Node(
                comment=comment,
                level=level,
                display_depth=depth,
                placeholder=not shown(comment),
                awaiting=comment.status == Comment.Status.PENDING and shown(comment),
                can_reply=comment.status == Comment.Status.APPROVED and depth < max_depth - 1,
            )
        )
    return nodes


def top_level_groups(nodes):
    """Nodes grouped by the top-level comment that starts each thread."""
    groups = []
    for node in nodes:
        if node.level == 0 or not groups:
            groups.append([])
        groups[-1].append(node)
    return groups


def threads_per_page():
    """Top-level threads a comment page shows: all of them ("one page") up to a limit."""
    return settings.COMMENTS_THREADS_PER_PAGE or settings.COMMENTS_ONE_PAGE_LIMIT


def paginate(groups, page, per_page, newest_first=False):
    """One page of threads; the page number is clamped into range."""
    if newest_first:
        groups = groups[::-1]
    if not per_page:
        return groups, 1, 1
    pages = max(1, -(-len(groups) // per_page))
    page = min(max(1, page), pages)
    return groups[(page - 1) * per_page : page * per_page], page, pages


def page_of(comment, groups, per_page, newest_first=False):
    """The page that shows `comment`, so its permalink lands on it."""
    if not per_page:
        return 1
    if newest_first:
        groups = groups[::-1]
    for index, group in enumerate(groups):
        if any(node.comment.pk == comment.pk for node in group):
            return index // per_page + 1
    return 1


def with_nesting(nodes):
    """Give each node the markup that closes or opens nesting before it."""
    previous = None
    for node in nodes:
        node.before = []
        if previous is not None:
            if node.display_depth > previous:
                node.before = [OPEN_CHILDREN] * (node.display_depth - previous)
            else:
                node.before = [CLOSE_ITEM] + [CLOSE_CHILDREN] * (previous - node.display_depth)
        previous = node.display_depth
    after = [] if previous is None else [CLOSE_ITEM] + [CLOSE_CHILDREN] * previous
    return nodes, after


@dataclass
class Outline:
    """What placing a comment in its discussion needs: not its text or its author."""

    pk: int
    parent_id: int | None
    status: str


def build(target, own_pending_ids=(), page=1):
    """The discussion of `target` (a post or page) for one viewer: one query, then linear
    passes. A discussion longer than a comment page is first read in outline, and only
    the comments of the page asked for are read whole (a second query)."""
    per_page = threads_per_page()
    long = per_page and getattr(target, "comment_count", 0) > per_page
    if long:
        rows = Comment.objects.thread_of(target).values_list("pk", "parent_id", "status")
        comments = [Outline(*row) for row in rows]
    else:
        comments = list(Comment.objects.thread_of(target))
    nodes = visible_nodes(comments, own_pending_ids)
    groups = top_level_groups(nodes)
    shown, page, pages = paginate(groups, page, per_page, settings.COMMENTS_NEWEST_FIRST)
    shown = [node for group in shown for node in group]
    if long:
        whole = Comment.objects.thread_of(target).in_bulk([node.comment.pk for node in shown])
        shown = [node for node in shown if node.comment.pk in whole]  # deleted in between
        for node in shown:
            node.comment = whole[node.comment.pk]
    flat, after = with_nesting(shown)
    count = sum(1 for node in nodes if not node.placeholder and not node.awaiting)
    return Thread(nodes=flat, after=after, count=count, page=page, pages=pages)
