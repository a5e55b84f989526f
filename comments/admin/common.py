"""What the comments app's admin pages share: who moderates, and links to the comment list."""

from django.urls import reverse
from django.utils.http import urlencode

MODERATE = "comments.moderate_comment"


def can_moderate(request):
    return request.user.has_perm(MODERATE)


def changelist_url(**params):
    return f"{reverse('admin:comments_comment_changelist')}?{urlencode(params)}"
