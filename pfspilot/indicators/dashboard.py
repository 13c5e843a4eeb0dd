"""The COG dashboard: every target of the year, its status, trend, projection and what it takes.

Reads the daily sums (selectors), turns sums into the engine's indicators (ratios of sums, the
definitions of `pfspilot.engine.indicators`) and uses the engine for working days, production
per funded ETP and the rate needed on the remaining working days.
"""

import datetime as dt
from dataclasses import dataclass, replace

import polars as pl
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.engine import calendar, employment
from pfspilot.engine import forecast as forecast_engine
from pfspilot.engine import indicators as engine
from pfspilot.engine.parameters import CogTargets, IndicatorParams, PlatformRules
from pfspilot.engine.records import EMAIL, PHONE
from pfspilot.lists.exports import Column, Table
from pfspilot.people import selectors as people_selectors
from pfspilot.people.access import SCOPES
from pfspilot.people.access import Scope as ViewScope

from . import selectors
from .formatting import deadline_labels, fr_number, fr_percent, fr_points, fr_signed
from .models import Grain

MET, AT_RISK, MISSED = "met", "at_risk", "missed"
STATUS_LABELS = {
    MET: gettext_lazy("Atteint"),
    AT_RISK: gettext_lazy("À risque"),
    MISSED: gettext_lazy("Manqué"),
}
# The « à risque » thresholds are reference data (`IndicatorParams.risk_points`, `risk_share`).
MONTHS = [
    gettext_lazy("janvier"),
    gettext_lazy("février"),
    gettext_lazy("mars"),
    gettext_lazy("avril"),
    gettext_lazy("mai"),
    gettext_lazy("juin"),
    gettext_lazy("juillet"),
    gettext_lazy("août"),
    gettext_lazy("septembre"),
    gettext_lazy("octobre"),
    gettext_lazy("novembre"),
    gettext_lazy("décembre"),
]


@dataclass(frozen=True)
class Scope:
    year: int
    month: int | None = None
    team: str = ""
    agent: str = ""
    motif: str = ""
    by: str = "month"  # trend granularity: month or week

    @property
    def narrowed(self) -> bool:
        """A team, agent or motif is selected: queue-level indicators do not apply."""
        return bool(self.team or self.agent or self.motif)


def visible_scope(user, scope: Scope) -> Scope:
    """The part of `scope` that `user` may see, checked server-side on every page and export.

    An assistant superviseur supervises their own team (note §E): the scope is forced to that
    team, and another team, an agent of another team or a motif (motif sums are kept for the
    whole platform only) is refused. Other roles holding the capability see everything.
    Raises PermissionDenied (message in French).
    """
    if not team_locked(user):
        return scope
    team = user.team.name if user.team else ""
    if not team:
        raise PermissionDenied(
            _("Aucune équipe ne vous est rattachée : le tableau de bord ne peut rien vous montrer.")
        )
    if scope.motif:
        raise PermissionDenied(
            _("Les indicateurs par motif portent sur toute la plateforme, pas sur votre équipe.")
        )
    if scope.agent:
        if selectors.agent_team(scope.agent) != team:
            raise PermissionDenied(_("Ce téléconseiller n'est pas dans votre équipe."))
        return scope
    if scope.team and scope.team != team:
        raise PermissionDenied(_("Vous ne voyez que les indicateurs de votre équipe."))
    return replace(scope, team=team)


def team_locked(user) -> bool:
    """The user sees one team only (the filters offer no other)."""
    return SCOPES.get(user.role) == ViewScope.TEAM


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


def _div(numerator, denominator):
    return numerator / denominator if denominator else None


def rates(s: dict) -> dict:
    """Indicators of one row of sums (engine definitions: ratios of counts and of sums).

    ASA, AHT and the service level are over the known values only (`engine.indicators`):
    `asa_known` and `aht_known` say how many calls they were computed over.
    """
    answered, abandoned = s.get("calls_answered") or 0, s.get("calls_abandoned") or 0
    queued = answered + abandoned
    wait_known = s.get("calls_wait_known") or 0
    handle_known = s.get("calls_handle_known") or 0
    return {
        **s,
        "pickup_rate": _div(answered + (s.get("calls_ivr") or 0), s.get("calls_offered")),
        "agent_answer_rate": _div(answered, queued),
        "repeat_rate": _div(s.get("calls_repeat"), s.get("calls_identified")),
        "asa_s": _div(s.get("wait_answered_s"), wait_known),
        "asa_known": wait_known,
        "aht_s": _div(s.get("handle_s"), handle_known),
        "aht_known": handle_known,
        # An abandon is never answered within T; an answered call of unknown wait is left out.
        "service_level": _div(s.get("calls_within_sl"), wait_known + abandoned),
        "service_level_known": wait_known + abandoned,
        "calls_per_hour": _div(answered, s.get("phone_hours")),
        "emails_per_hour": _div(s.get("emails_answered"), s.get("email_hours")),
        "level1_rate": _div(s.get("level1_within"), s.get("level1_due")),
        "complaints_rate": _div(s.get("complaints_within"), s.get("complaints_due")),
    }


