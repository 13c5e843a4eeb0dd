from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _


class EndedAccountMiddleware:
    """Closes the session of an account deactivated or ended while it was logged in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and (not user.is_active or user.has_ended()):
            logout(request)
            messages.error(request, _("Votre compte n'est plus actif : session fermée."))
            return redirect("login")
        return self.get_response(request)
