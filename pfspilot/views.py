from django.shortcuts import redirect, render

from pfspilot.people.access import can, requires


@requires("home")
def home(request):
    """Landing page: agents go to Mon poste; others see their role and the pages it opens."""
    if can(request.user, "desk"):
        return redirect("poste:poste")
    return render(request, "home.html")
