"""Capacity: funded ETP needed for a year's volumes at the COG productions, against those funded.

Pure Python, no Django. Definitions (note « Précisions » and §B):

- Calls the agents must answer, `calls_to_answer` = max(0, pickup target × offered − IVR-only):
  the décroché counts calls treated by agents or fully by the IVR, so the agents owe the rest of
  the target share of the offered calls.
- One funded ETP produces, per year, 7 600 answered calls **and** 1 700 answered emails (2026;
  8 000 and 2 000 in 2027), spending 85 % of its time on the phone and 15 % on emails.
  Hence calls/7 600 ETP are needed for the calls and emails/1 700 for the emails.
- With the 85/15 split held (the note's rule), the same ETPs do both: the need is the larger of
  the two (`fte_needed`), and the other channel has spare capacity.
- If time could move between channels, a call takes 0.85/7 600 of an ETP-year and an email
  0.15/1 700: the need is 0.85 × calls/7 600 + 0.15 × emails/1 700 (`fte_needed_pooled`), never
  more than the split need; the difference is what the fixed split costs.

The COG productions are a yearly ratio: they say nothing of *when* calls arrive nor of the time
agents are logged but not ready. Whether the décroché target is held is told by the hourly view
(`hourly_need`): per day and half-hour, the agents Erlang A needs at the target (the planning's
requirement, unavailability included) against the agents on the phone with the staff in post.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, time

import numpy as np

from pfspilot.engine import employment
from pfspilot.engine.parameters import CogTargets, PlatformRules
from pfspilot.engine.requirements import SLOT_HOURS, pickups_batch, requirement_batch


class CapacityInputError(ValueError):
    """Inputs capacity cannot use (message in French)."""


@dataclass(frozen=True)
class Capacity:
    calls_offered: float
    ivr_calls: float
    emails: float
    pickup_target: float
    calls_per_fte: float
    emails_per_fte: float
    phone_share: float
    email_share: float
    calls_to_answer: float
    fte_calls: float  # ETP for the calls alone
    fte_emails: float  # ETP for the emails alone
    fte_needed: float  # split held: max of the two
    fte_needed_pooled: float  # time movable between channels
    binding: str  # "calls" or "emails": the channel that sets the need
    fte_available: float
    fte_gap: float  # available − needed (negative: missing ETP)


def capacity(
    *,
    calls_offered: float,
    ivr_calls: float,
    emails: float,
    pickup_target: float,
    calls_per_fte: float,
    emails_per_fte: float,
    phone_share: float,
    email_share: float,
    fte_available: float,
) -> Capacity:
    """Funded ETP needed at the COG productions against those funded (module docstring)."""
    for name, value in (
        ("appels par ETP", calls_per_fte),
        ("courriels par ETP", emails_per_fte),
    ):
        if not value > 0 or math.isinf(value):
            raise CapacityInputError(f"{name} doit être strictement positif")
    for name, value in (
        ("appels reçus", calls_offered),
        ("appels traités par le SVI", ivr_calls),
        ("courriels", emails),
        ("ETP disponibles", fte_available),
    ):
        if value < 0 or math.isnan(value):
            raise CapacityInputError(f"{name} ne peut pas être négatif")
    if not 0 < pickup_target < 1:
        raise CapacityInputError("la cible de décroché doit être comprise entre 0 et 100 %")
    if abs(phone_share + email_share - 1) > 1e-9 or phone_share < 0 or email_share < 0:
        raise CapacityInputError("les parts téléphone et courriels doivent totaliser 100 %")
    calls_to_answer = max(0.0, pickup_target * calls_offered - ivr_calls)
    fte_calls = calls_to_answer / calls_per_fte
    fte_emails = emails / emails_per_fte
    fte_needed = max(fte_calls, fte_emails)
    return Capacity(
        calls_offered=calls_offered,
        ivr_calls=ivr_calls,
        emails=emails,
        pickup_target=pickup_target,
        calls_per_fte=calls_per_fte,
        emails_per_fte=emails_per_fte,
        phone_share=phone_share,
        email_share=email_share,
        calls_to_answer=calls_to_answer,
        fte_calls=fte_calls,
        fte_emails=fte_emails,
        fte_needed=fte_needed,
        fte_needed_pooled=phone_share * fte_calls + email_share * fte_emails,
        binding="calls" if fte_calls >= fte_emails else "emails",
        fte_available=fte_available,
        fte_gap=fte_available - fte_needed,
    )


@dataclass(frozen=True)
class CapacityColumn:
    targets: CogTargets
    result: Capacity


@dataclass(frozen=True)
class CapacityReport:
    """Volumes of a year (actual before `split`, forecast from it) and the ETP they need."""

    year: int
    as_of: date  # agents counted on this day
    split: date  # first day forecast (actual before)
    calls_actual: float
    calls_forecast: float
    ivr_actual: float
    ivr_forecast: float
    emails_actual: float
    emails_forecast: float
    agents: int
    fte_available: float
    phone_days: float  # Σ ETP × working days present
    rules: PlatformRules
    columns: list[CapacityColumn]
    warnings: list[str]

    @property
    def calls_offered(self) -> float:
        return self.calls_actual + self.calls_forecast

    @property
    def ivr_calls(self) -> float:
        return self.ivr_actual + self.ivr_forecast

    @property
    def emails(self) -> float:
        return self.emails_actual + self.emails_forecast


@dataclass(frozen=True)
class Staff:
    """An agent's contract as the capacity counts it: quotité and contract days (None: open)."""

    id: int
    fte: float
    start: date | None
    end: date | None


