"""Who may do what: one table of capabilities per role, enforced server-side on every view.

Each protected view declares one capability with `@requires(...)`; the permission tests walk
every URL of the project and check each role against this table, so a page cannot be added
without a decision about who sees it.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .models import Role

EVERYONE = frozenset(Role.values)
AGENTS = frozenset({Role.AGENT, Role.REINFORCEMENT})
SUPERVISION = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
MANAGEMENT = frozenset({Role.MANAGER, Role.ADMIN})
STEERING = frozenset({Role.DIRECTION, Role.MANAGER, Role.ADMIN})

CAPABILITIES: dict[str, frozenset[str]] = {
    "home": EVERYONE,
    "guide": EVERYONE,
    # Assistants superviseurs: their own team only, enforced by the dashboard's views.
    "dashboard": STEERING | {Role.SUPERVISOR},
    "imports": MANAGEMENT,
    "planning": frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN, Role.DIRECTION}),
}

# Menu entries: (capability, url name, label). Entries whose URL does not exist yet are skipped.
NAVIGATION = [
    ("guide", "desk:guide", _("Guide d'appel")),
    ("dashboard", "indicators:dashboard", _("Tableau de bord COG")),
    ("planning", "planning:day", _("Planification")),
    ("planning", "planning:forecast", _("Prévisions")),
    ("planning", "planning:capacity", _("Capacité")),
    ("imports", "contacts:imports", _("Imports")),
]


def can(user, capability: str) -> bool:
    if capability not in CAPABILITIES:
        raise KeyError(f"capacité inconnue : {capability}")
    return bool(user and user.is_authenticated and user.role in CAPABILITIES[capability])


def requires(capability: str):
    """View decorator: 403 unless the logged-in user's role holds `capability`."""
    if capability not in CAPABILITIES:
        raise KeyError(f"capacité inconnue : {capability}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not can(request.user, capability):
                raise PermissionDenied(_("Votre rôle ne donne pas accès à cette page."))
            return view(request, *args, **kwargs)

        wrapper.required_capability = capability
        return wrapper

    return decorator


def navigation(request):
    """Template context: the menu entries the current user may open."""
    items = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        for capability, name, label in NAVIGATION:
            if not can(user, capability):
                continue
            try:
                items.append({"url": reverse(name), "label": label, "name": name})
            except NoReverseMatch:
                continue
    return {"nav_items": items}
