"""Day plan with OR-Tools CP-SAT: lunches, phone and email blocks of the agents on duty.

The day is cut in quarter-hours over the opening hours (9:00–16:30 by default). Every agent
gets one lunch of the template's length inside the lunch window, and exactly a number of phone
quarters: the note's typical day (§F: phone 8:50–16:30 minus lunch, i.e. 6 h of effective phone
once breaks are counted) pro-rated by the agent's ETP. The rest of the opening hours is email.
On training Thursdays the agents are in training during the training window: no phone then
(each agent's own window: the hours of their training group, see `AgentInput.training`); an
agent's workshops take them off the phone too (`AgentInput.workshops`, coded as training).

Hard rules: lunch in the window, phone quarters per agent in one stretch (only lunch and
training interrupt it; email before and/or after), at least `min_on_phone` agents on the
phone at every quarter of the opening hours (or every agent out of training, when fewer).
Objective: shortfall against the requirement, weighted by the half-hour's arrivals, costs far
more than overstaffing. The note's A/B day is both the default and the solver's hint; the
returned plan is never worse than that template.

Agents with the same phone quarters, training and lunch window are interchangeable: the model
counts how many follow each day pattern instead of modelling them one by one (see `_solve`).
"""

from __future__ import annotations

import math
import time as clock
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import time

from ortools.sat.python import cp_model

from pfspilot.engine.parameters import PlatformRules
from pfspilot.engine.requirements import Demand, PlanningError, check_demand, expected_pickup

QUARTER = 15
PHONE, EMAIL, LUNCH, TRAINING = "phone", "email", "lunch", "training"
CODES = {PHONE: "P", EMAIL: "E", LUNCH: "L", TRAINING: "T"}
ACTIVITIES = {code: name for name, code in CODES.items()}
SHORT_WEIGHT = 10  # one agent missing costs this many times one agent too many (per call)
# Deeper holes cost more per missing agent (abandonment grows faster than linearly, as in
# Erlang A): the first 10 % of the requirement missing at weight 1, the next 15 % at 2, beyond at 4.
SHORT_TIERS = ((0.10, 1), (0.15, 2), (None, 4))


@dataclass(frozen=True)
class AgentInput:
    id: int | str
    name: str
    team: str = ""
    fte: float = 1.0
    lunch_group: str = "A"
    training: tuple[time, time] | None = None  # the agent's training window of the day
    workshops: tuple[tuple[time, time], ...] = ()  # other windows off the phone (workshops)


def off_phone(agent: AgentInput, minute: int) -> bool:
    """True when `agent` is in training or in a workshop at `minute` (of the day)."""
    if agent.training is not None and _in(minute, agent.training):
        return True
    return any(_in(minute, window) for window in agent.workshops)


@dataclass(frozen=True)
class PlanOptions:
    """Lunch window and coverage; the window is the one the platform allows around §F's lunches.

    The note's day (§F) has two lunch slots, A 11:45–12:45 and B 12:45–13:45; the window
    (`PlatformRules.lunch_earliest`/`lunch_latest_end`, 11:30–14:00 by default) lets the plan shift a lunch by a quarter-hour or more where a half-hour's
    requirement is not covered. `note_lunches_only` (a manager's choice) keeps every lunch in
    slot A or B of the note, whatever the agent's group.
    """

    lunch_earliest: time = time(11, 30)
    lunch_latest_end: time = time(14, 0)
    min_on_phone: int = 1
    note_lunches_only: bool = False
    # Share of phone time agents are not ready for calls: the expected décroché counts
    # staffed × (1 − shrinkage) agents (the requirement given must already include it).
    shrinkage: float = 0.0


@dataclass
class AgentPlan:
    id: int | str
    name: str
    team: str
    fte: float
    lunch_group: str
    quarters: str  # one code per quarter of the opening hours (P, E, L, T)

    def phone_minutes(self) -> int:
        return self.quarters.count("P") * QUARTER