def as_of_day(year: int, today: dt.date) -> dt.date | None:
    """Last day counted: the last day with data, never after today.

    The dashboard shows what happened: days to come have no actual figures (records dated in
    the future are not facts), their volumes are forecast by planning. None for a year
    without data or not yet begun.
    """
    last = selectors.last_day(year)
    if last is None or today < dt.date(year, 1, 1):
        return None
    return min(last, today)


def _status_rate(value, target, maximum: bool, risk_points: float):
    """Met: the target is respected; at risk: missed by at most `risk_points`; else missed."""
    if value is None:
        return None
    met = value < target if maximum else value >= target
    if met:
        return MET
    return AT_RISK if abs(value - target) <= risk_points + 1e-12 else MISSED


def _out_of_reach(needed, maximum: bool, best=None) -> bool:
    """The rate needed on the remaining working days is impossible or never seen this year.

    Impossible: above 100 % (below 0 % for a maximum). Implausible: better than the best
    month of the year so far (`best`), the plausibility bound of the "at risk" status.
    """
    if needed is None:
        return False
    if needed < 0 if maximum else needed > 1:
        return True
    if best is None:
        return False
    return needed < best if maximum else needed > best


def _status_volume(value, target_to_date, risk_share: float):
    """A production against its pro-rated target or an hourly norm (a floor either way):
    at risk from `risk_share` of it."""
    if value is None or not target_to_date:
        return None
    if value >= target_to_date:
        return MET
    return AT_RISK if value >= risk_share * target_to_date else MISSED


def _needed_sentence(label, needed, target, remaining, maximum: bool, best=None) -> str:
    """What the remaining working days must achieve, in words.

    A rate needed above 100 % (below 0 % for a maximum) cannot be reached: the sentence says
    so instead of quoting an impossible percentage; one below 0 % (above 100 % for a maximum)
    means the target is already secured.
    """
    if needed is None:
        return ""
    days = _("sur les %(n)s jours ouvrés restants") % {"n": remaining}
    bound = (_("sous %(t)s") if maximum else _("à %(t)s")) % {"t": fr_percent(target)}
    if _out_of_reach(needed, maximum):
        return _(
            "%(label)s : cible hors d'atteinte cette année (même à %(limit)s %(days)s, "
            "l'année finirait %(side)s %(t)s)"
        ) % {
            "label": label,
            "limit": fr_percent(0.0 if maximum else 1.0, 0),
            "days": days,
            "side": _("au-dessus de") if maximum else _("sous"),
            "t": fr_percent(target),
        }
    if _out_of_reach(needed, maximum, best):
        return _(
            "%(label)s : cible hors de portée (il faudrait %(v)s %(days)s, "
            "meilleur mois de l'année : %(best)s)"
        ) % {"label": label, "v": fr_percent(needed), "days": days, "best": fr_percent(best)}
    if (not maximum and needed <= 0) or (maximum and needed >= 1):
        return _("%(label)s : cible déjà assurée, quel que soit le résultat %(days)s") % {
            "label": label,
            "days": days,
        }
    word = _("à ne pas dépasser") if maximum else _("nécessaire")
    return _("%(label)s %(word)s %(days)s pour finir l'année %(bound)s : %(v)s") % {
        "label": label,
        "word": word,
        "days": days,
        "bound": bound,
        "v": fr_percent(needed),
    }


def _needed_label(needed, maximum: bool) -> str:
    """The needed rate for tables: a percentage only when it is between 0 and 100 %."""
    if needed is None:
        return "—"
    if _out_of_reach(needed, maximum):
        return _("hors d'atteinte")
    if (not maximum and needed <= 0) or (maximum and needed >= 1):
        return _("déjà assurée")
    return fr_percent(needed)


