import time

from django.conf import settings
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


class IdleSessionMiddleware:
    """Ends a session after `SESSION_COOKIE_AGE` seconds without activity.

    The session's expiry is stored with it: each request that counts as activity pushes it back
    by saving the session, at most once a minute (not a write per request, as
    SESSION_SAVE_EVERY_REQUEST would do). GET requests made by htmx (fragments polled every few
    seconds, e.g. the urgencies' banner) are not activity: a page left open does not keep its
    session alive for ever. An expired session is simply not found by Django: the next page asks
    for the login again.
    """

    KEY = "_activity"
    REFRESH_S = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            polled = request.method == "GET" and request.headers.get("HX-Request") == "true"
            now = int(time.time())
            if not polled and now - session.get(self.KEY, 0) >= self.REFRESH_S:
                session[self.KEY] = now  # marks the session modified: saved with a new expiry
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header (settings.PERMISSIONS_POLICY) to every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault("Permissions-Policy", self.value)
        return response
