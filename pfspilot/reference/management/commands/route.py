"""`pfspilot route --motif TEXT --profile {fi,confirme} [--dossier-en-cours] --json`.

Contract (scripts depend on it): one JSON object {motif, parcours, profile, action, instruction};
an unknown motif, a missing or invalid profile → French message on stderr, exit status 2.
The motif is a code or label of the note's table or of the level-1 catalogue (then "traiter",
"parcours" being its theme); the table wins on a shared name.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.cli import CliError, JsonCommand, parse_profile
from pfspilot.engine import routing
from pfspilot.reference.selectors import guide_rows


class Command(JsonCommand):
    help = gettext_lazy(
        "Indique la consigne d'orientation d'un motif d'appel pour un profil d'agent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--motif", help=_("Code ou libellé du motif, tel qu'écrit dans la note.")
        )
        parser.add_argument("--profile", help=_("Profil de l'agent : fi ou confirme."))
        parser.add_argument(
            "--dossier-en-cours",
            action="store_true",
            help=_("L'allocataire a un dossier en cours pour ce motif."),
        )

    def run(self, *, motif=None, profile=None, dossier_en_cours=False, **options):
        profile = parse_profile(profile, routing.PROFILES)
        if not motif or not motif.strip():
            raise CliError(_("Erreur : --motif est obligatoire (code ou libellé du motif)."))
        rows = [row for row in guide_rows(timezone.localdate()) if row.kind != routing.PROCEDURE]
        row = routing.find_motif(rows, motif)
        if row is None:
            labels = routing.closest(rows, motif, 5)
            message = _("Erreur : motif « %(motif)s » absent du tableau d'orientation.") % {
                "motif": motif.strip()
            }
            if labels:
                message += " " + _("Motifs les plus proches : %(suggestions)s.") % {
                    "suggestions": " ; ".join(f"« {label} »" for label in labels)
                }
            raise CliError(message)
        decision = routing.route(row, profile, dossier_en_cours)
        return {
            "motif": row.label,
            "parcours": row.journey,
            "profile": profile,
            "action": decision.action,
            "instruction": decision.instruction,
        }

    def render_text(self, result) -> str:
        return _("%(motif)s (%(parcours)s), profil %(profile)s : %(instruction)s") % {
            "motif": result["motif"],
            "parcours": result["parcours"],
            "profile": routing.PROFILE_LABELS[result["profile"]],
            "instruction": result["instruction"],
        }
