"""The project's URLs plus views that fail, for the error pages' tests."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.urls import path

from pfspilot.urls import urlpatterns as project_urlpatterns


@login_not_required
def broken(request):
    raise RuntimeError("panne simulée")


@login_not_required
def suspicious(request):
    raise SuspiciousOperation("requête douteuse")


urlpatterns = [
    path("panne/", broken),
    path("douteuse/", suspicious),
    *project_urlpatterns,
]
