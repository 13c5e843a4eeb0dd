"""API endpoints of the email desk, mounted by `pfspilot.api.urls` under /api/v1/emails/ (in the
« api » namespace)."""

from django.urls import path

from . import api

urlpatterns = [
    path("next", api.endpoint(api.EmailNext), name="email_next"),
    path("<int:pk>/release", api.endpoint(api.EmailRelease), name="email_release"),
    path("<int:pk>/reply", api.endpoint(api.EmailReply), name="email_reply"),
]
