"""E-mail about comments, sent as background tasks once the change is committed."""


def comment_submitted(comment, follow=False):
    """A new comment was saved: moderators hear of it when it waits for them; with
    `follow`, the commenter's follow-up subscription starts (guests confirm it first)."""


def comment_approved(comment):
    """A comment became public: the post's author and subscribers to the thread hear of it."""
