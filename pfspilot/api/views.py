"""The HTTP API for the telephony system and automation (OpenAPI at /api/v1/schema).

Token (`Authorization: Token KEY`) or session authentication; each endpoint requires one
capability of `people.access`, like the pages, and calls the same services as the pages.
"""

from django.contrib.auth.decorators import login_not_required
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from pfspilot.desk import services
from pfspilot.desk.models import CallRecord, Level2Request, RequestKind, Urgency
from pfspilot.people.access import get_object_for_user
from pfspilot.workitems import services as workitems
from pfspilot.workitems.services import WorkItemError

from . import serializers as s
from .permissions import HasCapability

ERRORS = {
    code: OpenApiResponse(s.Error, description=text)
    for code, text in (
        (400, "Entrée invalide"),
        (401, "Non authentifié"),
        (403, "Rôle non autorisé"),
        (404, "Introuvable"),
        (409, "Conflit (déjà pris en charge, déjà existant)"),
    )
}


def _record(user, ref: str) -> CallRecord:
    """The call record `ref` (its id, or the telephony call id) among those `user` may see."""
    ref = (ref or "").strip()
    rows = CallRecord.objects.visible_to(user)
    record = rows.filter(pk=int(ref)).first() if ref.isdigit() else None
    record = record or rows.filter(call_id=ref).first()
    if record is None:
        raise WorkItemError(
            _("Appel inconnu : aucune fiche d'appel « %(ref)s » dans votre périmètre.")
            % {"ref": ref[:100]},
            field="call",
        )
    return record


class Endpoint(APIView):
    permission_classes = [HasCapability]
    capability = ""

    def parse(self, serializer_class, request):
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class Calls(Endpoint):
    capability = "call.record"

    @extend_schema(
        request=s.CallIn,
        responses={201: s.CallOut, 200: s.CallOut, **ERRORS},
        summary="Ouvrir la fiche d'appel de l'agent qui décroche (remontée de fiche)",
    )
    def post(self, request):
        data = self.parse(s.CallIn, request)
        record, created = services.record_open(
            agent=request.user,
            call_id=data["call_id"],
            caller_number=data["caller_number"],
            source=CallRecord.Source.TELEPHONY,
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(s.CallOut(record).data, status=code)


class Callbacks(Endpoint):
    capability = "request.create"

    @extend_schema(
        request=s.CallbackIn,
        responses={201: s.CallbackOut, **ERRORS},
        summary="Demander un rappel différé (statut « nouveau », échéance selon le motif)",
    )
    def post(self, request):
        data = self.parse(s.CallbackIn, request)
        record = _record(request.user, data["call"])
        item = services.request_create(
            record,
            by=request.user,
            kind=RequestKind.CALLBACK,
            motif=data["motif"],
            note=data["note"],
            phone=data["phone"],
            availability=data["availability"],
        )
        return Response(s.CallbackOut(item).data, status=status.HTTP_201_CREATED)


class CallbackClaim(Endpoint):
    capability = "request.claim"

    @extend_schema(
        request=None,
        responses={200: s.CallbackOut, **ERRORS},
        summary="Prendre en charge une demande (un seul détenteur ; 409 pour les autres)",
    )
    def post(self, request, pk):
        item = get_object_for_user(request.user, Level2Request, pk=pk)
        item = workitems.claim(item, request.user)
        return Response(s.CallbackOut(item).data)


class Urgencies(Endpoint):
    capability = "urgency.send"

    @extend_schema(
        request=s.UrgencyIn,
        responses={201: s.UrgencyOut, **ERRORS},
        summary="Envoyer une urgence à la boîte de la supervision (échéance d'engagement)",
    )
    def post(self, request):
        data = self.parse(s.UrgencyIn, request)
        record = _record(request.user, data["call"]) if data["call"] else None
        item = services.urgency_send(
            by=request.user,
            subject=data["subject"],
            description=data["description"],
            record=record,
        )
        return Response(s.UrgencyOut(item).data, status=status.HTTP_201_CREATED)


class UrgencyClaim(Endpoint):
    capability = "urgency.claim"

    @extend_schema(
        request=None,
        responses={200: s.UrgencyOut, **ERRORS},
        summary="Prendre en charge une urgence (un seul détenteur ; 409 pour les autres)",
    )
    def post(self, request, pk):
        item = get_object_for_user(request.user, Urgency, pk=pk)
        item = workitems.claim(item, request.user)
        return Response(s.UrgencyOut(item).data)


def endpoint(view_class):
    """The view of `view_class` for the URL conf: outside the login redirect (the API answers
    401 in JSON), carrying its declaration for the access test."""
    view = login_not_required(view_class.as_view())
    view.capabilities = {"POST": view_class.capability}
    return view
