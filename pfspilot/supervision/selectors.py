"""Reads of supervision: the campaign's inputs (presence of agents and supervisors), the items
an agent handled (calls, emails, PIRA and callbacks), the board, the yearly coverage, the
agent's file. Writes are in `services.py`, the computation in `engine/supervision.py`."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from pfspilot.contacts.models import Call, Email, Outcome
from pfspilot.desk.models import CallRecord, Incivility, Level2Request, RequestKind
from pfspilot.engine import calendar
from pfspilot.engine import supervision as engine
from pfspilot.engine.requirements import PlanningError
from pfspilot.people.models import Role, User
from pfspilot.people.selectors import agents_employed
from pfspilot.planning import selectors as planning_selectors
from pfspilot.planning.models import Absence, DayPlan
from pfspilot.reference.selectors import platform_rules

from .models import (
    Accompaniment,
    Answer,
    Campaign,
    Evaluation,
    Grid,
    ItemKind,
    Mission,
    Objective,
    Reminder,
    SampleItem,
    SamplingRule,
    Supervision,
)

SUPERVISOR_ROLES = (Role.SUPERVISOR, Role.MANAGER)
REQUEST_KINDS = (RequestKind.PIRA, RequestKind.CALLBACK)


def campaign_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Working days of [start, end] without the training days (the whole platform trains)."""
    days = []
    for day in calendar.working_days(start, end):
        if not calendar.is_training_day(day, platform_rules(day)):
            days.append(day)
    return days


def _planned_agents(days: list[dt.date]) -> dict[dt.date, set[int]]:
    """The agents of each stored day plan (an agent left out of a day's plan is not there)."""
    if not days:
        return {}
    return {
        day: {a["id"] for a in payload.get("agents", [])}
        for day, payload in DayPlan.objects.filter(day__gte=days[0], day__lte=days[-1]).values_list(
            "day", "payload"
        )
    }


def _presence(users, days: list[dt.date], plans: dict | None = None) -> list[engine.Person]:
    plans = plans or {}
    ids = [u.pk for u in users]
    absences = defaultdict(list)
    if days:
        for agent_id, first, last in Absence.objects.filter(
            agent_id__in=ids, start__lte=days[-1], end__gte=days[0]
        ).values_list("agent_id", "start", "end"):
            absences[agent_id].append((first, last))
    people = []
    for u in users:
        present = frozenset(
            d
            for d in days
            if u.is_employed_on(d)
            and not any(a <= d <= b for a, b in absences[u.pk])
            and (d not in plans or u.pk in plans[d])
        )
        people.append(engine.Person(u.pk, u.team.name if u.team else "", present))
    return people


def campaign_inputs(start: dt.date, end: dt.date, *, earliest: dt.date | None = None):
    """(agents, supervisors, days, users by id) of the campaign over [start, end].

    Present: contract running, no absence, and for agents, in the stored day plan of the day
    when there is one (supervisors are not in the day plans). Training days are left out.
    `earliest`: no new supervision before this day (a re-plan does not plan in the past).
    """
    days = campaign_days(max(start, earliest) if earliest else start, end)
    agents = list(agents_employed(start=start, end=end).select_related("team").order_by("pk"))
    sups = list(
        agents_employed(start=start, end=end, roles=SUPERVISOR_ROLES)
        .select_related("team")
        .order_by("pk")
    )
    users = {u.pk: u for u in (*agents, *sups)}
    return _presence(agents, days, _planned_agents(days)), _presence(sups, days), days, users


def campaign(semester: str) -> Campaign | None:
    return Campaign.objects.filter(semester=semester).first()


def sampling_rule(on: dt.date) -> SamplingRule | None:
    return SamplingRule.objects.filter(valid_from__lte=on).order_by("-valid_from").first()


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def call_candidates(agent: User, start: dt.date, end: dt.date) -> list[engine.Candidate]:
    """The agent's calls of the period: their call records and the telephony's answered calls."""
    low, high = _bounds(start, end)
    found: dict[str, engine.Candidate] = {}
    linked = set()
    for rec in CallRecord.objects.filter(
        agent=agent, opened_at__gte=low, opened_at__lt=high
    ).select_related("telephony"):
        talk = rec.telephony.talk_s if rec.telephony else None
        if rec.telephony_id:
            linked.add(rec.telephony_id)
        found[rec.call_id] = engine.Candidate(
            rec.call_id,
            timezone.localdate(rec.opened_at),
            rec.motif_code or rec.motif_label or None,
            talk,
        )
    for call in Call.objects.filter(
        agent=agent, outcome=Outcome.ANSWERED, arrival__gte=low, arrival__lt=high
    ).exclude(pk__in=linked):
        found.setdefault(
            call.source_id,
            engine.Candidate(
                call.source_id, timezone.localdate(call.arrival), call.motif, call.talk_s
            ),
        )
    return list(found.values())


