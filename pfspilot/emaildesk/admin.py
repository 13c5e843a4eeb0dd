"""Administration of the email desk: intake rules, templates and the promotion block with their
history; emails and answers read-only with their audit trail."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import EmailAnswer, EmailItem, KindRule, PromotionBlock, ResponseTemplate


@admin.register(KindRule)
class KindRuleAdmin(SimpleHistoryAdmin):
    list_display = ["position", "field", "pattern", "kind", "active"]
    list_filter = ["kind", "active"]


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["code", "motif", "label", "kind", "active"]
    list_filter = ["kind", "active"]


@admin.register(PromotionBlock)
class PromotionBlockAdmin(SimpleHistoryAdmin):
    list_display = ["valid_from"]


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EmailItem)
class EmailItemAdmin(ReadOnlyHistoryAdmin):
    list_display = ["id", "kind", "status", "received_at", "due_at", "assignee"]
    list_filter = ["kind", "status", "source"]


@admin.register(EmailAnswer)
class EmailAnswerAdmin(ReadOnlyHistoryAdmin):
    list_display = ["id", "item", "by", "sent_at", "template_code"]
