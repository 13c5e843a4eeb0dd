"""Writes of supervision: plan a campaign, draw and store a sample, create a grid, evaluate,
debrief, sign, acknowledge; reminders and accompaniments. Every refusal is a
`SupervisionError` with a French message, and nothing is written."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from pfspilot.engine import supervision as engine
from pfspilot.engine.requirements import PlanningError
from pfspilot.people.models import User
from pfspilot.planning import services as planning_services

from . import selectors
from .models import (
    Accompaniment,
    Answer,
    Campaign,
    Criterion,
    Evaluation,
    Grid,
    ItemKind,
    Mission,
    Reminder,
    ReminderReceipt,
    SampleItem,
    Section,
    Supervision,
)

KEYS = {ItemKind.CALL: "calls", ItemKind.EMAIL: "emails", ItemKind.REQUEST: "requests"}


class SupervisionError(ValueError):
    """Refused (French message); nothing was written."""


# --- Campaign -----------------------------------------------------------------------------


def plan_semester(
    semester: str, *, dry_run: bool = False, today: dt.date | None = None
) -> list[dict]:
    """The whole campaign of `semester` (`AAAA-S1`/`AAAA-S2`): the supervisions already planned
    are kept, every agent employed during the semester without one gets one (agents arrived
    since the last plan are added). Created unless `dry_run`. Rows sorted by day then agent."""
    try:
        start, end = engine.semester_bounds(semester)
    except ValueError as exc:
        raise SupervisionError(str(exc)) from None
    today = today or timezone.localdate()
    existing = selectors.campaign(semester)
    fixed_rows = list(existing.supervisions.all()) if existing else []
    earliest = today if today > start else None
    agents, sups, days, users = selectors.campaign_inputs(start, end, earliest=earliest)
    if not days:
        raise SupervisionError(
            f"le semestre {semester} n'a plus aucun jour ouvré à planifier (semestre passé ?)"
        )
    if not any(s.days for s in sups):
        raise SupervisionError(
            f"aucun assistant superviseur ni manager n'est présent sur le semestre {semester}"
        )
    fixed = [engine.Assignment(s.agent_id, s.supervisor_id, s.day) for s in fixed_rows]
    known = {
        **users,
        **{
            u.pk: u
            for u in User.objects.filter(
                pk__in=[f.supervisor for f in fixed] + [f.agent for f in fixed]
            )
        },
    }
    try:
        new = engine.plan_campaign(agents, [s for s in sups if s.days], days, fixed=fixed)
    except engine.PlanningError as exc:
        raise SupervisionError(_name_agents(str(exc), known)) from None
    if not dry_run and new:
        with transaction.atomic():
            campaign = existing or Campaign.objects.create(semester=semester, start=start, end=end)
            for a in new:
                agent = known[a.agent]
                Supervision.objects.create(
                    campaign=campaign,
                    agent=agent,
                    supervisor=known[a.supervisor],
                    team=agent.team,
                    day=a.day,
                )
    elif not dry_run and existing is None:
        Campaign.objects.create(semester=semester, start=start, end=end)
    rows = [
        {
            "agent": known[a.agent].username,
            "supervisor": known[a.supervisor].username,
            "day": a.day.isoformat(),
        }
        for a in (*fixed, *new)
    ]
    return sorted(rows, key=lambda r: (r["day"], r["agent"]))


def _name_agents(message: str, users: dict) -> str:
    for pk, user in users.items():
        message = message.replace(f"l'agent n° {pk}", f"l'agent {user.username}")
        message = message.replace(f"superviseur n° {pk}", f"superviseur {user.username}")
    return message


# --- Samples ------------------------------------------------------------------------------


def draw(agent: User, start: dt.date, end: dt.date, sizes: dict[str, int], seed: int) -> dict:
    """A stratified, reproducible draw for `agent` over [start, end] (reads only).

    `sizes`: {ItemKind: count}. Returns {kind: engine.Sample}. SupervisionError when the agent
    has no call, email nor request at all over the period.
    """
    if end < start:
        raise SupervisionError("la fin de la période précède son début")
    candidates = {kind: selectors.CANDIDATES[kind](agent, start, end) for kind in KEYS}
    if not any(candidates.values()):
        raise SupervisionError(
            f"l'agent {agent.username} n'a aucune activité (appel, courriel, demande) du "
            f"{start:%d/%m/%Y} au {end:%d/%m/%Y}"
        )
    return {
        kind: engine.draw_sample(
            candidates[kind], sizes.get(kind, 0), seed, exclude=selectors.evaluated_ids(kind)
        )
        for kind in KEYS
    }


def draw_summary(samples: dict) -> dict:
    """The JSON contract of `pfspilot supervision sample`."""
    result = {KEYS[kind]: [d.id for d in samples[kind].items] for kind in KEYS}
    result["short"] = {KEYS[kind]: samples[kind].short for kind in KEYS}
    return result


def store_sample(supervision: Supervision, *, seed: int, by: User) -> dict:
    """Draws the supervision's sample (sizes of the reference data, period before its day) and
    stores it with its seed and criteria. Refused once an item has been evaluated."""
    if supervision.is_signed:
        raise SupervisionError("le débriefing est signé : l'échantillon ne peut plus changer")
    if Evaluation.objects.filter(item__supervision=supervision).exists():
        raise SupervisionError(
            "un élément de l'échantillon est déjà évalué : pas de nouveau tirage"
        )
    rule = selectors.sampling_rule(supervision.day)
    if rule is None:
        raise SupervisionError("aucune taille d'échantillon n'est définie dans le référentiel")
    end = supervision.day
    start = end - dt.timedelta(days=rule.period_days)
    sizes = {
        ItemKind.CALL: rule.calls,
        ItemKind.EMAIL: rule.emails,
        ItemKind.REQUEST: rule.requests,
    }
    samples = draw(supervision.agent, start, end, sizes, seed)
    kinds = selectors.request_kinds([d.id for d in samples[ItemKind.REQUEST].items])
    with transaction.atomic():
        supervision.items.all().delete()
        for kind, sample in samples.items():
            for position, d in enumerate(sample.items):
                SampleItem.objects.create(
                    supervision=supervision,
                    kind=kind,
                    item_id=d.id,
                    mission=_mission(kind, kinds.get(d.id)),
                    day=d.day,
                    motif=(d.motif or "")[:200],
                    band=d.band,
                    position=position,
                )
        supervision.sample_seed = seed
        supervision.sample_criteria = {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "sizes": {KEYS[k]: v for k, v in sizes.items()},
            "rule": rule.valid_from.isoformat(),
            "strata": ["tranche de durée (terciles de l'agent)", "date", "motif"],
            "terciles": samples[ItemKind.CALL].terciles,
            "short": {KEYS[k]: s.short for k, s in samples.items()},
            "by": by.username,
        }
        supervision.sampled_at = timezone.now()
        if supervision.status == Supervision.Status.PLANNED:
            supervision.status = Supervision.Status.SAMPLED
        supervision.save()
    return draw_summary(samples)


def _mission(kind: str, request_kind: str | None) -> str:
    if kind == ItemKind.CALL:
        return Mission.PHONE
    if kind == ItemKind.EMAIL:
        return Mission.EMAIL
    return Mission.PIRA if request_kind == "pira" else Mission.CALLBACK


# --- Grids and evaluations ----------------------------------------------------------------


def create_grid(name: str, kind: str, sections: list[dict], *, pass_mark: float = 60.0) -> Grid:
    """A new grid, or a new version of the grid `name` (the previous ones stay for their
    evaluations). `sections`: [{"title", "weight", "criteria": [{"label", "weight",
    "critical", "objective"}]}]; section weights add up to 100, and in each section the
    criteria's weights too, else refused."""
    if not sections:
        raise SupervisionError("une grille a au moins une section")
    if not engine.weights_add_up([s["weight"] for s in sections]):
        total = sum(s["weight"] for s in sections)
        raise SupervisionError(
            f"les poids des sections font {total:g} % au lieu de 100 % : grille refusée"
        )
    for s in sections:
        if not s.get("criteria"):
            raise SupervisionError(f"la section « {s['title']} » n'a aucun critère")
        if not engine.weights_add_up([c["weight"] for c in s["criteria"]]):
            total = sum(c["weight"] for c in s["criteria"])
            raise SupervisionError(
                f"les poids des critères de la section « {s['title']} » font {total:g} % "
                "au lieu de 100 % : grille refusée"
            )
    with transaction.atomic():
        previous = Grid.objects.filter(name=name).order_by("-version").first()
        Grid.objects.filter(name=name).update(active=False)
        grid = Grid.objects.create(
            name=name,
            kind=kind,
            version=previous.version + 1 if previous else 1,
            pass_mark=pass_mark,
        )
        for i, s in enumerate(sections):
            section = Section.objects.create(
                grid=grid, title=s["title"], weight=s["weight"], position=i
            )
            for j, c in enumerate(s["criteria"]):
                Criterion.objects.create(
                    section=section,
                    label=c["label"],
                    weight=c["weight"],
                    critical=c.get("critical", False),
                    objective=c.get("objective", ""),
                    position=j,
                )
    return grid