def email_candidates(agent: User, start: dt.date, end: dt.date) -> list[engine.Candidate]:
    low, high = _bounds(start, end)
    rows = Email.objects.filter(agent=agent, received_at__gte=low, received_at__lt=high)
    return [engine.Candidate(str(e.pk), timezone.localdate(e.received_at), e.motif) for e in rows]


def request_candidates(agent: User, start: dt.date, end: dt.date) -> list[engine.Candidate]:
    """PIRA and callback requests the agent made over the period."""
    low, high = _bounds(start, end)
    rows = Level2Request.objects.filter(
        created_by=agent, kind__in=REQUEST_KINDS, created_at__gte=low, created_at__lt=high
    )
    return [
        engine.Candidate(
            str(r.pk), timezone.localdate(r.created_at), f"{r.kind}:{r.motif_code or r.motif_label}"
        )
        for r in rows
    ]


CANDIDATES = {
    ItemKind.CALL: call_candidates,
    ItemKind.EMAIL: email_candidates,
    ItemKind.REQUEST: request_candidates,
}


def evaluated_ids(kind: str) -> set[str]:
    """Identifiers of the items of `kind` already evaluated (never drawn again)."""
    return set(
        SampleItem.objects.filter(kind=kind, evaluations__isnull=False).values_list(
            "item_id", flat=True
        )
    )


def request_kinds(ids: list[str]) -> dict[str, str]:
    numbers = [int(i) for i in ids if i.isdigit()]
    return {
        str(pk): kind
        for pk, kind in Level2Request.objects.filter(pk__in=numbers).values_list("pk", "kind")
    }


def supervisions_for(user) -> QuerySet[Supervision]:
    return Supervision.objects.visible_to(user).select_related(
        "agent", "supervisor", "team", "campaign"
    )


def grid_for(kind: str) -> Grid | None:
    return Grid.objects.filter(kind=kind, active=True).order_by("-version").first()


@dataclass
class ItemView:
    item: SampleItem
    mine: Evaluation | None
    others: list[Evaluation]


def sample_view(supervision: Supervision, user) -> list[ItemView]:
    items = list(supervision.items.prefetch_related("evaluations"))
    views = []
    for item in items:
        evaluations = list(item.evaluations.all())
        mine = next((e for e in evaluations if e.evaluator_id == user.pk), None)
        # Blind: another scorer's evaluations are shown only once one's own is recorded.
        others = [e for e in evaluations if e.evaluator_id != user.pk] if mine else []
        views.append(ItemView(item, mine, others))
    return views


def calibration(item: SampleItem) -> list[dict]:
    """Per criterion: each scorer's answer and the divergence (share disagreeing with the majority)."""
    answers = (
        Answer.objects.filter(evaluation__item=item)
        .select_related("criterion", "evaluation__evaluator")
        .order_by("criterion__section__position", "criterion__position", "criterion_id")
    )
    rows: dict[int, dict] = {}
    for a in answers:
        row = rows.setdefault(
            a.criterion_id, {"criterion": a.criterion, "answers": [], "values": []}
        )
        row["answers"].append((a.evaluation.evaluator, a.get_value_display()))
        row["values"].append(a.value)
    result = []
    for row in rows.values():
        share = engine.divergence(row["values"])
        result.append({**row, "divergence": None if share is None else 100 * share})
    return result


def overall_score(supervision: Supervision) -> float | None:
    """Mean of the items' scores by the supervision's own supervisor (calibrations excluded)."""
    scores = Evaluation.objects.filter(
        item__supervision=supervision, calibration=False
    ).values_list("score", flat=True)
    return engine.mean(list(scores))


def board(user, campaign: Campaign, today: dt.date) -> list[dict]:
    """Per team: planned, done (debrief signed), late (day passed and not signed)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for s in supervisions_for(user).filter(campaign=campaign):
        team = s.team.name if s.team else "—"
        counts[team]["total"] += 1
        if s.is_signed:
            counts[team]["done"] += 1
        elif s.day < today:
            counts[team]["late"] += 1
        else:
            counts[team]["planned"] += 1
    return [{"team": t, **c} for t, c in sorted(counts.items())]


def loads(campaign: Campaign, user) -> list[dict]:
    rows = Counter(
        supervisions_for(user)
        .filter(campaign=campaign)
        .values_list("supervisor__username", flat=True)
    )
    return [{"supervisor": name, "count": n} for name, n in sorted(rows.items())]


def yearly_coverage(user, year: int) -> list[dict]:
    """Per agent employed in `year`: the missions (phone, emails, PIRA, callbacks) not yet
    evaluated in one of the year's supervisions."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    agents = (
        agents_employed(start=start, end=end)
        .filter(pk__in=User.objects.visible_to(user).values("pk"))
        .select_related("team")
        .order_by("team__name", "last_name", "first_name", "username")
    )
    covered: dict[int, set[str]] = defaultdict(set)
    for agent_id, mission in (
        SampleItem.objects.filter(
            supervision__campaign__start__year=year, evaluations__isnull=False
        )
        .values_list("supervision__agent_id", "mission")
        .distinct()
    ):
        covered[agent_id].add(mission)
    rows = []
    for agent in agents:
        missing = [m.label for m in Mission if m.value not in covered[agent.pk]]
        rows.append(
            {
                "agent": agent,
                "team": agent.team.name if agent.team else "—",
                "missing": missing,
            }
        )
    return rows


