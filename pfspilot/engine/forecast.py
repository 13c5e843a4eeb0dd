"""Arrivals per half-hour, handling time, IVR share and patience, estimated from call history.

Pure Python (NumPy, Polars), no Django. The history is aggregated once into a `SlotHistory`
(working days × half-hour slots of the opening hours); every estimate below reads it.

Arrival model (multiplicative, fitted as a Poisson log-linear model):

    calls(day, slot) = level[year, month] × weekday[day] × day_of_month[day]
                       × profile[weekday, slot]

- `level` is the month's daily level: it carries the seasonality (back-to-school in September…)
  and the trend.
- `day_of_month` carries the CAF's early-month peak around benefit payment (about the 5th): the
  first ten days each have their own effect, then five-day buckets.
- `profile[weekday]` is the intraday shape of that weekday (rows sum to 1).
The daily factors are fitted by iterative proportional fitting on daily totals, which is the
Poisson maximum-likelihood estimate and recovers an exactly multiplicative history exactly.
The profile is the weekday's share of calls per slot (its closed-form MLE).
Closed days (weekends, public holidays) forecast zero and are never learned from; a working day
without any call in the history is a gap in the data, not a zero, and is skipped too.

A month absent from the history takes the same month one year earlier times the year-on-year
trend (geometric mean of the last three months' ratios to a year before, 1 without them), and
without a year of history the latest month with enough learned days.

Patience with censoring (domain.md): with exponential patience of rate θ, an abandoner's wait is
an observed patience and an answered caller's wait a censored one (patience exceeds it). The
likelihood is θ^X · exp(−θ · Σ waits of all queued callers), whose maximum gives

    mean patience = 1/θ = (total wait of answered and abandoned callers) / (number of abandons)

over the callers whose wait is known: a caller of unknown wait adds nothing to the likelihood,
so neither their wait nor their abandon counts (counting every abandon over the known waits
only would shorten the patience whenever a wait is missing).

The naive mean wait of abandoners ignores that patient callers got answered and is far too low.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta

import numpy as np
import polars as pl

from pfspilot.engine import records
from pfspilot.engine.calendar import is_working_day
from pfspilot.engine.records import SLOT_MINUTES

# Learned days a month needs before its own level is trusted over the year-earlier one.
MIN_DAYS_FOR_MONTH_LEVEL = 5
# Months of year-on-year ratios averaged into the trend.
TREND_MONTHS = 3
# Calls of prior weight pulling a slot's mean handling time toward its weekday's (and the
# weekday's toward the overall mean): a slot with few answered calls keeps a stable estimate.
AHT_SHRINKAGE_CALLS = 30.0
# Handling time, IVR share and patience are estimated over the most recent days only.
RECENT_DAYS = 56
BACKTEST_WEEKS = 8
_FIT_TOL = 1e-12
_FIT_MAX_ITER = 2000


class ForecastInputError(ValueError):
    """History or inputs the forecast cannot work with (message in French)."""


def slot_starts(opening: time, closing: time) -> list[time]:
    """Start times of the half-hour slots of the opening hours (9:00 … 16:00 by default)."""
    start = opening.hour * 60 + opening.minute
    end = closing.hour * 60 + closing.minute
    return [time(m // 60, m % 60) for m in range(start, end, SLOT_MINUTES)]


def dom_bucket(day_of_month: int) -> int:
    """Day-of-month effect bucket: days 1–10 alone (payment peak), then 11–15, 16–20, 21–25, 26+."""
    if day_of_month <= 10:
        return day_of_month - 1
    return min(10 + (day_of_month - 11) // 5, 13)


N_DOM_BUCKETS = 14


@dataclass(frozen=True)
class SlotHistory:
    """Per learned day (working day with calls) and slot: counts and sums of the calls.

    Arrays are (days × slots). `handled` counts answered calls with a known talk time and
    `handle_s` sums their talk + wrap-up; `queued` counts calls that entered the agent queue with
    a known wait (answered or abandoned) and `wait_s` sums those waits; `abandon_known` counts
    the abandoners among them and `abandon_wait_s` sums their waits. An empty wait or talk time
    is unknown, never 0: every mean and estimate is over the known values only.
    """

    slots: tuple[time, ...]
    days: tuple[date, ...]
    offered: np.ndarray
    ivr: np.ndarray
    answered: np.ndarray
    abandoned: np.ndarray
    handled: np.ndarray
    handle_s: np.ndarray
    queued: np.ndarray
    wait_s: np.ndarray
    abandon_known: np.ndarray
    abandon_wait_s: np.ndarray

    _ARRAYS = (
        "offered",
        "ivr",
        "answered",
        "abandoned",
        "handled",
        "handle_s",
        "queued",
        "wait_s",
        "abandon_known",
        "abandon_wait_s",
    )

    def select(self, mask: np.ndarray) -> SlotHistory:
        days = tuple(d for d, keep in zip(self.days, mask, strict=True) if keep)
        arrays = {name: getattr(self, name)[mask] for name in self._ARRAYS}
        return SlotHistory(slots=self.slots, days=days, **arrays)

    def between(self, start: date | None = None, end: date | None = None) -> SlotHistory:
        """Days in [start, end): `None` leaves that side open."""
        mask = np.array(
            [(start is None or d >= start) and (end is None or d < end) for d in self.days],
            dtype=bool,
        )
        return self.select(mask)

    def day_index(self, day: date) -> int | None:
        try:
            return self.days.index(day)
        except ValueError:
            return None

    @property
    def empty(self) -> bool:
        return len(self.days) == 0


# Aggregates of the calls of one half-hour, in the order of `SlotHistory` arrays.
COUNT_COLUMNS = SlotHistory._ARRAYS


def half_hour_counts(calls: pl.DataFrame) -> pl.DataFrame:
    """Canonical call records (records.CALLS) summed per half-hour of arrival.

    Columns: `start` (instant the half-hour starts, records.INSTANT) and `COUNT_COLUMNS`. A database can
    produce the same frame with a GROUP BY, which spares loading every call.
    """
    outcome = pl.col("outcome")
    queued = outcome.is_in([records.ANSWERED, records.ABANDONED]) & pl.col("wait_s").is_not_null()
    handled = (outcome == records.ANSWERED) & records.handle_seconds().is_not_null()
    return (
        records.as_instants(calls.lazy())
        .group_by(start=pl.col("arrival").dt.truncate(f"{SLOT_MINUTES}m"))
        .agg(
            offered=pl.len(),
            ivr=(outcome == records.IVR).sum(),
            answered=(outcome == records.ANSWERED).sum(),
            abandoned=(outcome == records.ABANDONED).sum(),
            handled=handled.sum(),
            handle_s=pl.when(handled).then(records.handle_seconds()).otherwise(0.0).sum(),
            queued=queued.sum(),
            wait_s=pl.when(queued).then(pl.col("wait_s")).otherwise(0.0).sum(),
            abandon_known=(queued & (outcome == records.ABANDONED)).sum(),
            abandon_wait_s=pl.when(queued & (outcome == records.ABANDONED))
            .then(pl.col("wait_s"))
            .otherwise(0.0)
            .sum(),
        )
        .collect()
    )


def history_from_counts(
    counts: pl.DataFrame,
    *,
    opening: time = time(9, 0),
    closing: time = time(16, 30),
    open_day: Callable[[date], bool] = is_working_day,
) -> SlotHistory:
    """Builds the `SlotHistory` of half-hour counts (`half_hour_counts` columns).

    Half-hours outside the opening hours and closed days are left out: the platform does not
    answer them and the model must not learn from them.
    """
    slots = tuple(slot_starts(opening, closing))
    n_slots = len(slots)
    open_min = opening.hour * 60 + opening.minute
    minute = pl.col("start").dt.hour().cast(pl.Int32) * 60 + pl.col("start").dt.minute().cast(
        pl.Int32
    )
    frame = (
        counts.with_columns(day=pl.col("start").dt.date(), slot=(minute - open_min) // SLOT_MINUTES)
        .filter((pl.col("slot") >= 0) & (pl.col("slot") < n_slots))
        .group_by("day", "slot")
        .agg(pl.col(name).sum() for name in COUNT_COLUMNS)
    )
    days = sorted(d for d in set(frame["day"].to_list()) if open_day(d))
    index = {d: i for i, d in enumerate(days)}
    arrays = {name: np.zeros((len(days), n_slots)) for name in COUNT_COLUMNS}
    keep = frame.filter(pl.col("day").is_in(days))
    rows = np.array([index[d] for d in keep["day"].to_list()], dtype=np.int64)
    cols = keep["slot"].to_numpy().astype(np.int64)
    for name in COUNT_COLUMNS:
        arrays[name][rows, cols] = keep[name].to_numpy().astype(float)
    return SlotHistory(slots=slots, days=tuple(days), **arrays)


def aggregate_calls(
    calls: pl.DataFrame,
    *,
    opening: time = time(9, 0),
    closing: time = time(16, 30),
    open_day: Callable[[date], bool] = is_working_day,
) -> SlotHistory:
    """Canonical call records → `SlotHistory` (see `history_from_counts`)."""
    return history_from_counts(
        half_hour_counts(calls), opening=opening, closing=closing, open_day=open_day
    )


# --------------------------------------------------------------------------- arrival model


@dataclass(frozen=True)
class ArrivalModel:
    """Fitted multiplicative model; `origin` is the first day it did not learn from."""

    slots: tuple[time, ...]
    origin: date
    month_levels: dict[tuple[int, int], float]
    month_days: dict[tuple[int, int], int]
    weekday: np.ndarray  # 7 effects (NaN for weekdays never learned), mean 1 over learned days
    day_of_month: np.ndarray  # N_DOM_BUCKETS effects, NaN when never learned
    profile: np.ndarray  # 7 × slots, rows sum to 1 (NaN rows for weekdays never learned)
    overall_profile: np.ndarray
    trend: float

    def level(self, year: int, month: int) -> float:
        """Daily level of a month: its own if learned enough, else a year earlier × trend."""
        key = (year, month)
        if self.month_days.get(key, 0) >= MIN_DAYS_FOR_MONTH_LEVEL:
            return self.month_levels[key]
        if (year - 1, month) in self.month_levels:
            return self.month_levels[(year - 1, month)] * self.trend
        if key in self.month_levels:
            return self.month_levels[key]
        trusted = [k for k, n in self.month_days.items() if n >= MIN_DAYS_FOR_MONTH_LEVEL]
        latest = max(trusted or self.month_levels)
        return self.month_levels[latest]

    def predict(self, day: date, open_day: Callable[[date], bool] = is_working_day) -> np.ndarray:
        """Expected calls per slot on `day` (zeros when the platform is closed)."""
        if not open_day(day):
            return np.zeros(len(self.slots))
        weekday = self.weekday[day.weekday()]
        profile = self.profile[day.weekday()]
        if math.isnan(weekday):
            weekday, profile = 1.0, self.overall_profile
        dom = self.day_of_month[dom_bucket(day.day)]
        if math.isnan(dom):
            dom = 1.0
        return self.level(day.year, day.month) * weekday * dom * profile


def fit_arrivals(history: SlotHistory, origin: date | None = None) -> ArrivalModel:
    """Fits the multiplicative model on every learned day of `history` (before `origin`)."""
    if origin is not None:
        history = history.between(end=origin)
    if history.empty or history.offered.sum() <= 0:
        raise ForecastInputError("aucun historique d'appels exploitable avant cette date")
    totals = history.offered.sum(axis=1)
    keys = sorted({(d.year, d.month) for d in history.days})
    key_index = {k: i for i, k in enumerate(keys)}
    m_idx = np.array([key_index[(d.year, d.month)] for d in history.days])
    w_idx = np.array([d.weekday() for d in history.days])
    b_idx = np.array([dom_bucket(d.day) for d in history.days])
    groups = [(m_idx, len(keys)), (w_idx, 7), (b_idx, N_DOM_BUCKETS)]
    factors = [np.ones(size) for _, size in groups]
    sums = [np.bincount(idx, weights=totals, minlength=size) for idx, size in groups]
    counts = [np.bincount(idx, minlength=size) for idx, size in groups]
    for _ in range(_FIT_MAX_ITER):
        change = 0.0
        for g, (idx, size) in enumerate(groups):
            others = np.ones(len(totals))
            for h, (other_idx, _) in enumerate(groups):
                if h != g:
                    others *= factors[h][other_idx]
            expected = np.bincount(idx, weights=others, minlength=size)
            learned = counts[g] > 0
            new = factors[g].copy()
            new[learned] = sums[g][learned] / expected[learned]
            change = max(change, float(np.max(np.abs(new - factors[g]) / np.maximum(new, 1e-300))))
            factors[g] = new
        if change < _FIT_TOL:
            break
    levels = factors[0]
    # Weekday and day-of-month effects average 1 over the learned days; levels absorb the scale.
    for g in (1, 2):
        idx = groups[g][0]
        scale = float(np.mean(factors[g][idx]))
        factors[g] = factors[g] / scale
        levels = levels * scale
    weekday, dom = factors[1], factors[2]
    weekday = np.where(counts[1] > 0, weekday, np.nan)
    dom = np.where(counts[2] > 0, dom, np.nan)

    slot_sums = np.zeros((7, len(history.slots)))
    np.add.at(slot_sums, w_idx, history.offered)
    row_totals = slot_sums.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        profile = np.where(row_totals > 0, slot_sums / row_totals, np.nan)
    overall = history.offered.sum(axis=0) / history.offered.sum()

    month_levels = {k: float(levels[i]) for k, i in key_index.items()}
    month_days = {k: int(counts[0][i]) for k, i in key_index.items()}
    last_day = history.days[-1]
    return ArrivalModel(
        slots=history.slots,
        origin=origin or last_day + timedelta(days=1),
        month_levels=month_levels,
        month_days=month_days,
        weekday=weekday,
        day_of_month=dom,
        profile=profile,
        overall_profile=overall,
        trend=_trend(month_levels, month_days),
    )


def _trend(levels: dict[tuple[int, int], float], days: dict[tuple[int, int], int]) -> float:
    """Geometric mean of the latest months' ratios to the same month a year earlier."""
    ratios = []
    for year, month in sorted(levels, reverse=True):
        if days[(year, month)] < MIN_DAYS_FOR_MONTH_LEVEL:
            continue
        before = (year - 1, month)
        if days.get(before, 0) >= MIN_DAYS_FOR_MONTH_LEVEL and levels[before] > 0:
            ratios.append(levels[(year, month)] / levels[before])
        if len(ratios) == TREND_MONTHS:
            break
    if not ratios or any(r <= 0 for r in ratios):
        return 1.0
    return float(np.exp(np.mean(np.log(ratios))))


