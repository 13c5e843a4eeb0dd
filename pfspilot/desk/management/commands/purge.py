"""`pfspilot purge [--apply] [--json]`: personal details of the desk older than the retention
period of the desk rules. Dry run by default (counts only); `--apply` erases them, keeping the
anonymous records (motifs, outcomes, dates, statuses) that the indicators count."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.cli import CliError, JsonCommand
from pfspilot.desk import services
from pfspilot.desk.queues import desk_rules
from pfspilot.workitems.services import WorkItemError

LABELS = {
    "fiches": gettext_lazy("fiches d'appel"),
    "demandes": gettext_lazy("demandes de niveau 2"),
    "mises_a_jour_coordonnees": gettext_lazy("mises à jour de coordonnées"),
    "incivilites": gettext_lazy("incivilités"),
    "consultations": gettext_lazy("lignes du journal des consultations"),
}


class Command(JsonCommand):
    help = gettext_lazy(
        "Efface les données personnelles du poste au-delà de la durée de conservation "
        "(simulation par défaut, --apply pour effacer)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply", action="store_true", help=_("Effacer réellement (sinon : simulation).")
        )

    def run(self, *, apply=False, **options):
        try:
            rules = desk_rules()
            counts = services.purge(apply=apply)
        except WorkItemError as error:
            raise CliError(_("Erreur : %(message)s") % {"message": error.message}) from None
        return {"applied": apply, "retention_days": rules.retention_days, "counts": counts}

    def render_text(self, result) -> str:
        head = (
            _("Données personnelles effacées (conservation : %(days)s jours) :")
            if result["applied"]
            else _(
                "Simulation (rien n'est effacé ; --apply pour effacer), conservation : %(days)s jours :"
            )
        ) % {"days": result["retention_days"]}
        lines = [head]
        lines += [f"  {LABELS[key]} : {count}" for key, count in result["counts"].items()]
        return "\n".join(lines)
