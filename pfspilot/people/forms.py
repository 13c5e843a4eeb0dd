from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Identifiant ou mot de passe incorrect."),
        "inactive": _("Ce compte est désactivé. Adressez-vous à votre administrateur."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.has_ended():
            raise forms.ValidationError(
                _("Ce compte a pris fin le %(date)s. Adressez-vous à votre administrateur.")
                % {"date": date_format(user.end_date, "SHORT_DATE_FORMAT")},
                code="ended",
            )
        if user.has_not_started():
            raise forms.ValidationError(
                _("Ce compte ne sera actif qu'à partir du %(date)s.")
                % {"date": date_format(user.start_date, "SHORT_DATE_FORMAT")},
                code="not_started",
            )