# --------------------------------------------------------------------------- backtest


def wape(actual, forecast) -> float:
    """Weighted absolute percentage error: Σ|actual − forecast| / Σ actual (NaN if Σ actual = 0)."""
    actual = np.asarray(actual, dtype=float)
    forecast = np.asarray(forecast, dtype=float)
    total = actual.sum()
    if total <= 0:
        return math.nan
    return float(np.abs(actual - forecast).sum() / total)


@dataclass(frozen=True)
class BacktestDay:
    day: date
    actual: float
    forecast: float
    wape: float  # over the day's half-hours


@dataclass(frozen=True)
class Backtest:
    """Rolling-origin backtest: each week predicted from the history before its Monday."""

    slots: tuple[time, ...]
    days: list[BacktestDay]
    wape: float  # over every half-hour of every tested day
    wape_daily: float  # over the daily totals
    wape_by_slot: list[float]


def backtest(history: SlotHistory, *, weeks: int = BACKTEST_WEEKS) -> Backtest | None:
    """Predicts each of the last `weeks` weeks of `history` from the data before it.

    Returns None when the history is too short for a single week to be tested.
    """
    if history.empty:
        return None
    last = history.days[-1]
    last_monday = last - timedelta(days=last.weekday())
    actual_rows, forecast_rows, tested = [], [], []
    for k in range(weeks - 1, -1, -1):
        monday = last_monday - timedelta(weeks=k)
        train = history.between(end=monday)
        if train.empty:
            continue
        model = fit_arrivals(train)
        for i, day in enumerate(history.days):
            if monday <= day < monday + timedelta(days=7):
                predicted = model.predict(day)
                actual_rows.append(history.offered[i])
                forecast_rows.append(predicted)
                tested.append(
                    BacktestDay(
                        day=day,
                        actual=float(history.offered[i].sum()),
                        forecast=float(predicted.sum()),
                        wape=wape(history.offered[i], predicted),
                    )
                )
    if not tested:
        return None
    actual = np.array(actual_rows)
    forecast = np.array(forecast_rows)
    return Backtest(
        slots=history.slots,
        days=tested,
        wape=wape(actual, forecast),
        wape_daily=wape(actual.sum(axis=1), forecast.sum(axis=1)),
        wape_by_slot=[wape(actual[:, s], forecast[:, s]) for s in range(actual.shape[1])],
    )


