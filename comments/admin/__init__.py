"""The moderation side of the comments app: the queue, the lists and the reports."""

from django.contrib import admin

from ..models import Comment, ModerationRule, Report
from .comments import CommentAdmin
from .moderation import ModerationRuleAdmin, ReportAdmin

admin.site.register(Comment, CommentAdmin)
admin.site.register(ModerationRule, ModerationRuleAdmin)
admin.site.register(Report, ReportAdmin)
