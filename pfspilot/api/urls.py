from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularAPIView

from . import views

app_name = "api"

urlpatterns = [
    path("schema", login_not_required(require_safe(SpectacularAPIView.as_view())), name="schema"),
    path("calls", views.endpoint(views.Calls), name="calls"),
    path("callbacks", views.endpoint(views.Callbacks), name="callbacks"),
    path("callbacks/<int:pk>/claim", views.endpoint(views.CallbackClaim), name="callback_claim"),
    path("urgencies", views.endpoint(views.Urgencies), name="urgencies"),
    path("urgencies/<int:pk>/claim", views.endpoint(views.UrgencyClaim), name="urgency_claim"),
    # The email desk's endpoints (names in this namespace: email_next, email_release…).
    path("emails/", include("pfspilot.emaildesk.api_urls")),
]
