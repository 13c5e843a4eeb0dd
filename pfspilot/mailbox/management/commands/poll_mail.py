"""`pfspilot poll_mail [--mailbox NOM] [--force] [--limit N] [--json]`: polls the IMAP mailboxes
now (`pfspilot tick` does it every minute for the mailboxes whose back-off has passed)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.cli import CliError, JsonCommand
from pfspilot.mailbox import services
from pfspilot.mailbox.models import Mailbox


class Command(JsonCommand):
    help = gettext_lazy(
        "Relève les boîtes aux lettres IMAP actives : chaque courriel est enregistré (une seule "
        "fois par Message-ID) puis déplacé dans le dossier des traités ; un courriel illisible "
        "va en quarantaine."
    )

    def add_arguments(self, parser):
        parser.add_argument("--mailbox", help=_("Nom d'une seule boîte à relever."))
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Relever même pendant l'attente après un échec (ou une boîte inactive)."),
        )
        parser.add_argument(
            "--limit",
            default="0",
            help=_("Au plus N courriels par boîte (0 : tous)."),
        )

    def run(self, *, mailbox=None, force=False, limit="0", **options):
        try:
            limit = int(limit)
            if limit < 0:
                raise ValueError
        except (TypeError, ValueError):
            raise CliError(
                _("Erreur : --limit doit être un entier positif ou nul (reçu « %(value)s »).")
                % {"value": limit}
            ) from None
        boxes = Mailbox.objects.all() if force else Mailbox.objects.filter(active=True)
        if mailbox is not None:
            boxes = Mailbox.objects.filter(name=mailbox)
            if not boxes.exists():
                raise CliError(
                    _("Erreur : --mailbox : aucune boîte aux lettres nommée « %(name)s ».")
                    % {"name": mailbox}
                )
        reports = [services.poll(box, force=force, limit=limit) for box in boxes]
        return {"mailboxes": [report.as_dict() for report in reports]}

    def render_text(self, result) -> str:
        if not result["mailboxes"]:
            return _("Aucune boîte aux lettres active.")
        lines = []
        for report in result["mailboxes"]:
            if report["skipped"]:
                lines.append(
                    _("%(name)s : relève différée (inactive ou nouvel essai après %(when)s).")
                    % {"name": report["mailbox"], "when": report["retry_after"] or "—"}
                )
                continue
            lines.append(
                _(
                    "%(name)s : %(stored)s enregistré(s), %(duplicates)s déjà connu(s), "
                    "%(quarantined)s en quarantaine, %(moved)s déplacé(s), %(failed)s laissé(s) "
                    "sur le serveur."
                )
                % {
                    "name": report["mailbox"],
                    **{key: report[key] for key in ("stored", "duplicates", "quarantined")},
                    "moved": report["moved"],
                    "failed": report["failed"],
                }
            )
            if report["error"]:
                lines.append(_("  Erreur : %(error)s") % {"error": report["error"]})
            lines += [f"  {error}" for error in report["errors"]]
        return "\n".join(lines)
