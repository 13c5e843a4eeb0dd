"""`pfspilot guide --query TEXT --profile {fi,confirme} [--dossier-en-cours] --json`.

Contract (scripts depend on it): the ranked list the guide page shows, best first,
[{"motif", "parcours", "in_table", "action", "instruction"}], where "parcours" is the note's
parcours or the catalogue's theme and "action" one of traiter, rappel_differe, pira_rdv,
transfert_superviseur, incivilite, urgence; an empty list (exit 0) when nothing matches.
A missing or invalid profile, or a missing query → French message on stderr, exit status 2.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.cli import CliError, JsonCommand, parse_profile
from pfspilot.desk.selectors import guide_json
from pfspilot.engine import routing


class Command(JsonCommand):
    help = gettext_lazy(
        "Cherche un motif d'appel comme le guide d'appel et affiche les consignes, "
        "les meilleures d'abord."
    )

    def add_arguments(self, parser):
        parser.add_argument("--query", help=_("Ce que le téléconseiller tape dans le guide."))
        parser.add_argument("--profile", help=_("Profil de l'agent : fi ou confirme."))
        parser.add_argument(
            "--dossier-en-cours",
            action="store_true",
            help=_("Réponse « oui » à « Dossier en cours ? » (sinon « non »)."),
        )

    def run(self, *, query=None, profile=None, dossier_en_cours=False, **options):
        profile = parse_profile(profile, routing.PROFILES)
        if query is None or not query.strip():
            raise CliError(_("Erreur : --query est obligatoire (ce que l'agent tape)."))
        return guide_json(query, profile, dossier_en_cours, timezone.localdate())

    def render_text(self, result) -> str:
        if not result:
            return _("Aucun motif ne correspond : motif hors tableau, traiter au niveau 1.")
        return "\n".join(_("%(motif)s (%(parcours)s) : %(instruction)s") % item for item in result)
