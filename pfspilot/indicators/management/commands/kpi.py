"""`pfspilot kpi`: phone indicators of call files or of a period of the database, as JSON.

pfspilot kpi (--calls FILE... --mapping NAME_OR_PATH | --from YYYY-MM-DD --to YYYY-MM-DD)
             [--repeat-window-days N] [--by day|week|month] --json
"""

import datetime as dt
from dataclasses import asdict, replace
from pathlib import Path

from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.cli import CliError, JsonCommand, parse_date, positive_float
from pfspilot.contacts.mapping import MappingError, load_mapping
from pfspilot.contacts.models import Email
from pfspilot.contacts.reader import read_records
from pfspilot.contacts.selectors import calls_frame, emails_frame
from pfspilot.engine import indicators
from pfspilot.engine.parameters import IndicatorParams
from pfspilot.formatting import fr_figure

MAX_SHOWN_ERRORS = 20
MAX_WINDOW_DAYS = 366
KEYS = (
    "offered",
    "answered",
    "ivr_handled",
    "abandoned",
    "short_abandons",
    "pickup_rate",
    "agent_answer_rate",
    "abandonment_rate",
    "repeat_rate",
    "identified_calls",
    "repeat_calls",
    "identified_callers",
    "repeat_callers",
    "asa_s",
    "asa_known",
    "aht_s",
    "aht_known",
    "service_level_20s",
    "service_level",
    "service_level_known",
)
# Beside each mean or rate over known values, the key of how many values were known.
KNOWN_KEYS = {
    "asa_s": "asa_known",
    "aht_s": "aht_known",
    "service_level_20s": "service_level_known",
}
TEXT_LINES = (
    # key, label, kind of figure (pfspilot.formatting.KINDS)
    ("offered", gettext_lazy("Appels offerts (O = A + S + X)"), "count"),
    ("answered", gettext_lazy("Décrochés par un téléconseiller (A)"), "count"),
    ("ivr_handled", gettext_lazy("Traités par le SVI (S)"), "count"),
    ("abandoned", gettext_lazy("Abandonnés en file (X)"), "count"),
    ("short_abandons", gettext_lazy("Abandons courts écartés"), "count"),
    ("pickup_rate", gettext_lazy("Taux de décroché (A + S) / O"), "rate"),
    ("agent_answer_rate", gettext_lazy("Taux de réponse téléconseillers A / (A + X)"), "rate"),
    ("repeat_rate", gettext_lazy("Taux de réitération"), "rate"),
    ("asa_s", gettext_lazy("Attente moyenne des appels décrochés"), "seconds"),
    ("aht_s", gettext_lazy("Durée moyenne de traitement"), "seconds"),
    ("service_level_20s", gettext_lazy("Niveau de service à 20\u00a0s"), "rate"),
)


def default_params(day: dt.date) -> IndicatorParams:
    """The referential's parameters in force on `day`, or domain.md's defaults without it."""
    from pfspilot.reference.selectors import indicator_params

    try:
        return indicator_params(day)
    except DatabaseError:
        return IndicatorParams()


EMAIL_COUNTS = (
    "level1_received",
    "level1_answered",
    "level1_due",
    "level1_within",
    "complaint_received",
    "complaint_answered",
    "complaint_due",
    "complaint_within",
)


def email_cohorts(first: dt.date, last: dt.date, at: dt.datetime | None = None) -> dict:
    """Email cohorts received on [first, last] as the dashboard sums them: each day with the
    parameters in force that day, evaluated now; plus the emails answered on those days."""
    from pfspilot.reference.selectors import parameters_in_force

    at = at or timezone.localtime()
    frame = emails_frame(first, last)
    sums = dict.fromkeys(EMAIL_COUNTS, 0)
    for stretch in parameters_in_force(first, last):
        row = indicators.email_indicators(
            frame,
            at=at,
            start=stretch.start,
            end=stretch.end + dt.timedelta(days=1),
            params=stretch.params,
            rules=stretch.rules,
        ).row(0, named=True)
        for key in EMAIL_COUNTS:
            sums[key] += row[key] or 0

    def rate(within, due):
        return sums[within] / sums[due] if sums[due] else None

    start = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time()))
    answered = Email.objects.filter(answered_at__gte=start, answered_at__lt=end).count()
    return {
        **sums,
        "level1_within_deadline_rate": rate("level1_within", "level1_due"),
        "complaint_within_deadline_rate": rate("complaint_within", "complaint_due"),
        "answered": answered,
    }