@dataclass
class DayPlanResult:
    slots: list[time]
    required: list[int]
    staffed_quarters: list[int]
    agents: list[AgentPlan]
    objective: int
    template_objective: int | None
    status: str  # "optimal", "feasible" or "template"
    solve_time_s: float
    expected_pickup: float | None = None
    template_expected_pickup: float | None = None
    template_staffed_quarters: list[int] = field(default_factory=list)

    @property
    def staffed(self) -> list[float]:
        """Agents on the phone per half-hour (mean of its two quarters)."""
        return half_hour_means(self.staffed_quarters)

    @property
    def shortfall(self) -> float:
        """Missing agents summed over the half-hours (agent × half-hour)."""
        return shortfall(self.required, self.staffed_quarters)


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def half_hour_means(quarters: list[int]) -> list[float]:
    return [(quarters[2 * i] + quarters[2 * i + 1]) / 2 for i in range(len(quarters) // 2)]


def shortfall(required: list[int], staffed_quarters: list[int]) -> float:
    return sum(max(0, required[q // 2] - s) for q, s in enumerate(staffed_quarters)) / 2


def quarter_starts(slots: list[time]) -> list[int]:
    """Minute of day of each quarter of the half-hour `slots` (which must follow each other)."""
    if not slots:
        raise PlanningError("La prévision est vide : aucune demi-heure à planifier.")
    starts = [_minutes(s) for s in slots]
    for previous, current in zip(starts, starts[1:], strict=False):
        if current - previous != 30:
            raise PlanningError("Les demi-heures de la prévision doivent se suivre.")
    return [m + k * QUARTER for m in starts for k in (0, 1)]


def template_lunches(rules: PlatformRules) -> dict[str, tuple[int, int]]:
    """(start, length) in minutes of each lunch group's lunch in the note's typical day."""
    lunches = {}
    for group, day in rules.day_template.items():
        for slot in day:
            if slot.activity == LUNCH:
                lunches[group] = (_minutes(slot.start), _minutes(slot.end) - _minutes(slot.start))
    return lunches


def template_phone_quarters(rules: PlatformRules, opening: int, closing: int) -> int:
    """Phone quarters of a full-time agent within the opening hours in the typical day (A)."""
    minutes = 0
    for slot in rules.day_template["A"]:
        if slot.activity == PHONE:
            minutes += max(0, min(_minutes(slot.end), closing) - max(_minutes(slot.start), opening))
    return minutes // QUARTER


@dataclass
class _Agent:
    source: AgentInput
    training: tuple[int, ...]  # 1 when in training, per quarter
    options: list[int]  # allowed lunch start quarters
    phone: int  # phone quarters to do
    template_lunch: int  # template lunch start quarter (an allowed option)


def _prepare(agents, quarters, rules, options: PlanOptions):
    opening, closing = quarters[0], quarters[-1] + QUARTER
    lunches = template_lunches(rules)
    lunch_len = lunches["A"][1] // QUARTER
    full_phone = template_phone_quarters(rules, opening, closing)
    window = _lunch_starts(quarters, lunch_len * QUARTER, options, rules)
    if not window:
        raise PlanningError("La fenêtre du déjeuner ne tient pas dans les heures d'ouverture.")
    prepared = []
    for agent in agents:
        if not 0 < agent.fte <= 1:
            raise PlanningError(f"ETP invalide pour {agent.name} : {agent.fte}.")
        training = tuple(int(off_phone(agent, m)) for m in quarters)
        allowed = [q for q in window if not any(training[q : q + lunch_len])]
        if not allowed:
            raise PlanningError(
                f"Aucun horaire de déjeuner possible pour {agent.name} hors de la formation."
            )
        available = len(quarters) - lunch_len - sum(training)
        phone = min(math.ceil(agent.fte * full_phone - 1e-9), available)
        group_start = lunches.get(agent.lunch_group, lunches["A"])[0]
        target = min(range(len(quarters)), key=lambda q: abs(quarters[q] - group_start))
        template = min(allowed, key=lambda q: (abs(q - target), q))
        prepared.append(_Agent(agent, training, allowed, phone, template))
    return prepared, lunch_len


def _lunch_starts(
    quarters: list[int], length: int, options: PlanOptions, rules: PlatformRules
) -> list[int]:
    """Quarters a lunch of `length` minutes may start at: inside the window, before closing;
    only the note's A/B lunch starts when `options.note_lunches_only`."""
    earliest, latest_end = _minutes(options.lunch_earliest), _minutes(options.lunch_latest_end)
    end = min(latest_end, quarters[-1] + QUARTER)
    starts = [q for q, m in enumerate(quarters) if m >= earliest and m + length <= end]
    if options.note_lunches_only:
        note = {start for start, _length in template_lunches(rules).values()}
        starts = [q for q, m in enumerate(quarters) if m in note and m + length <= end]
    return starts


def _in(minute: int, window: tuple[time, time]) -> bool:
    return _minutes(window[0]) <= minute < _minutes(window[1])


def _template_codes(agent: _Agent, lunch_len: int) -> str:
    """The typical day: lunch at the group's time, phone in the first free quarters, then email."""
    return _pattern(agent, lunch_len, agent.template_lunch, 0)


def _staffed(codes: list[str]) -> list[int]:
    return [sum(c[q] == "P" for c in codes) for q in range(len(codes[0]))] if codes else []


def _weights(required: list[int], demand: Demand | None) -> list[int]:
    if demand is None:
        return [SHORT_WEIGHT] * len(required)
    return [SHORT_WEIGHT * max(1, round(a)) for a in demand.arrivals]


def _tiers(need: int) -> list[tuple[int, int]]:
    """(capacity, multiplier) of each shortfall tier for a requirement of `need` agents."""
    tiers = []
    for share, multiplier in SHORT_TIERS:
        tiers.append((need if share is None else math.ceil(share * need), multiplier))
    return tiers


def _cost(staffed_quarters, required, weights) -> int:
    cost = 0
    for q, s in enumerate(staffed_quarters):
        need = required[q // 2]
        gap = need - s
        if gap <= 0:
            cost -= gap
            continue
        for capacity, multiplier in _tiers(need):
            used = min(gap, capacity)
            cost += weights[q // 2] * multiplier * used
            gap -= used
    return cost


def _coverage_floor(prepared: list[_Agent], n_quarters: int, minimum: int) -> list[int]:
    return [min(minimum, sum(1 - a.training[q] for a in prepared)) for q in range(n_quarters)]


def _covers(staffed_quarters, floor) -> bool:
    return all(s >= f for s, f in zip(staffed_quarters, floor, strict=True))


def plan_day(
    agents: list[AgentInput],
    requirement: list[int],
    slots: list[time],
    rules: PlatformRules | None = None,
    *,
    demand: Demand | None = None,
    options: PlanOptions | None = None,
    time_limit_s: float = 10.0,
    seed: int = 0,
    optimise: bool = True,
) -> DayPlanResult:
    """Plan the day of `agents` against `requirement` (agents per half-hour of `slots`).

    With `optimise=False` the note's A/B day is returned as is (no solver): the instant
    preview a page shows before anyone asks for the optimised plan.
    """
    rules = rules or PlatformRules()
    options = options or PlanOptions()
    quarters = quarter_starts(slots)
    if len(requirement) != len(slots):
        raise PlanningError("Le besoin doit compter une valeur par demi-heure de la prévision.")
    if demand is not None and len(demand.arrivals) != len(slots):
        raise PlanningError("La prévision doit compter une valeur par demi-heure.")
    if not agents:
        raise PlanningError("Aucun agent en service ce jour-là : rien à planifier.")
    if any(r < 0 for r in requirement):
        raise PlanningError("Le besoin par demi-heure ne peut pas être négatif.")
    if demand is not None:
        check_demand(demand)
    prepared, lunch_len = _prepare(agents, quarters, rules, options)
    n_q = len(quarters)
    weights = _weights(requirement, demand)
    floor = _coverage_floor(prepared, n_q, options.min_on_phone)

    template_codes = [_template_codes(a, lunch_len) for a in prepared]
    template_staffed = _staffed(template_codes)
    template_ok = _covers(template_staffed, floor)
    template_cost = _cost(template_staffed, requirement, weights) if template_ok else None

    started = clock.perf_counter()
    solved = None
    if optimise:
        solved = _solve(prepared, lunch_len, requirement, weights, floor, time_limit_s, seed)
    elapsed = clock.perf_counter() - started

    if not optimise:
        codes, status = template_codes, "template"
        cost = _cost(template_staffed, requirement, weights)
    elif solved is not None:
        codes, status = solved
        cost = _cost(_staffed(codes), requirement, weights)
        if template_cost is not None and cost > template_cost:
            codes, status, cost = template_codes, "template", template_cost
    elif template_cost is not None:
        codes, status, cost = template_codes, "template", template_cost
    else:
        raise PlanningError(
            "Impossible de couvrir toutes les heures d'ouverture avec les agents en service "
            f"(au moins {options.min_on_phone} agent(s) au téléphone à chaque quart d'heure)."
        )

    staffed = _staffed(codes)
    result = DayPlanResult(
        slots=list(slots),
        required=list(requirement),
        staffed_quarters=staffed,
        agents=[
            AgentPlan(
                id=a.source.id,
                name=a.source.name,
                team=a.source.team,
                fte=a.source.fte,
                lunch_group=a.source.lunch_group,
                quarters=c,
            )
            for a, c in zip(prepared, codes, strict=True)
        ],
        objective=cost,
        template_objective=template_cost,
        status=status,
        solve_time_s=elapsed,
        template_staffed_quarters=template_staffed,
    )
    if demand is not None:
        result.expected_pickup = expected_pickup(demand, staffed, shrinkage=options.shrinkage)
        result.template_expected_pickup = expected_pickup(
            demand, template_staffed, shrinkage=options.shrinkage
        )
    return result


def template_staffing(
    agents: list[AgentInput],
    slots: list[time],
    rules: PlatformRules | None = None,
    options: PlanOptions | None = None,
) -> list[int]:
    """Agents on the phone per quarter in the note's A/B day of `agents` (no solver).

    The same day `plan_day(optimise=False)` gives, computed once per kind of agent (ETP,
    lunch group, training and workshops), so that a year of days stays quick.
    """
    rules = rules or PlatformRules()
    options = options or PlanOptions()
    quarters = quarter_starts(slots)
    kinds: dict[tuple, int] = defaultdict(int)
    for agent in agents:
        kinds[(agent.fte, agent.lunch_group, agent.training, agent.workshops)] += 1
    staffed = [0] * len(quarters)
    if not kinds:
        return staffed
    models = [
        AgentInput(
            id=i, name=str(i), fte=fte, lunch_group=group, training=training, workshops=workshops
        )
        for i, (fte, group, training, workshops) in enumerate(kinds)
    ]
    prepared, lunch_len = _prepare(models, quarters, rules, options)
    for agent, count in zip(prepared, kinds.values(), strict=True):
        for q, code in enumerate(_template_codes(agent, lunch_len)):
            if code == "P":
                staffed[q] += count
    return staffed


def _pattern(agent: _Agent, lunch_len: int, lunch: int, offset: int) -> str:
    """Codes of an agent lunching at `lunch` whose phone stretch skips `offset` free quarters."""
    codes, free = [], 0
    for q, in_training in enumerate(agent.training):
        if in_training:
            codes.append("T")
        elif lunch <= q < lunch + lunch_len:
            codes.append("L")
        else:
            codes.append("P" if offset <= free < offset + agent.phone else "E")
            free += 1
    return "".join(codes)


def _patterns(agent: _Agent, lunch_len: int) -> list[str]:
    free = len(agent.training) - sum(agent.training) - lunch_len
    return [
        _pattern(agent, lunch_len, lunch, offset)
        for lunch in agent.options
        for offset in range(free - agent.phone + 1)
    ]


def _solve(prepared, lunch_len, requirement, weights, floor, time_limit_s, seed):
    """The CP-SAT model; returns (codes per agent, status) or None when no plan was found.

    Agents with the same phone quarters, training and lunch options are interchangeable: the
    model counts how many of them follow each day pattern (lunch start × phone stretch), which
    keeps it small and free of symmetric solutions on 150 agents.
    """
    n_q = len(floor)
    model = cp_model.CpModel()
    classes: dict[tuple, list[int]] = defaultdict(list)
    for i, a in enumerate(prepared):
        classes[(a.phone, a.training, tuple(a.options))].append(i)

    staffed = [[] for _ in range(n_q)]
    chosen = {}
    for key, members in classes.items():
        patterns = _patterns(prepared[members[0]], lunch_len)
        hinted = defaultdict(int)
        for i in members:
            hinted[_template_codes(prepared[i], lunch_len)] += 1
        counts = []
        for pattern in patterns:
            n = model.new_int_var(0, len(members), "")
            model.add_hint(n, hinted[pattern])
            counts.append(n)
            for q, code in enumerate(pattern):
                if code == "P":
                    staffed[q].append(n)
        model.add(sum(counts) == len(members))
        chosen[key] = (patterns, counts)

    costs = []
    for q in range(n_q):
        total = sum(staffed[q])
        model.add(total >= floor[q])
        need = requirement[q // 2]
        tiers = [(model.new_int_var(0, cap, ""), mult) for cap, mult in _tiers(need)]
        over = model.new_int_var(0, len(prepared), "")
        model.add(sum(t for t, _ in tiers) >= need - total)
        model.add(over >= total - need)
        costs.append(sum(weights[q // 2] * mult * t for t, mult in tiers) + over)
    model.minimize(sum(costs))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit_s)
    # One worker: CP-SAT is then deterministic whatever the machine load (same day, same plan).
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None

    codes: list[str | None] = [None] * len(prepared)
    for key, members in classes.items():
        patterns, counts = chosen[key]
        picked = []
        for pattern, n in sorted(zip(patterns, counts, strict=True), key=lambda pc: pc[0]):
            picked += [pattern] * solver.value(n)
        # Earliest lunches to the A agents, then the B agents, as in the note; ties keep the
        # input order (not database ids, which differ between databases and runs).
        ordered = sorted(members, key=lambda i: (prepared[i].template_lunch, i))
        for i, pattern in zip(ordered, sorted(picked, key=_lunch_first), strict=True):
            codes[i] = pattern
    return codes, "optimal" if status == cp_model.OPTIMAL else "feasible"


def _lunch_first(pattern: str) -> tuple[int, str]:
    return pattern.index("L"), pattern


def timeline(plan: AgentPlan, slots: list[time], rules: PlatformRules | None = None):
    """(start, end, activity) of an agent's day, with the note's email before and after hours."""
    rules = rules or PlatformRules()
    quarters = quarter_starts(slots)
    opening, closing = quarters[0], quarters[-1] + QUARTER
    pieces = []
    for slot in rules.day_template["A"]:
        start, end = _minutes(slot.start), _minutes(slot.end)
        activity = slot.activity
        if start < opening:
            # Logging on before opening only makes sense when the day starts on the phone.
            if activity == PHONE and not plan.quarters.startswith("P"):
                activity = EMAIL
            pieces.append((start, min(end, opening), activity))
        if end > closing:
            pieces.append((max(start, closing), end, activity))
    pieces += [
        (m, m + QUARTER, ACTIVITIES[c]) for m, c in zip(quarters, plan.quarters, strict=True)
    ]
    pieces.sort()
    merged = []
    for start, end, activity in pieces:
        if merged and merged[-1][2] == activity and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end, activity)
        else:
            merged.append((start, end, activity))
    return [(_time(s), _time(e), a) for s, e, a in merged]


def lunch_options(
    slots: list[time], rules: PlatformRules | None = None, options=None
) -> list[time]:
    """Lunch starts the plan allows (quarter-hours of the lunch window)."""
    rules = rules or PlatformRules()
    options = options or PlanOptions()
    quarters = quarter_starts(slots)
    length = template_lunches(rules)["A"][1]
    return [_time(quarters[q]) for q in _lunch_starts(quarters, length, options, rules)]


@dataclass(frozen=True)
class LunchMove:
    """An agent whose lunch is not at their group's slot of the note's day, and why.

    `covered`: the half-hours of the group's note slot where the agent is on the phone in the
    plan while the note's A/B day left the requirement uncovered there, as (half-hour start,
    agents required, agents on the phone in the A/B day, agents on the phone in the plan).
    Empty when the move covers no short half-hour (an equivalent choice of the solver).
    """

    agent_id: int | str
    name: str
    lunch_group: str
    note_start: time  # the group's lunch in the note's day
    start: time  # the plan's lunch
    end: time
    in_note_slot: bool  # the other group's slot of the note (A or B), not a shifted time
    covered: list[tuple[time, int, float, float]]


def lunch_moves(result: DayPlanResult, rules: PlatformRules | None = None) -> list[LunchMove]:
    """Agents of `result` whose lunch left their group's slot of the note's day (§F), and why."""
    rules = rules or PlatformRules()
    quarters = quarter_starts(result.slots)
    lunches = template_lunches(rules)
    note_starts = {start for start, _length in lunches.values()}
    template = result.template_staffed_quarters or result.staffed_quarters
    moves = []
    for agent in result.agents:
        if "L" not in agent.quarters:
            continue
        first = agent.quarters.index("L")
        length = agent.quarters.count("L")
        note_start, note_length = lunches.get(agent.lunch_group, lunches["A"])
        if quarters[first] == note_start:
            continue
        covered = []
        for i, slot in enumerate(result.slots):
            qs = [2 * i, 2 * i + 1]
            in_note = [q for q in qs if note_start <= quarters[q] < note_start + note_length]
            on_phone = [q for q in in_note if agent.quarters[q] == "P"]
            if not on_phone:
                continue
            before = sum(template[q] for q in qs) / 2
            after = sum(result.staffed_quarters[q] for q in qs) / 2
            if before < result.required[i]:
                covered.append((slot, result.required[i], before, after))
        moves.append(
            LunchMove(
                agent_id=agent.id,
                name=agent.name,
                lunch_group=agent.lunch_group,
                note_start=_time(note_start),
                start=_time(quarters[first]),
                end=_time(quarters[first] + length * QUARTER),
                in_note_slot=quarters[first] in note_starts,
                covered=covered,
            )
        )
    return moves


def move_lunch(plan: AgentPlan, start: time, slots, rules=None, options=None) -> AgentPlan:
    """The agent's day with lunch moved to `start`; the activities it displaces fill the old lunch."""
    rules = rules or PlatformRules()
    if start not in lunch_options(slots, rules, options):
        raise PlanningError(f"Heure de déjeuner hors de la fenêtre autorisée : {start:%H:%M}.")
    quarters = quarter_starts(slots)
    q0 = quarters.index(_minutes(start))
    length = template_lunches(rules)["A"][1] // QUARTER
    new = [c if c != "L" else None for c in plan.quarters]
    if "T" in new[q0 : q0 + length]:
        raise PlanningError(f"Le déjeuner de {plan.name} tomberait pendant la formation.")
    displaced = [c for c in new[q0 : q0 + length] if c is not None]
    new[q0 : q0 + length] = ["L"] * length
    for q, code in enumerate(new):
        if code is None:
            new[q] = displaced.pop(0) if displaced else "P"
    return AgentPlan(plan.id, plan.name, plan.team, plan.fte, plan.lunch_group, "".join(new))


def extra_agent(number: int, existing: list[AgentPlan], slots, rules=None) -> AgentPlan:
    """A full-time agent added by a what-if: the note's day for group A or B, alternately."""
    rules = rules or PlatformRules()
    quarters = quarter_starts(slots)
    training = [
        all(p.quarters[q] == "T" for p in existing) and bool(existing) for q in range(len(quarters))
    ]
    group = "AB"[(number - 1) % 2]
    start, length = template_lunches(rules)[group]
    codes = []
    for q, m in enumerate(quarters):
        if training[q]:
            codes.append("T")
        elif start <= m < start + length:
            codes.append("L")
        else:
            codes.append("P")
    return AgentPlan(
        f"renfort-{number}", f"Agent supplémentaire {number}", "", 1.0, group, "".join(codes)
    )


def staffing(plans: list[AgentPlan], n_quarters: int) -> list[int]:
    return [sum(p.quarters[q] == "P" for p in plans) for q in range(n_quarters)]


def result_to_payload(result: DayPlanResult) -> dict:
    return {
        "slots": [f"{s:%H:%M}" for s in result.slots],
        "required": result.required,
        "staffed_quarters": result.staffed_quarters,
        "template_staffed_quarters": result.template_staffed_quarters,
        "agents": [
            {
                "id": a.id,
                "name": a.name,
                "team": a.team,
                "fte": a.fte,
                "lunch_group": a.lunch_group,
                "quarters": a.quarters,
            }
            for a in result.agents
        ],
        "objective": result.objective,
        "template_objective": result.template_objective,
        "status": result.status,
        "solve_time_s": result.solve_time_s,
        "expected_pickup": result.expected_pickup,
        "template_expected_pickup": result.template_expected_pickup,
    }


def result_from_payload(payload: dict) -> DayPlanResult:
    return DayPlanResult(
        slots=[time.fromisoformat(s) for s in payload["slots"]],
        required=list(payload["required"]),
        staffed_quarters=list(payload["staffed_quarters"]),
        agents=[AgentPlan(**a) for a in payload["agents"]],
        objective=payload["objective"],
        template_objective=payload["template_objective"],
        status=payload["status"],
        solve_time_s=payload["solve_time_s"],
        expected_pickup=payload["expected_pickup"],
        template_expected_pickup=payload["template_expected_pickup"],
        template_staffed_quarters=list(payload["template_staffed_quarters"]),
    )