def objective_history(agent: User) -> list[dict]:
    """The four accompaniment objectives over time: per supervision, the share of the
    criteria of each objective met (« sans objet » left out)."""
    rows = []
    sups = Supervision.objects.filter(agent=agent).select_related("campaign").order_by("day")
    for s in sups:
        met, total = Counter(), Counter()
        for value, objective in Answer.objects.filter(
            evaluation__item__supervision=s, evaluation__calibration=False
        ).values_list("value", "criterion__objective"):
            if not objective or value == Answer.Value.NA:
                continue
            total[objective] += 1
            met[objective] += value == Answer.Value.OK
        rows.append(
            {
                "supervision": s,
                "objectives": [
                    (o.label, 100 * met[o.value] / total[o.value] if total[o.value] else None)
                    for o in Objective
                ],
                "score": overall_score(s),
            }
        )
    return rows


def agent_file(agent: User) -> dict:
    return {
        "agent": agent,
        "history": objective_history(agent),
        "accompaniments": Accompaniment.objects.filter(agent=agent),
        "reminders_read": Reminder.objects.filter(receipts__agent=agent).count(),
        "reminders_total": Reminder.objects.count(),
        "incivilities": Incivility.objects.filter(agent=agent).count(),
        "calls": Call.objects.filter(agent=agent, outcome=Outcome.ANSWERED).count(),
        "emails": Email.objects.filter(agent=agent).count(),
    }


def unread_reminders(agent: User) -> QuerySet[Reminder]:
    return Reminder.objects.exclude(receipts__agent=agent)


def training_days(year: int) -> list[dt.date]:
    """The year's continuing-training days, from the reference rule (the day plans' one source)."""
    return calendar.training_days(year, platform_rules(dt.date(year, 1, 1)))


def agents_on(day: dt.date) -> list[tuple[int, str]]:
    """(id, team) of the agents employed and not absent on `day`."""
    absent = Absence.objects.filter(start__lte=day, end__gte=day).values("agent_id")
    return [
        (pk, team or "")
        for pk, team in agents_employed(start=day, end=day)
        .exclude(pk__in=absent)
        .values_list("pk", "team__name")
    ]


def training_calendar(year: int) -> list[dict]:
    """Per training day and workshop of `year`: its sessions, participants and the share of the
    day's agents who stay on the phones during each session."""
    sessions = planning_selectors.training_sessions(dt.date(year, 1, 1), dt.date(year, 12, 31))
    by_day: dict[dt.date, list] = defaultdict(list)
    for s in sessions:
        by_day[s.day].append(s)
    rule_days = set(training_days(year))
    rows = []
    for day in sorted(rule_days | set(by_day)):
        present = len(agents_on(day)) if by_day.get(day) else 0
        items = []
        for s in by_day.get(day, []):
            count = len(s.participants.all())
            items.append(
                {
                    "session": s,
                    "count": count,
                    "on_phones": (present - count) / present if present else None,
                }
            )
        rows.append({"day": day, "sessions": items, "rule": day in rule_days})
    return rows


def grids() -> QuerySet[Grid]:
    """Every grid version, the ones in force first, with their sections and criteria."""
    return Grid.objects.order_by("-active", "kind", "name", "-version").prefetch_related(
        "sections__criteria"
    )


@dataclass
class TrainingEffect:
    day: dt.date
    everyone: float | None  # expected décroché, every agent training in the rule's hours
    groups: float | None  # expected décroché of the day plan: each agent in their group's session
    error: str = ""


def training_effect(day: dt.date) -> TrainingEffect:
    """The day's expected décroché (day plan, Erlang A) with the sessions planned, and with
    everyone in training at the rule's hours. One source: the day plan's own inputs
    (`planning.selectors.day_inputs`, which reads the sessions); only the agents' training
    windows differ in the comparison."""
    try:
        inputs = planning_selectors.day_inputs(day)
    except PlanningError as exc:
        return TrainingEffect(day, None, None, str(exc))
    results = []
    for variant in (planning_selectors.everyone_in_training(inputs), inputs):
        plan = planning_selectors.plan_inputs(variant, time_limit_s=5.0)
        results.append(plan.expected_pickup)
    return TrainingEffect(day, results[0], results[1])