RATE_TARGETS = (
    # key, label, sums (numerator, denominator), target attribute, maximum?
    ("pickup_rate", gettext_lazy("Taux de décroché"), "pickup", "pickup_rate", False),
    ("repeat_rate", gettext_lazy("Taux de réitération"), "repeat", "repeat_rate_max", True),
    (
        "phone_satisfaction",
        gettext_lazy("Satisfaction téléphone"),
        "phone_satisfaction",
        "phone_satisfaction",
        False,
    ),
    (
        "level1_rate",
        gettext_lazy("Courriels de niveau 1 traités en %(email)s"),
        "level1",
        "email_within_deadline",
        False,
    ),
    (
        "complaints_rate",
        gettext_lazy("Réclamations traitées en %(complaint)s"),
        "complaints",
        "complaint_within_deadline",
        False,
    ),
    (
        "email_satisfaction",
        gettext_lazy("Satisfaction courriels"),
        "email_satisfaction",
        "email_satisfaction",
        False,
    ),
)
NEEDED_LABELS = {
    "pickup_rate": gettext_lazy("Décroché"),
    "repeat_rate": gettext_lazy("Réitération"),
    "phone_satisfaction": gettext_lazy("Satisfaction téléphone"),
    "level1_rate": gettext_lazy("Courriels N1 en %(email)s"),
    "complaints_rate": gettext_lazy("Réclamations en %(complaint)s"),
    "email_satisfaction": gettext_lazy("Satisfaction courriels"),
}


def _fractions(totals: dict, satisfaction: dict) -> dict[str, tuple[float, float]]:
    """(numerator, denominator) of each rate target."""
    phone = satisfaction.get(PHONE, {})
    email = satisfaction.get(EMAIL, {})
    return {
        "pickup": (
            (totals.get("calls_answered") or 0) + (totals.get("calls_ivr") or 0),
            totals.get("calls_offered") or 0,
        ),
        "repeat": (totals.get("calls_repeat") or 0, totals.get("calls_identified") or 0),
        "phone_satisfaction": (phone.get("satisfied", 0), phone.get("answers", 0)),
        "level1": (totals.get("level1_within") or 0, totals.get("level1_due") or 0),
        "complaints": (totals.get("complaints_within") or 0, totals.get("complaints_due") or 0),
        "email_satisfaction": (email.get("satisfied", 0), email.get("answers", 0)),
    }


