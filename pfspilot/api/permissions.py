"""The API's access decision: the same capability table as the pages (`people.access`)."""

from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from pfspilot.people.access import CAPABILITIES, can


class HasCapability(BasePermission):
    """Grants the view's `capability` (a name of `CAPABILITIES`); 403 with the French reason."""

    def has_permission(self, request, view):
        name = view.capability
        if can(request.user, name):
            return True
        if request.user and request.user.is_authenticated:
            self.message = _("Votre rôle ne permet pas cette action : %(action)s.") % {
                "action": CAPABILITIES[name].label
            }
        return False
