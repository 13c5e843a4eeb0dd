"""People pages: the accounts a user may see, each one's card. Scoped by `access.SCOPES`."""

from django.shortcuts import render

from .access import requires
from .selectors import person_for, visible_people


@requires("people")
def people_list(request):
    """An agent sees their own card, an assistant superviseur their team, managers everyone."""
    return render(request, "people/list.html", {"people": visible_people(request.user)})


@requires("people")
def person(request, pk: int):
    return render(request, "people/person.html", {"person": person_for(request.user, pk)})