def _by_channel(rows: list[dict]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for row in rows:
        slot = out.setdefault(row["channel"], {"answers": 0, "satisfied": 0})
        slot["answers"] += row["answers"] or 0
        slot["satisfied"] += row["satisfied"] or 0
    return out


def best_months(months: list[dict], satisfaction: list[dict]) -> dict[str, float]:
    """Best monthly value of each rate target (highest, lowest for a maximum)."""
    values: dict[str, list[float]] = {}
    calls = {row["month"]: row for row in months}
    by_month: dict = {}
    for r in satisfaction:
        by_month.setdefault(r["month"], []).append(r)
    # Satisfaction is platform-wide: its months count even when the scope has no calls.
    for month in sorted({*calls, *by_month}):
        fractions = _fractions(calls.get(month, {}), _by_channel(by_month.get(month, [])))
        for key, _label, fraction, _attribute, _maximum in RATE_TARGETS:
            value = _div(*fractions[fraction])
            if value is not None:
                values.setdefault(key, []).append(value)
    maxima = {key for key, *_rest, maximum in RATE_TARGETS if maximum}
    return {key: (min(v) if key in maxima else max(v)) for key, v in values.items()}


def target_rows(
    *,
    totals: dict,
    satisfaction: dict,
    fte: float,
    targets: CogTargets,
    as_of: dt.date,
    scope: Scope,
    best: dict[str, float] | None = None,
    deadlines: dict[str, str] | None = None,
    params: IndicatorParams | None = None,
) -> list[dict]:
    """One row per COG target: value, target, status, projection and what it takes.

    `best`: best monthly value of each rate this year, the bound of what is reachable;
    `deadlines`: the email deadlines as labels (`formatting.deadline_labels`).
    """
    risk = params or IndicatorParams()
    year_view = scope.month is None
    elapsed, remaining, total_days = calendar.year_progress(as_of, scope.year)
    best = best or {}
    rows = []
    for key, label, fraction, attribute, maximum in RATE_TARGETS:
        label = _with_deadlines(label, deadlines)
        numerator, denominator = _fractions(totals, satisfaction)[fraction]
        target = getattr(targets, attribute)
        if key == "pickup_rate" and scope.narrowed:
            rows.append(_not_attributable(key, label, target, maximum))
            continue
        value = _div(numerator, denominator)
        needed = None
        if year_view and remaining:
            needed = engine.rate_needed(
                numerator=numerator,
                denominator=denominator,
                elapsed_days=elapsed,
                remaining_days=remaining,
                target=target,
            )
        status = _status_rate(value, target, maximum, risk.risk_points)
        if status == AT_RISK and _out_of_reach(needed, maximum, best.get(key)):
            status = MISSED
        rows.append(
            {
                "key": key,
                "label": str(label),
                "kind": "percent",
                "target": target,
                "target_label": ("< " if maximum else "≥ ") + fr_percent(target),
                "value": value,
                "value_label": fr_percent(value),
                "gap": None if value is None else value - target,
                "gap_label": fr_points(None if value is None else value - target),
                "status": status,
                "status_label": str(STATUS_LABELS[status]) if status else "—",
                # The engine projects rates at the same pace: the year ends at today's value.
                "projection": value if year_view else None,
                "projection_label": fr_percent(value) if year_view else "—",
                "needed": needed,
                "needed_label": _needed_label(needed, maximum),
                "sentence": _needed_sentence(
                    _with_deadlines(NEEDED_LABELS[key], deadlines),
                    needed,
                    target,
                    remaining,
                    maximum,
                    best.get(key),
                ),
                "note": "",
            }
        )
    rows += _production_rows(
        totals, fte, targets, as_of, scope, elapsed, remaining, total_days, risk.risk_share
    )
    return rows


def _not_attributable(key, label, target, maximum) -> dict:
    return {
        "key": key,
        "label": str(label),
        "kind": "percent",
        "target": target,
        "target_label": "—" if target is None else ("< " if maximum else "≥ ") + fr_percent(target),
        "value": None,
        "value_label": "—",
        "gap": None,
        "gap_label": "—",
        "status": None,
        "status_label": "—",
        "projection": None,
        "projection_label": "—",
        "needed": None,
        "needed_label": "—",
        "sentence": "",
        "note": str(NOT_ATTRIBUTABLE_NOTE),
    }


def _month_days(year: int, month: int, as_of: dt.date) -> int:
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return calendar.count_working_days(first, min(last, as_of))


PRODUCTION_TARGETS = (
    ("calls", gettext_lazy("Appels décrochés par ETP financé"), gettext_lazy("appels")),
    ("emails", gettext_lazy("Courriels traités par ETP financé"), gettext_lazy("courriels")),
)


def _production_rows(
    totals, fte, targets, as_of, scope, elapsed, remaining, total_days, risk_share
):
    if scope.motif:
        return [
            _not_attributable(f"{name}_per_fte", label, None, False)
            | {"kind": "volume", "target_label": "—", "note": str(NO_FTE_NOTE)}
            for name, label, _unit in PRODUCTION_TARGETS
        ]
    production = engine.production_per_fte(
        answered_calls=totals.get("calls_answered") or 0,
        answered_emails=totals.get("emails_answered") or 0,
        funded_fte=fte,
        as_of=as_of,
        targets=targets,
    )
    rows = []
    for name, label, unit in PRODUCTION_TARGETS:
        value = production[f"{name}_per_fte"]
        target = production[f"{name}_target"]
        if scope.month is None:
            to_date = production[f"{name}_target_to_date"]
        else:
            to_date = target * _month_days(scope.year, scope.month, as_of) / total_days
        status = _status_volume(value, to_date, risk_share)
        needed = production[f"{name}_needed_per_fte_per_day"] if scope.month is None else None
        pace = _div(value, elapsed) if value is not None else None
        sentence = ""
        if needed is not None and remaining and needed <= 0:
            sentence = _(
                "%(label)s : cible annuelle de %(target)s déjà atteinte (rythme actuel : "
                "%(pace)s par jour ouvré)"
            ) % {"label": label, "target": fr_number(target), "pace": fr_number(pace, 1)}
        elif needed is not None and remaining:
            sentence = _(
                "%(label)s : %(needed)s %(unit)s par ETP et par jour ouvré sur les %(n)s jours "
                "restants pour atteindre %(target)s (rythme actuel : %(pace)s)"
            ) % {
                "label": label,
                "needed": fr_number(needed, 1),
                "unit": unit,
                "n": remaining,
                "target": fr_number(target),
                "pace": fr_number(pace, 1),
            }
        projection = production[f"{name}_projected_per_fte"] if scope.month is None else None
        rows.append(
            {
                "key": f"{name}_per_fte",
                "label": str(label),
                "kind": "volume",
                "target": to_date,
                "target_label": _("%(to_date)s au prorata (%(year)s sur l'année)")
                % {"to_date": fr_number(to_date, 0), "year": fr_number(target)},
                "value": value,
                "value_label": fr_number(value, 0),
                "gap": None if value is None else value - to_date,
                "gap_label": fr_signed(None if value is None else value - to_date),
                "status": status,
                "status_label": str(STATUS_LABELS[status]) if status else "—",
                "projection": projection,
                "projection_label": fr_number(projection, 0),
                "needed": needed,
                "needed_label": fr_number(needed, 1),
                "sentence": sentence,
                "note": "",
                "detail": _(
                    "%(fte)s ETP financés sur la période (quotité × jours ouvrés sous contrat)"
                )
                % {"fte": fr_number(fte, 2)},
            }
        )
    return rows


# --- tables (shown and exported alike) --------------------------------------------------------

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


def _with_deadlines(label, deadlines: dict[str, str] | None) -> str:
    """A label naming the email deadlines (« %(email)s », « %(complaint)s ») as configured.

    Both deadlines are parameters of the referential: « 48 h » and « 10 jours » are only
    the note's values (`formatting.deadline_labels`).
    """
    return str(label) % (deadlines or deadline_labels(IndicatorParams()))


def email_columns(deadlines: dict[str, str] | None = None) -> list[Column]:
    return [
        Column(gettext_lazy("Courriels N1 reçus"), "level1_received", "int", screen=False),
        Column(_with_deadlines(NEEDED_LABELS["level1_rate"], deadlines), "level1_rate", "percent"),
        Column(gettext_lazy("Réclamations reçues"), "complaints_received", "int", screen=False),
        Column(
            _with_deadlines(NEEDED_LABELS["complaints_rate"], deadlines),
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
            "calls_status": _status_volume(row["calls_per_hour"], norms.calls_per_hour, share),
            "emails_status": _status_volume(row["emails_per_hour"], norms.emails_per_hour, share),
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


def _period_label(value, by: str, year: int | None = None, as_of: dt.date | None = None) -> str:
    """« novembre », « sem. du 23/11 »; a period with working days still to come says up to
    which day it counts: « novembre (au 27/11) »."""
    label = (
        f"{MONTHS[value - 1]}" if by == "month" else _("sem. du %(d)s") % {"d": f"{value:%d/%m}"}
    )
    if year is not None and as_of is not None:
        counted = _period_working_days(value, by, year, as_of)
        if counted < _period_working_days(value, by, year, dt.date(year, 12, 31)):
            label += " " + _("(au %(d)s)") % {"d": f"{as_of:%d/%m}"}
    return label


def _trend_bounds(value, by: str, year: int, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of a trend period (a month number or a week's Monday) counted."""
    if by == "month":
        first = dt.date(year, value, 1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    else:
        first, last = value, value + dt.timedelta(days=6)
    return max(first, dt.date(year, 1, 1)), min(last, dt.date(year, 12, 31), as_of)


def _period_working_days(value, by: str, year: int, as_of: dt.date) -> int:
    return calendar.count_working_days(*_trend_bounds(value, by, year, as_of))


def _period_bounds(scope: Scope, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day counted of the scope's period: the year or the month, to `as_of`."""
    if scope.month is None:
        return dt.date(scope.year, 1, 1), as_of
    return _trend_bounds(scope.month, "month", scope.year, as_of)


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
        days = _period_working_days(period, by, year, as_of)
        fte = employment.funded_fte(contracts, *_trend_bounds(period, by, year, as_of))
        row = rates(r)
        row |= {
            "period": period,
            "label": _period_label(period, by, year, as_of),
            "phone_satisfaction": _div(
                sat.get(PHONE, {}).get("satisfied"), sat.get(PHONE, {}).get("answers")
            ),
            "email_satisfaction": _div(
                sat.get(EMAIL, {}).get("satisfied"), sat.get(EMAIL, {}).get("answers")
            ),
            "calls_per_fte": _div(r["calls_answered"] or 0, fte),
            "emails_per_fte": _div(r["emails_answered"] or 0, fte),
            "calls_per_fte_target": targets.calls_per_fte * days / total_days,
            "emails_per_fte_target": targets.emails_per_fte * days / total_days,
        }
        if narrowed:
            row |= dict.fromkeys(QUEUE_LEVEL)
        rows.append(row)
    table.rows = rows
    return table


def chart_data(trend: Table, target_rows: list[dict]) -> list[dict]:
    """One line chart per target: the value per period and the target line."""
    targets = {row["key"]: row for row in target_rows}
    series = [
        ("pickup_rate", "pickup_rate", True),
        ("repeat_rate", "repeat_rate", True),
        ("phone_satisfaction", "phone_satisfaction", True),
        ("level1_rate", "level1_rate", True),
        ("complaints_rate", "complaints_rate", True),
        ("email_satisfaction", "email_satisfaction", True),
        ("calls_per_fte", "calls_per_fte", False),
        ("emails_per_fte", "emails_per_fte", False),
    ]
    labels = [row["label"] for row in trend.rows]
    charts = []
    for key, column, percent in series:
        target = targets[key]
        if target["note"]:
            continue  # not attributable to the team, agent or motif in scope
        values = [row[column] for row in trend.rows]
        if percent:
            values = [None if v is None else round(v * 100, 2) for v in values]
            goal = [round(target["target"] * 100, 2)] * len(labels)
        else:
            values = [None if v is None else round(v, 1) for v in values]
            goal = [round(row[f"{column}_target"], 1) for row in trend.rows]
        charts.append(
            {
                "key": key,
                "title": target["label"],
                "percent": percent,
                "labels": labels,
                "values": values,
                "target": goal,
                **axis_range(values, goal, percent),
            }
        )
    return charts


def axis_range(values: list, goal: list, percent: bool) -> dict:
    """Y-axis bounds holding the values and the target line with a margin (never on the edge).

    `min` is a hard lower bound, never negative: counts (production per ETP) start at 0, rates
    at most the margin below their lowest point; `suggested_max` leaves room above.
    """
    points = [v for v in (*values, *goal) if v is not None]
    if not points:
        return {"min": 0.0, "suggested_max": None}
    low, high = min(points), max(points)
    margin = max((high - low) * 0.1, 1.0 if percent else abs(high) * 0.05 or 1.0)
    low, high = low - margin, high + margin
    if percent:
        high = min(high, 100.0)
    else:
        low = 0.0  # a count is read against zero
    return {"min": round(max(low, 0.0), 1), "suggested_max": round(high, 1)}


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
        end = dt.datetime.combine(dt.date.min, slot) + dt.timedelta(
            minutes=forecast_engine.SLOT_MINUTES
        )
        table.rows.append(
            {
                "slot": slot,
                "label": f"{slot:%H:%M}–{end:%H:%M}",
                "offered": row["offered"],
                "offered_mean": _div(row["offered"], days),
                "answered_mean": _div(row["answered"], days),
                "ivr_mean": _div(row["ivr_handled"], days),
                "abandoned_mean": _div(row["abandoned"], days),
                "pickup_rate": _div(row["answered"] + row["ivr_handled"], row["offered"]),
            }
        )
    return table


def half_hours_chart(table: Table) -> dict:
    """Mean offered and treated (agents + IVR) calls per half-hour, for the bar chart."""
    return {
        "labels": [f"{row['slot']:%H:%M}" for row in table.rows],
        "offered": [round(row["offered_mean"] or 0, 1) for row in table.rows],
        "treated": [
            round((row["answered_mean"] or 0) + (row["ivr_mean"] or 0), 1) for row in table.rows
        ],
    }


def _regroup(frame: pl.DataFrame, keys: tuple[str, ...], **equal) -> list[dict]:
    """Sums of `frame` (already per team/agent/period) per `keys`, on rows matching `equal`."""
    for name, value in equal.items():
        frame = frame.filter(pl.col(name) == value)
    if frame.is_empty():
        return []
    sums = [pl.col(name).fill_null(0).sum() for name in selectors.SUM_FIELDS]
    if not keys:
        return frame.select(sums).to_dicts()
    return frame.group_by(list(keys)).agg(sums).sort(list(keys)).to_dicts()


def build(
    scope: Scope,
    *,
    today: dt.date,
    targets: CogTargets,
    rules: PlatformRules,
    params: IndicatorParams | None = None,
) -> dict:
    """Everything the page shows for `scope`, as of `today`.

    One query reads the year's sums per team, agent and period; totals, trend and breakdowns
    are regrouped from it in memory (a handful of rows per agent), a second one reads motifs.
    """
    as_of = as_of_day(scope.year, today)
    deadlines = deadline_labels(params or IndicatorParams())
    context = {"scope": scope, "as_of": as_of, "refreshed": selectors.last_refresh()}
    if scope.agent:
        # The agent's name for the page and their team, pre-selected in the team filter.
        context |= {
            "agent_label": selectors.agent_names([scope.agent]).get(scope.agent, scope.agent),
            "agent_team": selectors.agent_team(scope.agent),
        }
    if as_of is None:
        future = today < dt.date(scope.year, 1, 1)
        return context | {"empty": True, "future": future, "tables": {"cibles": targets_table([])}}
    elapsed, remaining, _total = calendar.year_progress(as_of, scope.year)
    periods = tuple(dict.fromkeys(("month", scope.by)))
    people = () if scope.motif else ("team", "agent")
    year_rows = selectors.period_frame(
        year=scope.year,
        team=scope.team,
        agent=scope.agent,
        motif=scope.motif,
        until=as_of,
        by=people + periods,
    )
    in_period = {"month": scope.month} if scope.month else {}
    totals = (_regroup(year_rows, (), **in_period) or [{}])[0]
    # Like the calls, satisfaction is read once per month and regrouped in memory.
    monthly = selectors.satisfaction_sums(year=scope.year, until=as_of, by=("month",))
    satisfaction = _by_channel([r for r in monthly if r["month"] == scope.month or not scope.month])
    # Funded ETP of the period, each agent pro-rated by working days under contract.
    contracts = people_selectors.contracts(
        start=dt.date(scope.year, 1, 1), end=as_of, team=scope.team, agent=scope.agent
    )
    fte = employment.funded_fte(contracts, *_period_bounds(scope, as_of))
    best = best_months(_regroup(year_rows, ("month",)), monthly)
    rows = target_rows(
        totals=totals,
        satisfaction=satisfaction,
        fte=fte,
        targets=targets,
        as_of=as_of,
        scope=scope,
        best=best,
        deadlines=deadlines,
        params=params,
    )
    trend = trend_table(
        _regroup(year_rows, (scope.by,)),
        monthly
        if scope.by == "month"
        else selectors.satisfaction_sums(year=scope.year, until=as_of, by=(scope.by,)),
        by=scope.by,
        contracts=[] if scope.motif else contracts,  # no ETP per motif: production left blank
        targets=targets,
        year=scope.year,
        as_of=as_of,
        narrowed=scope.narrowed,
        deadlines=deadlines,
    )
    tables = {"cibles": targets_table(rows), "tendance": trend}
    # The agents' table is its own list page (pfspilot/indicators/lists.py), linked from here.
    if not scope.motif and not scope.agent and not scope.team:
        tables["equipes"] = teams_table(_regroup(year_rows, ("team",), **in_period), deadlines)
    if not scope.team and not scope.agent:
        motif_sums = selectors.period_sums(
            year=scope.year, month=scope.month, until=as_of, grain=Grain.MOTIF, by=("motif",)
        )
        tables["motifs"] = motifs_table(motif_sums, deadlines)
    half_hours = None
    if not scope.team and not scope.agent and not scope.motif:
        # Half-hour sums are kept for the whole platform only.
        days, slot_rows = selectors.half_hour_volumes(
            year=scope.year, month=scope.month, until=as_of
        )
        if days:
            tables["demi_heures"] = half_hours_table(days, slot_rows, rules)
            half_hours = half_hours_chart(tables["demi_heures"]) | {"days": days}
    return context | {
        "empty": False,
        "totals": rates(totals),
        "fte": fte,
        "targets": rows,
        "tables": tables,
        "charts": chart_data(trend, rows),
        "half_hours": half_hours,
        "elapsed": elapsed,
        "remaining": remaining,
        "risk_points": fr_number((params or IndicatorParams()).risk_points * 100),
        "risk_share": fr_percent((params or IndicatorParams()).risk_share, 0),
        "repeat_window": fr_number((params or IndicatorParams()).repeat_window_days, 0),
    }
