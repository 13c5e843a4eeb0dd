"""`pfspilot emails_queue [--json]`: puts the imported emails still unanswered into the queues
(once each) and gives back the emails whose lease expired. Idempotent; run after imports or
every minute."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.cli import JsonCommand
from pfspilot.emaildesk import services


class Command(JsonCommand):
    help = gettext_lazy(
        "Met en file les courriels importés sans réponse et libère les baux expirés."
    )

    def run(self, **options):
        return {"queued": services.queue_imported(), "freed": services.free_expired()}

    def render_text(self, result) -> str:
        return (
            _("Courriels importés mis en file : %(queued)s ; baux expirés libérés : %(freed)s")
            % result
        )
