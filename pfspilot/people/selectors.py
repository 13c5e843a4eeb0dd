"""Reads of people, always through the viewer's scope (`visible_to`)."""

from django.db.models import QuerySet

from .access import get_object_for_user
from .models import User


def visible_people(viewer) -> QuerySet[User]:
    """Accounts `viewer` may see (own, team, or all per `access.SCOPES`), by team then name."""
    return (
        User.objects.visible_to(viewer)
        .select_related("team")
        .order_by("team__name", "last_name", "first_name", "username")
    )


def person_for(viewer, pk: int) -> User:
    """One account within `viewer`'s scope; Http404 outside it."""
    return get_object_for_user(viewer, User.objects.select_related("team"), pk=pk)
