"""The dashboard's tables (`lists.exports.Table`): targets, teams, agents, motifs, trend and
half-hours, shown on the page and exported as CSV/XLSX."""

import datetime as dt

from django.utils.translation import gettext_lazy

from pfspilot.engine import calendar, employment
from pfspilot.engine import forecast as forecast_engine
from pfspilot.engine import indicators as engine
from pfspilot.engine.indicators import ratio_or_none
from pfspilot.engine.parameters import CogTargets, IndicatorParams, PlatformRules
from pfspilot.engine.records import EMAIL, PHONE, SLOT
from pfspilot.formatting import deadline_labels
from pfspilot.lists.exports import Column, Table

from . import selectors
from .scope import period_label, period_working_days, trend_bounds
from .status import NEEDED_LABELS, status_volume
from .sums import rates

# IVR-handled and abandoned calls reach no team, agent or motif: these columns only make sense
# for the whole platform (or a queue), never for one group of a breakdown.
QUEUE_LEVEL = ("calls_offered", "calls_ivr", "calls_abandoned", "pickup_rate", "service_level")
NOT_ATTRIBUTABLE_NOTE = gettext_lazy(
    "Non attribuable : les appels traités par le SVI et les abandons n'ont ni équipe, "
    "ni téléconseiller, ni motif."
)
NO_FTE_NOTE = gettext_lazy("Non attribuable : les ETP financés ne sont pas répartis par motif.")
UNATTRIBUTED_LABEL = gettext_lazy("Non attribués (SVI, abandons)")
PLATFORM_LABEL = gettext_lazy("Toute la plateforme")
CALL_COLUMNS = [
    Column(gettext_lazy("Appels présentés"), "calls_offered", "int"),
    Column(gettext_lazy("Décrochés (agents)"), "calls_answered", "int"),
    Column(gettext_lazy("Traités par le SVI"), "calls_ivr", "int"),
    Column(gettext_lazy("Abandons"), "calls_abandoned", "int"),
    Column(gettext_lazy("Taux de décroché"), "pickup_rate", "percent"),
    Column(gettext_lazy("Taux de réitération"), "repeat_rate", "percent"),
    Column(gettext_lazy("ASA (s)"), "asa_s", "seconds", screen=False),
    Column(gettext_lazy("ASA : attentes connues"), "asa_known", "int", screen=False),
    Column(gettext_lazy("DMT (s)"), "aht_s", "seconds"),
    Column(gettext_lazy("DMT : durées connues"), "aht_known", "int"),
    Column(gettext_lazy("Niveau de service"), "service_level", "percent", screen=False),
]


def with_deadlines(label, deadlines: dict[str, str] | None) -> str:
    """A label naming the email deadlines (« %(email)s », « %(complaint)s ») as configured.

    Both deadlines are parameters of the referential: « 48 h » and « 10 jours » are only
    the note's values (`formatting.deadline_labels`).
    """
    return str(label) % (deadlines or deadline_labels(IndicatorParams()))


def email_columns(deadlines: dict[str, str] | None = None) -> list[Column]:
    return [
        Column(gettext_lazy("Courriels N1 reçus"), "level1_received", "int", screen=False),
        Column(with_deadlines(NEEDED_LABELS["level1_rate"], deadlines), "level1_rate", "percent"),
        Column(gettext_lazy("Réclamations reçues"), "complaints_received", "int", screen=False),
        Column(
            with_deadlines(NEEDED_LABELS["complaints_rate"], deadlines),
            "complaints_rate",
            "percent",
        ),
    ]


def targets_table(rows: list[dict]) -> Table:
    table = Table(
        "cibles",
        gettext_lazy("Cibles COG"),
        [
            Column(gettext_lazy("Indicateur"), "label"),
            Column(gettext_lazy("Cible"), "target_label"),
            Column(gettext_lazy("Valeur"), "value_label"),
            Column(gettext_lazy("Écart"), "gap_label"),
            Column(gettext_lazy("Statut"), "status_label"),
            Column(gettext_lazy("Projection fin d'année"), "projection_label"),
            Column(gettext_lazy("Ce qu'il faut"), "sentence"),
            Column(gettext_lazy("Remarque"), "note"),
        ],
    )
    table.rows = rows
    return table


def teams_table(rows: list[dict], deadlines: dict[str, str] | None = None) -> Table:
    table = Table(
        "equipes",
        gettext_lazy("Par équipe"),
        [
            Column(gettext_lazy("Équipe"), "team_label"),
            *CALL_COLUMNS,
            *email_columns(deadlines),
            Column(gettext_lazy("Appels / heure"), "calls_per_hour", "per_hour"),
            Column(gettext_lazy("Courriels / heure"), "emails_per_hour", "per_hour"),
        ],
    )
    table.rows = _breakdown_rows(rows, "team", "team_label")
    return table


