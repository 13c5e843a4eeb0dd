"""The client's address for login throttling (django-axes' AXES_CLIENT_IP_CALLABLE)."""

import ipaddress

from django.conf import settings
from django.shortcuts import render


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    """REMOTE_ADDR; when it is a trusted reverse proxy (settings.TRUSTED_PROXIES), the last
    address of X-Forwarded-For, the one the proxy appended itself (earlier ones come from the
    client and could be forged)."""
    remote = request.META.get("REMOTE_ADDR", "")
    if remote in settings.TRUSTED_PROXIES:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            last = _valid(forwarded.split(",")[-1])
            if last:
                return last
    return remote


def lockout_response(request, original_response=None, credentials=None):
    """The French page shown while a login is locked out (status 429, « trop de requêtes »)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "registration/locked.html", context, status=429)