# --------------------------------------------------------------------------- handling


@dataclass(frozen=True)
class HandlingEstimates:
    """Handling time, IVR share and patience over a window of the history."""

    aht_s: float  # mean talk + wrap-up of the answered calls with a known talk time
    handled: int  # how many: the answered calls with a known talk time
    aht_by_slot: np.ndarray  # 7 × slots, shrunk toward the weekday then overall mean
    ivr_share: float  # IVR-only calls / offered
    patience_s: float  # censored exponential MLE (see the module docstring)
    naive_patience_s: float  # mean wait of abandoners, for comparison (NaN without abandons)
    abandons: int  # abandons with a known wait, as the patience counts them
    queued: int  # callers who entered the queue with a known wait
    total_wait_s: float
    offered: int
    first_day: date
    last_day: date

    def day_aht(self, weekday: int, arrivals: np.ndarray) -> float:
        """Mean handling time of a day, weighted by its expected arrivals per slot."""
        arrivals = np.asarray(arrivals, dtype=float)
        if arrivals.sum() <= 0:
            return self.aht_s
        return float((self.aht_by_slot[weekday] * arrivals).sum() / arrivals.sum())


def censored_patience(total_wait_s: float, abandons: int) -> float:
    """Mean exponential patience from censored waits: Σ waits of queued callers / abandons.

    Without any abandon the likelihood has no maximum; one abandon is then assumed, which
    gives a lower estimate (more abandonment predicted, more agents: the prudent side).
    """
    if total_wait_s <= 0:
        raise ForecastInputError(
            "aucune attente en file dans l'historique : patience impossible à estimer"
        )
    return total_wait_s / max(abandons, 1)


