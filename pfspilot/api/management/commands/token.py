"""`pfspilot token create USERNAME`: prints a new API key for the account (the old one stops).

Unknown, disabled or ended account → French message on stderr, exit status 2.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.authtoken.models import Token

from pfspilot.cli import CliError, JsonCommand
from pfspilot.people.models import User


class Command(JsonCommand):
    help = gettext_lazy("Crée une clé d'API (en-tête « Authorization: Token CLÉ ») et l'affiche.")
    json_flag = False

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create"], help=_("create : nouvelle clé."))
        parser.add_argument("username", help=_("Identifiant du compte."))

    def run(self, *, action, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CliError(_("Erreur : compte inconnu « %(name)s ».") % {"name": username})
        if not user.is_active or user.has_ended():
            raise CliError(
                _("Erreur : compte désactivé ou arrivé à échéance « %(name)s ».")
                % {"name": username}
            )
        with transaction.atomic():
            # One key per account: a new key replaces the old one.
            Token.objects.filter(user=user).delete()
            return Token.objects.create(user=user).key

    def render_text(self, result) -> str:
        return result
