"""`pfspilot tick`: the platform's periodic work (`pfspilot.planning.periodic.JOBS`), every minute."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.cli import CliError, JsonCommand
from pfspilot.planning import periodic


class Command(JsonCommand):
    help = gettext_lazy(
        "Travail périodique, à lancer chaque minute (cron ou boucle du worker) : sommes du jour, "
        "imports interrompus, plans des prochains jours ouvrés. Chaque tâche est idempotente."
    )

    def run(self, **options):
        outcomes = periodic.tick()
        self.failed = [o.name for o in outcomes if o.count is None]
        return {
            "jobs": [{"name": o.name, "count": o.count, "message": o.message} for o in outcomes],
            "failed": self.failed,
        }

    def handle(self, *args, **options):
        super().handle(*args, **options)
        if self.failed:
            raise CliError(
                _("Tâches périodiques en échec : %(names)s.") % {"names": ", ".join(self.failed)}
            )

    def render_text(self, result) -> str:
        return "\n".join(job["message"] for job in result["jobs"])