def estimate_handling(
    history: SlotHistory,
    *,
    end: date | None = None,
    recent_days: int = RECENT_DAYS,
    shrinkage: float = AHT_SHRINKAGE_CALLS,
) -> HandlingEstimates:
    """Estimates over the `recent_days` calendar days before `end` (all history before it if
    that window has no learned day)."""
    if end is not None:
        history = history.between(end=end)
    if history.empty:
        raise ForecastInputError("aucun historique d'appels exploitable avant cette date")
    recent = history.between(start=history.days[-1] - timedelta(days=recent_days - 1))
    h = recent if not recent.empty else history
    handled, handle_s = h.handled.sum(), h.handle_s.sum()
    if handled <= 0:
        raise ForecastInputError(
            "aucun appel décroché avec durée dans l'historique : DMT impossible à estimer"
        )
    overall = handle_s / handled
    w_idx = np.array([d.weekday() for d in h.days])
    n_ws = np.zeros((7, len(h.slots)))
    s_ws = np.zeros((7, len(h.slots)))
    np.add.at(n_ws, w_idx, h.handled)
    np.add.at(s_ws, w_idx, h.handle_s)
    n_w, s_w = n_ws.sum(axis=1), s_ws.sum(axis=1)
    weekday_mean = (s_w + shrinkage * overall) / (n_w + shrinkage)
    by_slot = (s_ws + shrinkage * weekday_mean[:, None]) / (n_ws + shrinkage)
    offered = h.offered.sum()
    abandons = int(h.abandon_known.sum())  # abandons with a known wait (see the docstring)
    total_wait = float(h.wait_s.sum())
    return HandlingEstimates(
        aht_s=float(overall),
        handled=int(handled),
        aht_by_slot=by_slot,
        ivr_share=float(h.ivr.sum() / offered) if offered > 0 else 0.0,
        patience_s=censored_patience(total_wait, abandons),
        naive_patience_s=float(h.abandon_wait_s.sum() / abandons) if abandons else math.nan,
        abandons=abandons,
        queued=int(h.queued.sum()),
        total_wait_s=total_wait,
        offered=int(offered),
        first_day=h.days[0],
        last_day=h.days[-1],
    )


