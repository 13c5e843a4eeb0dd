"""`pfspilot import calls|emails|surveys|activity FILE... --mapping NAME_OR_PATH`."""

import sys
import time

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.cli import CliError, JsonCommand
from pfspilot.contacts.mapping import KINDS, MappingError, load_mapping
from pfspilot.contacts.services import import_files
from pfspilot.indicators.formatting import fr_figure

KIND_LABELS = {
    "calls": gettext_lazy("appels"),
    "emails": gettext_lazy("courriels"),
    "surveys": gettext_lazy("réponses de satisfaction"),
    "activity": gettext_lazy("journées d'activité"),
}
SHOWN_ERRORS = 50


class Command(JsonCommand):
    help = gettext_lazy(
        "Importe des exports (CSV ou XLSX, éventuellement .gz) d'appels, de courriels, de "
        "réponses de satisfaction ou d'activité des agents, selon un profil de correspondance."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS, help=_("Type d'enregistrements."))
        parser.add_argument("files", nargs="+", help=_("Fichiers à importer."))
        parser.add_argument(
            "--mapping",
            required=True,
            help=_("Profil intégré (canonical, anonymous-bank) ou chemin d'un fichier TOML."),
        )

    def run(self, *, kind, files, mapping, **options):
        try:
            profile = load_mapping(mapping)
            profile.for_kind(kind)
        except MappingError as exc:
            raise CliError(_("Erreur : %(message)s") % {"message": exc}) from None
        report = import_files(kind=kind, paths=files, mapping=profile, progress=_Progress())
        if not report.ok:
            lines = []
            for file in report.files:
                if file.errors:
                    lines.append(
                        _("%(file)s : refusé, %(count)s erreur(s), rien n'est enregistré.")
                        % {"file": file.file, "count": fr_figure(len(file.errors), "count")}
                    )
                    lines += [f"  {error}" for error in file.errors[:SHOWN_ERRORS]]
                    if len(file.errors) > SHOWN_ERRORS:
                        more = len(file.errors) - SHOWN_ERRORS
                        lines.append("  " + _("… et %(count)s autre(s).") % {"count": more})
            accepted = [f.file for f in report.files if not f.errors]
            if accepted:
                lines.append(
                    _("Fichiers acceptés malgré tout : %(files)s.") % {"files": ", ".join(accepted)}
                )
            raise CliError(_("Erreur : import refusé.") + "\n" + "\n".join(lines))
        return report.as_dict()

    def render_text(self, result) -> str:
        label = KIND_LABELS[result["type"]]
        lines = []
        for file in result["fichiers"]:
            if file["etat"] == "duplicate":
                lines.append(
                    _("%(file)s : déjà importé, rien n'est ajouté.") % {"file": file["fichier"]}
                )
            else:
                lines.append(
                    _(
                        "%(file)s : %(added)s %(label)s ajouté(e)s sur %(read)s lu(e)s "
                        "(%(ignored)s ligne(s) ignorée(s) par le profil)."
                    )
                    % {
                        "file": file["fichier"],
                        "added": fr_figure(file["ajoutees"], "count"),
                        "label": label,
                        "read": fr_figure(file["lignes_lues"], "count"),
                        "ignored": fr_figure(file["ignorees"], "count"),
                    }
                )
        lines.append(
            _("Total : %(added)s %(label)s ajouté(e)s.")
            % {"added": fr_figure(result["ajoutees"], "count"), "label": label}
        )
        return "\n".join(lines)


class _Progress:
    """French progress lines on stderr, at most one a second."""

    def __init__(self):
        self.last = 0.0

    def __call__(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - self.last >= 1.0 or fraction >= 1.0:
            self.last = now
            sys.stderr.write(f"[{fr_figure(fraction, 'rate')}] {message}\n")