class Command(JsonCommand):
    help = gettext_lazy("Indicateurs téléphoniques COG d'une période ou de fichiers d'appels.")

    def add_arguments(self, parser):
        parser.add_argument("--calls", nargs="+", metavar="FICHIER", help=_("Fichiers d'appels."))
        parser.add_argument("--mapping", metavar="PROFIL", help=_("Profil d'import des fichiers."))
        parser.add_argument(
            "--from", dest="date_from", metavar="AAAA-MM-JJ", help=_("Premier jour (base).")
        )
        parser.add_argument(
            "--to", dest="date_to", metavar="AAAA-MM-JJ", help=_("Dernier jour inclus.")
        )
        parser.add_argument(
            "--repeat-window-days",
            metavar="N",
            help=_("Fenêtre de réitération en jours (7 par défaut)."),
        )
        parser.add_argument(
            "--by", choices=["day", "week", "month"], help=_("Détail par jour, semaine ou mois.")
        )

    def run(self, **options):
        files, mapping = options.get("calls"), options.get("mapping")
        date_from, date_to = options.get("date_from"), options.get("date_to")
        if files and (date_from or date_to):
            raise CliError(
                _(
                    "Erreur : indiquer soit --calls FICHIER… --mapping PROFIL, "
                    "soit --from AAAA-MM-JJ --to AAAA-MM-JJ, pas les deux."
                )
            )
        if not files and not (date_from or date_to):
            raise CliError(
                _(
                    "Erreur : indiquer une source : --calls FICHIER… --mapping PROFIL, "
                    "ou --from AAAA-MM-JJ --to AAAA-MM-JJ."
                )
            )
        window = options.get("repeat_window_days")
        if window is not None:
            window = positive_float("--repeat-window-days", window)
            if window > MAX_WINDOW_DAYS:
                raise CliError(
                    _(
                        "Erreur : --repeat-window-days doit être au plus %(maximum)s jours "
                        "(reçu « %(value)s »)."
                    )
                    % {"maximum": MAX_WINDOW_DAYS, "value": options["repeat_window_days"]}
                )
        if files:
            if not mapping:
                raise CliError(_("Erreur : --mapping PROFIL est obligatoire avec --calls."))
            calls, start, end, source = self._from_files(files, mapping)
        else:
            if mapping:
                raise CliError(_("Erreur : --mapping ne s'emploie qu'avec --calls."))
            calls, start, end, source = self._from_database(date_from, date_to, window)
        # Without a call, the parameters in force today: today in Paris, not on the machine.
        params = default_params((end - dt.timedelta(days=1)) if end else timezone.localdate())
        if window is not None:
            params = replace(params, repeat_window_days=window)
        result = self._indicators(calls, start, end, params, options.get("by"), source)
        if not files:
            result["emails"] = email_cohorts(start, end - dt.timedelta(days=1))
        return result

    def _from_files(self, files: list[str], mapping: str):
        try:
            profile = load_mapping(mapping)
        except MappingError as exc:
            raise CliError(_("Erreur : %(message)s") % {"message": exc}) from None
        for name in files:
            if not Path(name).is_file():
                raise CliError(
                    _("Erreur : fichier d'appels introuvable : « %(name)s ».") % {"name": name}
                )
        try:
            result = read_records("calls", files, profile)
        except MappingError as exc:
            raise CliError(_("Erreur : %(message)s") % {"message": exc}) from None
        if result.errors:
            shown = "\n".join(f"  {error}" for error in result.errors[:MAX_SHOWN_ERRORS])
            more = len(result.errors) - MAX_SHOWN_ERRORS
            tail = "\n  " + _("… et %(count)s autre(s)") % {"count": more} if more > 0 else ""
            raise CliError(
                _(
                    "Erreur : %(count)s erreur(s) dans les fichiers d'appels, "
                    "aucun indicateur calculé :"
                )
                % {"count": len(result.errors)}
                + f"\n{shown}{tail}"
            )
        calls = result.frame
        first, last = calls["arrival"].min(), calls["arrival"].max()
        start = first.date() if first else None
        end = last.date() + dt.timedelta(days=1) if last else None
        source = {
            "files": [Path(name).name for name in files],
            "mapping": profile.name,
            "ignored_records": result.ignored,
        }
        return calls, start, end, source

    def _from_database(self, date_from: str | None, date_to: str | None, window: float | None):
        if not date_from or not date_to:
            raise CliError(_("Erreur : --from et --to vont ensemble (dates AAAA-MM-JJ)."))
        first, last = parse_date("--from", date_from), parse_date("--to", date_to)
        if first > last:
            raise CliError(
                _("Erreur : --from (%(first)s) est postérieur à --to (%(last)s).")
                % {"first": first.isoformat(), "last": last.isoformat()}
            )
        lookback = window if window is not None else default_params(last).repeat_window_days
        # Calls of the look-back window only serve as repeat predecessors.
        try:
            calls = calls_frame(first, last, lookback_days=lookback)
        except (DatabaseError, connection.Database.Error) as exc:
            # The selector reads through the driver's own cursor: its errors are the driver's.
            raise CliError(
                _(
                    "Erreur : base de données illisible (%(error)s) ; "
                    "lancer « pfspilot migrate » puis importer des appels."
                )
                % {"error": exc.__class__.__name__}
            ) from None
        end = last + dt.timedelta(days=1)
        return calls, first, end, {"from": first.isoformat(), "to": last.isoformat()}

    def _indicators(self, calls, start, end, params, by, source) -> dict:
        common = {"start": start, "end": end, "params": params, "service_thresholds_s": (20.0,)}
        whole = indicators.call_indicators(calls, **common).row(0, named=True)
        result = {
            "source": source,
            "first_day": start.isoformat() if start else None,
            "last_day": (end - dt.timedelta(days=1)).isoformat() if end else None,
            "parameters": {
                name: value
                for name, value in asdict(params).items()
                if name
                in (
                    "short_abandon_s",
                    "repeat_window_days",
                    "repeat_unit",
                    "service_level_threshold_s",
                )
            },
            **{key: whole[key] for key in KEYS},
        }
        if by:
            rows = indicators.call_indicators(calls, by=by, **common)
            result["periods"] = [
                {"period": row["label"], "start": row["period"].isoformat()}
                | {key: row[key] for key in KEYS}
                for row in rows.iter_rows(named=True)
            ]
        return result

    def render_text(self, result) -> str:
        lines = [
            _("Période du %(first)s au %(last)s")
            % {"first": result["first_day"], "last": result["last_day"]}
        ]
        lines += [_text_line(result, key, label, fmt) for key, label, fmt in TEXT_LINES]
        for period in result.get("periods", []):
            lines.append("")
            lines.append(_("Période %(period)s") % {"period": period["period"]})
            lines += [_text_line(period, key, label, fmt) for key, label, fmt in TEXT_LINES]
        return "\n".join(lines)


def _text_line(values: dict, key: str, label: str, kind: str) -> str:
    line = _("%(label)s : %(value)s") % {"label": label, "value": fr_figure(values.get(key), kind)}
    if key in KNOWN_KEYS:
        line += " " + _("(sur %(known)s appels de valeur connue)") % {
            "known": fr_figure(values.get(KNOWN_KEYS[key]) or 0, "count")
        }
    return line
