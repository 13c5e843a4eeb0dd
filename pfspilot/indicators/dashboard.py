"""The COG dashboard page: `build` gathers every target of the year, its status, trend,
projection and what it takes.

Reads the daily sums (selectors), turns sums into the engine's indicators (ratios of sums, the
definitions of `pfspilot.engine.indicators`) and uses the engine for working days, production
per funded ETP and the rate needed on the remaining working days.
"""

import datetime as dt

from pfspilot.engine import calendar, employment
from pfspilot.engine.parameters import CogTargets, IndicatorParams, PlatformRules
from pfspilot.formatting import deadline_labels, fr_number, fr_percent
from pfspilot.people import selectors as people_selectors

from . import selectors
from .charts import axis_range, chart_data, half_hours_chart
from .models import Grain
from .scope import MONTHS, Scope, as_of_day, period_bounds, team_locked, visible_scope
from .status import AT_RISK, MET, MISSED, STATUS_LABELS
from .sums import rates, regroup
from .tables import (
    AGENT_COLUMNS,
    agents_table,
    half_hours_table,
    motifs_table,
    targets_table,
    teams_table,
    trend_table,
)
from .targets import best_months, by_channel, target_rows

# The page's API, used by the views, the agents' list page and the tests: the parts live in
# scope.py (what is looked at), status.py (rules), sums.py, targets.py, tables.py, charts.py.
__all__ = [
    "AGENT_COLUMNS",
    "AT_RISK",
    "MET",
    "MISSED",
    "MONTHS",
    "STATUS_LABELS",
    "Scope",
    "agents_table",
    "as_of_day",
    "axis_range",
    "best_months",
    "build",
    "rates",
    "target_rows",
    "team_locked",
    "visible_scope",
]


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
    totals = (regroup(year_rows, (), **in_period) or [{}])[0]
    # Like the calls, satisfaction is read once per month and regrouped in memory.
    monthly = selectors.satisfaction_sums(year=scope.year, until=as_of, by=("month",))
    satisfaction = by_channel([r for r in monthly if r["month"] == scope.month or not scope.month])
    # Funded ETP of the period, each agent pro-rated by working days under contract.
    contracts = people_selectors.contracts(
        start=dt.date(scope.year, 1, 1), end=as_of, team=scope.team, agent=scope.agent
    )
    fte = employment.funded_fte(contracts, *period_bounds(scope, as_of))
    best = best_months(regroup(year_rows, ("month",)), monthly)
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
        regroup(year_rows, (scope.by,)),
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
        tables["equipes"] = teams_table(regroup(year_rows, ("team",), **in_period), deadlines)
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