# --------------------------------------------------------------------------- overrides


@dataclass(frozen=True)
class Override:
    """A manager's correction: `slot` None = whole day; exactly one of `factor`, `calls`."""

    slot: time | None
    factor: float | None = None
    calls: float | None = None


def apply_overrides(
    slots: Iterable[time], arrivals: np.ndarray, overrides: Iterable[Override]
) -> np.ndarray:
    """Applies corrections to a day's arrivals per slot.

    A slot's own correction comes first (a factor multiplies it, a number of calls replaces
    it and fixes it); the whole-day correction then acts on the other slots only: a factor
    multiplies them, a number of calls rescales them so that the day totals that number (spread
    evenly when the forecast is zero; fixed slots win if they already exceed it).
    """
    slots = list(slots)
    result = np.asarray(arrivals, dtype=float).copy()
    fixed = np.zeros(len(slots), dtype=bool)
    day_override = None
    for override in overrides:
        if (override.factor is None) == (override.calls is None):
            raise ForecastInputError(
                "une correction a soit un coefficient, soit un nombre d'appels"
            )
        if override.slot is None:
            day_override = override
            continue
        if override.slot not in slots:
            raise ForecastInputError(
                f"la demi-heure {override.slot:%H:%M} n'est pas dans les heures d'ouverture"
            )
        s = slots.index(override.slot)
        if override.factor is not None:
            result[s] *= override.factor
        else:
            result[s] = override.calls
            fixed[s] = True
    if day_override is not None:
        free = ~fixed
        if day_override.factor is not None:
            result[free] *= day_override.factor
        elif free.any():
            remaining = max(day_override.calls - result[fixed].sum(), 0.0)
            base = result[free].sum()
            if base > 0:
                result[free] *= remaining / base
            else:
                result[free] = remaining / free.sum()
    return result


