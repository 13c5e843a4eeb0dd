"""`pfspilot import calls|emails|surveys|activity FILE... --mapping NAME_OR_PATH`."""

import sys
import time

from pfspilot.cli import CliError, JsonCommand
from pfspilot.contacts.mapping import KINDS, MappingError, load_mapping
from pfspilot.contacts.services import import_files

KIND_LABELS = {
    "calls": "appels",
    "emails": "courriels",
    "surveys": "réponses de satisfaction",
    "activity": "journées d'activité",
}
SHOWN_ERRORS = 50


class Command(JsonCommand):
    help = (
        "Importe des exports (CSV ou XLSX, éventuellement .gz) d'appels, de courriels, de "
        "réponses de satisfaction ou d'activité des agents, selon un profil de correspondance."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS, help="Type d'enregistrements.")
        parser.add_argument("files", nargs="+", help="Fichiers à importer.")
        parser.add_argument(
            "--mapping",
            required=True,
            help="Profil intégré (canonical, anonymous-bank) ou chemin d'un fichier TOML.",
        )

    def run(self, *, kind, files, mapping, **options):
        try:
            profile = load_mapping(mapping)
            profile.for_kind(kind)
        except MappingError as exc:
            raise CliError(f"Erreur : {exc}") from None
        report = import_files(kind=kind, paths=files, mapping=profile, progress=_Progress())
        if not report.ok:
            lines = []
            for file in report.files:
                if file.errors:
                    lines.append(
                        f"{file.file} : refusé, {len(file.errors)} erreur(s), rien n'est enregistré."
                    )
                    lines += [f"  {error}" for error in file.errors[:SHOWN_ERRORS]]
                    if len(file.errors) > SHOWN_ERRORS:
                        lines.append(f"  … et {len(file.errors) - SHOWN_ERRORS} autre(s).")
            accepted = [f.file for f in report.files if not f.errors]
            if accepted:
                lines.append(f"Fichiers acceptés malgré tout : {', '.join(accepted)}.")
            raise CliError("Erreur : import refusé.\n" + "\n".join(lines))
        return report.as_dict()

    def render_text(self, result) -> str:
        label = KIND_LABELS[result["type"]]
        lines = []
        for file in result["fichiers"]:
            if file["etat"] == "duplicate":
                lines.append(f"{file['fichier']} : déjà importé, rien n'est ajouté.")
            else:
                lines.append(
                    f"{file['fichier']} : {file['ajoutees']} {label} ajouté(e)s sur "
                    f"{file['lignes_lues']} lu(e)s ({file['ignorees']} ligne(s) ignorée(s) "
                    "par le profil)."
                )
        lines.append(f"Total : {result['ajoutees']} {label} ajouté(e)s.")
        return "\n".join(lines)


class _Progress:
    """French progress lines on stderr, at most one a second."""

    def __init__(self):
        self.last = 0.0

    def __call__(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - self.last >= 1.0 or fraction >= 1.0:
            self.last = now
            sys.stderr.write(f"[{fraction:4.0%}] {message}\n")
