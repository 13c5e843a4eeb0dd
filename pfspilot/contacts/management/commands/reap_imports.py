"""`pfspilot reap_imports`: closes the imports left « en cours » by a worker that stopped."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.cli import JsonCommand
from pfspilot.contacts.services import reap_stale_batches


class Command(JsonCommand):
    help = gettext_lazy(
        "Marque en échec les imports restés « en cours » sans signe de vie de leur worker "
        "(à lancer avant de démarrer le worker)."
    )

    def run(self, **options):
        return {"reaped": reap_stale_batches()}

    def render_text(self, result) -> str:
        return _("%(count)s import(s) interrompu(s) marqué(s) en échec.") % {
            "count": result["reaped"]
        }
