"""Reads of the desk (its selectors): rules and motifs in force, Mon poste, the queues.

Kept apart from `selectors.py`, which serves the call guide.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.contacts.models import AgentActivity, Email
from pfspilot.engine import calendar, routing
from pfspilot.engine.dayplan import AgentPlan, timeline
from pfspilot.planning.models import DayPlan
from pfspilot.reference.selectors import platform_rules, routing_matrix
from pfspilot.workitems.services import WorkItemError

from .models import CallRecord, DeskRuleSet, FollowUp, Level2Request, MotifDelay, Urgency

MAX_MOTIF_TEXT = 200
ACTIVITY_LABELS = {
    "phone": gettext_lazy("Téléphone"),
    "email": gettext_lazy("Courriels"),
    "lunch": gettext_lazy("Déjeuner"),
    "training": gettext_lazy("Formation"),
}


def desk_rules(on: dt.date | None = None) -> DeskRuleSet:
    """The desk rules in force on `on` (latest `valid_from` on or before it, else the first).

    Raises WorkItemError when none is configured.
    """
    on = on or timezone.localdate()
    rules = (
        DeskRuleSet.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
        or DeskRuleSet.objects.order_by("valid_from").first()
    )
    if rules is None:
        raise WorkItemError(_("Règles du poste absentes du référentiel : voir l'administration."))
    return rules


def motif_delay(rules: DeskRuleSet, code: str):
    """The `MotifDelay` of motif `code` in `rules`, or None (the default delay applies)."""
    # Through the model's manager: `rules.delays` builds a related manager class per access.
    return MotifDelay.objects.filter(rule_set=rules, motif_code=code).first() if code else None


def find_motif(text: str, on: dt.date | None = None) -> routing.RoutingRow:
    """The guide's motif whose code or label is `text` (or its single clear search hit).

    Raises WorkItemError (field « motif ») naming the closest motifs when none is found.
    """
    text = (text or "").strip()[:MAX_MOTIF_TEXT]
    rows = routing_matrix(on)
    row = routing.find_motif(rows, text) if text else None
    if row is not None:
        return row
    hits = routing.search(rows, text, 2) if text else []
    if len(hits) == 1:
        return hits[0]
    message = _("Motif introuvable : « %(text)s ».") % {"text": text}
    near = routing.closest(rows, text) if text and rows else []
    if near:
        message += " " + _("Motifs proches : %(near)s.") % {"near": " ; ".join(near)}
    raise WorkItemError(message, field="motif")


# --- Mon poste ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    start: dt.time
    end: dt.time
    activity: str
    label: str
    current: bool


@dataclass(frozen=True)
class Rate:
    """A count per hour against its norm; `per_hour` None when the hours are unknown."""

    count: int
    hours: float | None
    norm: float

    @property
    def per_hour(self) -> float | None:
        return self.count / self.hours if self.hours else None

    @property
    def status(self) -> str:
        if self.per_hour is None:
            return ""
        return "met" if self.per_hour >= self.norm else "missed"


def timetable(user, day: dt.date, now: dt.datetime | None = None) -> tuple[list[Block], str]:
    """The agent's blocks of `day` and where they come from (French sentence).

    From the stored optimised day plan when it holds the agent, else the note's typical day of
    the agent's lunch group (§F). Empty on a closed day.
    """
    if not calendar.is_working_day(day):
        return [], _("Jour fermé : pas de planning.")
    rules = platform_rules(day)
    now_time = timezone.localtime(now).time() if now else None
    stored = DayPlan.objects.filter(day=day).first()
    pieces = None
    if stored is not None:
        for agent in stored.payload.get("agents", []):
            if agent.get("id") == user.pk:
                plan = AgentPlan(**agent)
                slots = [dt.time.fromisoformat(s) for s in stored.payload["slots"]]
                pieces = timeline(plan, slots, rules)
                source = _("Plan de journée optimisé du %(day)s.") % {"day": f"{day:%d/%m/%Y}"}
                break
    if pieces is None:
        template = rules.day_template.get(user.lunch_group) or rules.day_template.get("A", ())
        pieces = [(s.start, s.end, s.activity) for s in template]
        source = _("Journée type de la note (§F), groupe %(group)s : pas de plan optimisé.") % {
            "group": user.lunch_group
        }
        if calendar.is_training_day(day, rules):
            source += " " + _("Jour de formation continue.")
    blocks = [
        Block(
            start,
            end,
            activity,
            ACTIVITY_LABELS.get(activity, activity),
            now_time is not None and start <= now_time < end,
        )
        for start, end, activity in pieces
    ]
    return blocks, source


def _elapsed_hours(blocks: list[Block], activity: str, now_time: dt.time) -> float:
    total = 0.0
    for block in blocks:
        if block.activity != activity or block.start >= now_time:
            continue
        end = min(block.end, now_time)
        total += (
            dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, block.start)
        ).total_seconds()
    return total / 3600


def my_desk(user, now: dt.datetime | None = None) -> dict:
    """What Mon poste shows: timetable, counters against the norms, open requests and items.

    Calls per hour: the agent's call records opened today / hours on the phone today (the
    imported activity when there is one, else the phone time of the timetable elapsed so far).
    Emails per hour: emails the agent answered today / hours on emails, likewise.
    """
    now = now or timezone.now()
    local = timezone.localtime(now)
    day = local.date()
    blocks, source = timetable(user, day, now)
    rules = platform_rules(day)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    end = start + dt.timedelta(days=1)
    calls = CallRecord.objects.filter(agent=user, opened_at__gte=start, opened_at__lt=end).count()
    emails = Email.objects.filter(agent=user, answered_at__gte=start, answered_at__lt=end).count()
    activity = AgentActivity.objects.filter(agent=user, day=day).aggregate(
        phone=Sum("phone_s"), email=Sum("email_s")
    )
    phone_h = activity["phone"] / 3600 if activity["phone"] else None
    email_h = activity["email"] / 3600 if activity["email"] else None
    planned = phone_h is None or email_h is None
    if phone_h is None:
        phone_h = _elapsed_hours(blocks, "phone", local.time()) or None
    if email_h is None:
        email_h = _elapsed_hours(blocks, "email", local.time()) or None
    requests = (
        Level2Request.objects.filter(created_by=user)
        .open()
        .select_related("assignee")
        .order_by("due_at")
    )
    urgencies = Urgency.objects.filter(created_by=user).open().order_by("due_at")
    open_records = CallRecord.objects.filter(agent=user, status=CallRecord.Status.OPEN)
    return {
        "blocks": blocks,
        "email_blocks": [b for b in blocks if b.activity == "email"],
        "timetable_source": source,
        "calls": Rate(calls, phone_h, rules.calls_per_hour),
        "emails": Rate(emails, email_h, rules.emails_per_hour),
        "hours_planned": planned,
        "requests": list(requests[:50]),
        "urgencies": list(urgencies[:50]),
        "open_records": list(open_records.order_by("-opened_at")[:10]),
        "now": now,
    }


POP_WINDOW = dt.timedelta(hours=1)


def pending_pop(user, now=None):
    """The newest record the telephony pushed to `user` still waiting for its motif, or None.

    Read-only (the poll is a GET): a pushed record pops until the agent sets its motif or
    closes it, within the last hour.
    """
    now = now or timezone.now()
    return (
        CallRecord.objects.filter(
            agent=user,
            source=CallRecord.Source.TELEPHONY,
            status=CallRecord.Status.OPEN,
            motif_code="",
            opened_at__gte=now - POP_WINDOW,
        )
        .order_by("-opened_at", "-pk")
        .first()
    )


# --- queues ---------------------------------------------------------------------------------


def requests_queue(user, *, status: str = "open", kind: str = "", mine: bool = False):
    """Level-2 requests `user` may see, most urgent first (open ones by default)."""
    rows = Level2Request.objects.visible_to(user).select_related("assignee", "record")
    if status == "open":
        rows = rows.open()
    elif status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if mine:
        rows = rows.filter(assignee=user)
    return rows.order_by("due_at", "id")


def urgencies_queue(user, *, status: str = "open"):
    """Urgencies `user` may see, most urgent first; overdue ones are flagged by the page."""
    rows = Urgency.objects.visible_to(user).select_related("assignee", "created_by", "service")
    if status == "open":
        rows = rows.open()
    elif status:
        rows = rows.filter(status=status)
    return rows.order_by("due_at", "id")


def overdue_urgencies(now=None) -> int:
    """Open urgencies past their commitment deadline, platform-wide (every supervisor sees it)."""
    return Urgency.objects.overdue(now).count()


def follow_ups_by_team(user, now=None) -> list[dict]:
    """Open incivility follow-ups visible to `user`, per team: [{team, items, overdue}]."""
    now = now or timezone.now()
    rows = (
        FollowUp.objects.visible_to(user)
        .open()
        .select_related("team", "agent", "assignee", "incivility__kind")
        .order_by("team__name", "due_at")
    )
    teams: dict[str, dict] = {}
    for item in rows:
        name = item.team.name if item.team else _("Sans équipe")
        entry = teams.setdefault(name, {"team": name, "items": [], "overdue": 0})
        entry["items"].append(item)
        entry["overdue"] += item.due_at < now
    return list(teams.values())


def follow_up_reminders(user, now=None) -> dict:
    """Open follow-ups waiting for `user` (theirs or nobody's): {"open": n, "overdue": m}."""
    now = now or timezone.now()
    rows = FollowUp.objects.visible_to(user).open().filter(Q(assignee=user) | Q(assignee=None))
    return rows.aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
