"""Token authentication that refuses ended accounts like the login page does."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class AccountTokenAuthentication(TokenAuthentication):
    """`Authorization: Token KEY`; a disabled, ended or not yet started account gets 401."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if user.has_ended() or user.has_not_started():
            raise exceptions.AuthenticationFailed(
                _("Compte arrivé à échéance ou pas encore ouvert : accès refusé.")
            )
        return user, token
