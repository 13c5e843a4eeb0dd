from django.shortcuts import render

from pfspilot.people.access import requires


@requires("home")
def home(request):
    """Landing page: the user's role and the pages it opens (the menu, in full)."""
    return render(request, "home.html")
