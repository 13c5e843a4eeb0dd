"""Administration of the incoming email: mailboxes (with history; the poll state read-only), the
quarantine list (never dropped, the reason in French), received messages read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Attachment, Mailbox, QuarantinedMail, ReceivedMessage


@admin.register(Mailbox)
class MailboxAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "host",
        "port",
        "security",
        "folder",
        "processed_folder",
        "active",
        "last_polled_at",
        "failures",
        "retry_after",
        "last_error",
    ]
    list_filter = ["active", "security"]
    readonly_fields = ["last_polled_at", "last_error", "failures", "retry_after"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(QuarantinedMail)
class QuarantinedMailAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "mailbox", "reason", "size", "stored_path"]
    list_filter = ["mailbox"]
    date_hierarchy = "received_at"


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    can_delete = False
    fields = ["filename", "content_type", "size", "status", "held_reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReceivedMessage)
class ReceivedMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "received_at",
        "mailbox",
        "message_id",
        "auto_submitted",
        "bounce",
        "raw_size",
        "thread_root",
    ]
    list_filter = ["mailbox", "auto_submitted", "bounce"]
    search_fields = ["message_id"]
    exclude = ["html_sanitised"]  # shown by the email desk, not as raw markup here
    inlines = [AttachmentInline]

    @admin.display(description=_("pièces jointes"))
    def attachment_count(self, obj):
        return obj.attachments.count()
