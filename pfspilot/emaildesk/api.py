"""The email desk's API endpoints (same conventions as `pfspilot.api`: token or session
authentication, one capability per endpoint, JSON errors {"detail": French message})."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from pfspilot.api.views import ERRORS, Endpoint, endpoint
from pfspilot.people.access import get_object_for_user

from . import services
from .models import MAX_BODY, EmailItem


class EmailOut(serializers.ModelSerializer):
    kind = serializers.ChoiceField(
        choices=["niveau1", "reclamation"], help_text=_("niveau1 | reclamation")
    )
    due_at = serializers.DateTimeField(help_text=_("Échéance, ISO 8601 avec décalage horaire."))
    received_at = serializers.DateTimeField()
    lease_until = serializers.DateTimeField(
        allow_null=True,
        help_text=_("Fin de la réservation, renouvelée tant que l'agent travaille."),
    )
    assignee = serializers.SerializerMethodField(help_text=_("Identifiant du détenteur, ou null."))
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = EmailItem
        fields = [
            "id",
            "kind",
            "due_at",
            "received_at",
            "status",
            "assignee",
            "lease_until",
            "overdue",
            "subject",
            "from_address",
            "from_name",
            "text",
        ]

    def get_assignee(self, obj) -> str | None:
        return obj.assignee.username if obj.assignee_id else None

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()


class ReplyIn(serializers.Serializer):
    body = serializers.CharField(
        max_length=MAX_BODY, help_text=_("Texte de la réponse (variables {nom}… remplies).")
    )
    template = serializers.SlugField(
        max_length=60,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Code du modèle de réponse utilisé (facultatif)."),
    )


class ReplyOut(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("Numéro du courriel."))
    status = serializers.CharField()
    message_id = serializers.CharField(help_text=_("Message-ID de la réponse envoyée."))
    template = serializers.CharField(allow_null=True)
    answered_at = serializers.DateTimeField()


class EmailNext(Endpoint):
    capability = "email.claim"

    @extend_schema(
        request=None,
        responses={
            200: EmailOut,
            204: OpenApiResponse(description="Aucun courriel en attente"),
            **ERRORS,
        },
        summary="« Courriel suivant » : le plus urgent que personne ne détient, réservé à l'agent",
    )
    def post(self, request):
        item = services.next_email(request.user)
        if item is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(EmailOut(item).data)


class EmailRelease(Endpoint):
    capability = "email.claim"

    @extend_schema(
        request=None,
        responses={200: EmailOut, **ERRORS},
        summary="Remettre dans la file un courriel que l'on détient",
    )
    def post(self, request, pk):
        item = get_object_for_user(request.user, EmailItem, pk=pk)
        item = services.release(item, request.user)
        return Response(EmailOut(item).data)


class EmailReply(Endpoint):
    capability = "email.reply"

    @extend_schema(
        request=ReplyIn,
        responses={200: ReplyOut, **ERRORS},
        summary="Répondre (par SMTP) au courriel que l'on détient ; 409 pour les autres",
    )
    def post(self, request, pk):
        data = self.parse(ReplyIn, request)
        item = get_object_for_user(request.user, EmailItem, pk=pk)
        answer = services.reply(
            item, request.user, body=data["body"], template=data["template"] or None
        )
        return Response(
            ReplyOut(
                {
                    "id": item.pk,
                    "status": EmailItem.ANSWERED,
                    "message_id": answer.message_id,
                    "template": answer.template_code or None,
                    "answered_at": answer.sent_at,
                }
            ).data
        )


__all__ = ["EmailNext", "EmailRelease", "EmailReply", "endpoint"]
