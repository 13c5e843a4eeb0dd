"""The rows of the COG targets: value, target, status, projection and what it takes, per target."""

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.engine import calendar
from pfspilot.engine import indicators as engine
from pfspilot.engine.indicators import ratio_or_none
from pfspilot.engine.parameters import CogTargets, IndicatorParams
from pfspilot.engine.records import EMAIL, PHONE
from pfspilot.formatting import fr_number, fr_percent, fr_points, fr_signed

from .scope import Scope, month_days
from .status import (
    AT_RISK,
    MISSED,
    NEEDED_LABELS,
    STATUS_LABELS,
    needed_label,
    needed_sentence,
    out_of_reach,
    status_rate,
    status_volume,
)
from .tables import NO_FTE_NOTE, NOT_ATTRIBUTABLE_NOTE, with_deadlines

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


def by_channel(rows: list[dict]) -> dict[str, dict]:
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
        fractions = _fractions(calls.get(month, {}), by_channel(by_month.get(month, [])))
        for key, _label, fraction, _attribute, _maximum in RATE_TARGETS:
            value = ratio_or_none(*fractions[fraction])
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
    `deadlines`: the email deadlines as labels (`formatting.deadline_labels`); `params`: the
    « à risque » thresholds (`risk_points`, `risk_share`) of the reference data.
    """
    risk = params or IndicatorParams()
    year_view = scope.month is None
    elapsed, remaining, total_days = calendar.year_progress(as_of, scope.year)
    best = best or {}
    rows = []
    for key, label, fraction, attribute, maximum in RATE_TARGETS:
        label = with_deadlines(label, deadlines)
        numerator, denominator = _fractions(totals, satisfaction)[fraction]
        target = getattr(targets, attribute)
        if key == "pickup_rate" and scope.narrowed:
            rows.append(_not_attributable(key, label, target, maximum))
            continue
        value = ratio_or_none(numerator, denominator)
        needed = None
        if year_view and remaining:
            needed = engine.rate_needed(
                numerator=numerator,
                denominator=denominator,
                elapsed_days=elapsed,
                remaining_days=remaining,
                target=target,
            )
        status = status_rate(value, target, maximum, risk.risk_points)
        if status == AT_RISK and out_of_reach(needed, maximum, best.get(key)):
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
                "needed_label": needed_label(needed, maximum),
                "sentence": needed_sentence(
                    with_deadlines(NEEDED_LABELS[key], deadlines),
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
            to_date = target * month_days(scope.year, scope.month, as_of) / total_days
        status = status_volume(value, to_date, risk_share)
        needed = production[f"{name}_needed_per_fte_per_day"] if scope.month is None else None
        pace = ratio_or_none(value, elapsed) if value is not None else None
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