def _breakdown_rows(rows: list[dict], key: str, label: str) -> list[dict]:
    """Groups, then the calls no group gets (IVR, abandons), then the platform's total.

    Every count column adds up to the total: a group (team, agent or motif) is credited with
    the calls its agents answered only, so its calls offered are its answered calls; every
    IVR-handled or abandoned call, whatever team or motif it carries, sits in the
    non-attributable row with the answered calls of no group. Queue-level rates are blank
    for the groups and for the non-attributable row (their calls are not a queue).
    """
    out = []
    unattributed = dict.fromkeys(selectors.SUM_FIELDS, 0)
    for r in sorted(rows, key=lambda r: r[key].lower()):
        queue_calls = {name: r.get(name) or 0 for name in ("calls_ivr", "calls_abandoned")}
        unattributed["calls_ivr"] += queue_calls["calls_ivr"]
        unattributed["calls_abandoned"] += queue_calls["calls_abandoned"]
        if r[key]:
            answered = r.get("calls_answered") or 0
            out.append(
                rates(r)
                | {label: r[key]}
                | dict.fromkeys(QUEUE_LEVEL)
                | {"calls_offered": answered}
            )
            continue
        for name in selectors.SUM_FIELDS:
            if name not in ("calls_offered", "calls_ivr", "calls_abandoned"):
                unattributed[name] += r.get(name) or 0
    unattributed["calls_offered"] = (
        unattributed["calls_answered"] + unattributed["calls_ivr"] + unattributed["calls_abandoned"]
    )
    if any(unattributed.values()):
        out.append(
            rates(unattributed)
            | {key: "", label: str(UNATTRIBUTED_LABEL), "pickup_rate": None, "service_level": None}
        )
    if rows:
        out.append(_total_row(rows, key, label, PLATFORM_LABEL))
    return out


def _total_row(rows: list[dict], key: str, label: str, title) -> dict:
    total = {name: sum(r.get(name) or 0 for r in rows) for name in selectors.SUM_FIELDS}
    return rates(total) | {key: "", label: str(title), "total": True}


AGENT_COLUMNS = (
    Column(gettext_lazy("Téléconseiller"), "agent_label"),
    Column(gettext_lazy("Identifiant"), "agent", screen=False),
    Column(gettext_lazy("Équipe"), "team"),
    Column(gettext_lazy("Appels décrochés"), "calls_answered", "int"),
    Column(gettext_lazy("Heures au téléphone"), "phone_hours", "hours"),
    Column(gettext_lazy("Appels / heure"), "calls_per_hour", "per_hour"),
    Column(gettext_lazy("Norme appels / heure"), "calls_norm", "per_hour", screen=False),
    Column(gettext_lazy("Courriels traités"), "emails_answered", "int"),
    Column(gettext_lazy("Heures sur les courriels"), "email_hours", "hours"),
    Column(gettext_lazy("Courriels / heure"), "emails_per_hour", "per_hour"),
    Column(gettext_lazy("Norme courriels / heure"), "emails_norm", "per_hour", screen=False),
    Column(gettext_lazy("DMT (s)"), "aht_s", "seconds"),
    Column(gettext_lazy("DMT : durées connues"), "aht_known", "int"),
    Column(gettext_lazy("Taux de réitération"), "repeat_rate", "percent"),
)


def agents_table(
    rows: list[dict],
    names: dict[str, str],
    norms: PlatformRules,
    params: IndicatorParams | None = None,
) -> Table:
    """Calls and emails per hour of each agent against the note's norms (the agents list)."""
    share = (params or IndicatorParams()).risk_share
    table = Table("agents", gettext_lazy("Productivité par téléconseiller"), list(AGENT_COLUMNS))
    out = []
    for r in rows:
        if not r["agent"]:
            continue  # no agent's: the dashboard's breakdowns hold what no agent did
        row = rates(r)
        row |= {
            "agent_label": names.get(r["agent"], r["agent"]),
            "calls_norm": norms.calls_per_hour,
            "emails_norm": norms.emails_per_hour,
            "calls_status": status_volume(row["calls_per_hour"], norms.calls_per_hour, share),
            "emails_status": status_volume(row["emails_per_hour"], norms.emails_per_hour, share),
        }
        out.append(row)
    table.rows = sorted(out, key=lambda r: (r["team"].lower(), r["agent_label"].lower()))
    return table


def motifs_table(rows: list[dict], deadlines: dict[str, str] | None = None) -> Table:
    table = Table(
        "motifs",
        gettext_lazy("Par motif"),
        [Column(gettext_lazy("Motif"), "motif_label"), *CALL_COLUMNS, *email_columns(deadlines)],
    )
    table.rows = _breakdown_rows(rows, "motif", "motif_label")
    return table


