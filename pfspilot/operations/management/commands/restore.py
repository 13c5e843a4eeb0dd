"""`pfspilot restore SAUVEGARDE --yes`: replaces the database and the uploads by a backup's."""

from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.cli import CliError, JsonCommand
from pfspilot.operations import services


class Command(JsonCommand):
    help = gettext_lazy(
        "Remplace la base et les fichiers importés par ceux d'une sauvegarde de pfspilot "
        "backup (arrêtez d'abord le serveur web et le worker), puis compare les lignes de "
        "chaque table à celles de la sauvegarde."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source", help=_("Dossier de la sauvegarde (pfspilot-AAAAMMJJ-HHMMSS).")
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help=_("Confirme le remplacement de toutes les données actuelles."),
        )
        parser.add_argument(
            "--accept-other-key",
            action="store_true",
            help=_("Restaure même si CALLER_HASH_KEY diffère de celle de la sauvegarde."),
        )

    def run(self, source, yes=False, accept_other_key=False, **options):
        if not yes:
            raise CliError(
                _(
                    "La restauration remplace toutes les données actuelles : relancez avec "
                    "--yes pour confirmer (serveur web et worker arrêtés)."
                )
            )
        try:
            outcome = services.restore(Path(source), accept_other_key=accept_other_key)
        except (services.BackupError, OSError) as exc:
            raise CliError(_("Restauration impossible : %(e)s") % {"e": exc}) from None
        return {
            "path": str(outcome.path),
            "engine": outcome.engine,
            "rows": sum(outcome.counts.values()),
            "counts": outcome.counts,
        }

    def render_text(self, result) -> str:
        return (
            _(
                "Sauvegarde %(path)s restaurée (%(engine)s, %(rows)s lignes, identiques à la "
                "sauvegarde)."
            )
            % result
        )
