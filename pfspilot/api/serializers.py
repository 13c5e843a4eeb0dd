"""Shapes of the API's requests and answers (they document the OpenAPI schema)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pfspilot.desk.models import MAX_TEXT, CallRecord, Level2Request, Urgency


class CallIn(serializers.Serializer):
    call_id = serializers.CharField(
        max_length=100, help_text=_("Identifiant d'appel de la téléphonie.")
    )
    caller_number = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default="", help_text=_("Numéro appelant.")
    )


class CallOut(serializers.ModelSerializer):
    agent = serializers.CharField(source="agent.username")
    attached = serializers.SerializerMethodField(
        help_text=_("Rattachée à l'appel de la téléphonie.")
    )

    class Meta:
        model = CallRecord
        fields = ["id", "call_id", "agent", "status", "opened_at", "attached"]

    def get_attached(self, obj) -> bool:
        return obj.telephony_id is not None


class CallbackIn(serializers.Serializer):
    call = serializers.CharField(
        max_length=100,
        help_text=_("Fiche d'appel : son numéro (id) ou l'identifiant d'appel de la téléphonie."),
    )
    motif = serializers.CharField(max_length=200, help_text=_("Code ou libellé du motif du guide."))
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    availability = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )


class WorkItemOut(serializers.ModelSerializer):
    assignee = serializers.SerializerMethodField(help_text=_("Identifiant du détenteur, ou null."))
    overdue = serializers.SerializerMethodField()

    def get_assignee(self, obj) -> str | None:
        return obj.assignee.username if obj.assignee_id else None

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()


class CallbackOut(WorkItemOut):
    call = serializers.IntegerField(source="record_id")

    class Meta:
        model = Level2Request
        fields = [
            "id",
            "kind",
            "status",
            "call",
            "motif_code",
            "motif_label",
            "expertise",
            "due_at",
            "due_rule",
            "assignee",
            "attempts",
            "overdue",
            "created_at",
        ]


class UrgencyIn(serializers.Serializer):
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=MAX_TEXT)
    call = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class UrgencyOut(WorkItemOut):
    call = serializers.IntegerField(source="record_id", allow_null=True)

    class Meta:
        model = Urgency
        fields = [
            "id",
            "subject",
            "status",
            "call",
            "due_at",
            "due_rule",
            "assignee",
            "overdue",
            "created_at",
        ]


class Error(serializers.Serializer):
    detail = serializers.CharField(help_text=_("Message en français."))
