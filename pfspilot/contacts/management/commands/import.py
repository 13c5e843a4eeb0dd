"""`pfspilot import calls|emails|surveys|activity FILE... --mapping NAME_OR_PATH`."""

import sys
import time

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.cli import CliError, JsonCommand
from pfspilot.contacts.mapping import KINDS, MappingError, load_mapping
from pfspilot.contacts.services import import_files
from pfspilot.formatting import fr_figure

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
        parser.add_argument(
            "--update",
            action="store_true",
            help=_(
                "Met à jour les enregistrements déjà importés dont le fichier donne d'autres "
                "valeurs (l'historique garde les précédentes). Sans elle, ils sont signalés."
            ),
        )

    def run(self, *, kind, files, mapping, update=False, **options):
        try:
            profile = load_mapping(mapping)
            profile.for_kind(kind)
        except MappingError as exc:
            raise CliError(_("Erreur : %(message)s") % {"message": exc}) from None
        report = import_files(
            kind=kind, paths=files, mapping=profile, progress=_Progress(), update=update
        )
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
        label = KIND_LABELS[result["kind"]]
        lines = []
        for file in result["files"]:
            if file["status"] == "duplicate":
                lines.append(
                    _("%(file)s : déjà importé, rien n'est ajouté.") % {"file": file["file"]}
                )
            else:
                lines.append(
                    _(
                        "%(file)s : %(added)s %(label)s ajouté(e)s sur %(read)s lu(e)s "
                        "(%(ignored)s ligne(s) ignorée(s) par le profil)."
                    )
                    % {
                        "file": file["file"],
                        "added": fr_figure(file["added"], "count"),
                        "label": label,
                        "read": fr_figure(file["rows_read"], "count"),
                        "ignored": fr_figure(file["ignored"], "count"),
                    }
                )
            lines += _changed_lines(file)
        lines.append(
            _("Total : %(added)s %(label)s ajouté(e)s.")
            % {"added": fr_figure(result["added"], "count"), "label": label}
        )
        return "\n".join(lines)


SHOWN_CHANGES = 20


def _changed_lines(file: dict) -> list[str]:
    """The rows of known records with other values: updated (--update) or only reported."""
    changed = file.get("changed") or []
    if not changed:
        return []
    shown = ", ".join(
        _("ligne %(line)s (%(id)s)") % {"line": c["line"], "id": c["id"][:40]}
        for c in changed[:SHOWN_CHANGES]
    )
    more = len(changed) - SHOWN_CHANGES
    if more > 0:
        shown += " " + _("et %(count)s autre(s)") % {"count": fr_figure(more, "count")}
    if file.get("updated"):
        return [
            "  "
            + _("%(count)s enregistrement(s) mis à jour (valeurs précédentes dans l'historique) : ")
            % {"count": fr_figure(file["updated"], "count")}
            + shown
            + "."
        ]
    return [
        "  "
        + _(
            "%(count)s ligne(s) déjà importée(s) avec d'autres valeurs, non modifiée(s) "
            "(relancez avec --update pour les mettre à jour) : "
        )
        % {"count": fr_figure(len(changed), "count")}
        + shown
        + "."
    ]


class _Progress:
    """French progress lines on stderr, at most one a second."""

    def __init__(self):
        self.last = 0.0

    def __call__(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - self.last >= 1.0 or fraction >= 1.0:
            self.last = now
            sys.stderr.write(f"[{fr_figure(fraction, 'rate')}] {message}\n")