def staff_capacity(
    staff: list[Staff],
    absences: dict[int, list[tuple[date, date]]],
    open_days: list[date],
    first: date,
    last: date,
    as_of: date,
) -> tuple[int, float, float]:
    """(agents under contract on `as_of`, funded ETP of [first, last], Σ ETP × days present).

    Funded ETP is `employment.funded_fte` (each agent pro-rated by working days under contract
    in the period). Days present are the `open_days` of each contract in the period, the
    agent's `absences` (first and last day included) taken out.
    """
    count, phone_days, contracts = 0, 0.0, []
    for agent in staff:
        contracts.append(employment.Contract(agent.fte, agent.start, agent.end))
        begin = max(first, agent.start or first)
        end = min(last, agent.end or last)
        off = absences.get(agent.id, [])
        present = sum(
            1 for d in open_days if begin <= d <= end and not any(s <= d <= e for s, e in off)
        )
        phone_days += agent.fte * present
        if begin <= as_of <= end:
            count += 1
    return count, employment.funded_fte(contracts, first, last), phone_days


@dataclass(frozen=True)
class NeedRow:
    """Sums of the hourly view over a group of (day, half-hour) intervals: a month or a band."""

    key: int | time  # month number, or half-hour start
    days: int  # working days in the group
    offered: float  # calls offered
    hours_needed: float  # Σ agents needed × 0.5 h
    hours_staffed: float  # Σ agents on the phone with the staff in post × 0.5 h
    hours_missing: float  # Σ max(0, needed − on the phone) × 0.5 h: a surplus elsewhere
    # cannot fill a hole (a morning peak is not answered by afternoon agents)
    expected_pickup: float  # décroché with the staff in post, weighted by the offered calls
    fte_missing: float  # hours missing / (phone hours of one ETP a day × days): at least this

    def _per_interval(self, hours: float) -> float:
        return hours / (SLOT_HOURS * self.days) if self.days else 0.0

    @property
    def agents_missing(self) -> float:
        """Mean agents missing at a time: per half-hour band, hours missing / (0.5 h × days)."""
        return self._per_interval(self.hours_missing)

    @property
    def agents_needed(self) -> float:
        """Mean agents needed per half-hour of a band (days of the band)."""
        return self._per_interval(self.hours_needed)

    @property
    def agents_staffed(self) -> float:
        return self._per_interval(self.hours_staffed)

    @property
    def calls_per_day(self) -> float:
        return self.offered / self.days if self.days else 0.0