def trend_table(
    calls: list[dict],
    satisfaction: list[dict],
    *,
    by: str,
    contracts: list[employment.Contract],
    targets: CogTargets,
    year: int,
    as_of: dt.date,
    narrowed: bool = False,
    deadlines: dict[str, str] | None = None,
) -> Table:
    """One row per month or week; production per funded ETP of that period (days under
    contract in the period, `engine.employment.funded_fte`)."""
    table = Table(
        "tendance",
        gettext_lazy("Tendance"),
        [
            Column(gettext_lazy("Période"), "label"),
            Column(gettext_lazy("Appels présentés"), "calls_offered", "int"),
            Column(gettext_lazy("Taux de décroché"), "pickup_rate", "percent"),
            Column(gettext_lazy("Taux de réitération"), "repeat_rate", "percent"),
            Column(gettext_lazy("Satisfaction téléphone"), "phone_satisfaction", "percent"),
            *(c for c in email_columns(deadlines) if c.screen),
            Column(gettext_lazy("Satisfaction courriels"), "email_satisfaction", "percent"),
            Column(gettext_lazy("Appels décrochés par ETP"), "calls_per_fte", "mean"),
            Column(
                gettext_lazy("Cible appels par ETP"), "calls_per_fte_target", "mean", screen=False
            ),
            Column(gettext_lazy("Courriels traités par ETP"), "emails_per_fte", "mean"),
            Column(
                gettext_lazy("Cible courriels par ETP"),
                "emails_per_fte_target",
                "mean",
                screen=False,
            ),
        ],
    )
    by_period: dict = {}
    for r in satisfaction:
        slot = by_period.setdefault(r[by], {})
        slot[r["channel"]] = r
    total_days = calendar.count_working_days(dt.date(year, 1, 1), dt.date(year, 12, 31))
    rows = []
    for r in calls:
        period = r[by]
        sat = by_period.get(period, {})
        days = period_working_days(period, by, year, as_of)
        fte = employment.funded_fte(contracts, *trend_bounds(period, by, year, as_of))
        row = rates(r)
        row |= {
            "period": period,
            "label": period_label(period, by, year, as_of),
            "phone_satisfaction": ratio_or_none(
                sat.get(PHONE, {}).get("satisfied"), sat.get(PHONE, {}).get("answers")
            ),
            "email_satisfaction": ratio_or_none(
                sat.get(EMAIL, {}).get("satisfied"), sat.get(EMAIL, {}).get("answers")
            ),
            "calls_per_fte": ratio_or_none(r["calls_answered"] or 0, fte),
            "emails_per_fte": ratio_or_none(r["emails_answered"] or 0, fte),
            "calls_per_fte_target": targets.calls_per_fte * days / total_days,
            "emails_per_fte_target": targets.emails_per_fte * days / total_days,
        }
        if narrowed:
            row |= dict.fromkeys(QUEUE_LEVEL)
        rows.append(row)
    table.rows = rows
    return table


def half_hours_table(days: int, rows: list[dict], rules: PlatformRules) -> Table:
    """Mean calls per day for each half-hour of the opening day (and any other with calls).

    Means are over the period's days with calls; the décroché is that of the period's sums.
    """
    table = Table(
        "demi_heures",
        gettext_lazy("Volumes par demi-heure"),
        [
            Column(gettext_lazy("Demi-heure"), "label"),
            Column(gettext_lazy("Appels présentés par jour"), "offered_mean", "mean"),
            Column(gettext_lazy("Décrochés (agents) par jour"), "answered_mean", "mean"),
            Column(gettext_lazy("Traités par le SVI par jour"), "ivr_mean", "mean"),
            Column(gettext_lazy("Abandons par jour"), "abandoned_mean", "mean"),
            Column(gettext_lazy("Taux de décroché"), "pickup_rate", "percent"),
            Column(gettext_lazy("Appels présentés"), "offered", "int"),
        ],
    )
    by_slot = {row["slot"]: row for row in rows}
    opening = forecast_engine.slot_starts(rules.opening, rules.closing)
    empty = {"offered": 0, "answered": 0, "ivr_handled": 0, "abandoned": 0}
    for slot in sorted({*opening, *by_slot}):
        row = by_slot.get(slot, empty)
        end = dt.datetime.combine(dt.date.min, slot) + SLOT
        table.rows.append(
            {
                "slot": slot,
                "label": f"{slot:%H:%M}–{end:%H:%M}",
                "offered": row["offered"],
                "offered_mean": ratio_or_none(row["offered"], days),
                "answered_mean": ratio_or_none(row["answered"], days),
                "ivr_mean": ratio_or_none(row["ivr_handled"], days),
                "abandoned_mean": ratio_or_none(row["abandoned"], days),
                "pickup_rate": engine.rates_of_sums(
                    offered=row["offered"], answered=row["answered"], ivr_handled=row["ivr_handled"]
                )["pickup_rate"],
            }
        )
    return table
