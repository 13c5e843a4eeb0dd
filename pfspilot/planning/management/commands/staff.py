"""`pfspilot staff`: fewest agents meeting a target, for one interval or a CSV of intervals.

pfspilot staff --arrivals-per-hour L --aht-s S [--patience-s P]
               (--max-abandon X | --min-service-level Y --answer-within-s T
                | --target-pickup Z --ivr-share V) [--max-asa-s A] [--max-occupancy O] --json
pfspilot staff --batch FILE.csv --json

Targets combine (all must hold). The search starts at one agent, so with impatient callers
(--patience-s, Erlang A) the answer can be below the offered load. The CSV has one interval per
row, columns arrivals_per_hour, aht_s, patience_s and the target columns; an empty patience
means Erlang C, an empty target means "not set". All rows are staffed in one vectorised pass.
An interval without arrivals, or with an IVR share of 1 (every call handled by the IVR), needs
0 agents; its figures over calls are unknown (null), never 0, and it never refuses a batch.
"""

import csv
import math
from pathlib import Path

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.cli import CliError, JsonCommand, non_negative_float, parse_number, positive_float
from pfspilot.engine import erlang
from pfspilot.indicators.formatting import fr_figure
from pfspilot.planning.management.commands.erlang import (
    engine_call,
    optional_positive,
    render_figures,
)

SINGLE_OPTIONS = (
    "arrivals_per_hour",
    "aht_s",
    "patience_s",
    "max_abandon",
    "min_service_level",
    "answer_within_s",
    "target_pickup",
    "ivr_share",
    "max_asa_s",
    "max_occupancy",
)
FRACTION_COLUMNS = (
    "max_abandon",
    "min_service_level",
    "target_pickup",
    "ivr_share",
    "max_occupancy",
)
# A share, not a target: 1 is valid (every call handled by the IVR).
SHARE_COLUMNS = ("ivr_share",)
REQUIRED_COLUMNS = ("arrivals_per_hour", "aht_s")
CSV_COLUMNS = (*REQUIRED_COLUMNS, "patience_s", "answer_within_s", "max_asa_s", *FRACTION_COLUMNS)
GOAL_COLUMNS = ("max_abandon", "min_service_level", "target_pickup", "max_asa_s", "max_occupancy")
DEFAULT_ANSWER_WITHIN_S = 20.0


def fraction(name: str, value, *, share: bool = False) -> float | None:
    """A rate in [0, 1): targets of 100 % or more cannot be aimed at; a `share` may be 1."""
    if value is None:
        return None
    parsed = parse_number(name, value)
    if parsed != parsed or parsed < 0 or (share and parsed > 1):
        raise CliError(
            _("Erreur : %(name)s doit être une fraction entre 0 et 1 (reçu « %(value)s »).")
            % {"name": name, "value": value}
        )
    if parsed >= 1 and not share:
        raise CliError(
            _(
                "Erreur : %(name)s doit être une fraction inférieure à 1 (reçu « %(value)s ») : "
                "un objectif de 100 %% ou plus ne peut pas être visé."
            )
            % {"name": name, "value": value}
        )
    return parsed


def option_name(key: str) -> str:
    return "--" + key.replace("_", "-")


class Command(JsonCommand):
    help = gettext_lazy(
        "Nombre minimal d'agents pour un objectif (abandon, niveau de service, décroché)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", metavar="FICHIER.csv", help=_("Un intervalle par ligne."))
        parser.add_argument("--arrivals-per-hour", metavar="L")
        parser.add_argument("--aht-s", metavar="S")
        parser.add_argument("--patience-s", metavar="P", help=_("Patience moyenne (Erlang A)."))
        parser.add_argument("--max-abandon", metavar="X")
        parser.add_argument("--min-service-level", metavar="Y")
        parser.add_argument("--answer-within-s", metavar="T")
        parser.add_argument("--target-pickup", metavar="Z")
        parser.add_argument("--ivr-share", metavar="V")
        parser.add_argument("--max-asa-s", metavar="A")
        parser.add_argument("--max-occupancy", metavar="O")

    def run(self, **options):
        if options["batch"]:
            given = [option_name(key) for key in SINGLE_OPTIONS if options[key] is not None]
            if given:
                raise CliError(
                    _(
                        "Erreur : --batch ne se combine pas avec %(options)s "
                        "(mettez ces valeurs en colonnes du fichier)."
                    )
                    % {"options": ", ".join(given)}
                )
            return staff_batch(Path(options["batch"]))
        return staff_single(options)

    def render_text(self, result) -> str:
        if isinstance(result, list):
            return "\n".join(
                (
                    _(
                        "Intervalle %(index)s : %(agents)s agents, abandon %(abandon)s, "
                        "niveau de service %(service)s"
                    )
                    % {
                        "index": index,
                        "agents": fr_figure(row["agents"], "count"),
                        "abandon": fr_figure(row["p_abandon"], "rate"),
                        "service": fr_figure(row["service_level"], "rate"),
                    }
                )
                for index, row in enumerate(result, start=1)
            )
        return render_figures(result)


