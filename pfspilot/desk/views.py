from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse

from pfspilot.engine.routing import PROFILES
from pfspilot.people.access import requires

from . import selectors


def _profiles(user) -> tuple[str, ...]:
    """An agent sees the orientation of their own profile; everyone else sees both."""
    return (user.routing_profile(),) if user.is_agent else PROFILES


def _params(request) -> dict:
    return {
        "query": request.GET.get("q", ""),
        "profiles": _profiles(request.user),
        "file_code": request.GET.get("dossier", ""),
        "no_file_code": request.GET.get("sans_dossier", ""),
    }


@requires("guide")
def guide(request):
    """The call guide: find a motif, read what to do, follow the interview steps."""
    return render(request, "desk/guide.html", selectors.guide_page(**_params(request)))


@requires("guide")
def search(request):
    """The results part of the guide, re-rendered by htmx at each keystroke or answer."""
    context = selectors.guide_results(**_params(request))
    response = render(request, "desk/_results.html", context)
    answers = (
        ("q", context["q"]),
        ("dossier", context["file_code"]),
        ("sans_dossier", context["no_file_code"]),
    )
    kept = {k: v for k, v in answers if v}
    response["HX-Replace-Url"] = reverse("desk:guide") + (f"?{urlencode(kept)}" if kept else "")
    return response
