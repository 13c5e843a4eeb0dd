from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from pfspilot.contacts.selectors import health as platform_health
from pfspilot.people.access import can, public, requires


@requires("home")
def home(request):
    """Landing page: agents go to Mon poste; others see their role and the pages it opens."""
    if can(request.user, "desk"):
        return redirect("poste:poste")
    return render(request, "home.html")


@never_cache
@public("health")
def health(request):
    """`/sante/`: JSON for the monitoring, 200 when healthy, 503 otherwise (no login)."""
    healthy, report = platform_health()
    return JsonResponse(report, status=200 if healthy else 503)