def evaluate(
    supervision: Supervision,
    item_pk: int,
    evaluator: User,
    answers: dict[int, str],
    *,
    comment: str = "",
) -> Evaluation:
    """Scores one item of the supervision's sample with the grid in force for its kind.

    `answers`: criterion id → "ok" / "ko" / "na". An item outside the sample, a criterion left
    without an answer, a second evaluation by the same scorer or a signed debrief: refused. A
    scorer other than the supervision's supervisor scores blind, for calibration.
    """
    item = SampleItem.objects.filter(supervision=supervision, pk=item_pk).first()
    if item is None:
        raise SupervisionError(
            "cet élément n'est pas dans l'échantillon de la supervision : évaluation refusée"
        )
    if supervision.is_signed:
        raise SupervisionError("le débriefing est signé : les évaluations ne changent plus")
    if Evaluation.objects.filter(item=item, evaluator=evaluator).exists():
        raise SupervisionError("vous avez déjà évalué cet élément")
    grid = selectors.grid_for(item.kind)
    if grid is None:
        raise SupervisionError(
            f"aucune grille d'évaluation en vigueur pour : {item.get_kind_display()}"
        )
    criteria = list(Criterion.objects.filter(section__grid=grid).select_related("section"))
    missing = [c.label for c in criteria if answers.get(c.pk) not in Answer.Value.values]
    if missing:
        raise SupervisionError(f"critère sans réponse : {missing[0]}")
    result = engine.score_item(
        [engine.Mark(c.section.weight, c.weight, c.critical, answers[c.pk]) for c in criteria],
        grid.pass_mark,
    )
    with transaction.atomic():
        evaluation = Evaluation.objects.create(
            item=item,
            evaluator=evaluator,
            grid=grid,
            score=result.score,
            failed_critical=result.failed_critical,
            passed=result.passed,
            calibration=evaluator.pk != supervision.supervisor_id,
            comment=comment,
        )
        Answer.objects.bulk_create(
            Answer(evaluation=evaluation, criterion=c, value=answers[c.pk]) for c in criteria
        )
    return evaluation


