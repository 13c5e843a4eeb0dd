"""`pfspilot aggregates`: rebuilds the dashboard's pre-computed sums from the stored records.

pfspilot aggregates [--from YYYY-MM-DD --to YYYY-MM-DD] [--json]
"""

import datetime as dt

from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.cli import CliError, JsonCommand, parse_date
from pfspilot.indicators.formatting import fr_figure
from pfspilot.indicators.services import refresh_aggregates


def stored_range() -> tuple[dt.date, dt.date] | None:
    """First and last local day of the stored calls and emails (None when there are none)."""
    from pfspilot.contacts.models import Call, Email

    bounds = [
        Call.objects.aggregate(first=Min("arrival"), last=Max("arrival")),
        Email.objects.aggregate(first=Min("received_at"), last=Max("received_at")),
    ]
    days = [
        timezone.localtime(value).date()
        for bound in bounds
        for value in (bound["first"], bound["last"])
        if value is not None
    ]
    return (min(days), max(days)) if days else None


class Command(JsonCommand):
    help = gettext_lazy(
        "Recalcule les agrégats du tableau de bord (sommes journalières et par demi-heure) "
        "à partir des appels, courriels, enquêtes et temps d'activité enregistrés. "
        "Par défaut : toute la période des appels et courriels enregistrés."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", dest="date_from", metavar="AAAA-MM-JJ", help=_("Premier jour recalculé.")
        )
        parser.add_argument(
            "--to", dest="date_to", metavar="AAAA-MM-JJ", help=_("Dernier jour recalculé (inclus).")
        )

    def run(self, **options):
        date_from, date_to = options.get("date_from"), options.get("date_to")
        start = None if date_from is None else parse_date("--from", date_from)
        end = None if date_to is None else parse_date("--to", date_to)
        if start is None or end is None:
            stored = stored_range()
            if stored is None:
                raise CliError(
                    _(
                        "Erreur : aucun appel ni courriel enregistré ; indiquer --from et --to "
                        "ou importer des données (pfspilot import, pfspilot demo)."
                    )
                )
            start, end = start or stored[0], end or stored[1]
        if start > end:
            raise CliError(
                _("Erreur : --from (%(first)s) est postérieur à --to (%(last)s).")
                % {"first": start.isoformat(), "last": end.isoformat()}
            )
        rows = refresh_aggregates(start, end)
        return {"from": start.isoformat(), "to": end.isoformat(), "rows": rows}

    def render_text(self, result) -> str:
        first = dt.date.fromisoformat(result["from"])
        last = dt.date.fromisoformat(result["to"])
        return _(
            "Agrégats recalculés du %(first)s au %(last)s : "
            "%(rows)s lignes de sommes journalières écrites.\n"
        ) % {
            "first": f"{first:%d/%m/%Y}",
            "last": f"{last:%d/%m/%Y}",
            "rows": fr_figure(result["rows"], "count"),
        }
