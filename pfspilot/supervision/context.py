"""Template context of every page: an agent's unread reminders of instructions (note §E), shown
on Mon poste and every page until acknowledged. A callable: no query where it is not shown."""

from functools import cache

from pfspilot.people.access import can

from .selectors import unread_reminders


def reminders_alert(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not can(user, "reminder.acknowledge"):
        return {}
    return {"unread_reminders": cache(lambda: unread_reminders(user).count())}