def staff_single(options) -> dict:
    for key in ("arrivals_per_hour", "aht_s"):
        if options[key] is None:
            raise CliError(
                _("Erreur : %(option)s est obligatoire (ou utilisez --batch).")
                % {"option": option_name(key)}
            )
    arrivals = non_negative_float("--arrivals-per-hour", options["arrivals_per_hour"])
    aht = positive_float("--aht-s", options["aht_s"])
    patience = optional_positive("--patience-s", options["patience_s"])
    targets = {
        key: fraction(option_name(key), options[key], share=key in SHARE_COLUMNS)
        for key in FRACTION_COLUMNS
    }
    targets["max_asa_s"] = optional_positive("--max-asa-s", options["max_asa_s"])
    if all(targets[key] is None for key in GOAL_COLUMNS):
        raise CliError(
            _(
                "Erreur : indiquez un objectif : --max-abandon, --min-service-level (avec "
                "--answer-within-s), --target-pickup (avec --ivr-share), --max-asa-s ou "
                "--max-occupancy."
            )
        )
    within = DEFAULT_ANSWER_WITHIN_S
    if options["answer_within_s"] is not None:
        within = non_negative_float("--answer-within-s", options["answer_within_s"])
    if targets["ivr_share"] is None:
        targets["ivr_share"] = 0.0
    agents = engine_call(
        erlang.required_agents, arrivals, aht, patience, answer_within_s=within, **targets
    )
    if agents == 0:  # no call reaches the agents (no arrival, or all handled by the IVR)
        return {"agents": 0, **erlang.no_call_figures(0)}
    figures = engine_call(
        erlang.metrics, arrivals, aht, agents, patience_s=patience, answer_within_s=within
    )
    return {"agents": agents, **figures}


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """CSV rows with their line number; `,` or `;` separated (decimal commas with `;`)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CliError(_("Erreur : fichier introuvable : %(path)s.") % {"path": path}) from None
    except UnicodeDecodeError:
        raise CliError(
            _("Erreur : %(path)s n'est pas un fichier texte UTF-8.") % {"path": path}
        ) from None
    except OSError as exc:
        raise CliError(
            _("Erreur : lecture impossible de %(path)s (%(reason)s).")
            % {"path": path, "reason": exc.strerror}
        ) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise CliError(_("Erreur : %(path)s est vide (ligne d'en-tête attendue).") % {"path": path})
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader)]
    unknown = [name for name in header if name not in CSV_COLUMNS]
    if unknown:
        raise CliError(
            _(
                "Erreur : ligne 1 : colonne inconnue « %(column)s » (colonnes possibles : "
                "%(columns)s)."
            )
            % {"column": unknown[0], "columns": ", ".join(CSV_COLUMNS)}
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise CliError(
            _("Erreur : ligne 1 : colonne obligatoire absente « %(column)s ».")
            % {"column": missing[0]}
        )
    rows = []
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise CliError(
                _("Erreur : ligne %(line)s : %(values)s valeurs pour %(columns)s colonnes.")
                % {"line": line, "values": len(cells), "columns": len(header)}
            )
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        if delimiter == ";":
            values = {name: cell.replace(",", ".") for name, cell in values.items()}
        rows.append((line, values))
    if not rows:
        raise CliError(_("Erreur : %(path)s ne contient aucun intervalle.") % {"path": path})
    return rows


def parse_cell(line: int, column: str, text: str | None) -> float:
    """One CSV cell as a float, NaN when empty and optional; French error naming line/column."""
    where = _("Erreur : ligne %(line)s, colonne « %(column)s »") % {
        "line": line,
        "column": column,
    }
    if not text:
        if column in REQUIRED_COLUMNS:
            raise CliError(_("%(where)s : valeur obligatoire manquante.") % {"where": where})
        return DEFAULT_ANSWER_WITHIN_S if column == "answer_within_s" else math.nan
    try:
        number = float(text)
    except ValueError:
        raise CliError(
            _("%(where)s : nombre attendu (reçu « %(text)s »).") % {"where": where, "text": text}
        ) from None
    if not math.isfinite(number):
        raise CliError(
            _("%(where)s : nombre fini attendu (reçu « %(text)s »).")
            % {"where": where, "text": text}
        )
    if column in FRACTION_COLUMNS:
        if number > 1 or (number == 1 and column not in SHARE_COLUMNS):
            raise CliError(
                _(
                    "%(where)s : fraction inférieure à 1 attendue (reçu « %(text)s ») : "
                    "un objectif de 100 %% ou plus ne peut pas être visé."
                )
                % {"where": where, "text": text}
            )
        if number < 0:
            raise CliError(
                _("%(where)s : fraction entre 0 et 1 attendue (reçu « %(text)s »).")
                % {"where": where, "text": text}
            )
    elif column == "answer_within_s":
        if number < 0:
            raise CliError(
                _("%(where)s : délai positif ou nul attendu (reçu « %(text)s »).")
                % {"where": where, "text": text}
            )
    elif column == "arrivals_per_hour":
        if number < 0:
            raise CliError(
                _("%(where)s : nombre positif ou nul attendu (reçu « %(text)s »).")
                % {"where": where, "text": text}
            )
    elif number <= 0:
        raise CliError(
            _("%(where)s : valeur strictement positive attendue (reçu « %(text)s »).")
            % {"where": where, "text": text}
        )
    return number


def staff_batch(path: Path) -> list[dict]:
    rows = read_rows(path)
    columns = {
        column: np.array([parse_cell(line, column, values.get(column)) for line, values in rows])
        for column in CSV_COLUMNS
    }
    for index, (line, _values) in enumerate(rows):
        if all(math.isnan(columns[column][index]) for column in GOAL_COLUMNS):
            raise CliError(
                _(
                    "Erreur : ligne %(line)s : aucun objectif (remplissez au moins une colonne "
                    "parmi %(columns)s)."
                )
                % {"line": line, "columns": ", ".join(GOAL_COLUMNS)}
            )
    ivr = np.nan_to_num(columns["ivr_share"], nan=0.0)
    try:
        agents = erlang.required_agents_batch(
            columns["arrivals_per_hour"],
            columns["aht_s"],
            columns["patience_s"],
            max_abandon=columns["max_abandon"],
            min_service_level=columns["min_service_level"],
            answer_within_s=columns["answer_within_s"],
            max_asa_s=columns["max_asa_s"],
            max_occupancy=columns["max_occupancy"],
            target_pickup=columns["target_pickup"],
            ivr_share=ivr,
        )
    except erlang.UnreachableTarget as exc:
        line = rows[exc.rows[0]][0] if exc.rows else "?"
        raise CliError(
            _(
                "Erreur : ligne %(line)s : objectif inatteignable, même avec %(maximum)s "
                "agents (vérifiez le volume, la DMT, la patience et les cibles)."
            )
            % {"line": line, "maximum": erlang.MAX_AGENTS}
        ) from None
    except erlang.ErlangError as exc:
        raise CliError(_("Erreur : %(message)s") % {"message": exc}) from None
    # With an IVR share of 1 no call reaches the agents, whatever the arrivals.
    queue_arrivals = np.where(ivr == 1.0, 0.0, columns["arrivals_per_hour"])
    figures = erlang.metrics_batch(
        queue_arrivals,
        columns["aht_s"],
        agents,
        patience_s=columns["patience_s"],
        answer_within_s=columns["answer_within_s"],
    )
    return [
        {
            "agents": int(agents[index]),
            **{key: _known(figures[key][index]) for key in erlang.METRIC_KEYS},
        }
        for index in range(len(rows))
    ]


def _known(value) -> float | None:
    """A figure of the engine's arrays; NaN (unknown: no call) becomes None (JSON null)."""
    return None if math.isnan(value) else float(value)
