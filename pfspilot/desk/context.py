"""Template context of every page: overdue urgencies stand out on every supervisor's screen."""

from pfspilot.people.access import can

from .queues import overdue_urgencies


def urgencies_alert(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not can(user, "urgency.claim"):
        return {}
    return {"overdue_urgencies": overdue_urgencies()}