def predict_days(
    model: ArrivalModel,
    slots: Iterable[time],
    days: Iterable[date],
    corrections: dict[date, list[Override]],
) -> list[np.ndarray]:
    """Arrivals per slot of each of `days`: the model's forecast, the day's corrections applied."""
    slots = list(slots)
    predicted = []
    for day in days:
        arrivals = model.predict(day)
        if day in corrections:
            arrivals = apply_overrides(slots, arrivals, corrections[day])
        predicted.append(arrivals)
    return predicted


# --------------------------------------------------------------------------- day forecast


@dataclass(frozen=True)
class DayForecast:
    """What the day plan needs: expected calls per half-hour and the queue's parameters."""

    slots: list[time]
    arrivals: list[float]  # calls offered per half-hour (agents + IVR + abandons)
    aht_s: float
    patience_s: float
    ivr_share: float


def day_forecast_of(
    day: date, slots: Iterable[time], arrivals, handling: HandlingEstimates
) -> DayForecast:
    """The day's forecast: arrivals per slot, the AHT of its weekday and mix, patience, IVR."""
    return DayForecast(
        slots=list(slots),
        arrivals=[float(x) for x in arrivals],
        aht_s=handling.day_aht(day.weekday(), arrivals),
        patience_s=handling.patience_s,
        ivr_share=handling.ivr_share,
    )


def as_percent(value: float) -> float | None:
    """A fraction as a percentage for display; None when undefined (NaN: no actual calls)."""
    return None if value != value else 100 * value


@dataclass(frozen=True)
class ForecastReport:
    """Everything the forecast page shows for one day."""

    day: date
    open: bool
    forecast: DayForecast
    base_arrivals: list[float]  # before the managers' corrections
    actual: list[float] | None  # calls received that day, when the history has it
    handling: HandlingEstimates
    backtest: Backtest | None
    model: ArrivalModel
    history_days: int
    aht_by_slot: list[float]

    @property
    def total(self) -> float:
        return float(sum(self.forecast.arrivals))

    @property
    def base_total(self) -> float:
        return float(sum(self.base_arrivals))

    @property
    def actual_total(self) -> float | None:
        return None if self.actual is None else float(sum(self.actual))

    @property
    def rows(self) -> list[dict]:
        """One row per half-hour for the page's table."""
        actual = self.actual or [None] * len(self.base_arrivals)
        return [
            {"slot": slot, "base": base, "forecast": fc, "actual": act, "aht_s": aht}
            for slot, base, fc, act, aht in zip(
                self.forecast.slots,
                self.base_arrivals,
                self.forecast.arrivals,
                actual,
                self.aht_by_slot,
                strict=True,
            )
        ]

    @property
    def chart(self) -> dict:
        """Series of the chart (labels and calls per half-hour), for `json_script`."""
        return {
            "labels": [f"{s:%H:%M}" for s in self.forecast.slots],
            "forecast": [round(x, 1) for x in self.forecast.arrivals],
            "base": [round(x, 1) for x in self.base_arrivals],
            "actual": self.actual,
        }

    @property
    def backtest_rows(self) -> list[dict]:
        if self.backtest is None:
            return []
        return [
            {"day": d.day, "actual": d.actual, "forecast": d.forecast, "wape": as_percent(d.wape)}
            for d in self.backtest.days
        ]

    @property
    def backtest_slots(self) -> list[dict]:
        if self.backtest is None:
            return []
        return [
            {"slot": slot, "wape": as_percent(w)}
            for slot, w in zip(self.backtest.slots, self.backtest.wape_by_slot, strict=True)
        ]

    @property
    def wape(self) -> float | None:
        return as_percent(self.backtest.wape) if self.backtest else None

    @property
    def wape_daily(self) -> float | None:
        return as_percent(self.backtest.wape_daily) if self.backtest else None

    @property
    def ivr_percent(self) -> float:
        return 100 * self.forecast.ivr_share
