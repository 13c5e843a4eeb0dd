"""Template context of every page: what must not wait stands out on the screen of those who
handle it — overdue urgencies for every supervisor, incomplete incivility follow-ups (the
reminders of note §D) for managers."""

from functools import cache

from pfspilot.people.access import can

from .queues import follow_up_reminders, overdue_urgencies


def urgencies_alert(request):
    """Callables the template calls only where it shows them (the base layout): htmx partials
    and polled fragments, rendered without the layout, cost no query; a page costs one each."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context = {}
    if can(user, "urgency.claim"):
        context["overdue_urgencies"] = cache(overdue_urgencies)
    if can(user, "incivility.follow_up"):
        context["follow_up_reminders"] = cache(lambda: follow_up_reminders(user))
    return context