# --- Debrief ------------------------------------------------------------------------------


def save_debrief(
    supervision: Supervision, *, debrief_on: dt.date | None, transcription: str
) -> None:
    if supervision.is_signed:
        raise SupervisionError("la retranscription est signée : elle ne peut plus être modifiée")
    supervision.debrief_on = debrief_on
    supervision.transcription = transcription
    supervision.save(update_fields=["debrief_on", "transcription"])


def sign(supervision: Supervision, by: User) -> None:
    if supervision.is_signed:
        raise SupervisionError("ce débriefing est déjà signé")
    if supervision.debrief_on is None or not supervision.transcription.strip():
        raise SupervisionError(
            "renseignez la date du débriefing oral et sa retranscription avant de signer"
        )
    updated = Supervision.objects.filter(pk=supervision.pk, signed_at__isnull=True).update(
        signed_at=timezone.now(), signed_by=by, status=Supervision.Status.DEBRIEFED
    )
    if not updated:
        raise SupervisionError("ce débriefing est déjà signé")
    supervision.refresh_from_db()
    supervision.save()  # a history row for the signature


def acknowledge(supervision: Supervision, agent: User, comment: str = "") -> None:
    if supervision.agent_id != agent.pk:
        raise SupervisionError("seul l'agent supervisé peut prendre connaissance de ce débriefing")
    if not supervision.is_signed:
        raise SupervisionError("le débriefing n'est pas encore signé")
    if supervision.acknowledged_at is not None:
        raise SupervisionError("vous avez déjà pris connaissance de ce débriefing")
    supervision.acknowledged_at = timezone.now()
    supervision.agent_comment = comment
    supervision.status = Supervision.Status.ACKNOWLEDGED
    supervision.save()


# --- Skills -------------------------------------------------------------------------------


def publish_reminder(title: str, body: str, by: User) -> Reminder:
    if not title.strip() or not body.strip():
        raise SupervisionError("un rappel de consigne a un titre et un texte")
    return Reminder.objects.create(title=title, body=body, created_by=by)


def acknowledge_reminder(reminder: Reminder, agent: User) -> None:
    ReminderReceipt.objects.get_or_create(reminder=reminder, agent=agent)


def add_accompaniment(agent: User, objective: str, actions: str, follow_up_on: dt.date, by: User):
    return Accompaniment.objects.create(
        agent=agent, objective=objective, actions=actions, follow_up_on=follow_up_on, created_by=by
    )


def plan_training(year: int, windows: list[tuple[dt.time, dt.time]]) -> int:
    """The year's training days (the reference rule) planned in `len(windows)` groups, one
    window each, so that every team keeps agents on the phones. Sessions of days not yet past
    are replaced (planning's `TrainingSession`, which the day plans read). Returns the number
    of sessions created."""
    if not windows:
        raise SupervisionError("indiquez au moins un créneau de formation")
    for start, end in windows:
        if end <= start:
            raise SupervisionError("un créneau de formation finit avant de commencer")
    today = timezone.localdate()
    days = [d for d in selectors.training_days(year) if d >= today]
    if not days:
        raise SupervisionError(f"plus aucun jour de formation à planifier en {year}")
    groups = {}
    for day in days:
        members = engine.training_groups(selectors.agents_on(day), len(windows))
        groups[day] = [
            (start, end, group) for (start, end), group in zip(windows, members, strict=True)
        ]
    try:
        return planning_services.training_groups_set(groups, title="Formation continue")
    except PlanningError as exc:
        raise SupervisionError(str(exc).rstrip(".")) from None


def add_workshop(title: str, day: dt.date, start: dt.time, end: dt.time, participants):
    """A thematic workshop (planning's `TrainingSession`): its participants are off the phone
    during it in the day plan."""
    if end <= start:
        raise SupervisionError("l'atelier finit avant de commencer")
    try:
        return planning_services.workshop_create(
            title=title, day=day, start=start, end=end, participants=participants
        )
    except PlanningError as exc:
        raise SupervisionError(str(exc).rstrip(".")) from None
