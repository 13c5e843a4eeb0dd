"""`pfspilot backup DOSSIER`: the database, the uploads and a manifest, in a new dated folder."""

from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.cli import CliError, JsonCommand
from pfspilot.operations import services


class Command(JsonCommand):
    help = gettext_lazy(
        "Sauvegarde la base (SQLite : copie en ligne ; PostgreSQL : pg_dump) et les fichiers "
        "importés dans un nouveau dossier daté sous DOSSIER. La clé CALLER_HASH_KEY se "
        "sauvegarde à part, avec les réglages (docs/deploy.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", help=_("Dossier des sauvegardes."))

    def run(self, destination, **options):
        try:
            outcome = services.backup(Path(destination))
        except (services.BackupError, OSError) as exc:
            raise CliError(_("Sauvegarde impossible : %(e)s") % {"e": exc}) from None
        return {
            "path": str(outcome.path),
            "engine": outcome.engine,
            "rows": sum(outcome.counts.values()),
            "counts": outcome.counts,
        }

    def render_text(self, result) -> str:
        return (
            _(
                "Sauvegarde écrite dans %(path)s (%(engine)s, %(rows)s lignes). Gardez avec elle "
                "une copie de CALLER_HASH_KEY."
            )
            % result
        )