@dataclass(frozen=True)
class HourlyNeed:
    """Per (day, half-hour): the need at the décroché target against the staff in post.

    Arrays are days × slots. `required` is the planning's requirement (fewest agents on the
    phone whose Erlang A décroché reaches the target, staffed as ready / (1 − shrinkage)),
    `staffed` the agents on the phone with the staff in post, `pickups` the Erlang A décroché
    of each interval with them.
    """

    days: tuple[date, ...]
    slots: tuple[time, ...]
    offered: np.ndarray
    required: np.ndarray
    staffed: np.ndarray
    pickups: np.ndarray
    target: float
    shrinkage: float
    phone_hours_per_fte_day: float

    def _row(self, key, mask_days: np.ndarray, mask_slots: np.ndarray) -> NeedRow:
        offered = self.offered[np.ix_(mask_days, mask_slots)]
        required = self.required[np.ix_(mask_days, mask_slots)]
        staffed = self.staffed[np.ix_(mask_days, mask_slots)]
        pickups = self.pickups[np.ix_(mask_days, mask_slots)]
        days = int(mask_days.sum())
        missing = float(np.clip(required - staffed, 0, None).sum() * SLOT_HOURS)
        total = float(offered.sum())
        return NeedRow(
            key=key,
            days=days,
            offered=total,
            hours_needed=float(required.sum() * SLOT_HOURS),
            hours_staffed=float(staffed.sum() * SLOT_HOURS),
            hours_missing=missing,
            expected_pickup=float((pickups * offered).sum() / total) if total > 0 else 1.0,
            fte_missing=missing / (self.phone_hours_per_fte_day * days) if days else 0.0,
        )

    @property
    def total(self) -> NeedRow:
        return self._row(0, np.ones(len(self.days), bool), np.ones(len(self.slots), bool))

    def by_month(self) -> list[NeedRow]:
        months = np.array([d.month for d in self.days], dtype=int)
        every_slot = np.ones(len(self.slots), bool)
        return [self._row(int(m), months == m, every_slot) for m in sorted(set(months.tolist()))]

    def by_slot(self) -> list[NeedRow]:
        every_day = np.ones(len(self.days), bool)
        return [
            self._row(slot, every_day, np.arange(len(self.slots)) == i)
            for i, slot in enumerate(self.slots)
        ]


def hourly_need(
    days: list[date],
    slots: list[time],
    *,
    offered,
    aht_s,
    staffed,
    patience_s: float,
    ivr_share: float,
    pickup_target: float,
    shrinkage: float,
    phone_hours_per_fte_day: float,
) -> HourlyNeed:
    """The hourly view of capacity (see `HourlyNeed`).

    `offered`: calls offered per half-hour, days × slots; `aht_s`: per day; `staffed`: agents on
    the phone per half-hour with the staff in post (may be fractional: a mean of quarters);
    `shrinkage`: share of phone time not ready (« taux d'indisponibilité »). The hours needed
    are the sum of the per-interval needs, never total calls / calls per hour: with calls
    arriving unevenly, peaks need more agents than the mean. Raises `CapacityInputError`
    (French) on inconsistent shapes; the requirement's own errors are `PlanningError`.
    """
    offered = np.asarray(offered, dtype=float).reshape(len(days), len(slots))
    staffed_arr = np.asarray(staffed, dtype=float)
    if staffed_arr.shape != offered.shape:
        raise CapacityInputError("effectifs et appels n'ont pas les mêmes jours et demi-heures")
    if np.any(offered < 0) or np.any(staffed_arr < 0):
        raise CapacityInputError("appels et effectifs ne peuvent pas être négatifs")
    if not phone_hours_per_fte_day > 0:
        raise CapacityInputError("heures de téléphonie par jour doit être strictement positif")
    aht = np.asarray(aht_s, dtype=float).reshape(-1)
    required = requirement_batch(
        offered,
        aht,
        patience_s,
        ivr_share=ivr_share,
        target_pickup=pickup_target,
        shrinkage=shrinkage,
    )
    pickups = pickups_batch(
        offered, aht, staffed_arr, patience_s, ivr_share=ivr_share, shrinkage=shrinkage
    )
    return HourlyNeed(
        days=tuple(days),
        slots=tuple(slots),
        offered=offered,
        required=required,
        staffed=staffed_arr,
        pickups=pickups,
        target=pickup_target,
        shrinkage=shrinkage,
        phone_hours_per_fte_day=phone_hours_per_fte_day,
    )
